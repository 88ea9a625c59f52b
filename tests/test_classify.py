"""The classifier: the bundled model, scores, thresholds, rules and safe model files."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from svnlp.classify import Classifier, default_model_dir, load_model
from svnlp.errors import ModelError
from svnlp.labels import LABEL_IDS
from svnlp.rules import REFERENCE_PHRASES, find_references


def test_bundled_model_scores_all_seven_labels(model):
    [prediction] = model.predict(["We will pay the real Living Wage and recruit from the most deprived wards."])
    assert list(prediction.scores) == list(LABEL_IDS)
    assert all(0.0 <= score <= 1.0 for score in prediction.scores.values())
    assert "marmot_c" in prediction.labels


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Breastfeeding rates at six to eight weeks remain below the England average.", "marmot_a"),
        ("Tenders will carry a minimum social value weighting of ten per cent.", "social_value"),
        ("We will expand the stop smoking service and NHS Health Checks.", "marmot_f"),
    ],
)
def test_clear_passages_get_their_label(model, text, label):
    assert label in model.predict([text])[0].labels


@pytest.mark.parametrize(
    "text",
    [
        "Our values are compassion, respect and openness.",
        "The contract was awarded on the basis of value for money.",
        "Adult social care budgets are under pressure.",
    ],
)
def test_hard_negatives_are_left_alone(model, text):
    assert "social_value" not in model.predict([text])[0].labels


def test_naming_the_act_is_evidence_and_social_value(model):
    [prediction] = model.predict(["The Public Services (Social Value) Act 2012 applies to this contract."])
    assert [e.rule for e in prediction.evidence] == ["social_value_act"]
    assert "social_value" in prediction.labels


def test_references_prefer_the_longest_name():
    [found] = find_references(["As the Marmot Review (Fair Society, Healthy Lives) argued"])
    assert [(e.rule, e.text) for e in found] == [
        ("marmot_review", "Marmot Review"),
        ("marmot_review", "Fair Society, Healthy Lives"),
    ]


@pytest.mark.parametrize("rule", sorted(REFERENCE_PHRASES))
def test_every_reference_phrase_is_found_in_any_case(rule):
    # The substring test that spares the tokenizer must never turn a real match away.
    for phrase in REFERENCE_PHRASES[rule]:
        for variant in (phrase, phrase.upper(), phrase.lower()):
            [found] = find_references([f"In line with the {variant}, the board agreed."])
            assert rule in {e.rule for e in found}, variant


def test_text_without_any_reference_phrase_has_no_evidence():
    assert find_references(["Social care and value for money.", "", "Marmite sandwiches."]) == [(), (), ()]


def test_save_and_load_give_the_same_scores_and_id(model, tmp_path):
    copy = model.save(tmp_path / "copy")
    again = Classifier.load(copy)
    texts = ["Cold homes make children ill.", "The board approved the minutes."]
    assert np.allclose(again.predict_proba(texts), model.predict_proba(texts))
    assert again.model_id == model.model_id
    assert json.loads((copy / "meta.json").read_text())["labels"] == list(LABEL_IDS)


def test_model_files_hold_no_pickle(model):
    with np.load(default_model_dir() / "weights.npz", allow_pickle=False) as weights:
        assert {"coef", "intercept"} <= set(weights.files)


def test_missing_model_says_what_to_do(tmp_path):
    with pytest.raises(ModelError, match="svnlp train"):
        load_model(tmp_path)


def test_damaged_model_is_refused(model, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(default_model_dir(), broken)
    (broken / "weights.npz").write_bytes(b"not a zip")
    with pytest.raises(ModelError, match="damaged"):
        load_model(broken)


def test_environment_variable_chooses_the_model(monkeypatch, tmp_path):
    monkeypatch.setenv("SVNLP_MODEL", str(tmp_path))
    assert default_model_dir() == tmp_path


def test_a_model_with_other_labels_is_refused(tmp_path):
    import json

    tampered = tmp_path / "labels"
    shutil.copytree(default_model_dir(), tampered)
    meta = json.loads((tampered / "meta.json").read_text())
    meta["labels"] = meta["labels"][::-1]
    meta["thresholds"] = {label: 0.5 for label in meta["labels"]}
    (tampered / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="do not match"):
        load_model(tampered)


def test_weights_holding_python_objects_are_refused_without_running_them(tmp_path):
    tampered = tmp_path / "objects"
    shutil.copytree(default_model_dir(), tampered)
    with np.load(tampered / "weights.npz") as weights:
        arrays = {name: weights[name] for name in weights.files}
    arrays["coef"] = np.array([{"pickled": "object"}], dtype=object)  # would need pickle to load
    np.savez(tampered / "weights.npz", **arrays)
    with pytest.raises(ModelError, match="damaged model files"):
        load_model(tampered)
