"""Training: grouped cross-validation, thresholds, a complete model directory, determinism."""

from __future__ import annotations

import json

import numpy as np
import pytest

from svnlp.classify import Classifier
from svnlp.errors import AnnotationError
from svnlp.labels import LABEL_IDS
from svnlp.train import (
    choose_thresholds,
    evaluate,
    f1_intervals,
    label_metrics,
    paired_difference,
    threshold_ceiling,
    train,
)

TOPICS = {
    "marmot_a": ["breastfeeding support for new mothers", "health visiting for babies", "school readiness at age five"],
    "marmot_b": ["adult learning and skills courses", "pupils' attainment at GCSE", "young people not in education"],
    "marmot_c": ["paying the real Living Wage", "apprenticeships for local people", "supported employment into jobs"],
    "marmot_d": ["households in fuel poverty", "food bank use and debt advice", "Universal Credit and child poverty"],
    "marmot_e": ["damp and mould in rented homes", "green space and active travel", "loneliness and isolation"],
    "marmot_f": ["stop smoking services", "vaccination uptake and screening", "NHS Health Checks and healthy weight"],
    "social_value": [
        "social value weighting in tenders",
        "community benefit clauses in contracts",
        "anchor institution spending",
    ],
}
NEUTRAL = ["the board approved the minutes", "the estates budget for the year", "our values of respect and care"]


def tiny_annotations(path):
    lines, n = [], 0
    for doc in range(6):
        for label, phrases in TOPICS.items():
            for phrase in phrases:
                n += 1
                text = f"In document {doc} we will focus on {phrase} across the area."
                lines.append(json.dumps({"id": f"t{n}", "text": text, "labels": [label], "doc": f"doc-{doc}"}))
        for phrase in NEUTRAL:
            n += 1
            lines.append(
                json.dumps({"id": f"t{n}", "text": f"Document {doc}: {phrase}.", "labels": [], "doc": f"doc-{doc}"})
            )
    path.write_text("\n".join(lines) + "\n")
    return path


def test_train_writes_a_complete_model_directory(tmp_path):
    data = tiny_annotations(tmp_path / "tiny.jsonl")
    classifier = train([data], tmp_path / "model")
    files = {p.name for p in (tmp_path / "model").iterdir()}
    assert files == {"weights.npz", "vocabulary.json", "meta.json", "metrics.json", "MODEL.md"}
    meta = json.loads((tmp_path / "model" / "meta.json").read_text())
    assert meta["model_id"] == classifier.model_id and meta["passages"] == 6 * (21 + 3)
    metrics = json.loads((tmp_path / "model" / "metrics.json").read_text())
    assert set(metrics["at_chosen_thresholds"]["labels"]) == set(LABEL_IDS)
    assert "grouped by document" in metrics["cross_validation"]
    assert classifier.model_id in (tmp_path / "model" / "MODEL.md").read_text()
    assert all(0.05 <= t <= 0.9 for t in classifier.thresholds.values())


def test_training_is_deterministic(tmp_path):
    data = tiny_annotations(tmp_path / "tiny.jsonl")
    first = train([data], tmp_path / "one")
    second = train([data], tmp_path / "two")
    assert first.model_id == second.model_id


def test_retraining_over_an_existing_model_replaces_it_whole(tmp_path):
    data = tiny_annotations(tmp_path / "tiny.jsonl")
    train([data], tmp_path / "model")
    (tmp_path / "model" / "stale.txt").write_text("from before")
    train([data], tmp_path / "model")
    assert not (tmp_path / "model" / "stale.txt").exists()
    assert Classifier.load(tmp_path / "model").predict(["stop smoking services"])


def test_bad_annotations_stop_training_and_leave_no_model(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "x", "labels": ["nope"], "doc": "d"}\n')
    with pytest.raises(AnnotationError, match="bad.jsonl:1: unknown label"):
        train([bad], tmp_path / "model")
    assert not (tmp_path / "model").exists()


def test_thresholds_maximise_f1():
    truth = np.array([[1], [1], [0], [0]])
    scores = np.array([[0.9], [0.35], [0.3], [0.1]])
    assert choose_thresholds(truth, scores) == [0.31]


def test_supported_macro_leaves_out_labels_with_too_few_positives():
    truth = np.zeros((20, len(LABEL_IDS)), dtype=int)
    truth[:12, 0] = 1  # marmot_a: 12 positives, all found
    truth[:2, 1] = 1  # marmot_b: 2 positives, both missed
    predicted = truth.copy()
    predicted[:, 1] = 0
    metrics = label_metrics(truth, predicted, [0.5] * len(LABEL_IDS))
    assert metrics["macro_supported"]["labels"] == ["marmot_a"]
    assert metrics["macro_supported"]["f1"] == 1.0
    assert metrics["macro"]["f1"] < 0.2  # the plain macro counts every label, even with no positives


