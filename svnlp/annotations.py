"""Annotated passages: reading and validating the JSONL files the classifier trains on.

One JSON object a line:
    {"id": "strat-0001", "text": "...", "labels": ["marmot_a"], "depth": "commitment",
     "doc": "eastvale-ccg-strategy-2019", "source": "synthetic", "annotator": "annotator-a"}
`depth` is optional (mention, commitment or measure, only on labelled passages); `doc`
groups passages by the document they come from, so evaluation never splits a document
between training and test folds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import AnnotationError
from .labels import LABEL_IDS

DEPTHS = ("mention", "commitment", "measure")
REQUIRED_KEYS = ("id", "text", "labels", "doc")
KNOWN_KEYS = {*REQUIRED_KEYS, "depth", "source", "annotator", "page", "meta"}


@dataclass(frozen=True, slots=True)
class Annotation:
    """One labelled passage."""

    id: str
    text: str
    labels: tuple[str, ...]
    doc: str
    depth: str | None = None
    source: str = ""
    annotator: str = ""


def _check_record(record: object, where: str) -> tuple[Annotation | None, list[str]]:
    problems: list[str] = []
    if not isinstance(record, dict):
        return None, [f"{where}: expected a JSON object, got {type(record).__name__}"]
    for key in REQUIRED_KEYS:
        if key not in record:
            problems.append(f"{where}: missing key {key!r}")
    for key in record:
        if key not in KNOWN_KEYS:
            problems.append(f"{where}: unknown key {key!r}")
    text, labels, depth = record.get("text"), record.get("labels", []), record.get("depth")
    if "text" in record and (not isinstance(text, str) or not text.strip()):
        problems.append(f"{where}: empty text")
    if not isinstance(labels, list):
        problems.append(f"{where}: 'labels' must be a list")
        labels = []
    for label in labels:
        if label not in LABEL_IDS:
            problems.append(f"{where}: unknown label {label!r} (expected one of {', '.join(LABEL_IDS)})")
    if len(set(labels)) != len(labels):
        problems.append(f"{where}: a label is repeated")
    if depth is not None and depth not in DEPTHS:
        problems.append(f"{where}: unknown depth {depth!r} (expected one of {', '.join(DEPTHS)})")
    if depth is not None and not labels:
        problems.append(f"{where}: depth given on a passage with no label")
    for key in ("id", "doc"):
        if key in record and (not isinstance(record[key], (str, int)) or str(record[key]).strip() == ""):
            problems.append(f"{where}: {key!r} must be a non-empty string")
    if problems:
        return None, problems
    ordered = tuple(label for label in LABEL_IDS if label in labels)
    return (
        Annotation(
            id=str(record["id"]),
            text=text.strip(),
            labels=ordered,
            doc=str(record["doc"]),
            depth=depth,
            source=str(record.get("source", "")),
            annotator=str(record.get("annotator", "")),
        ),
        [],
    )


def check_annotations(paths: Iterable[Path | str]) -> tuple[list[Annotation], list[str]]:
    """Read annotation files and return the good records and every problem as `file:line: what`."""
    annotations: list[Annotation] = []
    problems: list[str] = []
    seen_ids: dict[str, str] = {}
    seen_texts: dict[str, tuple[str, tuple[str, ...]]] = {}
    for path in map(Path, paths):
        if not path.is_file():
            problems.append(f"{path}: no such file")
            continue
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                where = f"{path}:{number}"
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as error:
                    problems.append(f"{where}: not valid JSON ({error.msg} at column {error.colno})")
                    continue
                annotation, found = _check_record(record, where)
                problems.extend(found)
                if annotation is None:
                    continue
                if annotation.id in seen_ids:
                    problems.append(f"{where}: duplicate id {annotation.id!r} (first at {seen_ids[annotation.id]})")
                    continue
                seen_ids[annotation.id] = where
                key = " ".join(annotation.text.lower().split())
                if key in seen_texts and seen_texts[key][1] != annotation.labels:
                    first, labels = seen_texts[key]
                    problems.append(
                        f"{where}: same text as {first} with different labels "
                        f"({', '.join(annotation.labels) or 'none'} vs {', '.join(labels) or 'none'})"
                    )
                    continue
                seen_texts.setdefault(key, (where, annotation.labels))
                annotations.append(annotation)
    return annotations, problems


def load_annotations(paths: Iterable[Path | str]) -> list[Annotation]:
    """Read annotation files; raise AnnotationError listing every problem if there are any."""
    annotations, problems = check_annotations(paths)
    if problems:
        raise AnnotationError(problems)
    return annotations


def annotation_files(paths: Iterable[Path | str]) -> list[Path]:
    """Expand folders into the .jsonl files inside them, sorted, so training order is stable."""
    files: list[Path] = []
    for path in map(Path, paths):
        files.extend(sorted(path.rglob("*.jsonl")) if path.is_dir() else [path])
    return files


def data_hash(annotations: Iterable[Annotation]) -> str:
    """A hash of the texts and labels, independent of file order and layout."""
    digest = hashlib.sha256()
    for annotation in sorted(annotations, key=lambda a: a.id):
        digest.update(json.dumps([annotation.id, annotation.text, annotation.labels]).encode())
    return digest.hexdigest()
