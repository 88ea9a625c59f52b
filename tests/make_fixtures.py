"""Make the small PDFs the tests use: `python tests/make_fixtures.py` rewrites tests/data/.

Each fixture is drawn line by line with reportlab's canvas, so the tests know exactly
where every word sits: two columns, running headers and footers, a word hyphenated
across a line end, a real hyphen that falls at a line end, bullets, a heading, a
table row, ligatures, and the broken files a batch must survive.
"""

from __future__ import annotations

import io
import random
import shutil
from pathlib import Path

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

# Vera ships with reportlab and has the bullet glyph that the standard fonts map oddly.
pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
pdfmetrics.registerFont(TTFont("VeraBd", "VeraBd.ttf"))

DATA = Path(__file__).parent / "data"
WIDTH, HEIGHT = A4
LEADING = 13.0


def _header_footer(pdf: canvas.Canvas, page: int, title: str = "NHS Eastvale CCG | Test Strategy 2020") -> None:
    pdf.setFont("Vera", 8)
    pdf.drawString(50, HEIGHT - 30, title)
    pdf.drawRightString(WIDTH - 50, 30, f"Page {page}")


def _lines(pdf: canvas.Canvas, x: float, y: float, lines: list[str], font: str = "Vera", size: float = 10) -> float:
    pdf.setFont(font, size)
    for line in lines:
        pdf.drawString(x, y, line)
        y -= LEADING
    return y


TWO_COLUMN_LEFT = [
    "Our commissioning plans for the next",
    "five years set out how we will improve",
    "the health of everyone in Eastvale. We",
    "will change the way we commis-",
    "sion services so that prevention comes",
    "first and every contact counts.",
]
TWO_COLUMN_LEFT_2 = [
    "The plan also sets a long-",
    "term goal for the health of children",
    "and families in the poorest wards.",
]
TWO_COLUMN_RIGHT = [
    "Smoking remains the largest single",
    "cause of early death in the borough.",
    "We will expand stop smoking support in",
    "every practice by 2023.",
]
BULLETS = [
    "\u2022 Give every child the best start in life",
    "\u2022 Create fair employment and good work",
]


def make_two_column(path: Path) -> None:
    """Three pages of two-column text with a spanning heading and running header and footer."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    pdf.setTitle("Eastvale Test Strategy")
    pdf.setAuthor("NHS Eastvale CCG")
    for page in range(1, 4):
        _header_footer(pdf, page)
        pdf.setFont("VeraBd", 16)
        heading = ("Our priorities", "What we will do", "How we will know")[page - 1]
        pdf.drawString(50, HEIGHT - 80, f"{heading} for a healthier Eastvale")
        y = _lines(pdf, 50, HEIGHT - 120, TWO_COLUMN_LEFT)
        y = _lines(pdf, 50, y - 8, TWO_COLUMN_LEFT_2)
        y = _lines(pdf, 60, y - 8, BULLETS)
        _lines(pdf, 315, HEIGHT - 120, TWO_COLUMN_RIGHT + TWO_COLUMN_RIGHT[:2] + ["That is why it matters."])
        pdf.showPage()
    pdf.save()


def make_table_and_ligatures(path: Path) -> None:
    """One column with a heading, a table row and ligature characters (needs a TTF with ligatures)."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for page in range(1, 3):
        _header_footer(pdf, page, title="Eastvale Annual Report 2021")
        pdf.setFont("VeraBd", 14)
        pdf.drawString(50, HEIGHT - 80, "Performance indicators")
        pdf.setFont("Vera", 10)
        y = HEIGHT - 110
        for row in (("Indicator", "2019", "2021"), ("Smoking at time of delivery", "12.1%", "10.4%")):
            pdf.drawString(50, y, row[0])
            pdf.drawString(300, y, row[1])
            pdf.drawString(400, y, row[2])
            y -= LEADING
        pdf.drawString(50, y - 10, "The CCG's staff\u00a0survey results improved this year.")
        pdf.showPage()
    pdf.save()


