"""Segment: pages → passages (sentences, bullets, headings, table rows) with offsets.

Extraction has already told headings, bullets and table rows apart, so each of those is
one passage. Paragraphs go through spaCy's rule-based sentencizer (`spacy.blank("en")`:
no trained pipeline, nothing to download), then through two rules of ours: a fragment
too short to stand alone joins the sentence before it, and a run-on sentence over
`MAX_WORDS` words is split at semicolons.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from .records import Block, Page, Passage

MAX_WORDS = 80
_MIN_CHARS = 12
_HAS_LETTER = re.compile(r"[A-Za-z]")


@lru_cache(maxsize=1)
def sentence_splitter():
    """The spaCy pipeline that splits paragraphs into sentences (made once per process)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def segment_pages(pages: Iterable[Page]) -> list[Passage]:
    """Split pages into passages; each keeps its page number and offsets into the page text."""
    # Items in page order: a finished passage, or the index of a paragraph still to split.
    items: list[Passage | int] = []
    paragraphs: list[tuple[Page, Block]] = []
    for page in pages:
        for block in page.blocks or _blocks_from_lines(page.text):
            if block.kind == "paragraph":
                items.append(len(paragraphs))
                paragraphs.append((page, block))
            elif passage := _passage(page, block.start, block.end, block.kind):
                items.append(passage)
    texts = (page.text[block.start : block.end] for page, block in paragraphs)
    sentences: list[list[Passage]] = []
    for (page, block), doc in zip(paragraphs, sentence_splitter().pipe(texts, batch_size=256)):
        spans = [(block.start + sent.start_char, block.start + sent.end_char) for sent in doc.sents]
        found = (_passage(page, start, end, "sentence") for start, end in _apply_rules(page.text, spans))
        sentences.append([passage for passage in found if passage])
    passages: list[Passage] = []
    for item in items:
        if isinstance(item, int):
            passages.extend(sentences[item])
        else:
            passages.append(item)
    return passages


def _blocks_from_lines(text: str) -> Iterator[Block]:
    """Treat each line of plain text as a paragraph (for pages made without layout)."""
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            yield Block("paragraph", offset, offset + len(line))
        offset += len(line) + 1


def _apply_rules(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        piece = text[start:end].strip()
        if merged and (len(piece) < _MIN_CHARS or not _HAS_LETTER.search(piece) or piece[:1].islower()):
            # "e.g. 10." or "(see page 4)." broken off by a full stop: part of the sentence before.
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    result: list[tuple[int, int]] = []
    for start, end in merged:
        if len(text[start:end].split()) <= MAX_WORDS:
            result.append((start, end))
            continue
        piece_start = start
        for match in re.finditer(r";\s+", text[start:end]):
            cut = start + match.end()
            if len(text[piece_start:cut].split()) >= 8:
                result.append((piece_start, cut))
                piece_start = cut
        result.append((piece_start, end))
    return result


def _passage(page: Page, start: int, end: int, kind) -> Passage | None:
    raw = page.text[start:end]
    if kind == "bullet":
        # The marker is layout, not content: "• Give every child..." → "Give every child...".
        raw = re.sub(r"^\s*\u2022\s*", lambda m: " " * len(m.group()), raw)
    stripped = raw.strip()
    if not stripped or not _HAS_LETTER.search(stripped):
        return None
    start += len(raw) - len(raw.lstrip())
    end = start + len(stripped)
    return Passage(page=page.number, start=start, end=end, text=stripped, kind=kind)
