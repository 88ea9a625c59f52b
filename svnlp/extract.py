"""Extract: PDF → cleaned text per page.

The layout logic (lines, columns, reading order, running headers and footers,
hyphenation, headings, bullets and table rows) works on positioned words, so any
backend that can list a page's words with their boxes gets the same cleaning. Two do:
pypdfium2 (the default: glyphs from PDFium, joined into words by `words_from_chars`)
and pdfplumber (its own words); `SVNLP_BACKEND` or `--backend` chooses. Word, web,
Markdown and text files are read by `svnlp.formats`.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from .errors import (
    CorruptPdfError,
    DocumentError,
    EmptyFileError,
    EncryptedPdfError,
    ImageOnlyPdfError,
    NotAPdfError,
    NoTextError,
    TooLargeError,
)
from .records import Block, BlockKind, Document, Page, Word

DEFAULT_MAX_PAGES = 2000
DEFAULT_BACKEND = os.environ.get("SVNLP_BACKEND", "pypdfium2")


# --------------------------------------------------------------------------- backends


@dataclass(slots=True)
class RawPage:
    """What a backend reports about one page: its size, its words and its images."""

    number: int
    width: float
    height: float
    words: list[Word]
    image_count: int = 0
    # Ruling lines, which mark table cells: (x, top, bottom) upright and (y, x0, x1) across.
    vertical_rules: list[tuple[float, float, float]] = field(default_factory=list)
    horizontal_rules: list[tuple[float, float, float]] = field(default_factory=list)


class RawPdf(Protocol):
    page_count: int
    metadata: dict[str, str]

    def iter_pages(self) -> Iterator[RawPage]: ...


class PdfBackend(Protocol):
    """Opens a PDF and lists each page's positioned words; raises DocumentError subclasses."""

    name: str

    def open(self, path: Path) -> AbstractContextManager[RawPdf]: ...


class _PdfplumberPdf:
    def __init__(self, pdf, path: Path):
        self._pdf = pdf
        self._path = path
        self.page_count = len(pdf.pages)
        self.metadata = {
            str(key): _clean_metadata_value(value)
            for key, value in (pdf.metadata or {}).items()
            if isinstance(value, (str, bytes))
        }

    def iter_pages(self) -> Iterator[RawPage]:
        for index, page in enumerate(self._pdf.pages, start=1):
            try:
                words = [
                    Word(
                        text=w["text"],
                        x0=float(w["x0"]),
                        x1=float(w["x1"]),
                        top=float(w["top"]),
                        bottom=float(w["bottom"]),
                        size=float(w.get("size") or 0.0),
                        fontname=str(w.get("fontname") or ""),
                    )
                    for w in page.extract_words(keep_blank_chars=False, extra_attrs=["size", "fontname"])
                    if w.get("upright", True)
                ]
                edges = page.edges
                raw = RawPage(
                    index,
                    float(page.width),
                    float(page.height),
                    words,
                    len(page.images),
                    vertical_rules=[
                        (float(e["x0"]), float(e["top"]), float(e["bottom"])) for e in edges if e["orientation"] == "v"
                    ],
                    horizontal_rules=[
                        (float(e["top"]), float(e["x0"]), float(e["x1"])) for e in edges if e["orientation"] == "h"
                    ],
                )
            except Exception as error:  # pdfminer raises many types on damaged content
                raise _wrap_pdf_error(self._path, error) from error
            finally:
                # Cached layout objects otherwise pile up: 417 MB → 53 MB peak on a long report.
                page.close()
            yield raw


class PdfplumberBackend:
    """The default backend: pdfplumber's words with font size and name."""

    name = "pdfplumber"

    @contextmanager
    def open(self, path: Path) -> Iterator[_PdfplumberPdf]:
        import pdfplumber

        try:
            pdf = pdfplumber.open(path)
        except Exception as error:
            raise _wrap_pdf_error(path, error) from error
        try:
            try:
                wrapped = _PdfplumberPdf(pdf, path)
            except Exception as error:
                raise _wrap_pdf_error(path, error) from error
            yield wrapped
        finally:
            pdf.close()


@dataclass(slots=True)
class Char:
    """One glyph with its baseline origin, as a character-level backend reports it."""

    text: str
    x0: float
    x1: float
    baseline: float  # from the top of the page
    size: float
    fontname: str = ""