HARD_LEFT = [
    "Most of what shapes health happens",
    "outside the surgery. This chapter",
    "sets out how we will change the way",
    "we commis-",
]
HARD_RIGHT = [
    "sion services for families, starting",
    "with the first thousand days of life.",
]
HARD_BULLETS = [
    "\u2022 Health visiting for every new family",
    "\u25aa Family hubs in each town",
    "\u00bb Breastfeeding support at home",
    "\u2013 Stop smoking help in pregnancy",
]


def make_hard_cases(path: Path) -> None:
    """The layouts that break naive extraction, one per page.

    Page 1: a full-width heading over two columns, a word hyphenated across the column break.
    Page 2: one column, a table between paragraphs, bullets with four different glyphs, and a
    word hyphenated across the page break. Pages 3-4: the continuation, new chapters.
    Every page: a running header that changes with the chapter and a "Page N of 4" footer.
    """
    chapters = [
        "Chapter 1: Starting well",
        "Chapter 1: Starting well",
        "Chapter 2: Living well",
        "Chapter 3: Ageing well",
    ]
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for page, chapter in enumerate(chapters, start=1):
        pdf.setFont("Vera", 8)
        pdf.drawString(50, HEIGHT - 30, chapter)
        pdf.drawCentredString(WIDTH / 2, 30, f"Page {page} of {len(chapters)}")
        if page == 1:
            pdf.setFont("VeraBd", 16)
            pdf.drawString(50, HEIGHT - 80, "Giving every child the best start in life across Eastvale")
            _lines(pdf, 50, HEIGHT - 120, HARD_LEFT)
            _lines(pdf, 315, HEIGHT - 120, HARD_RIGHT)
        elif page == 2:
            y = _lines(pdf, 50, HEIGHT - 80, ["The table shows how far we have come."])
            pdf.setFont("Vera", 9)
            y -= 6
            for row in (
                ("Indicator", "2019", "2023"),
                ("Breastfeeding at 6-8 weeks", "41%", "48%"),
                ("Smoking at time of delivery", "13%", "9%"),
            ):
                pdf.drawString(50, y, row[0])
                pdf.drawString(320, y, row[1])
                pdf.drawString(420, y, row[2])
                y -= LEADING
            y = _lines(pdf, 50, y - 10, ["Our offer to families includes:"])
            y = _lines(pdf, 60, y - 4, HARD_BULLETS)
            _lines(pdf, 50, 80, ["Above all we will prioritise preven-"])
        elif page == 3:
            _lines(
                pdf,
                50,
                HEIGHT - 80,
                ["tion in every neighbourhood we serve.", "Adults deserve good work and a fair wage."],
            )
        else:
            _lines(pdf, 50, HEIGHT - 80, ["Older people should not be lonely or cold at home."])
        pdf.showPage()
    pdf.save()


def _noise_png(width: int = 200, height: int = 120) -> bytes:
    rng = random.Random(7)
    image = Image.new("RGB", (width, height))
    image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(width * height)])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def make_image_only(path: Path, pages: int = 2) -> None:
    """A 'scanned' PDF: every page a picture, no text layer."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    reader = ImageReader(io.BytesIO(_noise_png()))
    for _ in range(pages):
        pdf.drawImage(reader, 50, 300, width=495, height=300)
        pdf.showPage()
    pdf.save()


def make_partly_scanned(path: Path) -> None:
    """Text on page 1, a picture only on page 2."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    _lines(pdf, 50, HEIGHT - 80, ["NHS Eastvale CCG will expand NHS Health Checks in every practice."])
    pdf.showPage()
    pdf.drawImage(ImageReader(io.BytesIO(_noise_png())), 50, 300, width=495, height=300)
    pdf.showPage()
    pdf.save()


