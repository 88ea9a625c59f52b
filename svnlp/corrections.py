"""Corrections: a person's judgement on a tagged passage, kept in the store and in the annotations.

The audit and report use it at once (the store's tagged passages follow corrections),
and it is written to an annotation file so the next training run learns from it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .annotations import Annotation
from .classify import now_iso
from .errors import SvnlpError
from .interchange import write_annotations
from .labels import LABEL_IDS
from .store import Store


def record_correction(
    db: str | Path, passage_id: int, add: list[str], remove: list[str], annotations_file: Path | str
) -> list[str]:
    """Apply a correction; return the passage's labels after it."""
    for label in [*add, *remove]:
        if label not in LABEL_IDS:
            raise ValueError(f"unknown label {label!r}; choose from {', '.join(LABEL_IDS)}")
    if not add and not remove:
        raise ValueError("say what to change with --add LABEL or --remove LABEL")
    when = now_iso()
    with Store(db) as store:
        for label in add:
            store.correct(passage_id, label, True, when)
        for label in remove:
            store.correct(passage_id, label, False, when)
        passage = store.passage(passage_id)
    if passage is None:
        raise SvnlpError(f"no passage {passage_id} in {db}")
    labels = [label for label in LABEL_IDS if label in passage["labels"]]
    _save_annotation(Path(annotations_file), passage, labels)
    return labels


def _save_annotation(path: Path, passage: dict, labels: list[str]) -> None:
    """Add or replace this passage's line in the corrections file."""
    ident = f"correction-{passage['doc_id'][:12]}-{passage['seq']}"
    existing: list[Annotation] = []
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                if record["id"] != ident:
                    existing.append(
                        Annotation(
                            record["id"],
                            record["text"],
                            tuple(record["labels"]),
                            record["doc"],
                            record.get("depth"),
                            record.get("source", ""),
                            record.get("annotator", ""),
                        )
                    )
    title = passage.get("title") or Path(passage["path"]).stem
    doc = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "document"
    existing.append(Annotation(ident, passage["text"], tuple(labels), f"correction-{doc}", None, "correction", ""))
    write_annotations(existing, path)