def words_from_chars(chars: list[Char]) -> list[Word]:
    """Join glyphs (in content order) into words: a space, a gap or a new baseline ends a word."""
    words: list[Word] = []
    current: list[Char] = []

    def flush() -> None:
        if current:
            size = max(c.size for c in current)
            baseline = current[0].baseline
            words.append(
                Word(
                    text="".join(c.text for c in current),
                    x0=min(c.x0 for c in current),
                    x1=max(c.x1 for c in current),
                    # A box from the font size, so every word on a line gets the same top and bottom.
                    top=baseline - 0.8 * size,
                    bottom=baseline + 0.2 * size,
                    size=size,
                    fontname=current[0].fontname,
                )
            )
            current.clear()

    for char in chars:
        if not char.text.strip():
            flush()
            continue
        if current:
            last = current[-1]
            new_line = abs(char.baseline - last.baseline) > 0.3 * max(char.size, 1.0)
            gap = char.x0 - last.x1
            # Glyphs of a ligature share one box, so the next one may start well before the last ends.
            if new_line or gap > 0.25 * max(char.size, 1.0) or gap < -1.5 * max(char.size, 1.0):
                flush()
        current.append(char)
    flush()
    return words


class _PdfiumPdf:
    def __init__(self, pdf, path: Path):
        self._pdf = pdf
        self._path = path
        self.page_count = len(pdf)
        try:
            self.metadata = {k: _clean_metadata_value(v) for k, v in pdf.get_metadata_dict().items() if v}
        except Exception:  # metadata is a nicety; a damaged Info dictionary must not stop extraction
            self.metadata = {}

    def iter_pages(self) -> Iterator[RawPage]:
        import ctypes

        import pypdfium2.raw as pdfium_c

        font_buffer = ctypes.create_string_buffer(128)
        flags = ctypes.c_int()
        for index in range(self.page_count):
            try:
                page = self._pdf[index]
            except Exception as error:
                raise _wrap_pdf_error(self._path, error) from error
            try:
                width, height = page.get_size()
                textpage = page.get_textpage()
                chars: list[Char] = []
                box = pdfium_c.FS_RECTF()
                # One call per property per glyph is the cost of this backend, so bind them once.
                loose_box, font_size = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetFontSize
                font_info = pdfium_c.FPDFText_GetFontInfo
                fontname = ""
                try:
                    count = textpage.count_chars()
                    text = textpage.get_text_range(0, count) if count else ""
                    if len(text) != count:  # characters outside the BMP: fall back to one lookup each
                        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage, i)) for i in range(count))
                    word_start = True
                    for i, character in enumerate(text):
                        if character in "\ufffe\x02":
                            character = "-"  # pdfium's mark for a hyphen at the end of a line
                        elif not character.strip() or character == "\uffff":
                            chars.append(Char(" ", 0, 0, 0, 0))  # a space, a line break, or one pdfium inferred
                            word_start = True
                            continue
                        loose_box(textpage, i, box)
                        size = font_size(textpage, i)
                        if word_start:  # a word keeps one font; asking once a word saves most of the calls
                            font_info(textpage, i, font_buffer, 128, flags)
                            fontname = font_buffer.value.decode("latin-1", errors="replace")
                            word_start = False
                        # The loose box spans the font's ascent to descent: its bottom sits a fifth below the baseline.
                        baseline = height - box.bottom - 0.2 * (box.top - box.bottom)
                        chars.append(Char(character, box.left, box.right, baseline, float(size), fontname))
                finally:
                    textpage.close()
                vertical, horizontal, images = [], [], 0
                for obj in page.get_objects(max_depth=2):
                    if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                        images += 1
                    elif obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
                        left, bottom, right, top = obj.get_bounds()
                        top, bottom = height - top, height - bottom
                        if right - left <= 2 and bottom - top > 4:
                            vertical.append(((left + right) / 2, top, bottom))
                        elif bottom - top <= 2 and right - left > 4:
                            horizontal.append(((top + bottom) / 2, left, right))
                        elif right - left > 4 and bottom - top > 4:
                            # A rectangle (a table cell's border or fill): its four edges.
                            vertical += [(left, top, bottom), (right, top, bottom)]
                            horizontal += [(top, left, right), (bottom, left, right)]
                raw = RawPage(
                    index + 1,
                    float(width),
                    float(height),
                    words_from_chars(chars),
                    images,
                    vertical_rules=vertical,
                    horizontal_rules=horizontal,
                )
            except DocumentError:
                raise
            except Exception as error:
                raise _wrap_pdf_error(self._path, error) from error
            finally:
                page.close()
            yield raw


