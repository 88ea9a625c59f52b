"""Store: documents, passages and predictions in SQL, through SQLAlchemy Core.

SQLite is the embedded default (`--db svnlp.db`); any SQLAlchemy URL works the same
way, which is how PostgreSQL comes later without a rewrite. Each document is written in
one transaction, so an interrupted scan never leaves half a document behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    insert,
    select,
)
from sqlalchemy import text as sql
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from .errors import StoreError
from .records import Passage, Prediction

SCHEMA_VERSION = 3


# Each step brings a database from the version before it to this one, inside the opening
# transaction. New tables need no step (they are created on open); changed ones do.
def _add_column(connection, table: str, column: str, type_sql: str) -> None:
    from sqlalchemy import inspect

    if column not in {c["name"] for c in inspect(connection).get_columns(table)}:
        connection.execute(sql(f"ALTER TABLE {table} ADD COLUMN {column} {type_sql}"))


MIGRATIONS = {
    # 2: the registry and corrections tables (created on open) and an index for retagging.
    2: [
        lambda connection: connection.execute(
            sql("CREATE INDEX IF NOT EXISTS ix_documents_model ON documents (model_id)")
        )
    ],
    # 3: pages read by OCR.
    3: [lambda connection: _add_column(connection, "documents", "ocr_pages", "TEXT")],
}
metadata = MetaData()

documents = Table(
    "documents",
    metadata,
    Column("doc_id", String(64), primary_key=True, comment="SHA-256 of the file's bytes"),
    Column("path", Text, nullable=False),
    Column("organisation", Text),
    Column("org_code", String(32)),
    Column("org_source", String(16), comment="manifest or inferred"),
    Column("title", Text),
    Column("year", Integer),
    Column("doc_type", String(32)),
    Column("pages", Integer),
    Column("image_only_pages", Text, comment="comma-separated page numbers"),
    Column("ocr_pages", Text, comment="comma-separated page numbers read by OCR"),
    Column("words", Integer),
    Column("status", String(16), nullable=False, comment="ok or failed"),
    Column("reason", String(32), comment="short failure tag, e.g. encrypted"),
    Column("error", Text),
    Column("warning", Text),
    Column("model_id", String(64)),
    Column("scanned_at", String(32), nullable=False),
    Index("ix_documents_model", "model_id"),
)

passages = Table(
    "passages",
    metadata,
    Column("passage_id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String(64), ForeignKey("documents.doc_id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("page", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("evidence", Text, comment="explicit references found by rule, rule:text;..."),
    Index("ix_passages_doc", "doc_id", "seq"),
)

predictions = Table(
    "predictions",
    metadata,
    Column("passage_id", Integer, ForeignKey("passages.passage_id", ondelete="CASCADE"), primary_key=True),
    Column("label", String(32), primary_key=True),
    Column("score", Float, nullable=False),
    Column("tagged", Boolean, nullable=False),
    Index("ix_predictions_label", "label", "tagged"),
)

registry_rows = Table(
    "registry",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("name", Text, nullable=False),
    Column("aliases", Text, comment="separated by ;"),
    Column("successor", String(64)),
)

corrections = Table(
    "corrections",
    metadata,
    Column("passage_id", Integer, ForeignKey("passages.passage_id", ondelete="CASCADE"), primary_key=True),
    Column("label", String(32), primary_key=True),
    Column("present", Boolean, nullable=False, comment="true: a person added the label; false: removed it"),
    Column("corrected_at", String(32), nullable=False),
)

store_info = Table(
    "store_info",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text),
)


# The columns the audit and summary read for a tagged passage.
_PASSAGE_WITH_DOCUMENT = (
    documents.c.doc_id,
    documents.c.organisation,
    documents.c.title,
    documents.c.path,
    passages.c.passage_id,
    passages.c.page,
    passages.c.kind,
    passages.c.text,
    passages.c.evidence,
)


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """A row of the documents table, as written by scan and read by summary."""

    doc_id: str
    path: str
    status: str
    scanned_at: str
    organisation: str | None = None
    org_code: str | None = None
    org_source: str | None = None
    title: str | None = None
    year: int | None = None
    doc_type: str | None = None
    pages: int | None = None
    image_only_pages: str | None = None
    ocr_pages: str | None = None
    words: int | None = None
    reason: str | None = None
    error: str | None = None
    warning: str | None = None
    model_id: str | None = None


def database_url(db: str | Path) -> str:
    """Turn a file path into a SQLite URL; send plain postgresql:// URLs to psycopg (3)."""
    text = str(db)
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser()}"
    if text.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    return text


