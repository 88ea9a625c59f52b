"""Classify: passages → scores for the seven labels, from a trained scikit-learn model.

A model is a directory of plain arrays and JSON, so loading it never runs code:
    weights.npz      IDF vectors, the coefficient matrix (labels × features) and the
                     intercepts, read with allow_pickle=False; for a model with a sentence-
                     encoder head, that head's coefficients and intercepts too
                     (the encoder's own weights come from its package: see encoder.py)
    vocabulary.json  the feature names in column order, and the vectorizer settings
    meta.json        model id, labels in order, per-label thresholds, data hash, versions
    metrics.json     grouped cross-validation metrics
    MODEL.md         the model card for people
The model id hashes the arrays, vocabulary and thresholds, so the same annotations and
code give the same id on any machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from .errors import ModelError
from .labels import LABEL_IDS
from .records import Prediction
from .rules import find_references

MODEL_ENV = "SVNLP_MODEL"
WEIGHTS_FILE = "weights.npz"
VOCABULARY_FILE = "vocabulary.json"
META_FILE = "meta.json"
SEED = 13
# A model with a sentence-encoder head blends its scores with the TF-IDF model's: 0.4 of
# the encoder's, chosen on the real-text dev set among 0.3–0.6 (0.3 and 0.6 both lost F1).
ENCODER_WEIGHT = 0.4

# The vectorizers' settings, saved with each model so it is rebuilt exactly as trained.
FEATURE_SETTINGS: dict[str, dict] = {
    "words": {
        "lowercase": True,
        "ngram_range": [1, 2],
        "min_df": 2,
        "sublinear_tf": True,
        "token_pattern": r"(?u)\b[A-Za-z][A-Za-z'-]+\b",
    },
    "chars": {
        "lowercase": True,
        "analyzer": "char_wb",
        "ngram_range": [3, 5],
        "min_df": 2,
        "sublinear_tf": True,
        "max_features": 60000,
    },
}


def _vectorizer(settings: dict, vocabulary: list[str] | None = None):
    from sklearn.feature_extraction.text import TfidfVectorizer

    options = {**settings, "ngram_range": tuple(settings["ngram_range"]), "dtype": np.float64}
    if vocabulary is not None:
        options.pop("max_features", None)
        options.pop("min_df", None)
        options["vocabulary"] = {term: index for index, term in enumerate(vocabulary)}
    return TfidfVectorizer(**options)


def build_pipeline(seed: int = SEED, settings: dict[str, dict] = FEATURE_SETTINGS):
    """The untrained pipeline: word and character TF-IDF, one logistic regression per label."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion([(name, _vectorizer(options)) for name, options in settings.items()])
    model = OneVsRestClassifier(
        LogisticRegression(C=1.0, class_weight="balanced", solver="liblinear", max_iter=2000, random_state=seed)
    )
    return Pipeline([("features", features), ("model", model)])


@dataclass
class EncoderHead:
    """One logistic regression per label on sentence embeddings, blended in with `weight`."""

    name: str
    coef: np.ndarray  # labels × embedding width
    intercept: np.ndarray  # one per label
    weight: float = ENCODER_WEIGHT

    @property
    def settings(self) -> dict:
        """What meta.json records of the head: the encoder's name and its blending weight."""
        return {"name": self.name, "weight": self.weight}

    @classmethod
    def fit(cls, name: str, texts: Sequence[str], truth: np.ndarray, *, seed: int = SEED) -> EncoderHead:
        """Fit one balanced logistic regression per label column of `truth` on the texts' embeddings."""
        from sklearn.linear_model import LogisticRegression

        from .encoder import load_encoder

        embeddings = load_encoder(name).encode(texts)
        models = [
            LogisticRegression(C=1.0, class_weight="balanced", max_iter=3000, random_state=seed).fit(
                embeddings, truth[:, column]
            )
            for column in range(truth.shape[1])
        ]
        return cls(
            name=name,
            coef=np.vstack([model.coef_.ravel() for model in models]),
            intercept=np.array([float(model.intercept_[0]) for model in models]),
        )

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """The head's own scores in [0, 1], before blending."""
        from .encoder import load_encoder

        margins = load_encoder(self.name).encode(texts) @ self.coef.T + self.intercept
        return 1.0 / (1.0 + np.exp(-margins.astype(float)))