class PdfiumBackend:
    """The fast backend: pypdfium2 (PDFium, as in Chrome) for glyphs, fonts, pictures and rules."""

    name = "pypdfium2"

    @contextmanager
    def open(self, path: Path) -> Iterator[_PdfiumPdf]:
        import pypdfium2 as pdfium

        try:
            pdf = pdfium.PdfDocument(str(path))
        except Exception as error:
            message = str(error).lower()
            if "password" in message:
                raise EncryptedPdfError(
                    path, "encrypted: it needs a password; decrypt it (for example `qpdf --decrypt`) and scan again"
                ) from error
            raise _wrap_pdf_error(path, error) from error
        try:
            yield _PdfiumPdf(pdf, path)
        finally:
            pdf.close()


BACKENDS = {"pdfplumber": PdfplumberBackend, "pypdfium2": PdfiumBackend}


def get_backend(name: str | None = None) -> PdfBackend:
    """A backend by name; the default is the fastest one."""
    name = name or DEFAULT_BACKEND
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}; choose from {', '.join(BACKENDS)}")
    return BACKENDS[name]()


def _clean_metadata_value(value: str | bytes) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    return value.replace("\x00", "").strip()


def _wrap_pdf_error(path: Path, error: BaseException) -> DocumentError:
    if isinstance(error, DocumentError):
        return error
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = (
            current.__cause__
            or current.__context__
            or (current.args[0] if current.args and isinstance(current.args[0], BaseException) else None)
        )
    names = " ".join(type(e).__name__ for e in chain)
    if "Password" in names or "Encryption" in names:
        return EncryptedPdfError(
            path, "encrypted: it needs a password; decrypt it (for example `qpdf --decrypt`) and scan again"
        )
    detail = str(chain[-1]) or type(chain[-1]).__name__
    return CorruptPdfError(
        path,
        f"damaged or truncated PDF ({detail[:120]}); download it again or repair it (for example with qpdf)",
    )


# --------------------------------------------------------------------------- entry point


def extract(
    path: Path | str,
    backend: PdfBackend | None = None,
    *,
    max_pages: int = DEFAULT_MAX_PAGES,
    sha256: str | None = None,
    ocr: bool = False,
) -> Document:
    """Extract a document into cleaned pages; raise a DocumentError subclass saying why it cannot.

    PDFs go through the layout logic; .docx, .html, .md and .txt files are read by
    `svnlp.formats`, with sections standing for pages. `sha256` saves hashing the file
    again when the caller already has its hash.
    """
    from .formats import SUFFIXES, read_other

    path = Path(path)
    if path.suffix.lower() in SUFFIXES and path.is_file():
        if path.stat().st_size == 0:
            raise EmptyFileError(path, "empty file (0 bytes); download it again")
        return read_other(path, sha256 or file_sha256(path))
    _check_is_pdf(path)
    data_hash = sha256 or file_sha256(path)
    backend = backend or get_backend()
    with backend.open(path) as pdf:
        if pdf.page_count == 0:
            raise CorruptPdfError(path, "the PDF has no pages; download it again or repair it")
        if pdf.page_count > max_pages:
            raise TooLargeError(
                path, f"too large: {pdf.page_count} pages, over the limit of {max_pages}; raise --max-pages to scan it"
            )
        raw_pages, ocr_pages = [], []
        for raw in pdf.iter_pages():
            if ocr and raw.image_count and not any(w.text.strip() for w in raw.words):
                from .ocr import ocr_words

                raw.words = ocr_words(path, raw.number)
                ocr_pages.append(raw.number)
            raw_pages.append(_layout_page(raw))
        metadata = {**pdf.metadata, "format": "pdf"}
    pages = _clean_pages(raw_pages)
    if not any(page.text for page in pages):
        image_pages = sum(1 for page in pages if page.image_only)
        if image_pages:
            raise ImageOnlyPdfError(
                path,
                f"image-only: none of its {len(pages)} page(s) has a text layer; "
                "needs OCR: scan with --ocr (Tesseract), or run `ocrmypdf` on it first",
            )
        raise NoTextError(path, f"no text on any of its {len(pages)} page(s); nothing to scan")
    return Document(path=path, sha256=data_hash, pages=pages, metadata=metadata, ocr_pages=ocr_pages)


