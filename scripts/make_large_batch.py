"""Make a large batch of PDFs by varying the corpus, for scale benchmarks.

    python scripts/make_large_batch.py OUT_FOLDER [--count 500]

Each PDF is one of the corpus's source documents re-typeset for another fictional
organisation: the place names are swapped, the year moved, some paragraphs dropped and
the rest kept in order, and the producer and column layout varied. A manifest.csv is
written beside them. Reproducible: the same count gives the same files.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
from pathlib import Path

from make_corpus import SOURCE, build_fpdf, build_reportlab, parse_source

PLACES = [
    "Ashby",
    "Barrowfield",
    "Calderton",
    "Dunsmere",
    "Elmstead",
    "Farrowdale",
    "Glenbury",
    "Hollinside",
    "Inchmore",
    "Jarrowby",
    "Kestwick",
    "Lowmarsh",
    "Milbourne",
    "Netherfold",
    "Orrinford",
    "Pellbridge",
    "Quenby",
    "Ravenholt",
    "Stanwick",
    "Thornleigh",
    "Upwold",
    "Varley",
    "Westercombe",
    "Yarnfield",
]
SOURCE_PLACES = [
    "Northmoor",
    "Wendle",
    "Harrowgate",
    "Kelbridge",
    "Fernleigh",
    "Avonside",
    "Ravensmoor",
    "Tollerton",
    "Brookmere",
]


def vary(text: str, place: str) -> str:
    return re.sub("|".join(SOURCE_PLACES), place, text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    sources = [parse_source(path) for path in sorted(SOURCE.glob("*.md"))]
    rng = random.Random(2026)
    rows = []
    for n in range(args.count):
        source = sources[n % len(sources)]
        place = f"{rng.choice(PLACES)} {rng.choice(['North', 'South', 'East', 'West', 'Vale', 'and Dale'])}"
        doc = parse_source(SOURCE / f"{source.name}.md")
        doc.name = f"{n:04d}-{source.name}"
        doc.meta = {key: vary(value, place) for key, value in doc.meta.items()}
        doc.meta["year"] = str(int(doc.meta["year"]) + rng.randint(-2, 2))
        doc.meta["columns"] = rng.choice(["1", "2"])
        kept = [e for e in doc.elements if e.kind != "paragraph" or rng.random() > 0.15]
        for element in kept:
            element.text = vary(element.text, place)
            element.rows = [[vary(cell, place) for cell in row] for row in element.rows]
        doc.elements = kept
        out = args.out / f"{doc.name}.pdf"
        (build_fpdf if rng.random() < 0.3 else build_reportlab)(doc, out)
        rows.append(
            {
                "path": out.name,
                "organisation": doc.meta["organisation"],
                "org_code": f"B{n:04d}",
                "year": doc.meta["year"],
                "doc_type": doc.meta["doc_type"],
                "title": doc.meta["title"],
            }
        )
        if (n + 1) % 50 == 0:
            print(f"{n + 1} / {args.count}")
    with (args.out / "manifest.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