@dataclass
class Classifier:
    """Fitted TF-IDF features and one linear model per label, with thresholds and metadata."""

    features: object  # a fitted sklearn FeatureUnion of TfidfVectorizers
    coef: np.ndarray  # labels × features
    intercept: np.ndarray  # one per label
    thresholds: dict[str, float]
    labels: tuple[str, ...] = LABEL_IDS
    meta: dict = field(default_factory=dict)
    encoder: EncoderHead | None = None

    @property
    def model_id(self) -> str:
        return str(self.meta.get("model_id", "unsaved"))

    @classmethod
    def fit(
        cls, texts: Sequence[str], label_sets: Sequence[Sequence[str]], *, seed: int = SEED, encoder: str | None = None
    ) -> Classifier:
        """Fit on texts and their label lists (thresholds start at 0.5), with a sentence-encoder head if named."""
        truth = label_matrix(label_sets)
        empty = [label for label, count in zip(LABEL_IDS, truth.sum(axis=0)) if count == 0]
        if empty:
            raise ValueError(f"no positive examples for {', '.join(empty)}: every label needs some")
        pipeline = build_pipeline(seed)
        pipeline.fit(list(texts), truth)
        estimators = pipeline.named_steps["model"].estimators_
        return cls(
            features=pipeline.named_steps["features"],
            coef=np.vstack([estimator.coef_.ravel() for estimator in estimators]),
            intercept=np.array([float(estimator.intercept_[0]) for estimator in estimators]),
            thresholds={label: 0.5 for label in LABEL_IDS},
            encoder=EncoderHead.fit(encoder, list(texts), truth, seed=seed) if encoder else None,
        )

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Scores in [0, 1], one row per text and one column per label."""
        if not texts:
            return np.zeros((0, len(self.labels)))
        margins = self.features.transform(list(texts)) @ self.coef.T + self.intercept
        scores = 1.0 / (1.0 + np.exp(-np.asarray(margins, dtype=float)))
        if self.encoder is not None:
            scores = (1.0 - self.encoder.weight) * scores + self.encoder.weight * self.encoder.predict_proba(texts)
        return scores

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Score texts, apply thresholds, and attach explicit references found by rule."""
        scores = self.predict_proba(texts)
        references = find_references(texts)
        predictions = []
        for row, evidence in zip(scores, references):
            labels = {label for label, score in zip(self.labels, row) if score >= self.thresholds[label]}
            if any(item.rule in ("social_value_act", "social_value_model") for item in evidence):
                # Naming the Act or a social value policy is social value by the guide's definition.
                labels.add("social_value")
            predictions.append(
                Prediction(
                    labels=tuple(label for label in self.labels if label in labels),
                    scores={label: round(float(score), 4) for label, score in zip(self.labels, row)},
                    evidence=evidence,
                )
            )
        return predictions

    def cues(self, text: str, label: str, limit: int = 4) -> list[str]:
        """The words and word pairs in `text` that push its score for `label` up the most."""
        offset = 0
        for name, vectorizer in self.features.transformer_list:
            if name == "words":
                break
            offset += len(vectorizer.vocabulary_)
        else:
            return []
        row = vectorizer.transform([text]).tocsr()
        weights = self.coef[self.labels.index(label), offset + row.indices]
        contributions = sorted(zip(row.data * weights, row.indices), reverse=True)
        if not hasattr(vectorizer, "_svnlp_terms"):
            vectorizer._svnlp_terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
        from spacy.lang.en.stop_words import STOP_WORDS

        terms = [
            term
            for term in (vectorizer._svnlp_terms[i] for value, i in contributions if value > 0)
            # "at", "per", "time of" push scores up but explain nothing to a reader.
            if any(word not in STOP_WORDS and len(word) > 2 for word in term.split())
            and term.split()[0] not in STOP_WORDS
            and term.split()[-1] not in STOP_WORDS
        ]
        # A pair adds nothing to a reader when one of its words is already shown.
        shown: list[str] = []
        for term in terms:
            if not any(term in other or other in term for other in shown):
                shown.append(term)
            if len(shown) == limit:
                break
        return shown

    def _arrays(self) -> tuple[dict[str, np.ndarray], dict[str, object]]:
        arrays: dict[str, np.ndarray] = {"coef": self.coef, "intercept": self.intercept}
        # A list, not a dict: the column order of the features must survive sort_keys.
        vocabulary: dict[str, object] = {"settings": [[name, FEATURE_SETTINGS[name]] for name in FEATURE_SETTINGS]}
        for name, vectorizer in self.features.transformer_list:
            vocabulary[name] = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
            arrays[f"idf_{name}"] = np.asarray(vectorizer.idf_, dtype=np.float64)
        if self.encoder is not None:
            arrays["encoder_coef"] = self.encoder.coef
            arrays["encoder_intercept"] = self.encoder.intercept
        return arrays, vocabulary

    def save(self, directory: Path | str, *, card: str = "", metrics: dict | None = None) -> Path:
        """Write the model directory atomically: a crash never leaves half a model behind."""
        directory = Path(directory)
        directory.parent.mkdir(parents=True, exist_ok=True)
        arrays, vocabulary = self._arrays()
        vocabulary_json = json.dumps(vocabulary, ensure_ascii=False, sort_keys=True)
        thresholds = {label: round(float(self.thresholds[label]), 4) for label in self.labels}
        self.meta = {**self.meta, "labels": list(self.labels), "thresholds": thresholds}
        self.meta.pop("encoder", None)
        if self.encoder is not None:
            self.meta["encoder"] = self.encoder.settings
        self.meta["model_id"] = _content_id(arrays, vocabulary_json, thresholds, self.meta.get("encoder"))
        staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=directory.parent))
        staging.chmod(0o755)
        try:
            np.savez_compressed(staging / WEIGHTS_FILE, **arrays)
            (staging / VOCABULARY_FILE).write_text(vocabulary_json, encoding="utf-8")
            (staging / META_FILE).write_text(json.dumps(self.meta, indent=2, sort_keys=True) + "\n")
            if metrics is not None:
                (staging / "metrics.json").write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n")
            if card:
                (staging / "MODEL.md").write_text(card.replace("{model_id}", self.model_id))
            if directory.exists():
                backup = directory.with_name(f".{directory.name}-old")
                shutil.rmtree(backup, ignore_errors=True)
                directory.rename(backup)
                staging.rename(directory)
                shutil.rmtree(backup, ignore_errors=True)
            else:
                staging.rename(directory)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return directory

    @classmethod
    def load(cls, directory: Path | str) -> Classifier:
        """Load a model directory of arrays and JSON (no pickle: loading runs no code)."""
        from sklearn.pipeline import FeatureUnion

        directory = Path(directory)
        for needed in (WEIGHTS_FILE, VOCABULARY_FILE, META_FILE):
            if not (directory / needed).is_file():
                raise ModelError(
                    f"{directory}: not a model directory (no {needed}); train one with "
                    "`svnlp train annotations/ --out DIR`, or pass --model or set SVNLP_MODEL"
                )
        try:
            meta = json.loads((directory / META_FILE).read_text())
            vocabulary = json.loads((directory / VOCABULARY_FILE).read_text(encoding="utf-8"))
            with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as weights:
                arrays = {name: weights[name] for name in weights.files}
            labels = tuple(meta["labels"])
            thresholds = {label: float(meta["thresholds"][label]) for label in labels}
            settings = dict(vocabulary["settings"])
            vectorizers = []
            for name, options in vocabulary["settings"]:
                vectorizer = _vectorizer(options, vocabulary[name])
                vectorizer.idf_ = arrays[f"idf_{name}"]
                vectorizers.append((name, vectorizer))
            features = FeatureUnion(vectorizers)
            coef, intercept = arrays["coef"], arrays["intercept"]
            encoder = None
            if "encoder" in meta:
                encoder = EncoderHead(
                    name=str(meta["encoder"]["name"]),
                    coef=arrays["encoder_coef"],
                    intercept=arrays["encoder_intercept"],
                    weight=float(meta["encoder"]["weight"]),
                )
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as error:
            raise ModelError(f"{directory}: damaged model files ({error}); retrain or restore the model") from error
        if labels != LABEL_IDS:
            raise ModelError(f"{directory / META_FILE}: labels {labels} do not match svnlp's {LABEL_IDS}; retrain")
        width = sum(len(vocabulary[name]) for name in settings)
        if coef.shape != (len(labels), width) or intercept.shape != (len(labels),):
            raise ModelError(f"{directory}: weights do not match the vocabulary; retrain or restore the model")
        if encoder is not None:
            from .encoder import load_encoder

            width = load_encoder(encoder.name).width
            if encoder.coef.shape != (len(labels), width) or encoder.intercept.shape != (len(labels),):
                raise ModelError(
                    f"{directory}: encoder weights do not fit {encoder.name}; retrain or restore the model"
                )
            if not 0.0 <= encoder.weight <= 1.0:
                raise ModelError(f"{directory / META_FILE}: encoder weight {encoder.weight} is not in [0, 1]; retrain")
        return cls(
            features=features,
            coef=coef,
            intercept=intercept,
            thresholds=thresholds,
            labels=labels,
            meta=meta,
            encoder=encoder,
        )