_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (perhaps a Word or Excel file)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file"),
)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check_is_pdf(path: Path) -> None:
    if path.is_dir():
        raise NotAPdfError(path, "a folder named like a PDF, not a file; rename it or scan the files inside it")
    if not path.exists():
        raise NotAPdfError(path, "no such file")
    size = path.stat().st_size
    if size == 0:
        raise EmptyFileError(path, "empty file (0 bytes); download it again")
    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        for signature, what in _SIGNATURES:
            if head.startswith(signature):
                raise NotAPdfError(path, f"not a PDF: it is {what}; convert it to PDF or remove it")
        lowered = head.lstrip().lower()
        if lowered.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")):
            raise NotAPdfError(
                path,
                "not a PDF: it is a web page (HTML), probably an error page saved by a download; download it again",
            )
        raise NotAPdfError(path, "not a PDF: no %PDF header; check the file's real type")


# --------------------------------------------------------------------------- page layout


@dataclass(slots=True)
class Line:
    """A line of words within one column, in reading order, with its box."""

    words: list[Word]
    column: int = 0  # 0 single/spanning, 1 left, 2 right
    region: int = 0  # index of the band of the page between spanning lines
    text: str = ""
    kind: BlockKind = "paragraph"
    top: float = 0.0
    bottom: float = 0.0
    x0: float = 0.0
    x1: float = 0.0
    size: float = 0.0
    bold: bool = False
    cells: list[list] = field(default_factory=list)  # [x0, text] per table cell

    def finish(self, cell_gap: float, vertical_rules: list[tuple[float, float, float]] = ()) -> Line:
        self.words.sort(key=lambda w: w.x0)
        self.top = min(w.top for w in self.words)
        self.bottom = max(w.bottom for w in self.words)
        self.x0 = self.words[0].x0
        self.x1 = max(w.x1 for w in self.words)
        self.size = statistics.median(w.size for w in self.words)
        self.bold = all(w.bold for w in self.words)
        middle = (self.top + self.bottom) / 2
        cells: list[list] = [[self.words[0].x0, [self.words[0].text]]]
        for previous, word in zip(self.words, self.words[1:]):
            ruled = any(
                previous.x1 - 0.5 <= x <= word.x0 + 0.5 and top <= middle <= bottom for x, top, bottom in vertical_rules
            )
            if ruled or word.x0 - previous.x1 > cell_gap:
                cells.append([word.x0, []])
            cells[-1][1].append(word.text)
        self.cells = [[x0, normalise_text(" ".join(texts))] for x0, texts in cells]
        self.text = " | ".join(text for _, text in self.cells)
        if len(cells) > 1:
            self.kind = "table_row"
        return self


@dataclass(slots=True)
class PageLayout:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    image_count: int = 0
    horizontal_rules: list[tuple[float, float, float]] = field(default_factory=list)


def _layout_page(raw: RawPage) -> PageLayout:
    layout = PageLayout(
        raw.number, raw.width, raw.height, image_count=raw.image_count, horizontal_rules=raw.horizontal_rules
    )
    words = [w for w in raw.words if w.text.strip()]
    if not words:
        return layout
    rows = _group_rows(words)
    gutter = _find_gutter(rows, raw.width, raw.vertical_rules)
    lines: list[Line] = []
    region = 0
    for row in rows:
        if gutter is None:
            lines.append(Line(row, column=0, region=region))
            continue
        gx0, gx1 = gutter
        # A word that only grazes the gutter (a table cell overflowing by a point or two) is not a bridge.
        if any(min(w.x1, gx1) - max(w.x0, gx0) > min(4.0, (gx1 - gx0) / 2) for w in row):
            region += 1
            lines.append(Line(row, column=0, region=region))
            region += 1
            continue
        middle = (gx0 + gx1) / 2
        left = [w for w in row if (w.x0 + w.x1) / 2 < middle]
        right = [w for w in row if (w.x0 + w.x1) / 2 >= middle]
        if left:
            lines.append(Line(left, column=1, region=region))
        if right:
            lines.append(Line(right, column=2, region=region))
    for line in lines:
        line.finish(2.0 * statistics.median(w.size for w in line.words), raw.vertical_rules)
        # The words are summed up in the line now; dropping them keeps a 1,000-page document small.
        line.words = []
    # Reading order: bands top to bottom; within a band the left column, then the right.
    lines.sort(key=lambda line: (line.region, line.column, line.top))
    layout.lines = lines
    return layout


