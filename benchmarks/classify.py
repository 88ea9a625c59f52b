"""Classification benchmark: model load time, passages per second on one core, memory.

    python benchmarks/classify.py [--passages 100000] [--model DIR] [--no-cli]

Passages are drawn (with replacement) from the bundled annotations, so their length
matches real passages, and each gets its own footnote marker so that none repeats (a
model with a sentence encoder would otherwise serve repeats from its cache). Threads are
limited to one, as in a scan worker. Last, `svnlp classify` itself runs on all the
passages in a fresh process, start-up and JSON included. For a model with a sentence
encoder, pass --passages 2000: it scores about sixty passages a second.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from svnlp.annotations import annotation_files, load_annotations  # noqa: E402
from svnlp.classify import load_model  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--no-cli", action="store_true", help="skip timing `svnlp classify` in a subprocess")
    args = parser.parse_args()

    texts = [a.text for a in load_annotations(annotation_files([ROOT / "annotations"]))]
    rng = random.Random(0)
    passages = [f"{rng.choice(texts)} [{number}]" for number in range(args.passages)]

    started = time.perf_counter()
    model = load_model(args.model)
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    # The rules' tokenizer (spaCy) loads on first use, once per process: timed on its own
    # so that neither the load time nor the throughput below hides it.
    model.predict(["The Public Services (Social Value) Act 2012."])
    rules_seconds = time.perf_counter() - started

    started = time.perf_counter()
    for start in range(0, len(passages), args.batch):
        model.predict_proba(passages[start : start + args.batch])
    score_seconds = time.perf_counter() - started

    started = time.perf_counter()
    # Fresh markers: nothing here was scored above.
    sample = [f"{passage}*" for passage in passages[: min(20_000, len(passages))]]
    for start in range(0, len(sample), args.batch):
        model.predict(sample[start : start + args.batch])
    predict_seconds = time.perf_counter() - started

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cli_seconds = None if args.no_cli else time_the_cli(passages, args.model)
    words = sum(len(p.split()) for p in passages) / len(passages)
    print(f"model {model.model_id}: loaded in {load_seconds:.2f} s; the rules' tokenizer in {rules_seconds:.2f} s")
    print(
        f"scores only:      {len(passages):,} passages ({words:.0f} words on average) in {score_seconds:.1f} s = "
        f"{len(passages) / score_seconds:,.0f} passages/s"
    )
    print(f"with rules (Classifier.predict): {len(sample) / predict_seconds:,.0f} passages/s")
    print(f"peak memory {peak:.0f} MB")
    if cli_seconds is not None:
        child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"svnlp classify, end to end (start-up, JSON lines in and out): {len(passages):,} passages in "
            f"{cli_seconds:.1f} s = {len(passages) / cli_seconds:,.0f} passages/s, peak memory {child_peak:.0f} MB"
        )


def time_the_cli(passages: list[str], model: Path | None) -> float:
    """Wall time of `svnlp classify` on the passages as a JSON lines file, in a fresh process."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "passages.jsonl"
        # Fresh markers again, so that no cache from this process could matter.
        source.write_text(
            "".join(json.dumps({"id": n, "text": f"{text}+"}) + "\n" for n, text in enumerate(passages)),
            encoding="utf-8",
        )
        command = [sys.executable, "-m", "svnlp.cli", "classify", str(source)]
        if model is not None:
            command += ["--model", str(model)]
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        return time.perf_counter() - started


if __name__ == "__main__":
    main()
