"""Build the sample corpus: corpus/src/*.md → corpus/*.pdf, corpus/truth/*.txt, corpus/manifest.csv.

    python scripts/make_corpus.py

The source files are fictional documents in a small Markdown subset (front matter, "#"
headings, paragraphs, "- " bullets, "1. " items, pipe tables, [pagebreak], [image]).
Two PDF producers typeset them, so the extractor is not tuned to one: reportlab
(justified, hyphenated text in one or two columns, running header and footer) and
fpdf2 (one column, ragged right). The truth file holds the body text in reading order
without running headers, footers or page numbers: what extraction should give back.
Output is reproducible: fixed dates in the PDF metadata and seeded pictures.
"""

from __future__ import annotations

import csv
import io
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SOURCE = CORPUS / "src"
FIXED_DATE = "D:20250101000000+00'00'"
# Which producer sets each document; everything else is reportlab.
BULLET_GLYPHS = ("\u2022", "\u2013", "\u00bb", "\u25aa")
FPDF_DOCUMENTS = {
    "wendle-ccg-operational-plan-2020",
    "northmoor-ccg-annual-report-2021",
    "kelbridge-ccg-annual-report-2021",
    "tollerton-ccg-operational-plan-2020",
}


@dataclass
class Element:
    kind: str  # heading1, heading2, paragraph, bullet, numbered, table, pagebreak, image
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class SourceDocument:
    name: str
    meta: dict[str, str]
    elements: list[Element]