def _group_rows(words: list[Word]) -> list[list[Word]]:
    """Group words into rows that share a baseline band (across columns)."""
    rows: list[list[Word]] = []
    bands: list[tuple[float, float]] = []
    for word in sorted(words, key=lambda w: (round(w.top, 1), w.x0)):
        centre = (word.top + word.bottom) / 2
        if bands:
            top, bottom = bands[-1]
            if top - 0.5 <= centre <= bottom + 0.5:
                rows[-1].append(word)
                bands[-1] = (min(top, word.top), max(bottom, word.bottom))
                continue
        rows.append([word])
        bands.append((word.top, word.bottom))
    return rows


def _find_gutter(
    rows: list[list[Word]], width: float, vertical_rules: list[tuple[float, float, float]] = ()
) -> tuple[float, float] | None:
    """Find the empty vertical strip between two columns, if the page has two."""
    if len(rows) < 6:
        return None
    lo, hi = int(width * 0.3), int(width * 0.7)
    coverage = [0] * (hi - lo + 1)
    for row in rows:
        for word in row:
            start, end = max(lo, math.floor(word.x0)), min(hi, math.ceil(word.x1))
            for x in range(start, end + 1):
                coverage[x - lo] += 1
    # A spanning title or table row may cross the gutter; columns' own lines never do.
    allowance = max(1, len(rows) // 10)
    best: tuple[int, int] | None = None
    run_start = None
    for i, count in enumerate(coverage + [allowance + 1]):
        if count <= allowance:
            if run_start is None:
                run_start = i
        elif run_start is not None:
            if best is None or i - run_start > best[1] - best[0]:
                best = (run_start, i)
            run_start = None
    if best is None or best[1] - best[0] < 6:
        return None
    gx0, gx1 = lo + best[0], lo + best[1]
    both_sides = sum(1 for row in rows if any(w.x1 <= gx0 for w in row) and any(w.x0 >= gx1 for w in row))
    if both_sides < 3:
        return None
    for x, top, bottom in vertical_rules:
        if not gx0 < x < gx1:
            continue
        # A rule in the gap with cell text hard against both its sides divides a table, not columns.
        beside = [w for row in rows for w in row if top <= w.top <= bottom]
        if any(0 <= w.x0 - x <= 10 for w in beside) and any(0 <= x - w.x1 <= 10 for w in beside):
            return None
    # Columns hold lines of prose; a table's narrow figure columns do not make a page two-column.
    for side in ([w for w in row if w.x1 <= gx0] for row in rows), ([w for w in row if w.x0 >= gx1] for row in rows):
        widths = [max(w.x1 for w in part) - min(w.x0 for w in part) for part in side if part]
        if len(widths) < 3 or statistics.median(widths) < 0.18 * width:
            return None
    return float(gx0), float(gx1)


# --------------------------------------------------------------------------- cleaning


_ODD_CHARACTERS = {
    "\u00ad": "",  # soft hyphen
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\ufeff": "",
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2212": "-",
}
_ODD_TABLE = str.maketrans(_ODD_CHARACTERS)
# Glyphs that are only ever bullets may touch the word after them; dashes and stars need a space.
_BULLET_GLYPHS = "•●▪◦‣■□○◆◇➢➤►▸»›✓✔"
_BULLET_RE = re.compile(rf"^\s*(?:[{re.escape(_BULLET_GLYPHS)}]\s*|[–—*·-]\s+)(?=\S)")
_NUMBERED_RE = re.compile(r"^\s*(\(?\d{1,2}[.)]|\(?[a-z][.)]|\([ivx]+\))\s+\S")
_PAGE_NUMBER_RE = re.compile(r"^(page\s*)?(\d{1,4}|[ivxlc]{1,6})(\s*(of|/)\s*\d{1,4})?$", re.IGNORECASE)
_TERMINAL = (".", "!", "?", ":", ";", '."', ".'", ".)")


# An unmapped glyph at the start of a line ("(cid:127)", NUL, U+FFFD, a Wingdings or Symbol
# private-use code point such as U+F0B7) is nearly always a bullet.
_CID_BULLET_RE = re.compile(r"^(?:\(cid:\d+\)|[\x00\ufffd\ue000-\uf8ff])\s*(?=\w)")
_CID_RE = re.compile(r"\(cid:\d+\)")


def normalise_text(text: str) -> str:
    """Normalise ligatures, odd spaces, quotes and dashes, and collapse runs of spaces."""
    text = _CID_RE.sub("", _CID_BULLET_RE.sub("• ", text))
    text = unicodedata.normalize("NFKC", text).translate(_ODD_TABLE)
    text = "".join(" " if unicodedata.category(ch) in ("Zs", "Cc") and ch != "\n" else ch for ch in text)
    return re.sub(r"[ \t]+", " ", text).strip()


def _running_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text.lower())).strip()


