"""Audit: an awareness level per organisation and label, with the passages that earned it.

The rubric (docs/awareness.md):
    0 absent     no passage on the topic
    1 mentioned  the topic is named or described, or appears in one stray place
    2 committed  priorities, policies or actions on it, in more than one place
    3 embedded   commitments and targets, weightings, indicators, budgets or reported
                 results, across the documents
A level is computed from the organisation's tagged passages — their depth (mention,
commitment or measure, `svnlp.depth`), how many pages they spread over, and explicit
references (the Social Value Act named) — over its latest year's documents unless told
otherwise. The overall level of an organisation is the rounded mean of its seven.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .classify import Classifier, load_model, now_iso
from .depth import passage_depth
from .errors import SvnlpError
from .labels import LABEL_IDS, LABELS_BY_ID
from .registry import Registry, load_registry, organisation_key
from .store import Store

LEVEL_NAMES = {0: "absent", 1: "mentioned", 2: "committed", 3: "embedded"}
EVIDENCE_PER_LEVEL = 5

# Cut-offs of the rubric, named so docs/awareness.md and the code say the same thing.
COMMITTED_MIN_COMMITMENTS = 2  # passages that commit or measure
EMBEDDED_MIN_MEASURES = 3  # passages with a target, weighting, indicator, budget or result
EMBEDDED_MIN_COMMITMENTS = 3
MIN_PAGES = 2  # a topic confined to one page is "mentioned" at most ...
MIN_PASSAGES_ON_ONE_PAGE = 4  # ... unless that page gives it a section of its own
MIN_SCORE = 0.6  # weaker tags are shown as leads but do not raise a level, unless a rule found an explicit reference


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """A passage that supports a level."""

    document: str
    path: str
    year: int | None
    page: int
    score: float
    depth: str
    text: str
    cues: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    passage_id: int = 0


@dataclass(frozen=True, slots=True)
class LabelLevel:
    """One organisation × label: the level, its counts and the evidence."""

    organisation: str
    label: str
    level: int
    level_name: str
    passages: int
    commitments: int
    measures: int
    pages: int
    references: int
    evidence: tuple[EvidenceItem, ...] = ()


@dataclass
class DocumentRef:
    path: str
    title: str | None
    year: int | None
    doc_type: str | None
    status: str
    error: str | None = None


@dataclass
class OrganisationAudit:
    """Everything the audit says about one organisation."""

    organisation: str
    years: list[int]
    documents: list[DocumentRef]
    levels: list[LabelLevel]
    overall: int
    successor: str | None = None
    predecessors: list[str] = field(default_factory=list)
    history: dict[int, dict[str, int]] = field(default_factory=dict)  # year → label → level

    @property
    def gaps(self) -> list[str]:
        return [level.label for level in self.levels if level.level == 0]


@dataclass
class Audit:
    organisations: list[OrganisationAudit]
    failed: list[DocumentRef]
    model_ids: list[str]
    created: str
    scope: str

    def rows(self) -> list[dict]:
        """One flat row per organisation and label, plus an overall row each."""
        rows = []
        for org in self.organisations:
            for level in org.levels:
                rows.append(
                    {
                        "organisation": org.organisation,
                        "label": level.label,
                        "level": level.level,
                        "level_name": level.level_name,
                        "passages": level.passages,
                        "commitments": level.commitments,
                        "measures": level.measures,
                        "pages": level.pages,
                    }
                )
            rows.append(
                {
                    "organisation": org.organisation,
                    "label": "overall",
                    "level": org.overall,
                    "level_name": LEVEL_NAMES[org.overall],
                    "passages": sum(level.passages for level in org.levels),
                    "commitments": sum(level.commitments for level in org.levels),
                    "measures": sum(level.measures for level in org.levels),
                    "pages": 0,
                }
            )
        return rows

    def to_dict(self) -> dict:
        return {
            "created": self.created,
            "scope": self.scope,
            "model_ids": self.model_ids,
            "organisations": [asdict(org) for org in self.organisations],
            "failed": [asdict(doc) for doc in self.failed],
        }


def counts_towards_level(item: EvidenceItem) -> bool:
    """A passage raises a level if the model is sure enough of it, or it names the Act or the Review."""
    return item.score >= MIN_SCORE or bool(item.references)


def level_for(items: list[EvidenceItem]) -> int:
    """Apply the rubric to one organisation's tagged passages for one label."""
    items = [item for item in items if counts_towards_level(item)]
    # A heading names a topic; on its own it is not evidence that the organisation engages with it.
    if not any(item.depth != "heading" for item in items):
        return 0
    commitments = sum(1 for item in items if item.depth in ("commitment", "measure"))
    measures = sum(1 for item in items if item.depth == "measure")
    pages = len({(item.path, item.page) for item in items})
    if pages < MIN_PAGES and len(items) < MIN_PASSAGES_ON_ONE_PAGE:
        return 1
    if measures >= EMBEDDED_MIN_MEASURES and commitments >= EMBEDDED_MIN_COMMITMENTS:
        return 3
    if commitments >= COMMITTED_MIN_COMMITMENTS:
        return 2
    return 1


