"""Scan benchmark: end to end and per stage, with 1 and 2 workers, beside a naive baseline.

    python benchmarks/scan.py [FOLDER ...] [--backend pypdfium2] [--workers 1 2] [--no-baseline]

Default folders: corpus/ and, when present, ../shared/realdocs. For each folder it
prints pages/s and passages/s for the whole scan (a fresh database each run), the time
spent in each stage (extract, segment, classify, store; summed over documents), and
peak resident memory. The naive baseline is what a first script would do: pdfplumber's
`page.extract_text()` on every page, a split on full stops, and the model called on one
sentence at a time.
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from svnlp.classify import load_model  # noqa: E402
from svnlp.errors import DocumentError  # noqa: E402
from svnlp.scan import ExtractOptions, find_documents, process_document, scan  # noqa: E402
from svnlp.store import Store  # noqa: E402


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def stage_breakdown(files: list[Path], model, backend: str | None) -> dict[str, float]:
    """Run the stages in this process and time each one, storing into a throwaway database."""
    totals = {"extract": 0.0, "segment": 0.0, "classify": 0.0, "store": 0.0}
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "stages.db") as store:
        for path in files:
            try:
                result = process_document(path, path.name, None, model, ExtractOptions(backend=backend))
            except DocumentError:
                continue
            for stage, seconds in result.seconds.items():
                totals[stage] += seconds
            started = time.perf_counter()
            store.save_document(result.record, result.passages, result.predictions)
            totals["store"] += time.perf_counter() - started
    return totals


def naive_baseline(files: list[Path], model) -> tuple[int, int, float]:
    import pdfplumber

    pages = sentences = 0
    started = time.perf_counter()
    for path in files:
        if path.suffix.lower() != ".pdf":
            continue
        try:
            with pdfplumber.open(path) as pdf:
                for page in pdf.pages:
                    pages += 1
                    for sentence in re.split(r"(?<=[.!?])\s+", page.extract_text() or ""):
                        if sentence.strip():
                            model.predict_proba([sentence])
                            sentences += 1
        except Exception:  # the naive script has no error handling to speak of
            continue
    return pages, sentences, time.perf_counter() - started


_MEASURE = """
import resource, sys
from svnlp.scan import scan
scan(sys.argv[1:-1], db=sys.argv[-1], workers=1)
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(peak // 1024)
"""


def peak_for(files: list[Path]) -> int:
    """Peak resident memory (MB) of a fresh `scan` of these files with one worker."""
    import subprocess

    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            [sys.executable, "-c", _MEASURE, *map(str, files), str(Path(tmp) / "m.db")],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
    return int(result.stdout.strip().splitlines()[-1])


def long_pdf(path: Path, pages: int = 1000) -> Path:
    """A 1,000-page PDF of ordinary prose, to show memory does not grow with pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    line = "We will work with partners to reduce smoking, improve housing and support good work for all. "
    for _ in range(pages):
        pdf.setFont("Helvetica", 10)
        for row in range(55):
            pdf.drawString(50, 800 - row * 13, line[:90])
        pdf.showPage()
    pdf.save()
    return path


def memory_report(files: list[Path]) -> None:
    for count in (10, 200):
        if len(files) >= count:
            print(f"  peak memory scanning {count} documents: {peak_for(files[:count])} MB")
    with tempfile.TemporaryDirectory() as tmp:
        print(f"  peak memory scanning one 1,000-page PDF: {peak_for([long_pdf(Path(tmp) / 'long.pdf')])} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--backend", default=None)
    parser.add_argument("--workers", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--memory", action="store_true", help="also: peak memory for 10 and 200 documents, 1,000 pages")
    args = parser.parse_args()
    folders = args.folders or [ROOT / "corpus"] + [p for p in [ROOT.parent / "shared" / "realdocs"] if p.is_dir()]
    model = load_model()
    print(f"model {model.model_id}, backend {args.backend or 'default'}")
    for folder in folders:
        files = find_documents([folder])
        print(f"\n{folder}: {len(files)} documents")
        for workers in args.workers:
            with tempfile.TemporaryDirectory() as tmp:
                db = Path(tmp) / "bench.db"
                started = time.perf_counter()
                report = scan([folder], db=db, workers=workers, backend=args.backend, timeout=600)
                seconds = time.perf_counter() - started
                with Store(db) as store:
                    records = store.documents()
                    passages = sum(store.passage_counts().values())
                pages = sum(r.pages or 0 for r in records if r.status == "ok")
            print(
                f"  scan, {workers} worker(s): {pages} pages, {passages} passages in {seconds:.1f} s = "
                f"{pages / seconds:.1f} pages/s, {passages / seconds:.0f} passages/s "
                f"(failed {report.count('failed')})"
            )
        totals = stage_breakdown(files, model, args.backend)
        whole = sum(totals.values())
        print("  stages (one process): " + ", ".join(f"{k} {v:.1f} s ({v / whole:.0%})" for k, v in totals.items()))
        if args.memory:
            memory_report(files)
        if not args.no_baseline:
            pages, sentences, seconds = naive_baseline(files, model)
            print(
                f"  naive baseline: {pages} pages, {sentences} sentences in {seconds:.1f} s = "
                f"{pages / seconds:.1f} pages/s, {sentences / seconds:.0f} sentences/s"
            )
    print(f"\npeak memory {peak_mb():.0f} MB (largest of this process and its workers)")


if __name__ == "__main__":
    main()