def _running_lines(layouts: list[PageLayout], body: float) -> set[tuple[int, int]]:
    """Return (page, line index) of running headers, footers and page numbers.

    A line at the top or bottom of a page is running when its text (digits ignored)
    recurs on many pages; when it is no larger than body text and recurs at the same
    height on two or more pages (a header that changes with the chapter); when it is a
    page number; or when it is smaller than body text and sits in the same slot as
    running lines on other pages (a chapter header seen on one page only).
    """
    candidates: list[tuple[int, int, str]] = []
    for p, layout in enumerate(layouts):
        if not layout.lines:
            continue
        by_top = sorted(range(len(layout.lines)), key=lambda i: layout.lines[i].top)
        top_zone = [i for i in by_top[:3] if layout.lines[i].bottom < layout.height * 0.13]
        bottom_zone = [i for i in by_top[-3:] if layout.lines[i].top > layout.height * 0.87]
        for i in dict.fromkeys(top_zone + bottom_zone):
            zone = "top" if i in top_zone else "bottom"
            candidates.append((p, i, zone + ":" + _running_key(layout.lines[i].text)))
    pages_with_text = sum(1 for layout in layouts if layout.lines)
    pages_of: dict[str, set[int]] = {}
    heights: dict[str, list[float]] = {}
    for p, i, key in candidates:
        pages_of.setdefault(key, set()).add(p)
        heights.setdefault(key, []).append(layouts[p].lines[i].top)
    # Alternate left/right-hand headers each appear on about half the pages.
    threshold = max(2, math.ceil(0.4 * pages_with_text))
    running: set[tuple[int, int]] = set()
    for p, i, key in candidates:
        line = layouts[p].lines[i]
        recurs = len(pages_of[key])
        same_height = recurs >= 2 and max(heights[key]) - min(heights[key]) <= 3.0 and line.size <= body + 0.5
        if recurs >= threshold or same_height or _PAGE_NUMBER_RE.match(line.text.strip()):
            running.add((p, i))
    small = [(p, i, key) for p, i, key in candidates if layouts[p].lines[i].size < body - 0.5]
    slots = Counter(_slot(layouts[p].lines[i], key) for p, i, key in small)
    for p, i, key in small:
        if slots[_slot(layouts[p].lines[i], key)] >= threshold:
            running.add((p, i))
    return running


def _slot(line: Line, key: str) -> tuple[str, int, int]:
    return key.split(":", 1)[0], round(line.top / 3), round(line.size)


def _body_size(layouts: list[PageLayout]) -> float:
    sizes: Counter[float] = Counter()
    for layout in layouts:
        for line in layout.lines:
            sizes[round(line.size, 1)] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


