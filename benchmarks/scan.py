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
from svnlp.scan import find_documents, process_document, scan  # noqa: E402
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
                result = process_document(path, path.name, None, model, backend=backend)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--backend", default=None)
    parser.add_argument("--workers", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--no-baseline", action="store_true")
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
        if not args.no_baseline:
            pages, sentences, seconds = naive_baseline(files, model)
            print(
                f"  naive baseline: {pages} pages, {sentences} sentences in {seconds:.1f} s = "
                f"{pages / seconds:.1f} pages/s, {sentences / seconds:.0f} sentences/s"
            )
    print(f"\npeak memory {peak_mb():.0f} MB (largest of this process and its workers)")


if __name__ == "__main__":
    main()
