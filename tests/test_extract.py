"""Extraction: layout, cleaning and the bad files a batch must survive."""

from __future__ import annotations

import pytest

from svnlp.errors import (
    CorruptPdfError,
    EmptyFileError,
    EncryptedPdfError,
    ImageOnlyPdfError,
    NotAPdfError,
    TooLargeError,
)
from svnlp.extract import extract, normalise_text


@pytest.fixture(scope="module")
def two_column(data):
    return extract(data / "two_column.pdf")


def block_texts(page, kind):
    return [page.text[b.start : b.end] for b in page.blocks if b.kind == kind]


def test_columns_are_read_one_after_the_other(two_column):
    text = two_column.pages[0].text
    left_end = text.index("every contact counts.")
    right_start = text.index("Smoking remains the largest single cause of early death")
    assert left_end < right_start
    assert "We will change the way we commission services so that prevention comes first" in text


def test_line_end_hyphens_are_rejoined_but_real_hyphens_stay(two_column):
    text = two_column.pages[0].text
    assert "commission services" in text and "commis-" not in text
    assert "a long-term goal" in text


def test_running_header_footer_and_page_numbers_are_removed(two_column):
    for page in two_column.pages:
        assert "NHS Eastvale CCG | Test Strategy 2020" not in page.text
        assert f"Page {page.number}" not in page.text


def test_headings_and_bullets_are_blocks_of_their_own(two_column):
    page = two_column.pages[1]
    assert block_texts(page, "heading") == ["What we will do for a healthier Eastvale"]
    assert block_texts(page, "bullet") == [
        "• Give every child the best start in life",
        "• Create fair employment and good work",
    ]


def test_blocks_are_spans_of_the_page_text(two_column):
    for page in two_column.pages:
        assert "\n".join(page.text[b.start : b.end] for b in page.blocks) == page.text


def test_table_rows_keep_their_cells_apart(data):
    page = extract(data / "table.pdf").pages[0]
    assert "Smoking at time of delivery | 12.1% | 10.4%" in block_texts(page, "table_row")
    assert "The CCG's staff survey results improved this year." in page.text  # no-break space normalised


def test_pdf_metadata_is_kept(two_column):
    assert two_column.metadata["Author"] == "NHS Eastvale CCG"
    assert len(two_column.sha256) == 64


def test_partly_scanned_document_flags_its_image_only_page(data):
    document = extract(data / "partly_scanned.pdf")
    assert document.image_only_pages == [2]
    assert "NHS Health Checks" in document.pages[0].text


@pytest.mark.parametrize(
    ("name", "error", "words"),
    [
        ("zero-bytes.pdf", EmptyFileError, "empty file"),
        ("truncated.pdf", CorruptPdfError, "damaged or truncated"),
        ("random-bytes.pdf", CorruptPdfError, "damaged or truncated"),
        ("encrypted.pdf", EncryptedPdfError, "password"),
        ("picture.pdf", NotAPdfError, "PNG image"),
        ("error-page.pdf", NotAPdfError, "web page"),
        ("folder.pdf", NotAPdfError, "folder"),
        ("scanned.pdf", ImageOnlyPdfError, "needs OCR"),
    ],
)
def test_bad_files_raise_a_named_error(data, name, error, words):
    with pytest.raises(error) as raised:
        extract(data / "broken" / name)
    assert words in str(raised.value)
    assert str(data / "broken" / name) in str(raised.value)


def test_too_many_pages_is_refused(data):
    with pytest.raises(TooLargeError, match="3 pages, over the limit of 2"):
        extract(data / "two_column.pdf", max_pages=2)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\ufb01nance and e\ufb00ective", "finance and effective"),
        ("social\u00a0value\u2009weighting", "social value weighting"),
        ("\u201cgood work\u201d", '"good work"'),
        ("(cid:127) Living Wage", "\u2022 Living Wage"),
    ],
)
def test_normalise_text(raw, clean):
    assert normalise_text(raw) == clean


@pytest.fixture(scope="module")
def hard(data):
    return extract(data / "hard_cases.pdf")


def test_running_header_that_changes_with_the_chapter_is_removed(hard):
    for page in hard.pages:
        assert "Chapter" not in page.text


def test_page_n_of_m_footer_is_removed(hard):
    assert not any("of 4" in page.text for page in hard.pages)


def test_full_width_heading_then_columns_and_a_hyphen_across_the_column_break(hard):
    page = hard.pages[0]
    assert block_texts(page, "heading") == ["Giving every child the best start in life across Eastvale"]
    assert "we will change the way we commission services for families, starting with" in page.text


def test_table_cells_stay_in_row_order_and_out_of_the_body(hard):
    page = hard.pages[1]
    assert block_texts(page, "table_row") == [
        "Indicator | 2019 | 2023",
        "Breastfeeding at 6-8 weeks | 41% | 48%",
        "Smoking at time of delivery | 13% | 9%",
    ]


def test_bullets_with_different_glyphs_all_become_bullets(hard):
    assert block_texts(hard.pages[1], "bullet") == [
        "• Health visiting for every new family",
        "• Family hubs in each town",  # U+25AA, missing from the font: extracted as NUL
        "• Breastfeeding support at home",
        "• Stop smoking help in pregnancy",
    ]


def test_word_hyphenated_across_a_page_break_is_rejoined_on_its_first_page(hard):
    assert hard.pages[1].text.endswith("Above all we will prioritise prevention in every neighbourhood we serve.")
    assert hard.pages[2].text == "Adults deserve good work and a fair wage."


def test_a_contents_page_keeps_its_entries_apart():
    from pathlib import Path

    root = Path(__file__).parent.parent
    page = extract(root / "corpus" / "avonside-icb-joint-forward-plan-2023.pdf").pages[1]
    assert page.text.startswith("Contents\nForeword | 3\n")
    assert sum(block.kind == "table_row" for block in page.blocks) >= 10


def test_ocr_reads_a_scanned_page_when_asked(data):
    from svnlp.ocr import ocr_available

    if not ocr_available():
        pytest.skip("Tesseract is not installed (apt-get install tesseract-ocr); .ci/run installs it")
    with pytest.raises(ImageOnlyPdfError, match="scan with --ocr"):
        extract(data / "scanned_text.pdf")
    document = extract(data / "scanned_text.pdf", ocr=True)
    assert document.ocr_pages == [1]
    assert "We will expand stop smoking services in every practice by 2026." in document.pages[0].text
