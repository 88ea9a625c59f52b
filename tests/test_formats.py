"""Word, web, Markdown and text documents become the same blocks and passages as a PDF."""

from __future__ import annotations

import pytest

from svnlp.errors import CorruptPdfError, EmptyFileError
from svnlp.extract import extract
from svnlp.scan import find_documents
from svnlp.segment import segment_pages

EXPECTED_SECTION_1 = [
    ("heading", "Starting well"),
    ("sentence", "We will expand health visiting."),
    ("sentence", "Every family will be offered five visits."),
    ("bullet", "Family hubs in each town"),
]


@pytest.mark.parametrize("suffix", ["docx", "html", "md", "txt"])
def test_every_format_gives_the_same_passages(data, suffix):
    document = extract(data / "formats" / f"strategy.{suffix}")
    passages = [(p.kind, p.text) for p in segment_pages(document.pages) if p.page == 1]
    if suffix == "txt":  # plain text has no heading markup: a short line is a one-line paragraph
        assert [text for _, text in passages] == [text for _, text in EXPECTED_SECTION_1]
    else:
        assert passages[:4] == EXPECTED_SECTION_1
    assert [page.number for page in document.pages] == [1, 2]  # a section per top-level heading
    assert document.pages[1].text.startswith("Good work")
    assert document.metadata["format"] in ("docx", "html", "markdown", "text")


@pytest.mark.parametrize("suffix", ["docx", "html", "md"])
def test_tables_become_rows_of_cells(data, suffix):
    document = extract(data / "formats" / f"strategy.{suffix}")
    rows = [document.pages[0].text[b.start : b.end] for b in document.pages[0].blocks if b.kind == "table_row"]
    assert rows == ["Indicator | 2023", "Breastfeeding at 6-8 weeks | 48%"]


def test_web_page_scripts_and_menus_are_dropped_and_markup_in_text_stays_text(data):
    text = "\n".join(page.text for page in extract(data / "formats" / "strategy.html").pages)
    assert "tracking" not in text and "Home | Contact" not in text
    assert "<script>alert(1)</script> is shown as text." in text


def test_docx_metadata_names_the_author(data):
    assert extract(data / "formats" / "strategy.docx").metadata["Author"] == "NHS Eastvale CCG"


def test_broken_and_empty_files_of_other_formats_are_named_errors(tmp_path):
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(CorruptPdfError, match="broken.docx: cannot read this docx file"):
        extract(tmp_path / "broken.docx")
    (tmp_path / "empty.html").write_bytes(b"")
    with pytest.raises(EmptyFileError):
        extract(tmp_path / "empty.html")


def test_folders_give_pdf_word_and_web_files_but_not_notes(data):
    found = {p.name for p in find_documents([data / "formats"])}
    assert found == {"strategy.docx", "strategy.html"}
    named = find_documents([data / "formats" / "strategy.md"])
    assert [p.name for p in named] == ["strategy.md"]
