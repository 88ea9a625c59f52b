"""Documents that are not PDFs: Word (.docx), web pages (.html, .htm), Markdown and text.

Each becomes the same `Document` a PDF does, made of headings, bullets, table rows and
paragraphs. These formats have no pages, so a document is divided into sections, one
per top-level heading (or form feed, for text), and a section's number stands where a
PDF's page number would.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import CorruptPdfError, DocumentError, NoTextError
from .records import BlockKind, Document, Page

SUFFIXES = {
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
}

Chunk = tuple[BlockKind, str]


def read_other(path: Path, sha256: str) -> Document:
    """Read a .docx, .html, .md or .txt file into sections of blocks."""
    from .extract import normalise_text

    kind = SUFFIXES[path.suffix.lower()]
    metadata = {"format": kind}
    try:
        sections = {"docx": _docx, "html": _html, "markdown": _markdown, "text": _text}[kind](path, metadata)
    except DocumentError:
        raise
    except Exception as error:  # python-docx, bs4 and markdown-it raise their own kinds on bad input
        raise CorruptPdfError(
            path, f"cannot read this {kind} file ({type(error).__name__}: {error}); check it opens"
        ) from error
    pages = []
    for number, chunks in enumerate((s for s in sections if s), start=1):
        cleaned = [(k, normalise_text(t)) for k, t in chunks]
        pages.append(_page(number, [(k, t) for k, t in cleaned if t]))
    if not any(page.text for page in pages):
        raise NoTextError(path, f"no text in this {kind} file; nothing to scan")
    return Document(path=path, sha256=sha256, pages=pages, metadata=metadata)


def _page(number: int, chunks: list[Chunk]) -> Page:
    from .extract import _page_text

    text, blocks = _page_text(chunks)
    return Page(number=number, text=text, blocks=tuple(blocks))


def _split_sections(chunks: list[tuple[BlockKind, str, bool]]) -> list[list[Chunk]]:
    """Start a new section at each top-level heading (the bool says whether a chunk is one)."""
    sections: list[list[Chunk]] = [[]]
    for kind, text, top_level in chunks:
        if top_level and sections[-1]:
            sections.append([])
        sections[-1].append((kind, text))
    return sections


def _docx(path: Path, metadata: dict[str, str]) -> list[list[Chunk]]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    properties = document.core_properties
    metadata.update({k: v for k, v in (("Author", properties.author), ("Title", properties.title)) if v})
    chunks: list[tuple[BlockKind, str, bool]] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = item.text.strip()
            if not text:
                continue
            style = (item.style.name if item.style is not None else "").lower()
            numbered = item._p.pPr is not None and item._p.pPr.numPr is not None
            if style.startswith("heading") or style == "title":
                level = int(re.sub(r"\D", "", style) or 1)
                chunks.append(("heading", text, level <= 1))
            elif "list" in style or numbered:
                chunks.append(("bullet", text, False))
            else:
                chunks.append(("paragraph", text, False))
        elif isinstance(item, Table):
            for row in item.rows:
                cells = list(dict.fromkeys(cell.text.strip() for cell in row.cells))  # merged cells repeat
                if any(cells):
                    chunks.append(("table_row", " | ".join(cells), False))
    return _split_sections(chunks)


_HTML_BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "tr", "blockquote", "dt", "dd", "caption")


def _html(path: Path, metadata: dict[str, str]) -> list[list[Chunk]]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_bytes(), "html.parser")
    if soup.title and soup.title.string:
        metadata["Title"] = soup.title.string.strip()
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "form", "svg", "template"]):
        tag.decompose()
    chunks: list[tuple[BlockKind, str, bool]] = []
    for element in (soup.body or soup).find_all(_HTML_BLOCKS):
        # A block inside another block (a <p> in an <li>) is read with its parent.
        if element.find_parent(_HTML_BLOCKS):
            continue
        if element.name == "tr":
            cells = [cell.get_text(" ", strip=True) for cell in element.find_all(["th", "td"])]
            if any(cells):
                chunks.append(("table_row", " | ".join(cells), False))
            continue
        text = element.get_text(" ", strip=True)
        if not text:
            continue
        if element.name[0] == "h" and element.name[1:].isdigit():
            chunks.append(("heading", text, element.name in ("h1", "h2")))
        elif element.name == "li":
            chunks.append(("bullet", text, False))
        else:
            chunks.append(("paragraph", text, False))
    if not chunks and soup.get_text(strip=True):
        chunks = [("paragraph", line, False) for line in soup.get_text("\n", strip=True).split("\n")]
    return _split_sections(chunks)


def _markdown(path: Path, metadata: dict[str, str]) -> list[list[Chunk]]:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(path.read_text(encoding="utf-8", errors="replace"))
    chunks: list[tuple[BlockKind, str, bool]] = []
    in_item = 0
    heading_level = 0
    row: list[str] | None = None
    for token in tokens:
        if token.type == "list_item_open":
            in_item += 1
        elif token.type == "list_item_close":
            in_item -= 1
        elif token.type == "heading_open":
            heading_level = int(token.tag[1])
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            if any(row):
                chunks.append(("table_row", " | ".join(row), False))
            row = None
        elif token.type == "inline":
            text = _inline_text(token)
            if row is not None:
                row.append(text)
            elif heading_level:
                chunks.append(("heading", text, heading_level <= 2))
                heading_level = 0
            elif text:
                chunks.append(("bullet" if in_item else "paragraph", text, False))
    return _split_sections(chunks)


def _inline_text(token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts).strip()


_TEXT_BULLET = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")


def _text(path: Path, metadata: dict[str, str]) -> list[list[Chunk]]:
    raw = path.read_text(encoding="utf-8", errors="replace")
    sections: list[list[Chunk]] = []
    for page in raw.split("\f"):
        chunks: list[Chunk] = []
        for paragraph in re.split(r"\n\s*\n", page):
            lines = [line.strip() for line in paragraph.strip().split("\n") if line.strip()]
            if lines and all(_TEXT_BULLET.match(line) for line in lines):
                chunks.extend(("bullet", _TEXT_BULLET.sub("", line)) for line in lines)
            elif lines:
                chunks.append(("paragraph", " ".join(lines)))
        sections.append(chunks)
    return sections
