"""Suggest: the scanned passages most worth a person's labelling time.

Uncertainty sampling with diversity: passages whose scores sit closest to their label's
threshold come first, near-duplicates of a passage already chosen are passed over, and
passages whose text is already annotated are left out. Each suggestion is written in
the annotation format, the model's labels as the starting point, with its document,
page and neighbouring passages as context.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from .annotations import annotation_files, check_annotations
from .classify import Classifier, load_model
from .store import Store

MIN_WORDS = 5
NEAR_DUPLICATE = 0.7  # cosine similarity of word TF-IDF above which two passages count as one


def _key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "document"


def suggest(
    db: str | Path,
    *,
    count: int = 100,
    label: str | None = None,
    model: Classifier | None = None,
    annotations: list[Path | str] | None = None,
) -> list[dict]:
    """Pick up to `count` passages to label, most uncertain first, as annotation records."""
    classifier = model or load_model()
    known, _ = check_annotations(annotation_files(annotations or []))
    annotated = {_key(a.text) for a in known}
    with Store(db) as store:
        candidates = []
        for record in store.documents():
            if record.status != "ok":
                continue
            rows = store.document_passages(record.doc_id)
            for index, row in enumerate(rows):
                if row["kind"] == "heading" or len(row["text"].split()) < MIN_WORDS or _key(row["text"]) in annotated:
                    continue
                before = rows[index - 1]["text"] if index > 0 else ""
                after = rows[index + 1]["text"] if index + 1 < len(rows) else ""
                candidates.append((record, row, before, after))
    if not candidates:
        return []
    texts = [row["text"] for _, row, _, _ in candidates]
    scores = classifier.predict_proba(texts)
    thresholds = np.array([classifier.thresholds[name] for name in classifier.labels])
    # 1 at the threshold, falling to 0 at a sure 0 or 1.
    closeness = 1 - np.abs(scores - thresholds) / np.maximum(thresholds, 1 - thresholds)
    uncertainty = closeness[:, classifier.labels.index(label)] if label else closeness.max(axis=1)
    order = np.argsort(-uncertainty, kind="stable")
    words = dict(classifier.features.transformer_list)["words"]
    vectors = words.transform(texts)
    chosen: list[int] = []
    seen_keys: set[str] = set()
    for index in order:
        if len(chosen) >= count:
            break
        key = _key(texts[index])
        if key in seen_keys:
            continue
        if chosen:
            similarity = (vectors[chosen] @ vectors[index].T).toarray().ravel()
            if similarity.size and similarity.max() > NEAR_DUPLICATE:
                continue
        chosen.append(int(index))
        seen_keys.add(key)
    suggestions = []
    for index in chosen:
        record, row, before, after = candidates[index]
        predicted = [name for name, score, t in zip(classifier.labels, scores[index], thresholds) if score >= t]
        suggestions.append(
            {
                "id": f"suggest-{record.doc_id[:12]}-{row['seq']}",
                "text": row["text"],
                "labels": predicted,
                "doc": _slug(record.title or Path(record.path).stem),
                "source": "suggest",
                "annotator": "",
                "meta": {
                    "passage_id": row["passage_id"],
                    "document": record.title or Path(record.path).name,
                    "organisation": record.organisation,
                    "page": row["page"],
                    "before": before,
                    "after": after,
                    "scores": {name: round(float(s), 4) for name, s in zip(classifier.labels, scores[index])},
                    "uncertainty": round(float(uncertainty[index]), 4),
                    "model": classifier.model_id,
                },
            }
        )
    return suggestions


def write_suggestions(suggestions: list[dict], out: Path | str) -> Path:
    """Write suggestions as JSON lines (atomically)."""
    out = Path(out)
    partial = out.with_name(f".{out.name}.partial")
    partial.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in suggestions), encoding="utf-8")
    partial.replace(out)
    return out