def audit(
    db: str | Path,
    *,
    year: int | None = None,
    all_years: bool = False,
    organisation: str | None = None,
    doc_type: str | None = None,
    under: str | None = None,
    registry_files: list[Path | str] | None = None,
    model: Classifier | None = None,
) -> Audit:
    """Compute awareness levels for every organisation in a scanned database."""
    with Store(db) as store:
        records = store.documents()
        tagged = store.tagged_passages()
        registry = load_registry(registry_files, store.registry_rows())
    if model is None:
        try:
            model = load_model()
        except SvnlpError:
            model = None  # levels do not need it; only the cue words do

    def name_of(raw: str | None) -> str:
        return registry.canonical_name(raw) if raw else "(organisation unknown)"

    wanted = _wanted_organisations(registry, organisation, under)
    selected, failed, documents_of = [], [], defaultdict(list)
    for record in records:
        org = name_of(record.organisation)
        if wanted is not None and organisation_key(org) not in wanted:
            continue
        if doc_type and (record.doc_type or "") != doc_type:
            continue
        ref = DocumentRef(record.path, record.title, record.year, record.doc_type, record.status, record.error)
        if record.status != "ok":
            failed.append(ref)
            continue
        documents_of[org].append((record, ref))
        selected.append(record.doc_id)

    items_of: dict[tuple[str, str], list[EvidenceItem]] = defaultdict(list)
    by_doc = {record.doc_id: record for record in records}
    for row in tagged:
        record = by_doc.get(row["doc_id"])
        if record is None or record.status != "ok" or row["doc_id"] not in selected:
            continue
        references = tuple(part.split(":", 1)[0] for part in (row["evidence"] or "").split(";") if part)
        items_of[(name_of(record.organisation), row["label"])].append(
            EvidenceItem(
                document=record.title or Path(record.path).name,
                path=record.path,
                year=record.year,
                page=row["page"],
                score=round(float(row["score"]), 4),
                depth="heading" if row["kind"] == "heading" else passage_depth(row["text"], row["kind"]),
                text=row["text"],
                references=references,
                passage_id=row["passage_id"],
            )
        )

    organisations = []
    for org in sorted(documents_of):
        docs = documents_of[org]
        years = sorted({r.year for r, _ in docs if r.year is not None})
        if year is not None:
            chosen_years = {year}
        elif all_years or not years:
            chosen_years = None
        else:
            chosen_years = {years[-1]}
        in_scope = [ref for r, ref in docs if chosen_years is None or r.year in chosen_years]
        if not in_scope:
            continue
        history = {
            y: {label: level_for([i for i in items_of[(org, label)] if i.year == y]) for label in LABEL_IDS}
            for y in years
        }
        levels = []
        for label in LABEL_IDS:
            items = [i for i in items_of[(org, label)] if chosen_years is None or i.year in chosen_years]
            levels.append(_label_level(org, label, items, model))
        overall = int(sum(level.level for level in levels) / len(levels) + 0.5)
        organisations.append(
            OrganisationAudit(
                organisation=org,
                years=sorted({ref.year for ref in in_scope if ref.year is not None}),
                documents=in_scope,
                levels=levels,
                overall=overall,
                successor=registry.successor_of(org),
                predecessors=registry.predecessors_of(org),
                history=history if len(years) > 1 else {},
            )
        )
    scope = f"year {year}" if year is not None else "all years" if all_years else "latest year of each organisation"
    model_ids = sorted({record.model_id for record in records if record.model_id})
    return Audit(organisations, failed, model_ids, now_iso(), scope)


