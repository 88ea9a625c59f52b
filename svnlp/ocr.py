"""OCR of image-only pages with Tesseract, off by default (`--ocr`).

A page with pictures and no text layer is rendered with PDFium and read by Tesseract
(`apt-get install tesseract-ocr`; the `pytesseract` package). Its words come back with
their boxes, so they go through the same layout logic as any other page's words.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .errors import DocumentError
from .records import Word

DPI = 300
MIN_CONFIDENCE = 40


class OcrUnavailableError(DocumentError):
    reason = "ocr-unavailable"


def ocr_available() -> bool:
    """Whether Tesseract and pytesseract are both installed."""
    try:
        import pytesseract  # noqa: F401
    except ImportError:
        return False
    return shutil.which("tesseract") is not None


def ocr_words(path: Path, page_number: int, language: str = "eng") -> list[Word]:
    """The words Tesseract reads on one page, with boxes in PDF points from the page's top left."""
    if not ocr_available():
        raise OcrUnavailableError(
            path, "OCR needs Tesseract: apt-get install tesseract-ocr, and pip install pytesseract"
        )
    import pypdfium2 as pdfium
    import pytesseract

    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[page_number - 1]
        scale = DPI / 72
        image = page.render(scale=scale).to_pil()
        page.close()
    finally:
        pdf.close()
    data = pytesseract.image_to_data(image, lang=language, output_type=pytesseract.Output.DICT)
    found = []
    for text, conf, left, top, width, height in zip(
        data["text"], data["conf"], data["left"], data["top"], data["width"], data["height"]
    ):
        if not str(text).strip() or float(conf) < MIN_CONFIDENCE:
            continue
        found.append((str(text), left / scale, (left + width) / scale, top / scale, height / scale))
    if not found:
        return []
    heights = sorted(h for *_, h in found)
    usual = heights[len(heights) // 2]
    words = []
    for text, x0, x1, top, height in found:
        # Box heights vary with the letters ("we" against "Health"); only clearly taller text is bigger.
        size = round((height if height > 1.4 * usual else usual) / 0.75, 1)
        words.append(Word(text=text, x0=x0, x1=x1, top=top, bottom=top + max(height, usual), size=size))
    return words
