"""The store: one transaction per document, replace and forget."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from svnlp.errors import StoreError
from svnlp.records import Passage, Prediction
from svnlp.store import DocumentRecord, Store, database_url, passages, predictions

pytestmark = pytest.mark.database


def record(doc_id="d" * 64, **extra):
    return DocumentRecord(doc_id=doc_id, path="x.pdf", status="ok", scanned_at="2026-01-01T00:00:00+00:00", **extra)


def scored(n):
    found = [Passage(page=1, start=i * 10, end=i * 10 + 5, text=f"text {i}") for i in range(n)]
    made = [Prediction(labels=("marmot_a",), scores={"marmot_a": 0.9, "marmot_f": 0.1}) for _ in range(n)]
    return found, made


def count(store, table):
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar()


def test_saving_again_replaces_the_document(tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.save_document(record(), *scored(3))
        store.save_document(record(), *scored(2))
        assert count(store, passages) == 2 and count(store, predictions) == 4
        assert store.document("d" * 64).status == "ok"


def test_a_failed_write_leaves_nothing_behind(tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.save_document(record(), *scored(2))
        found, made = scored(2)
        made[1] = Prediction(labels=(), scores={"marmot_a": 0.5, "marmot_a ": 0.5})
        bad = made[:1] + [made[1], made[1]]  # three predictions for two passages
        with pytest.raises(ValueError):
            store.save_document(record(), found, bad)
        assert count(store, passages) == 2  # the earlier version is intact


def test_forget_removes_passages_and_predictions(tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.save_document(record(), *scored(2))
        assert store.forget("d" * 64)
        assert count(store, passages) == 0 and count(store, predictions) == 0
        assert not store.forget("d" * 64)


def test_paths_become_sqlite_urls_and_urls_stay():
    assert database_url("a/b.db") == "sqlite:///a/b.db"
    assert database_url("postgresql://u@h/svnlp") == "postgresql+psycopg://u@h/svnlp"
    assert database_url("mysql+pymysql://u@h/svnlp") == "mysql+pymysql://u@h/svnlp"


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    not_db = tmp_path / "notes.db"
    not_db.write_text("these are notes, not a database" * 100)
    with pytest.raises(StoreError, match="notes.db: cannot open the database"):
        Store(not_db)


def test_an_older_database_is_migrated_on_open_and_a_newer_one_refused(tmp_path):
    from sqlalchemy import update

    from svnlp.store import SCHEMA_VERSION, store_info

    path = tmp_path / "old.db"
    with Store(path) as store:
        store.save_document(record(), *scored(2))
        with store.engine.begin() as connection:
            connection.execute(update(store_info).where(store_info.c.key == "schema_version").values(value="1"))
            connection.exec_driver_sql("DROP INDEX IF EXISTS ix_documents_model")
            connection.exec_driver_sql("ALTER TABLE documents DROP COLUMN ocr_pages")  # as a version-1 file had it
    with Store(path) as store:
        with store.engine.connect() as connection:
            version = connection.execute(select(store_info.c.value)).scalar()
            indexes = [row[1] for row in connection.exec_driver_sql("PRAGMA index_list(documents)")]
            columns = [row[1] for row in connection.exec_driver_sql("PRAGMA table_info(documents)")]
        assert version == str(SCHEMA_VERSION) and "ix_documents_model" in indexes and "ocr_pages" in columns
        assert count(store, passages) == 2  # nothing lost
        with store.engine.begin() as connection:
            connection.execute(update(store_info).values(value=str(SCHEMA_VERSION + 1)))
    with pytest.raises(StoreError, match="made by a newer svnlp"):
        Store(path)