def test_thresholds_are_shifted_down_except_for_social_value(tmp_path):
    data = tiny_annotations(tmp_path / "tiny.jsonl")
    plain = train([data], tmp_path / "plain", threshold_shift=0.0)
    shifted = train([data], tmp_path / "shifted", threshold_shift=0.05)
    for label in LABEL_IDS:
        expected = plain.thresholds[label] if label == "social_value" else max(0.05, plain.thresholds[label] - 0.05)
        assert shifted.thresholds[label] == pytest.approx(expected)
    assert json.loads((tmp_path / "shifted" / "meta.json").read_text())["threshold_shift"] == 0.05


def test_the_threshold_ceiling_beats_a_fixed_threshold_but_not_a_bad_ranking():
    truth = np.zeros((40, len(LABEL_IDS)), dtype=int)
    truth[:12, 0] = 1
    scores = np.full(truth.shape, 0.05)
    scores[:12, 0] = 0.3  # every positive ranked first, but all below 0.5
    scores[12:16, 0] = 0.2
    ceiling = threshold_ceiling(truth, scores)
    assert label_metrics(truth, scores >= 0.5, [0.5] * len(LABEL_IDS))["labels"]["marmot_a"]["f1"] == 0.0
    assert ceiling["labels"]["marmot_a"] == {"f1": 1.0, "threshold": 0.21}
    scores[12:16, 0] = 0.9  # four negatives ranked above every positive: no threshold gets them all
    assert threshold_ceiling(truth, scores)["labels"]["marmot_a"]["f1"] < 1.0


def test_evaluate_lists_confident_mistakes(model):
    from svnlp.annotations import Annotation

    annotations = [
        Annotation("e1", "We will expand stop smoking services in every practice.", ("marmot_f",), "d"),
        Annotation("e2", "Our budget is balanced.", ("social_value",), "d"),
    ]
    result = evaluate(model, annotations, errors=3)
    assert result["labels"]["marmot_f"]["recall"] == 1.0
    assert [e["id"] for e in result["false_negatives"] if e["label"] == "social_value"] == ["e2"]
    assert result["ceiling"]["labels"]["marmot_f"]["f1"] >= result["labels"]["marmot_f"]["f1"]


def _one_label_case(passages: int, found: int, positives: int = 20, seed: int = 0):
    """marmot_a truth with `positives` positives, of which the prediction finds the first `found`."""
    truth = np.zeros((passages, len(LABEL_IDS)), dtype=int)
    truth[:positives, 0] = 1
    predicted = np.zeros_like(truth)
    predicted[:found, 0] = 1
    return truth, predicted


def test_f1_intervals_bracket_the_measured_f1_and_narrow_with_more_passages():
    truth, predicted = _one_label_case(100, found=10)
    metrics = label_metrics(truth, predicted, [0.5] * len(LABEL_IDS))
    low, high = f1_intervals(truth, predicted)["marmot_a"]
    assert low < metrics["labels"]["marmot_a"]["f1"] < high
    bigger_truth, bigger_predicted = np.tile(truth, (10, 1)), np.tile(predicted, (10, 1))
    big_low, big_high = f1_intervals(bigger_truth, bigger_predicted)["marmot_a"]
    assert big_high - big_low < (high - low) / 2


def test_paired_difference_is_zero_against_itself_and_negative_for_a_worse_model():
    truth, better = _one_label_case(100, found=18)
    _, worse = _one_label_case(100, found=8)
    same = paired_difference(truth, better, better)["marmot_a"]
    assert same == {"delta": 0.0, "interval": [0.0, 0.0]}
    change = paired_difference(truth, worse, better)["marmot_a"]
    assert change["delta"] < 0 and change["interval"][1] < 0
    assert paired_difference(truth[:0], worse[:0], better[:0]) == {} == f1_intervals(truth[:0], worse[:0])


def test_evaluate_against_a_baseline_reports_the_difference(model):
    from svnlp.annotations import Annotation

    annotations = [Annotation("e1", "We will expand stop smoking services in every practice.", ("marmot_f",), "d")]
    strict = Classifier(model.features, model.coef, model.intercept, {label: 1.01 for label in LABEL_IDS})
    result = evaluate(model, annotations, baseline=strict)
    assert result["baseline"]["labels"]["marmot_f"]["recall"] == 0.0
    assert result["baseline"]["difference"]["marmot_f"]["delta"] == 1.0
    assert "macro_supported" in result["intervals"]