@lru_cache(maxsize=4096)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def _join_hyphenated(first: str, second: str, known_words: set[str]) -> str:
    """Rejoin a word split by a line-end hyphen, keeping hyphens that belong ("long-term")."""
    head = re.search(r"([A-Za-z]+)-$", first)
    tail = re.match(r"([a-z]+)", second)
    if not head or not tail:
        return first + " " + second
    a, b = head.group(1), tail.group(1)
    joined, hyphenated = (a + b).lower(), f"{a}-{b}".lower()
    if hyphenated in known_words:
        keep = True
    elif joined in known_words:
        keep = False
    else:
        za, zb, zj = _zipf(a.lower()), _zipf(b), _zipf(joined)
        # Two common words whose fusion is rare form a compound ("long-term", "self-management");
        # a fusion that is itself a common word ("cannot", "healthcare") was only split by the line end.
        # A short first piece ("in-", "co-", "re-") is a prefix: keep its hyphen only if the fusion is rare.
        short_prefix = len(a) <= 3 and zj >= 2.5
        keep = za >= 3.0 and zb >= 3.0 and zj < min(za, zb) - 1.0 and zj < 4.0 and not short_prefix
    return first + second if keep else first[:-1] + second


def _starts_item(text: str) -> bool:
    return bool(_BULLET_RE.match(text) or _NUMBERED_RE.match(text))


def _clean_pages(layouts: list[PageLayout]) -> list[Page]:
    body = _body_size(layouts)
    running = _running_lines(layouts, body)
    known_words: set[str] = set()
    for layout in layouts:
        for line in layout.lines:
            for token in line.text.lower().split():
                token = token.strip(".,;:()[]\"'")
                if token and not token.endswith("-"):
                    known_words.add(token)
    page_chunks: list[list[tuple[BlockKind, str]]] = []
    for p, layout in enumerate(layouts):
        lines = [line for i, line in enumerate(layout.lines) if (p, i) not in running]
        for line in lines:
            if line.kind == "paragraph" and (
                line.size >= body + 1.5 or (line.bold and len(line.text) < 90 and not line.text.endswith("."))
            ):
                line.kind = "heading"
            if line.kind == "paragraph" and _starts_item(line.text):
                line.kind = "bullet"
        page_chunks.append(_chunks(lines, body, known_words, layout.horizontal_rules))
    _join_across_pages(page_chunks, known_words)
    pages = []
    for layout, chunks in zip(layouts, page_chunks):
        text, blocks = _page_text(chunks)
        image_only = not text and layout.image_count > 0
        pages.append(Page(number=layout.number, text=text, blocks=tuple(blocks), image_only=image_only))
    return pages


def _join_across_pages(page_chunks: list[list[tuple[BlockKind, str]]], known_words: set[str]) -> None:
    """Carry a sentence or hyphenated word that runs over a page break back onto its first page."""
    for before, after in zip(page_chunks, page_chunks[1:]):
        if not before or not after:
            continue
        (kind, last), (next_kind, first) = before[-1], after[0]
        if kind not in ("paragraph", "bullet") or next_kind != "paragraph" or not first[:1].islower():
            continue
        # Only the end of the broken sentence moves; the rest of the paragraph stays on its page.
        end = re.search(r"[.!?;:](?=\s|$)", first)
        head, tail = (first[: end.end()], first[end.end() :].strip()) if end else (first, "")
        if last.endswith("-") and not last.endswith(" -"):
            before[-1] = (kind, _join_hyphenated(last, head, known_words))
        elif not last.endswith(_TERMINAL):
            before[-1] = (kind, last + " " + head)
        else:
            continue
        if tail:
            after[0] = (next_kind, tail)
        else:
            del after[0]


def _continues(anchor: Line, previous: Line, line: Line, gap_limit: float, column_right: float) -> bool:
    """Whether `line` carries on the block that `anchor` started and `previous` last extended."""
    if line.kind in ("bullet", "table_row") or anchor.kind == "table_row":
        return False
    if (anchor.kind == "heading") != (line.kind == "heading"):
        return False
    same_flow = previous.region == line.region and previous.column == line.column
    if not same_flow:
        # A sentence may run from the foot of one column to the head of the next.
        return not previous.text.endswith(_TERMINAL) and (line.text[:1].islower() or previous.text.endswith("-"))
    if abs(line.size - previous.size) > 1.0:
        return False
    if line.top - previous.bottom > gap_limit:
        return False
    if anchor.kind == "bullet" and line.x0 <= anchor.x0 + 1:
        # A bullet's continuation lines are usually indented past its marker; one that is not
        # still continues an unfinished sentence.
        return previous.text.endswith("-") or (not previous.text.endswith(_TERMINAL) and line.text[:1].islower())
    ends_short = previous.x1 < column_right - 0.15 * max(1.0, column_right - previous.x0)
    return not (ends_short and previous.text.endswith(_TERMINAL))