def make_scanned_text(path: Path) -> None:
    """A 'scanned' page that shows readable text: a picture of words, for the OCR test."""
    from PIL import ImageDraw, ImageFont

    image = Image.new("L", (1700, 700), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=52)
    lines = ["Our prevention plan", "We will expand stop smoking services", "in every practice by 2026."]
    for n, line in enumerate(lines):
        draw.text((60, 60 + n * 110), line, fill=0, font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    pdf.drawImage(ImageReader(buffer), 30, 500, width=WIDTH - 60, height=(WIDTH - 60) * 700 / 1700)
    pdf.showPage()
    pdf.save()


def make_broken(folder: Path, good_pdf: Path) -> None:
    """The files a batch must report and survive."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "zero-bytes.pdf").write_bytes(b"")
    data = good_pdf.read_bytes()
    (folder / "truncated.pdf").write_bytes(data[: len(data) // 3])
    (folder / "random-bytes.pdf").write_bytes(b"%PDF-1.4\n" + random.Random(3).randbytes(4000))
    (folder / "picture.pdf").write_bytes(_noise_png(20, 20))
    (folder / "error-page.pdf").write_text(
        "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body>Not found</body></html>\n"
    )
    (folder / "folder.pdf").mkdir(exist_ok=True)
    (folder / "folder.pdf" / "README.txt").write_text("A folder whose name ends in .pdf.\n")
    from reportlab.lib.pdfencrypt import StandardEncryption

    encrypted = canvas.Canvas(
        str(folder / "encrypted.pdf"), pagesize=A4, invariant=1, encrypt=StandardEncryption("secret", canPrint=0)
    )
    encrypted.drawString(50, 700, "This text is behind a password.")
    encrypted.showPage()
    encrypted.save()
    make_image_only(folder / "scanned.pdf")


def make_other_formats(folder: Path) -> None:
    """The same short strategy as a Word file, a web page, Markdown and plain text."""
    import docx

    folder.mkdir(parents=True, exist_ok=True)
    word = docx.Document()
    word.core_properties.author = "NHS Eastvale CCG"
    word.add_heading("Starting well", level=1)
    word.add_paragraph("We will expand health visiting. Every family will be offered five visits.")
    word.add_paragraph("Family hubs in each town", style="List Bullet")
    table = word.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, (("Indicator", "2023"), ("Breastfeeding at 6-8 weeks", "48%"))):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    word.add_heading("Good work", level=1)
    word.add_paragraph("We will pay the real Living Wage to everyone who works on our contracts.")
    word.core_properties.created = __import__("datetime").datetime(2025, 1, 1)
    word.save(folder / "strategy.docx")
    (folder / "strategy.html").write_text(
        "<!DOCTYPE html><html><head><title>Eastvale strategy</title><script>var tracking = 1;</script></head>"
        "<body><nav>Home | Contact</nav><h1>Starting well</h1><p>We will expand health visiting. "
        "Every family will be offered five visits.</p><ul><li>Family hubs in each town</li></ul>"
        "<table><tr><th>Indicator</th><th>2023</th></tr>"
        "<tr><td>Breastfeeding at 6-8 weeks</td><td>48%</td></tr></table>"
        "<h1>Good work</h1><p>We will pay the real Living Wage to everyone who works on our contracts.</p>"
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; is shown as text.</p></body></html>\n"
    )
    (folder / "strategy.md").write_text(
        "# Starting well\n\nWe will expand **health visiting**. Every family will be offered five visits.\n\n"
        "- Family hubs in each town\n\n| Indicator | 2023 |\n|---|---|\n| Breastfeeding at 6-8 weeks | 48% |\n\n"
        "# Good work\n\nWe will pay the [real Living Wage](https://example.org) "
        "to everyone who works on our contracts.\n"
    )
    (folder / "strategy.txt").write_text(
        "Starting well\n\nWe will expand health visiting. Every family will be offered five visits.\n\n"
        "- Family hubs in each town\n\f"
        "Good work\n\nWe will pay the real Living Wage to everyone who works on our contracts.\n"
    )


def main() -> None:
    if DATA.exists():
        shutil.rmtree(DATA)
    DATA.mkdir(parents=True)
    make_two_column(DATA / "two_column.pdf")
    make_table_and_ligatures(DATA / "table.pdf")
    make_hard_cases(DATA / "hard_cases.pdf")
    make_partly_scanned(DATA / "partly_scanned.pdf")
    make_scanned_text(DATA / "scanned_text.pdf")
    make_broken(DATA / "broken", DATA / "two_column.pdf")
    make_other_formats(DATA / "formats")
    print(f"wrote fixtures to {DATA}")


if __name__ == "__main__":
    main()
