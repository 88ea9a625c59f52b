"""Segmentation: passages are sentences, bullets, headings or table rows, located exactly."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from svnlp.extract import extract
from svnlp.records import Block, Page
from svnlp.segment import MAX_WORDS, segment_pages


def test_passages_slice_back_to_their_text(data):
    document = extract(data / "two_column.pdf")
    pages = {page.number: page for page in document.pages}
    passages = segment_pages(document.pages)
    assert passages
    for passage in passages:
        assert pages[passage.page].text[passage.start : passage.end] == passage.text


def test_heading_is_never_glued_to_the_text_after_it(data):
    passages = segment_pages(extract(data / "two_column.pdf").pages)
    headings = [p for p in passages if p.kind == "heading"]
    assert [h.text for h in headings][:2] == [
        "Our priorities for a healthier Eastvale",
        "What we will do for a healthier Eastvale",
    ]
    following = passages[passages.index(headings[0]) + 1]
    assert following.text.startswith("Our commissioning plans")


def test_bullets_are_passages_without_their_marker(data):
    passages = segment_pages(extract(data / "two_column.pdf").pages)
    bullets = [p.text for p in passages if p.kind == "bullet" and p.page == 1]
    assert bullets == ["Give every child the best start in life", "Create fair employment and good work"]


def test_paragraph_splits_into_sentences_but_not_at_abbreviations():
    text = "We will act now, e.g. on smoking in pregnancy. Rates fell to 9.8% in 2023. Dr. Lee leads it."
    page = Page(1, text, (Block("paragraph", 0, len(text)),))
    assert [p.text for p in segment_pages([page])] == [
        "We will act now, e.g. on smoking in pregnancy.",
        "Rates fell to 9.8% in 2023.",
        "Dr. Lee leads it.",
    ]


def test_run_on_sentence_is_split_at_semicolons():
    clause = "we will expand the stop smoking service across every practice in the borough"
    text = "; ".join([clause] * 8) + "."
    page = Page(1, text, (Block("paragraph", 0, len(text)),))
    passages = segment_pages([page])
    assert len(passages) > 1
    assert all(len(p.text.split()) <= MAX_WORDS for p in passages)


def test_plain_text_pages_are_split_by_line():
    page = Page(3, "Starting well\nWe will pay the real Living Wage. We will buy locally.")
    assert [(p.page, p.text) for p in segment_pages([page])] == [
        (3, "Starting well"),
        (3, "We will pay the real Living Wage."),
        (3, "We will buy locally."),
    ]


words = st.sampled_from(["health", "value", "Marmot", "e.g.", "work;", "homes.", "2023.", "(see", "p.", "4)", "•", "A"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(words, min_size=1, max_size=30).map(" ".join), min_size=1, max_size=6))
def test_offsets_always_slice_back(lines):
    text = "\n".join(lines)
    blocks, offset = [], 0
    for line in lines:
        blocks.append(Block("paragraph", offset, offset + len(line)))
        offset += len(line) + 1
    page = Page(1, text, tuple(blocks))
    for passage in segment_pages([page]):
        assert text[passage.start : passage.end] == passage.text
        assert passage.text.strip() == passage.text
