"""Annotations in and out of the labelling tools teams already use.

- Label Studio: a JSON list of tasks `{"data": {"text"}, "annotations": [{"result": [...]}],
  "predictions": [{"model_version", "result": [...]}]}` with a `choices` control named
  `labels` over the `text` object (the config is `LABEL_STUDIO_CONFIG`).
- Doccano (text classification): JSON lines `{"text", "label": [...]}`.
- Prodigy (`textcat.manual` with several choices): JSON lines
  `{"text", "options": [{"id", "text"}], "accept": [...], "answer": "accept"}`.
Each export keeps svnlp's id, document and depth in the record's `meta`, so export then
import gives back the same texts and labels.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from .annotations import Annotation
from .errors import AnnotationError
from .labels import LABEL_IDS, LABELS_BY_ID

TOOLS = ("label-studio", "doccano", "prodigy")

LABEL_STUDIO_CONFIG = (
    '<View>\n  <Text name="text" value="$text"/>\n  <Choices name="labels" toName="text" choice="multiple">\n'
    + "".join(f'    <Choice value="{label}" hint="{LABELS_BY_ID[label].name}"/>\n' for label in LABEL_IDS)
    + "  </Choices>\n</View>\n"
)


def _meta(annotation: Annotation) -> dict:
    meta = {"svnlp_id": annotation.id, "doc": annotation.doc}
    if annotation.depth:
        meta["depth"] = annotation.depth
    return meta


def _choices(labels: Sequence[str]) -> list[dict]:
    return [{"from_name": "labels", "to_name": "text", "type": "choices", "value": {"choices": list(labels)}}]


def export_annotations(
    annotations: Sequence[Annotation],
    tool: str,
    out: Path | str,
    *,
    predictions: Sequence[tuple[Sequence[str], float]] | None = None,
    model_version: str = "",
) -> Path:
    """Write annotations for a labelling tool; `predictions` (labels, score) become its suggestions."""
    out = Path(out)
    if tool == "label-studio":
        tasks = []
        for n, annotation in enumerate(annotations):
            task = {
                "id": n + 1,
                "data": {"text": annotation.text, "meta": _meta(annotation)},
                "annotations": [{"result": _choices(annotation.labels)}] if annotation.source != "suggest" else [],
            }
            if predictions is not None:
                labels, score = predictions[n]
                task["predictions"] = [{"model_version": model_version, "score": score, "result": _choices(labels)}]
            tasks.append(task)
        out.write_text(json.dumps(tasks, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    elif tool == "doccano":
        lines = [{"text": a.text, "label": list(a.labels), "meta": _meta(a)} for a in annotations]
        out.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    elif tool == "prodigy":
        options = [{"id": label, "text": LABELS_BY_ID[label].name} for label in LABEL_IDS]
        lines = [
            {"text": a.text, "options": options, "accept": list(a.labels), "answer": "accept", "meta": _meta(a)}
            for a in annotations
        ]
        out.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    else:
        raise ValueError(f"unknown tool {tool!r}; choose from {', '.join(TOOLS)}")
    return out


def import_annotations(path: Path | str, tool: str, *, annotator: str = "") -> list[Annotation]:
    """Read a labelling tool's export into annotations; problems are reported as file:line."""
    path = Path(path)
    if not path.is_file():
        raise AnnotationError([f"{path}: no such file"])
    problems: list[str] = []
    found: list[Annotation] = []
    records: list[tuple[int, dict]] = []
    if tool == "label-studio":
        try:
            tasks = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise AnnotationError([f"{path}:{error.lineno}: not valid JSON ({error.msg})"]) from None
        if not isinstance(tasks, list):
            raise AnnotationError([f"{path}:1: expected a JSON list of tasks"])
        records = list(enumerate(tasks, start=1))
    elif tool in ("doccano", "prodigy"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append((number, json.loads(line)))
            except json.JSONDecodeError as error:
                problems.append(f"{path}:{number}: not valid JSON ({error.msg})")
    else:
        raise ValueError(f"unknown tool {tool!r}; choose from {', '.join(TOOLS)}")

    for number, record in records:
        where = f"{path}:{number}"
        if not isinstance(record, dict):
            problems.append(f"{where}: expected an object")
            continue
        if tool == "label-studio":
            data = record.get("data") or {}
            text, meta = data.get("text"), data.get("meta") or {}
            done = [a for a in record.get("annotations") or [] if not a.get("was_cancelled")]
            if not done:
                continue  # not labelled yet
            labels = [
                choice
                for result in done[-1].get("result") or []
                if result.get("type") == "choices"
                for choice in (result.get("value") or {}).get("choices") or []
            ]
        elif tool == "doccano":
            text, meta, labels = record.get("text"), record.get("meta") or {}, record.get("label") or []
        else:
            if record.get("answer") != "accept":
                continue  # rejected or skipped in Prodigy
            text, meta, labels = record.get("text"), record.get("meta") or {}, record.get("accept") or []
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}: empty text")
            continue
        unknown = [label for label in labels if label not in LABEL_IDS]
        if unknown:
            problems.append(f"{where}: unknown label(s) {', '.join(map(str, unknown))}")
            continue
        found.append(
            Annotation(
                id=str(meta.get("svnlp_id") or f"{path.stem}-{number}"),
                text=text.strip(),
                labels=tuple(label for label in LABEL_IDS if label in labels),
                doc=str(meta.get("doc") or path.stem),
                depth=meta.get("depth") if labels else None,
                source=tool,
                annotator=annotator,
            )
        )
    if problems:
        raise AnnotationError(problems)
    return found


def write_annotations(annotations: Sequence[Annotation], out: Path | str) -> Path:
    """Write annotations in svnlp's JSONL format (atomically)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    with partial.open("w", encoding="utf-8") as handle:
        for a in annotations:
            record = {"id": a.id, "text": a.text, "labels": list(a.labels), "doc": a.doc}
            if a.depth and a.labels:
                record["depth"] = a.depth
            record["source"] = a.source
            record["annotator"] = a.annotator
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    partial.replace(out)
    return out