def label_matrix(label_sets: Sequence[Sequence[str]]) -> np.ndarray:
    """A 0/1 matrix with one column per label in LABEL_IDS order."""
    matrix = np.zeros((len(label_sets), len(LABEL_IDS)), dtype=int)
    for row, labels in enumerate(label_sets):
        for label in labels:
            matrix[row, LABEL_IDS.index(label)] = 1
    return matrix


def _content_id(
    arrays: dict[str, np.ndarray], vocabulary_json: str, thresholds: dict[str, float], encoder: dict | None = None
) -> str:
    # Hash what the model computes with, not the file's bytes: zip entries carry timestamps.
    digest = hashlib.sha256()
    for name in sorted(arrays):
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(np.round(arrays[name], 10)).tobytes())
    digest.update(vocabulary_json.encode())
    digest.update(json.dumps(thresholds, sort_keys=True).encode())
    if encoder is not None:
        digest.update(json.dumps(encoder, sort_keys=True).encode())
    return "svnlp-" + digest.hexdigest()[:12]


def default_model_dir() -> Path:
    """$SVNLP_MODEL, else the active model in ./models, else the installed model, else the checkout's models/default."""
    if os.environ.get(MODEL_ENV):
        return Path(os.environ[MODEL_ENV])
    from .model_registry import active_model_dir

    active = active_model_dir()
    if active is not None:
        return active
    packaged = Path(__file__).parent / "_model"
    if (packaged / META_FILE).is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "models" / "default"


def load_model(directory: Path | str | None = None) -> Classifier:
    """Load the model at `directory`, or the default one."""
    return Classifier.load(Path(directory) if directory else default_model_dir())


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
