"""Summarise: per organisation and label, how much of what it publishes is about the topic.

For each organisation and each of the seven labels: its documents, the passages tagged,
their share of all its passages, tagged passages per 10,000 words, and the best quote
(highest-scoring tagged passage) with its document and page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .labels import LABEL_IDS, LABELS_BY_ID
from .store import Store

UNKNOWN_ORGANISATION = "(organisation unknown)"


@dataclass(frozen=True, slots=True)
class Quote:
    """A passage quoted as evidence: where it is and how sure the model was."""

    text: str
    document: str
    path: str
    page: int
    score: float


@dataclass(frozen=True, slots=True)
class LabelSummary:
    """One organisation × label row."""

    organisation: str
    label: str
    label_name: str
    documents: int
    documents_tagged: int
    passages_tagged: int
    share_of_passages: float
    per_10k_words: float
    best_quote: Quote | None


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """One scanned document, and whether its organisation came from the manifest or was inferred."""

    path: str
    organisation: str
    org_source: str
    title: str | None
    year: int | None
    status: str
    pages: int | None
    passages: int
    error: str | None
    warning: str | None
    model_id: str | None
    ocr_pages: str | None = None


@dataclass
class Summary:
    documents: list[DocumentSummary] = field(default_factory=list)
    rows: list[LabelSummary] = field(default_factory=list)

    @property
    def model_ids(self) -> list[str]:
        return sorted({d.model_id for d in self.documents if d.model_id})

    def to_dict(self) -> dict:
        return {
            "model_ids": self.model_ids,
            "documents": [asdict(d) for d in self.documents],
            "rows": [asdict(r) for r in self.rows],
        }


def summarise(
    db: str | Path | Store,
    *,
    organisation: str | None = None,
    year: int | None = None,
    doc_type: str | None = None,
    under: str | None = None,
    registry_files: list[Path | str] | None = None,
) -> Summary:
    """Build the per-organisation summary from a scanned database, optionally filtered.

    `organisation` and `under` match names in any spelling, `under` taking an organisation
    with every predecessor the registry says it replaced.
    """
    from .audit import _wanted_organisations
    from .registry import load_registry, organisation_key

    store = db if isinstance(db, Store) else Store(db)
    try:
        records = store.documents()
        passage_counts = store.passage_counts()
        tagged = store.tagged_passages()
        registry_rows = store.registry_rows()
    finally:
        if store is not db:
            store.close()
    if organisation or under:
        registry = load_registry(registry_files, registry_rows)
        wanted = _wanted_organisations(registry, organisation, under)
        records = [
            r for r in records if r.organisation and organisation_key(registry.canonical_name(r.organisation)) in wanted
        ]
    records = [
        r for r in records if (year is None or r.year == year) and (doc_type is None or (r.doc_type or "") == doc_type)
    ]
    kept = {r.doc_id for r in records}
    tagged = [row for row in tagged if row["doc_id"] in kept]

    summary = Summary()
    org_of: dict[str, str] = {}
    org_docs: dict[str, list[str]] = defaultdict(list)
    org_words: dict[str, int] = defaultdict(int)
    org_passages: dict[str, int] = defaultdict(int)
    for record in records:
        organisation = record.organisation or UNKNOWN_ORGANISATION
        summary.documents.append(
            DocumentSummary(
                path=record.path,
                organisation=organisation,
                org_source=record.org_source or "inferred",
                title=record.title,
                year=record.year,
                status=record.status,
                pages=record.pages,
                passages=passage_counts.get(record.doc_id, 0),
                error=record.error,
                warning=record.warning,
                model_id=record.model_id,
                ocr_pages=record.ocr_pages,
            )
        )
        if record.status != "ok":
            continue
        org_of[record.doc_id] = organisation
        org_docs[organisation].append(record.doc_id)
        org_words[organisation] += record.words or 0
        org_passages[organisation] += passage_counts.get(record.doc_id, 0)

    hits: dict[tuple[str, str], list] = defaultdict(list)
    for row in tagged:
        hits[(org_of[row["doc_id"]], row["label"])].append(row)

    for organisation in sorted(org_docs):
        for label in LABEL_IDS:
            rows = hits.get((organisation, label), [])
            best = max(rows, key=lambda r: (r["score"], -r["page"]), default=None)
            words = org_words[organisation]
            summary.rows.append(
                LabelSummary(
                    organisation=organisation,
                    label=label,
                    label_name=LABELS_BY_ID[label].name,
                    documents=len(org_docs[organisation]),
                    documents_tagged=len({r["doc_id"] for r in rows}),
                    passages_tagged=len(rows),
                    share_of_passages=round(len(rows) / org_passages[organisation], 4)
                    if org_passages[organisation]
                    else 0.0,
                    per_10k_words=round(len(rows) * 10000 / words, 2) if words else 0.0,
                    best_quote=Quote(
                        text=best["text"],
                        document=best["title"] or Path(best["path"]).name,
                        path=best["path"],
                        page=best["page"],
                        score=round(best["score"], 4),
                    )
                    if best
                    else None,
                )
            )
    return summary