def _chunks(
    lines: list[Line],
    body: float,
    known_words: set[str],
    horizontal_rules: list[tuple[float, float, float]] = (),
) -> list[tuple[BlockKind, str]]:
    """Join a page's lines into headings, bullets, table rows and paragraphs, in reading order."""
    if not lines:
        return []
    gaps = [
        b.top - a.bottom
        for a, b in zip(lines, lines[1:])
        if a.region == b.region and a.column == b.column and abs(a.size - body) < 0.6 and b.top > a.bottom - 1
    ]
    usual_gap = statistics.median(gaps) if gaps else body * 0.3
    gap_limit = max(usual_gap * 1.6, usual_gap + 0.35 * body)
    right_edges: dict[tuple[int, int], float] = {}
    for line in lines:
        key = (line.region, line.column)
        right_edges[key] = max(right_edges.get(key, 0.0), line.x1)

    chunks: list[tuple[BlockKind, str]] = []
    anchor: Line | None = None
    previous: Line | None = None
    row: list[list] = []  # the open table row's cells, [x0, text]
    for line in lines:
        text = line.text
        if line.kind == "bullet":
            text = _BULLET_RE.sub("\u2022 ", text)
        if anchor is not None and anchor.kind == "table_row" and previous is not None:
            if _continues_row(row, previous, line, gap_limit, horizontal_rules):
                for x0, cell in line.cells:
                    target = max((c for c in row if c[0] <= x0 + 3), key=lambda c: c[0], default=row[0])
                    target[1] = f"{target[1]} {cell}".strip()
                chunks[-1] = ("table_row", " | ".join(cell for _, cell in row))
                previous = line
                continue
        column_right = right_edges[(previous.region, previous.column)] if previous else 0.0
        if anchor is not None and previous is not None and _continues(anchor, previous, line, gap_limit, column_right):
            kind, so_far = chunks[-1]
            if so_far.endswith("-") and not so_far.endswith(" -"):
                chunks[-1] = (kind, _join_hyphenated(so_far, text, known_words))
            else:
                chunks[-1] = (kind, so_far + " " + text)
        else:
            chunks.append((line.kind, text))
            anchor = line
            row = [list(cell) for cell in line.cells] if line.kind == "table_row" else []
        previous = line
    return chunks


def _continues_row(
    row: list[list], previous: Line, line: Line, gap_limit: float, horizontal_rules: list[tuple[float, float, float]]
) -> bool:
    """Whether `line` is the wrapped second line of the table row above it, not a new row."""
    if not row or previous.region != line.region or previous.column != line.column:
        return False
    if line.top - previous.bottom > gap_limit or len(line.cells) > len(row):
        return False
    starts = [x0 for x0, _ in row]
    if not all(starts[0] - 3 <= x0 for x0, _ in line.cells):
        return False
    ruled_rows = [
        y
        for y, x0, x1 in horizontal_rules
        if x0 <= line.x0 + 1 and x1 >= line.x0 and previous.top - 40 <= y <= line.bottom + 40
    ]
    if ruled_rows:
        # A ruled table: a rule between the two lines starts a new row.
        return not any(previous.bottom - 1 <= y <= line.top + 1 for y in ruled_rows)
    # An unruled table: a new row fills its first cell; a wrapped line often leaves it empty.
    return len(line.cells) < len(row) and line.cells[0][0] > starts[0] + 3


def _page_text(chunks: list[tuple[BlockKind, str]]) -> tuple[str, list[Block]]:
    """One block a line: the page's text and where each block sits in it."""
    parts: list[str] = []
    blocks: list[Block] = []
    offset = 0
    for kind, chunk in chunks:
        chunk = chunk.strip()
        if not chunk:
            continue
        if parts:
            offset += 1  # the newline between blocks
        blocks.append(Block(kind, offset, offset + len(chunk)))
        parts.append(chunk)
        offset += len(chunk)
    return "\n".join(parts), blocks
