"""Scanning at scale: workers, time limits, resuming after kill -9, and mutated PDFs."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svnlp.scan import scan
from svnlp.store import Store

pytestmark = [pytest.mark.database, pytest.mark.slow]
ROOT = Path(__file__).parent.parent


def summary_of(db: Path) -> dict[str, tuple[str, int | None]]:
    with Store(db) as store:
        counts = store.passage_counts()
        return {Path(r.path).name: (r.status, counts.get(r.doc_id, 0)) for r in store.documents()}


def test_workers_give_the_same_results_as_one_process(tmp_path, data, model):
    paths = [data / "two_column.pdf", data / "table.pdf", data / "partly_scanned.pdf", data / "broken"]
    scan(paths, db=tmp_path / "serial.db", model=model, workers=0)
    scan(paths, db=tmp_path / "parallel.db", model=model, workers=2)
    assert summary_of(tmp_path / "serial.db") == summary_of(tmp_path / "parallel.db")


def make_slow_pdf(path: Path, pages: int = 120) -> None:
    """Dense pages that take well over a second to lay out."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    words = "prevention housing employment poverty childhood community value".split()
    rng = random.Random(1)
    for _ in range(pages):
        pdf.setFont("Helvetica", 5)
        for line in range(150):
            pdf.drawString(20, 820 - line * 5.4, " ".join(rng.choice(words) for _ in range(30)))
        pdf.showPage()
    pdf.save()


def test_a_document_over_the_time_limit_fails_and_the_batch_goes_on(tmp_path, data, model):
    folder = tmp_path / "docs"
    folder.mkdir()
    make_slow_pdf(folder / "slow.pdf")
    shutil.copy(data / "two_column.pdf", folder / "quick.pdf")
    report = scan([folder], db=tmp_path / "t.db", model=model, workers=1, timeout=1.0)
    outcomes = {o.path.name: o for o in report.outcomes}
    assert outcomes["slow.pdf"].status == "failed" and outcomes["slow.pdf"].reason == "timeout"
    assert "timed out after 1 s" in outcomes["slow.pdf"].message
    assert outcomes["quick.pdf"].status == "scanned"


def test_kill_minus_nine_then_rerun_finishes_the_rest_cleanly(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", folder, ignore=shutil.ignore_patterns("src", "truth"))
    db = tmp_path / "resume.db"
    command = [sys.executable, "-m", "svnlp.cli", "scan", str(folder), "--db", str(db), "--workers", "1", "--quiet"]
    process = subprocess.Popen(command, cwd=ROOT, start_new_session=True)
    deadline = time.time() + 120
    stored = 0
    while time.time() < deadline and process.poll() is None:
        time.sleep(0.2)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=1) as connection:
                    stored = connection.execute("select count(*) from documents").fetchone()[0]
            except sqlite3.Error:
                continue
            if stored >= 3:
                break
    if process.poll() is not None:
        pytest.skip("the scan finished before it could be killed")
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    total = len(list(folder.glob("*.pdf")))
    assert stored < total
    rerun = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert "failed 0" in rerun.stderr
    with sqlite3.connect(db) as connection:
        assert connection.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert connection.execute("select count(*) from documents where status = 'ok'").fetchone()[0] == total
        # Every stored document is whole: its passages are numbered 0..n-1 with no gap or repeat.
        for count, top in connection.execute("select count(*), max(seq) from passages group by doc_id"):
            assert top == count - 1
        orphans = connection.execute(
            "select count(*) from predictions where passage_id not in (select passage_id from passages)"
        ).fetchone()[0]
        assert orphans == 0


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_mutated_pdfs_never_escape_as_exceptions(tmp_path_factory, data, model, draw_data):
    folder = tmp_path_factory.mktemp("fuzz")
    source = (data / "two_column.pdf").read_bytes()
    for n in range(3):
        mutated = bytearray(source)
        for _ in range(draw_data.draw(st.integers(1, 40))):
            position = draw_data.draw(st.integers(0, len(mutated) - 1))
            mutated[position] = draw_data.draw(st.integers(0, 255))
        cut = draw_data.draw(st.integers(len(mutated) // 2, len(mutated)))
        (folder / f"mutated-{n}.pdf").write_bytes(bytes(mutated[:cut]))
    report = scan([folder], db=folder / "fuzz.db", model=model, workers=1, timeout=30)
    assert len(report.outcomes) == 3
    for outcome in report.outcomes:
        assert outcome.status in ("scanned", "failed")
        if outcome.status == "failed":
            assert outcome.reason and outcome.message
