"""Extraction benchmark: faithfulness on the corpus, speed and robustness on real PDFs.

    python benchmarks/extraction.py            # corpus, then ../shared/realdocs if present
    python benchmarks/extraction.py --corpus-only

For each corpus PDF: similarity of the extracted text to corpus/truth/NAME.txt
(rapidfuzz ratio on whitespace-normalised text), running header/footer lines that leaked,
words left broken by a line-end hyphen, pages per second. For each real PDF: pages,
pages per second, image-only pages, and any failure. Peak memory is the process's
maximum resident set size.
"""

from __future__ import annotations

import argparse
import re
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from svnlp.errors import DocumentError  # noqa: E402
from svnlp.extract import BACKENDS, extract, get_backend  # noqa: E402


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def corpus_report(backend) -> list[dict]:
    from rapidfuzz import fuzz

    sys.path.insert(0, str(ROOT / "scripts"))
    from make_corpus import parse_source  # the headers each document was typeset with

    rows = []
    for pdf in sorted((ROOT / "corpus").glob("*.pdf")):
        truth_file = ROOT / "corpus" / "truth" / f"{pdf.stem}.txt"
        if not truth_file.exists():
            continue
        truth = truth_file.read_text(encoding="utf-8")
        started = time.perf_counter()
        document = extract(pdf, backend)
        seconds = time.perf_counter() - started
        text = "\n".join(page.text for page in document.pages)
        source = parse_source(ROOT / "corpus" / "src" / f"{pdf.stem}.md")
        header = source.meta.get("header", source.meta["title"])
        leaked = sum(
            1 for line in text.split("\n") if line.strip() == header or re.fullmatch(r"(Page )?\d+", line.strip())
        )
        truth_words = set(re.findall(r"[A-Za-z]+", truth))
        broken = [
            m.group(0)
            for m in re.finditer(r"\b([A-Za-z]+)-([a-z]+)\b", text)
            if m.group(0) not in truth and (m.group(1) + m.group(2)) in truth_words
        ]
        rows.append(
            {
                "document": pdf.stem,
                "pages": len(document.pages),
                "similarity": fuzz.ratio(normalise(text), normalise(truth)) / 100,
                "leaked": leaked,
                "broken": len(broken),
                "pages_per_second": len(document.pages) / seconds,
            }
        )
    return rows


def realdocs_report(folder: Path, backend) -> list[dict]:
    rows = []
    for pdf in sorted(folder.rglob("*.pdf")):
        started = time.perf_counter()
        try:
            document = extract(pdf, backend)
            outcome, pages, image_only = "ok", len(document.pages), len(document.image_only_pages)
        except DocumentError as error:
            outcome, pages, image_only = error.message[:80], 0, 0
        except Exception as error:  # a crash is what this benchmark exists to find
            outcome, pages, image_only = f"CRASH {type(error).__name__}: {error}", 0, 0
        seconds = time.perf_counter() - started
        rows.append(
            {
                "document": str(pdf.relative_to(folder)),
                "pages": pages,
                "image_only_pages": image_only,
                "seconds": seconds,
                "outcome": outcome,
            }
        )
        print(f"  {rows[-1]['document'][:60]:60} {pages:4} p {seconds:6.1f} s  {outcome}", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus-only", action="store_true")
    parser.add_argument("--backend", choices=sorted(BACKENDS), default=None, help="default: svnlp's default")
    parser.add_argument("--realdocs", type=Path, default=ROOT.parent / "shared" / "realdocs")
    args = parser.parse_args()

    backend = get_backend(args.backend)
    print(f"backend: {backend.name}")
    rows = corpus_report(backend)
    print(f"{'corpus document':58} {'pages':>5} {'similarity':>10} {'leaked':>6} {'broken':>6} {'pages/s':>8}")
    for row in rows:
        print(
            f"{row['document'][:58]:58} {row['pages']:5} {row['similarity']:10.4f} {row['leaked']:6} "
            f"{row['broken']:6} {row['pages_per_second']:8.1f}"
        )
    print(
        f"{'mean':58} {'':5} {statistics.mean(r['similarity'] for r in rows):10.4f} "
        f"{sum(r['leaked'] for r in rows):6} {sum(r['broken'] for r in rows):6} "
        f"{statistics.mean(r['pages_per_second'] for r in rows):8.1f}"
    )
    if not args.corpus_only and args.realdocs.is_dir():
        print(f"\nreal documents in {args.realdocs}:")
        real = realdocs_report(args.realdocs, backend)
        pages = sum(r["pages"] for r in real)
        seconds = sum(r["seconds"] for r in real)
        crashes = [r for r in real if r["outcome"].startswith("CRASH")]
        failures = [r for r in real if r["outcome"] != "ok"]
        print(
            f"{len(real)} PDFs, {pages} pages in {seconds:.1f} s ({pages / seconds:.1f} pages/s); "
            f"image-only pages {sum(r['image_only_pages'] for r in real)}; "
            f"refused {len(failures) - len(crashes)}; crashes {len(crashes)}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