def _wanted_organisations(registry: Registry, organisation: str | None, under: str | None) -> set[str] | None:
    if organisation is None and under is None:
        return None
    wanted: set[str] = set()
    if organisation:
        wanted.add(organisation_key(registry.canonical_name(organisation)))
    if under:
        top = registry.canonical_name(under)
        wanted.add(organisation_key(top))
        wanted.update(organisation_key(name) for name in registry.predecessors_of(top))
    return wanted


def _label_level(org: str, label: str, items: list[EvidenceItem], model: Classifier | None) -> LabelLevel:
    level = level_for(items)
    depth_rank = {"measure": 3, "commitment": 2, "mention": 1, "heading": 0}
    best = sorted(items, key=lambda i: (depth_rank[i.depth], i.score), reverse=True)[:EVIDENCE_PER_LEVEL]
    if model is not None:
        best = [EvidenceItem(**{**asdict(item), "cues": tuple(model.cues(item.text, label))}) for item in best]
    return LabelLevel(
        organisation=org,
        label=label,
        level=level,
        level_name=LEVEL_NAMES[level],
        passages=len(items),
        commitments=sum(1 for i in items if i.depth in ("commitment", "measure")),
        measures=sum(1 for i in items if i.depth == "measure"),
        pages=len({(i.path, i.page) for i in items}),
        references=sum(1 for i in items if i.references),
        evidence=tuple(best),
    )


@dataclass
class Agreement:
    """How the audit's levels compare with a gold CSV (`organisation,label,level`)."""

    compared: int
    exact: float
    within_one: float
    disagreements: list[dict]
    missing: list[str]


def check_against(result: Audit, gold_path: Path | str, registry: Registry | None = None) -> Agreement:
    """Compare levels with gold levels; organisations are matched by name in any spelling."""
    gold_path = Path(gold_path)
    if not gold_path.is_file():
        raise SvnlpError(f"{gold_path}: no such gold file")
    found = {
        (organisation_key(org.organisation), level.label): level.level
        for org in result.organisations
        for level in org.levels
    }
    found.update({(organisation_key(org.organisation), "overall"): org.overall for org in result.organisations})
    compared = exact = within = 0
    disagreements, missing = [], []
    with gold_path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not {"organisation", "label", "level"} <= set(reader.fieldnames or []):
            raise SvnlpError(f"{gold_path}:1: the header should be organisation,label,level")
        for number, row in enumerate(reader, start=2):
            name = registry.canonical_name(row["organisation"]) if registry else row["organisation"]
            key = (organisation_key(name), row["label"].strip())
            try:
                expected = int(row["level"])
            except ValueError:
                raise SvnlpError(f"{gold_path}:{number}: level {row['level']!r} is not 0-3") from None
            if key not in found:
                missing.append(f"{row['organisation']} / {row['label']}")
                continue
            compared += 1
            got = found[key]
            exact += got == expected
            within += abs(got - expected) <= 1
            if got != expected:
                disagreements.append(
                    {"organisation": row["organisation"], "label": row["label"], "gold": expected, "audit": got}
                )
    return Agreement(
        compared=compared,
        exact=round(exact / compared, 4) if compared else 0.0,
        within_one=round(within / compared, 4) if compared else 0.0,
        disagreements=disagreements,
        missing=missing,
    )


def label_name(label: str) -> str:
    return LABELS_BY_ID[label].name if label in LABELS_BY_ID else label.title()