def parse_source(path: Path) -> SourceDocument:
    """Read one source file: front matter between '---' lines, then the body."""
    text = path.read_text(encoding="utf-8")
    match = re.match(r"---\n(.*?)\n---\n(.*)", text, re.DOTALL)
    if not match:
        raise SystemExit(f"{path}: no front matter between '---' lines")
    meta = {}
    for line in match.group(1).splitlines():
        key, _, value = line.partition(":")
        meta[key.strip()] = value.strip()
    elements: list[Element] = []
    table: list[list[str]] | None = None
    for line in match.group(2).splitlines():
        line = line.rstrip()
        if line.startswith("|"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            if all(re.fullmatch(r":?-+:?", cell) for cell in cells):
                continue
            if table is None:
                table = []
                elements.append(Element("table", rows=table))
            table.append(cells)
            continue
        table = None
        if not line.strip():
            continue
        if line.startswith("## "):
            elements.append(Element("heading2", line[3:].strip()))
        elif line.startswith("# "):
            elements.append(Element("heading1", line[2:].strip()))
        elif line.startswith("- "):
            elements.append(Element("bullet", line[2:].strip()))
        elif re.match(r"\d+\. ", line):
            elements.append(Element("numbered", line.strip()))
        elif line.strip() == "[pagebreak]":
            elements.append(Element("pagebreak"))
        elif line.strip() == "[image]":
            elements.append(Element("image"))
        elif line.startswith("^ "):
            elements.append(Element("footnote", line[2:].strip()))
        else:
            elements.append(Element("paragraph", line.strip()))
    return SourceDocument(path.stem, meta, elements)


def cover_lines(doc: SourceDocument) -> list[str]:
    lines = [doc.meta["organisation"], doc.meta["title"]]
    if doc.meta.get("subtitle"):
        lines.append(doc.meta["subtitle"])
    lines.append(f"Published {doc.meta['year']}")
    return lines


def truth_text(doc: SourceDocument, contents: list[str] | None = None) -> str:
    """The body in reading order, one block a line, as extraction should return it."""
    lines = cover_lines(doc) + (contents or [])
    for element in doc.elements:
        if element.kind in ("heading1", "heading2", "paragraph", "numbered", "footnote"):
            lines.append(element.text)
        elif element.kind == "bullet":
            lines.append("• " + element.text)
        elif element.kind == "table":
            lines.extend(" | ".join(row) for row in element.rows)
    return "\n".join(lines) + "\n"


def photograph_png(seed: int, width: int = 480, height: int = 640) -> bytes:
    """A smooth, seeded 'photograph' (gradients and blobs), so the page has an image and no text."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    image = Image.new(
        "RGB", (width, height), (rng.randrange(120, 200), rng.randrange(150, 210), rng.randrange(160, 230))
    )
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(20, 120)
        colour = (rng.randrange(40, 220), rng.randrange(80, 200), rng.randrange(40, 160))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(6))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


# --------------------------------------------------------------------------- reportlab


def build_reportlab(doc: SourceDocument, out: Path) -> list[str]:
    """Typeset with reportlab; a "Page N of M" footer needs one pass to count the pages first."""
    total, contents = None, None
    if doc.meta.get("footer") == "page-of" or has_contents(doc):
        # A first pass learns the page count and where each chapter starts.
        pages_seen: list[int] = []
        chapter_pages: list[tuple[str, int]] = []
        _typeset_reportlab(doc, io.BytesIO(), None, pages_seen, chapter_pages)
        total = max(pages_seen) if doc.meta.get("footer") == "page-of" else None
        contents = chapter_pages if has_contents(doc) else None
    _typeset_reportlab(doc, str(out), total, [], [], contents)
    return contents_lines(doc, contents) if contents else []


def has_contents(doc: SourceDocument) -> bool:
    """Longer reportlab documents get a contents page after the cover."""
    return doc.name not in FPDF_DOCUMENTS and sum(e.kind == "heading1" for e in doc.elements) >= 6


def contents_lines(doc: SourceDocument, chapter_pages: list[tuple[str, int]]) -> list[str]:
    return ["Contents"] + [f"{title} | {page}" for title, page in chapter_pages]


def _typeset_reportlab(
    doc: SourceDocument,
    out,
    total_pages: int | None,
    pages_seen: list[int],
    chapter_pages: list[tuple[str, int]],
    contents: list[tuple[str, int]] | None = None,
) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        Image,
        NextPageTemplate,
        PageBreak,
        PageTemplate,
        Paragraph,
        Spacer,
        Table,
        TableStyle,
    )

    width, height = A4
    margin = 20 * mm
    columns = int(doc.meta.get("columns", "1"))
    gutter = 8 * mm
    body_width = width - 2 * margin
    column_width = (body_width - gutter) / 2 if columns == 2 else body_width
    header = doc.meta.get("header", doc.meta["title"])
    first_heading = next((e.text for e in doc.elements if e.kind == "heading1"), doc.meta["title"])
    # A chapter header shows the first chapter that starts on the page, else the one running on.
    chapters = {"running": first_heading, "started": []}

    class ChapterHeading(Paragraph):
        def draw(self):
            chapters["started"].append(self.getPlainText())
            chapter_pages.append((self.getPlainText(), self.canv.getPageNumber()))
            super().draw()

    def running(canvas, template):
        pages_seen.append(canvas.getPageNumber())
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.HexColor("#4a5560"))
        if header == "chapter":
            shown = chapters["started"][0] if chapters["started"] else chapters["running"]
            if chapters["started"]:
                chapters["running"] = chapters["started"][-1]
            chapters["started"] = []
        else:
            shown = header
        canvas.drawString(margin, height - 12 * mm, shown)
        canvas.line(margin, height - 13.5 * mm, width - margin, height - 13.5 * mm)
        number = canvas.getPageNumber()
        if doc.meta.get("footer") == "page-of":
            canvas.drawCentredString(width / 2, 10 * mm, f"Page {number} of {total_pages or 0}")
        else:
            canvas.drawRightString(width - margin, 10 * mm, f"Page {number}")
        canvas.restoreState()

    frame_height = height - 2 * margin - 6 * mm
    body_frames = [
        Frame(margin + i * (column_width + gutter), margin, column_width, frame_height, id=f"col{i}")
        for i in range(columns)
    ]
    template = BaseDocTemplate(
        out,
        pagesize=A4,
        title=doc.meta["title"],
        author=doc.meta["organisation"],
        subject=doc.meta.get("doc_type", ""),
        creator="svnlp corpus builder (reportlab)",
        invariant=1,
    )
    template.addPageTemplates(
        [
            PageTemplate("cover", [Frame(margin, margin, body_width, height - 2 * margin, id="cover")]),
            PageTemplate("body", body_frames, onPageEnd=running),
            PageTemplate(
                "picture", [Frame(margin, margin, body_width, height - 2 * margin, id="pic")], onPageEnd=running
            ),
        ]
    )
    hyphenate = {"hyphenationLang": "en_GB", "embeddedHyphenation": 1, "uriWasteReduce": 0.3}
    body = ParagraphStyle(
        "body", fontName="Helvetica", fontSize=10, leading=13.5, alignment=TA_JUSTIFY, spaceAfter=6, **hyphenate
    )
    bullet = ParagraphStyle("bullet", parent=body, leftIndent=14, bulletIndent=3, spaceAfter=3, alignment=TA_LEFT)
    h1 = ParagraphStyle(
        "h1",
        fontName="Helvetica-Bold",
        fontSize=15,
        leading=19,
        spaceBefore=10,
        spaceAfter=6,
        textColor=colors.HexColor("#005eb8"),
    )
    h2 = ParagraphStyle("h2", fontName="Helvetica-Bold", fontSize=12, leading=15, spaceBefore=6, spaceAfter=4)
    cell = ParagraphStyle("cell", fontName="Helvetica", fontSize=8, leading=10)
    title = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=26, leading=32, spaceAfter=14)
    cover_org = ParagraphStyle(
        "org", fontName="Helvetica-Bold", fontSize=14, leading=18, spaceAfter=40, textColor=colors.HexColor("#005eb8")
    )
    cover_small = ParagraphStyle("small", fontName="Helvetica", fontSize=16, leading=20, spaceAfter=12)
    note = ParagraphStyle(
        "note", fontName="Helvetica", fontSize=7.5, leading=9.5, spaceAfter=6, textColor=colors.HexColor("#4a5560")
    )
    # Real documents use many bullet glyphs; Vera lacks U+25AA, which then extracts as an unmapped glyph.
    glyph = BULLET_GLYPHS[sum(map(ord, doc.name)) % len(BULLET_GLYPHS)]
    bullet.bulletFontName = "Vera"

    org, doc_title, *rest = cover_lines(doc)
    story = [Spacer(1, 60 * mm), Paragraph(org, cover_org), Paragraph(doc_title, title)]
    story += [Paragraph(line, cover_small) for line in rest]
    if has_contents(doc):
        # The first pass lays out a contents page of the same length, so page numbers hold.
        entries = contents or [(e.text, 0) for e in doc.elements if e.kind == "heading1"]
        rows = [[Paragraph(_escape(title), body), Paragraph(str(page), body)] for title, page in entries]
        listing = Table(rows, colWidths=[body_width - 50, 50], hAlign="LEFT")
        listing.setStyle(TableStyle([("ALIGN", (1, 0), (1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story += [PageBreak(), Paragraph("Contents", h1), listing]
    story += [NextPageTemplate("body"), PageBreak()]
    for element in doc.elements:
        text = _escape(element.text)
        if element.kind == "heading1":
            story.append(ChapterHeading(text, h1))
        elif element.kind == "heading2":
            story.append(Paragraph(text, h2))
        elif element.kind == "paragraph":
            story.append(Paragraph(text, body))
        elif element.kind == "bullet":
            story.append(Paragraph(text, bullet, bulletText=glyph))
        elif element.kind == "numbered":
            story.append(Paragraph(text, ParagraphStyle("numbered", parent=bullet, leftIndent=0)))
        elif element.kind == "table":
            rows = [[Paragraph(_escape(value), cell) for value in row] for row in element.rows]
            n = len(element.rows[0])
            # The first column holds the indicator's name; give it room so it rarely wraps.
            widths = [column_width] if n == 1 else [column_width * 0.4] + [column_width * 0.6 / (n - 1)] * (n - 1)
            table = Table(rows, colWidths=widths, hAlign="LEFT", repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story += [table, Spacer(1, 8)]
        elif element.kind == "footnote":
            story.append(Paragraph(text, note))
        elif element.kind == "pagebreak":
            story.append(PageBreak())
        elif element.kind == "image":
            picture = io.BytesIO(photograph_png(len(doc.name)))
            story += [
                NextPageTemplate("picture"),
                PageBreak(),
                Image(picture, width=body_width, height=body_width * 4 / 3),
                NextPageTemplate("body"),
                PageBreak(),
            ]
    template.build(story)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --------------------------------------------------------------------------- fpdf2


def build_fpdf(doc: SourceDocument, out: Path) -> list[str]:
    import datetime

    import reportlab
    from fpdf import FPDF

    fonts = Path(reportlab.__file__).parent / "fonts"  # reportlab's bundled Vera fonts
    header_text = doc.meta.get("header", doc.meta["title"])
    chapter = {"current": next((e.text for e in doc.elements if e.kind == "heading1"), doc.meta["title"])}

    class Report(FPDF):
        def header(self):
            if self.page_no() == 1:
                return
            self.set_font("Vera", size=8)
            self.set_text_color(80, 80, 80)
            self.cell(
                0, 6, chapter["current"] if header_text == "chapter" else header_text, new_x="LMARGIN", new_y="NEXT"
            )
            self.set_text_color(0, 0, 0)
            self.ln(4)

        def footer(self):
            if self.page_no() == 1:
                return
            self.set_y(-15)
            self.set_font("Vera", size=8)
            page_of = doc.meta.get("footer") == "page-of"
            self.cell(0, 10, f"Page {self.page_no()} of {{nb}}" if page_of else f"{self.page_no()}", align="C")

    pdf = Report(format="A4")
    pdf.set_creation_date(datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    pdf.set_title(doc.meta["title"])
    pdf.set_author(doc.meta["organisation"])
    pdf.set_creator("svnlp corpus builder (fpdf2)")
    pdf.add_font("Vera", "", str(fonts / "Vera.ttf"))
    pdf.add_font("Vera", "B", str(fonts / "VeraBd.ttf"))
    pdf.set_auto_page_break(True, margin=22)
    pdf.set_margins(22, 20, 22)
    pdf.add_page()
    pdf.ln(70)
    org, doc_title, *rest = cover_lines(doc)
    pdf.set_font("Vera", "B", 14)
    pdf.multi_cell(0, 8, org, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("Vera", "B", 24)
    pdf.multi_cell(0, 11, doc_title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Vera", "", 15)
    for line in rest:
        pdf.ln(3)
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    for element in doc.elements:
        if element.kind in ("heading1", "heading2"):
            if element.kind == "heading1":
                chapter["current"] = element.text
            pdf.ln(3)
            pdf.set_font("Vera", "B", 14 if element.kind == "heading1" else 11.5)
            pdf.multi_cell(0, 7, element.text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif element.kind == "paragraph":
            pdf.set_font("Vera", "", 10)
            # Typeset ligatures, as many publishing tools do: extraction must turn them back into letters.
            ligatured = element.text.replace("fi", "\ufb01").replace("fl", "\ufb02")
            pdf.multi_cell(0, 5, ligatured, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2.5)
        elif element.kind == "footnote":
            pdf.set_font("Vera", "", 7.5)
            pdf.multi_cell(0, 4, element.text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif element.kind in ("bullet", "numbered"):
            pdf.set_font("Vera", "", 10)
            marker = "\u2022" if element.kind == "bullet" else ""
            pdf.set_x(pdf.l_margin + 3)
            if marker:
                pdf.cell(5, 5, marker)
            pdf.multi_cell(0, 5, element.text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif element.kind == "table":
            pdf.set_font("Vera", "", 8.5)
            with pdf.table(text_align="LEFT", line_height=4.5, padding=1.5) as table:
                for row in element.rows:
                    table_row = table.row()
                    for value in row:
                        table_row.cell(value)
            pdf.ln(3)
        elif element.kind == "pagebreak":
            pdf.add_page()
        elif element.kind == "image":
            pdf.add_page()
            pdf.image(io.BytesIO(photograph_png(len(doc.name))), x=22, y=30, w=160)
            pdf.add_page()
    pdf.output(str(out))
    return []


# --------------------------------------------------------------------------- main


def main() -> None:
    (CORPUS / "truth").mkdir(parents=True, exist_ok=True)
    rows = []
    for path in sorted(SOURCE.glob("*.md")):
        doc = parse_source(path)
        out = CORPUS / f"{doc.name}.pdf"
        contents = (build_fpdf if doc.name in FPDF_DOCUMENTS else build_reportlab)(doc, out)
        (CORPUS / "truth" / f"{doc.name}.txt").write_text(truth_text(doc, contents), encoding="utf-8")
        rows.append(
            {
                "path": out.name,
                "organisation": doc.meta["organisation"],
                "org_code": doc.meta["org_code"],
                "year": doc.meta["year"],
                "doc_type": doc.meta["doc_type"],
                "title": doc.meta["title"],
            }
        )
        print(f"built {out.relative_to(ROOT)}")
    with (CORPUS / "manifest.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