class Store:
    """A connection to an svnlp database; creates the schema on first use."""

    def __init__(self, db: str | Path):
        self.url = database_url(db)
        try:
            self.engine: Engine = create_engine(self.url, future=True, pool_pre_ping=True)
            if self.engine.dialect.name == "sqlite":
                event.listen(self.engine, "connect", _sqlite_pragmas)
            with self.engine.begin() as connection:
                # Scanners started together must not race to create the schema.
                self._lock(connection, "svnlp-schema")
                metadata.create_all(connection)
                found = connection.execute(
                    select(store_info.c.value).where(store_info.c.key == "schema_version")
                ).scalar()
                if found is None:  # a new database: create_all made the latest schema
                    connection.execute(insert(store_info).values(key="schema_version", value=str(SCHEMA_VERSION)))
                elif int(found) > SCHEMA_VERSION:
                    raise StoreError(
                        f"{db}: made by a newer svnlp (schema {found}, this one knows {SCHEMA_VERSION}); upgrade svnlp"
                    )
                elif int(found) < SCHEMA_VERSION:
                    for version in range(int(found) + 1, SCHEMA_VERSION + 1):
                        for step in MIGRATIONS.get(version, []):
                            step(connection)
                    connection.execute(
                        store_info.update()
                        .where(store_info.c.key == "schema_version")
                        .values(value=str(SCHEMA_VERSION))
                    )
        except SQLAlchemyError as error:
            raise StoreError(f"{db}: cannot open the database ({error.__class__.__name__}: {error})") from error

    def _lock(self, connection, key: str) -> None:
        """On a server database, hold a lock on `key` until the transaction ends (SQLite locks the file)."""
        if self.engine.dialect.name == "postgresql":
            connection.execute(sql("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def document(self, doc_id: str) -> DocumentRecord | None:
        """The stored record for a content hash, if any."""
        with self.engine.connect() as connection:
            row = connection.execute(select(documents).where(documents.c.doc_id == doc_id)).mappings().first()
        return DocumentRecord(**row) if row else None

    def documents(self) -> list[DocumentRecord]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(documents).order_by(documents.c.organisation, documents.c.path))
            return [DocumentRecord(**row) for row in rows.mappings()]

    def save_document(
        self,
        record: DocumentRecord,
        found: Sequence[Passage] = (),
        scored: Sequence[Prediction] = (),
    ) -> None:
        """Replace everything stored for this document, in one transaction."""
        if len(found) != len(scored):
            raise ValueError("one prediction per passage is needed")
        with self.engine.begin() as connection:
            # Two scanners storing the same file take turns, so it is stored once, whole.
            self._lock(connection, record.doc_id)
            # A person's corrections outlive a re-scan: they follow the passage's page and text.
            kept_corrections = connection.execute(
                select(
                    passages.c.page,
                    passages.c.text,
                    corrections.c.label,
                    corrections.c.present,
                    corrections.c.corrected_at,
                )
                .join(passages, passages.c.passage_id == corrections.c.passage_id)
                .where(passages.c.doc_id == record.doc_id)
            ).all()
            connection.execute(
                delete(corrections).where(
                    corrections.c.passage_id.in_(
                        select(passages.c.passage_id).where(passages.c.doc_id == record.doc_id)
                    )
                )
            )
            _delete_document(connection, record.doc_id)
            connection.execute(insert(documents).values(**asdict(record)))
            new_ids: dict[tuple[int, str], int] = {}
            if found:
                # One round trip for all the passages, their new ids back in order (INSERT ... RETURNING).
                passage_ids = (
                    connection.execute(
                        insert(passages).returning(passages.c.passage_id, sort_by_parameter_order=True),
                        [
                            {
                                "doc_id": record.doc_id,
                                "seq": seq,
                                "page": passage.page,
                                "start": passage.start,
                                "end": passage.end,
                                "kind": passage.kind,
                                "text": passage.text,
                                "evidence": ";".join(f"{e.rule}:{e.text}" for e in prediction.evidence) or None,
                            }
                            for seq, (passage, prediction) in enumerate(zip(found, scored))
                        ],
                    )
                    .scalars()
                    .all()
                )
                connection.execute(
                    insert(predictions),
                    [
                        {"passage_id": passage_id, "label": label, "score": score, "tagged": label in prediction.labels}
                        for passage_id, prediction in zip(passage_ids, scored)
                        for label, score in prediction.scores.items()
                    ],
                )
                for passage_id, passage in zip(passage_ids, found):
                    new_ids.setdefault((passage.page, passage.text), passage_id)
            for page, text, label, present, when in kept_corrections:
                if (page, text) in new_ids:
                    connection.execute(
                        insert(corrections).values(
                            passage_id=new_ids[(page, text)], label=label, present=present, corrected_at=when
                        )
                    )

    def forget_document(self, target: str) -> int:
        """Forget by content hash, hash prefix (12+ characters) or path; the number of documents removed."""
        with self.engine.connect() as connection:
            if len(target) >= 12 and all(c in "0123456789abcdef" for c in target.lower()):
                query = select(documents.c.doc_id).where(documents.c.doc_id.like(target.lower() + "%"))
            else:
                wanted = {target, str(Path(target)), str(Path(target).resolve())}
                query = select(documents.c.doc_id, documents.c.path)
                rows = connection.execute(query).all()
                ids = [doc_id for doc_id, path in rows if path in wanted or str(Path(path).resolve()) in wanted]
                query = None
            if query is not None:
                ids = list(connection.execute(query).scalars())
        return sum(self.forget(doc_id) for doc_id in ids)

    def forget(self, doc_id: str) -> bool:
        """Remove a document with its passages and predictions; True if it was there."""
        with self.engine.begin() as connection:
            return _delete_document(connection, doc_id)

    def tagged_passages(self, labels: Iterable[str] | None = None):
        """Rows of (document fields, passage fields, label, score) for tagged passages of ok documents.

        A person's corrections win: a removed label drops its row, an added one appears with score 1.
        """
        rows = self._model_tags(labels)
        with self.engine.connect() as connection:
            fixes = {(r.passage_id, r.label): r.present for r in connection.execute(select(corrections))}
            if not fixes:
                return rows
            kept = [row for row in rows if fixes.get((row["passage_id"], row["label"]), True)]
            have = {(row["passage_id"], row["label"]) for row in kept}
            added = [key for key, present in fixes.items() if present and key not in have]
            wanted = set(labels) if labels is not None else None
            for passage_id, label in added:
                if wanted is not None and label not in wanted:
                    continue
                row = (
                    connection.execute(
                        select(*_PASSAGE_WITH_DOCUMENT)
                        .join(passages, passages.c.doc_id == documents.c.doc_id)
                        .where(passages.c.passage_id == passage_id, documents.c.status == "ok")
                    )
                    .mappings()
                    .first()
                )
                if row:
                    kept.append({**row, "label": label, "score": 1.0})
            return kept

    def correct(self, passage_id: int, label: str, present: bool, when: str) -> None:
        """Record a person's judgement that `label` does (or does not) apply to a passage."""
        with self.engine.begin() as connection:
            if (
                connection.execute(select(passages.c.passage_id).where(passages.c.passage_id == passage_id)).first()
                is None
            ):
                raise StoreError(f"no passage {passage_id} in the database; see the ids in `svnlp audit --format json`")
            connection.execute(
                delete(corrections).where(corrections.c.passage_id == passage_id, corrections.c.label == label)
            )
            connection.execute(
                insert(corrections).values(passage_id=passage_id, label=label, present=present, corrected_at=when)
            )

    def passage(self, passage_id: int) -> dict | None:
        """A passage with its document's fields and its effective labels (model tags with corrections)."""
        with self.engine.connect() as connection:
            row = (
                connection.execute(
                    select(passages, documents.c.title, documents.c.path, documents.c.organisation)
                    .join(documents, documents.c.doc_id == passages.c.doc_id)
                    .where(passages.c.passage_id == passage_id)
                )
                .mappings()
                .first()
            )
            if row is None:
                return None
            tagged = {
                r.label
                for r in connection.execute(
                    select(predictions.c.label).where(
                        predictions.c.passage_id == passage_id, predictions.c.tagged.is_(True)
                    )
                )
            }
            for r in connection.execute(select(corrections).where(corrections.c.passage_id == passage_id)):
                (tagged.add if r.present else tagged.discard)(r.label)
        return {**row, "labels": tagged}

    def document_passages(self, doc_id: str) -> list[dict]:
        """A document's passages in order."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(passages).where(passages.c.doc_id == doc_id).order_by(passages.c.seq))
            return [dict(row) for row in rows.mappings()]

    def retag_document(self, doc_id: str, scored: Sequence[tuple[int, Prediction]], model_id: str) -> None:
        """Replace a document's predictions (passage id, prediction) and its model id, in one transaction."""
        with self.engine.begin() as connection:
            ids = select(passages.c.passage_id).where(passages.c.doc_id == doc_id)
            connection.execute(delete(predictions).where(predictions.c.passage_id.in_(ids)))
            rows = [
                {"passage_id": passage_id, "label": label, "score": score, "tagged": label in prediction.labels}
                for passage_id, prediction in scored
                for label, score in prediction.scores.items()
            ]
            if rows:
                connection.execute(insert(predictions), rows)
            connection.execute(documents.update().where(documents.c.doc_id == doc_id).values(model_id=model_id))

    def _model_tags(self, labels: Iterable[str] | None = None):
        query = (
            select(*_PASSAGE_WITH_DOCUMENT, predictions.c.label, predictions.c.score)
            .join(passages, passages.c.doc_id == documents.c.doc_id)
            .join(predictions, predictions.c.passage_id == passages.c.passage_id)
            .where(predictions.c.tagged.is_(True), documents.c.status == "ok")
        )
        if labels is not None:
            query = query.where(predictions.c.label.in_(list(labels)))
        with self.engine.connect() as connection:
            return list(connection.execute(query).mappings())

    def save_registry_rows(self, rows: Iterable[dict]) -> None:
        """Keep the registry rows found beside scanned documents, so the audit can use them later."""
        with self.engine.begin() as connection:
            # Scanners started together each bring the same rows: one at a time.
            self._lock(connection, "svnlp-registry")
            for row in rows:
                connection.execute(delete(registry_rows).where(registry_rows.c.code == row["code"]))
                connection.execute(
                    insert(registry_rows).values(
                        **{k: row.get(k) or None for k in ("code", "name", "aliases", "successor")}
                    )
                )

    def registry_rows(self) -> list[dict]:
        with self.engine.connect() as connection:
            return [dict(row) for row in connection.execute(select(registry_rows)).mappings()]

    def passage_counts(self) -> dict[str, int]:
        """Number of passages per document."""
        from sqlalchemy import func

        with self.engine.connect() as connection:
            rows = connection.execute(select(passages.c.doc_id, func.count()).group_by(passages.c.doc_id))
            return {doc_id: count for doc_id, count in rows}


def _delete_document(connection, doc_id: str) -> bool:
    passage_ids = select(passages.c.passage_id).where(passages.c.doc_id == doc_id)
    connection.execute(delete(corrections).where(corrections.c.passage_id.in_(passage_ids)))
    connection.execute(delete(predictions).where(predictions.c.passage_id.in_(passage_ids)))
    connection.execute(delete(passages).where(passages.c.doc_id == doc_id))
    return connection.execute(delete(documents).where(documents.c.doc_id == doc_id)).rowcount > 0


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
