"""The same scan → audit → report path on PostgreSQL as on SQLite; concurrent scanners; Dask."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from svnlp.audit import audit
from svnlp.report import render
from svnlp.scan import scan
from svnlp.store import Store, database_url
from svnlp.summarise import summarise

pytestmark = [pytest.mark.database, pytest.mark.slow]
ROOT = Path(__file__).parent.parent


def levels(db) -> dict:
    return {(o.organisation, l.label): l.level for o in audit(db).organisations for l in o.levels}  # noqa: E741


def fresh_schema(url: str) -> None:
    engine = create_engine(database_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


@pytest.mark.postgres
def test_postgres_and_sqlite_give_the_same_audit(postgres_url, tmp_path, model):
    fresh_schema(postgres_url)
    sqlite_db = tmp_path / "same.db"
    for db in (sqlite_db, postgres_url):
        report = scan([ROOT / "corpus"], db=db, model=model, workers=0)
        assert report.count("failed") == 0
    assert levels(sqlite_db) == levels(postgres_url)
    rows = lambda db: [(r.organisation, r.label, r.passages_tagged) for r in summarise(db).rows]  # noqa: E731
    assert rows(sqlite_db) == rows(postgres_url)
    assert "NHS Northmoor and Wendle ICB" in render(audit(postgres_url), "html")
    again = scan([ROOT / "corpus"], db=postgres_url, model=model, workers=0)
    assert again.count("skipped") == len(again.outcomes)


@pytest.mark.postgres
def test_concurrent_scanners_store_each_document_once(postgres_url, tmp_path):
    fresh_schema(postgres_url)
    command = [
        sys.executable,
        "-m",
        "svnlp.cli",
        "scan",
        str(ROOT / "corpus"),
        "--db",
        postgres_url,
        "--workers",
        "1",
        "--quiet",
    ]
    first = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    assert first.wait(timeout=300) == 0, first.stderr.read()
    assert second.wait(timeout=300) == 0, second.stderr.read()
    with Store(postgres_url) as store:
        records = store.documents()
        counts = store.passage_counts()
    assert len(records) == len({r.doc_id for r in records}) == len(list((ROOT / "corpus").glob("*.pdf")))
    engine = create_engine(database_url(postgres_url))
    with engine.connect() as connection:
        # Every document is whole: passages numbered 0..n-1, once each.
        for doc_id, count, top, distinct in connection.execute(
            text("select doc_id, count(*), max(seq), count(distinct seq) from passages group by doc_id")
        ):
            assert top == count - 1 == distinct - 1 and counts[doc_id] == count
    engine.dispose()


def test_dask_local_cluster_gives_the_same_results_as_the_local_executor(tmp_path, data, model):
    pytest.importorskip("distributed")
    paths = [data / "two_column.pdf", data / "table.pdf", data / "partly_scanned.pdf", data / "broken"]
    scan(paths, db=tmp_path / "local.db", model=model, workers=0)
    report = scan(paths, db=tmp_path / "dask.db", model=model, workers=2, executor="dask")
    assert report.count("failed") == 8

    def stored(db):
        with Store(db) as store:
            counts = store.passage_counts()
            return sorted((Path(r.path).name, r.status, r.reason, counts.get(r.doc_id, 0)) for r in store.documents())

    assert stored(tmp_path / "local.db") == stored(tmp_path / "dask.db")
    assert levels(tmp_path / "local.db") == levels(tmp_path / "dask.db")


@pytest.mark.postgres
def test_dask_workers_write_to_postgres_themselves(postgres_url, data, model, tmp_path):
    pytest.importorskip("distributed")
    fresh_schema(postgres_url)
    report = scan(
        [data / "two_column.pdf", data / "broken" / "zero-bytes.pdf"],
        db=postgres_url,
        model=model,
        workers=2,
        executor="dask",
    )
    assert sorted(o.status for o in report.outcomes) == ["failed", "scanned"]
    with Store(postgres_url) as store:
        assert sorted(r.status for r in store.documents()) == ["failed", "ok"]
