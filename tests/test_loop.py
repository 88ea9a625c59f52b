"""The whole retraining loop on a small fixture:
scan → suggest → scripted annotation → train → compare → activate → retag."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console
from typer.testing import CliRunner

from svnlp.annotate import annotate
from svnlp.audit import audit
from svnlp.classify import load_model
from svnlp.cli import app
from svnlp.model_registry import activate, list_models
from svnlp.scan import retag, scan
from svnlp.store import Store
from svnlp.suggest import suggest, write_suggestions
from svnlp.train import compare, train

from .test_train import tiny_annotations

pytestmark = [pytest.mark.database, pytest.mark.slow]


def test_scan_suggest_label_train_compare_activate_retag(tmp_path, data, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SVNLP_MODEL", raising=False)
    base = tiny_annotations(tmp_path / "base.jsonl")
    models = tmp_path / "models"
    first = train([base], models / "first")
    activate(first.model_id, models)
    assert load_model().model_id == first.model_id  # models/ACTIVE is what "the default model" means now

    db = tmp_path / "loop.db"
    scan([data / "two_column.pdf", data / "hard_cases.pdf"], db=db, workers=0)
    picked = suggest(db, count=6, annotations=[base])
    assert picked and len({s["id"] for s in picked}) == len(picked)
    assert all(s["meta"]["passage_id"] and s["meta"]["page"] >= 1 for s in picked)
    to_label = write_suggestions(picked, tmp_path / "to_label.jsonl")

    # The annotator says every suggested passage is about social value, and nothing else.
    keys = "".join(
        "".join(
            str(n)
            for n, label in enumerate(
                ["marmot_a", "marmot_b", "marmot_c", "marmot_d", "marmot_e", "marmot_f", "social_value"], start=1
            )
            if label in s["labels"] and label != "social_value"
        )
        + ("" if "social_value" in s["labels"] else "7")
        + "a"
        for s in picked
    )
    labelled = tmp_path / "labelled.jsonl"
    annotate(to_label, out=labelled, stream=io.StringIO(keys), console=Console(file=io.StringIO()))
    answers = [json.loads(line) for line in labelled.read_text().splitlines()]
    assert len(answers) == len(picked) and all(a["labels"] == ["social_value"] for a in answers)

    second = train([base, labelled], models / "second")
    assert second.model_id != first.model_id
    comparison = compare([base, labelled], load_model(), candidate_thresholds=second.thresholds)
    assert set(comparison["labels"]) >= {"social_value"} and comparison["held_out_passages"] > 0

    listed = {m.model_id: m for m in list_models(models)}
    assert listed[first.model_id].active and not listed[second.model_id].active
    activate(str(second.model_id), models)
    assert retag(db) == 2
    with Store(db) as store:
        assert {r.model_id for r in store.documents()} == {second.model_id}
        passage_ids = [s["meta"]["passage_id"] for s in picked]
        tagged = {(row["passage_id"], row["label"]) for row in store.tagged_passages()}
    # The new model learnt what the annotator said about these very passages.
    assert sum((pid, "social_value") in tagged for pid in passage_ids) >= len(passage_ids) // 2


def test_a_correction_changes_the_audit_at_once_and_joins_the_annotations(tmp_path, data, model):
    db = tmp_path / "c.db"
    scan([data / "two_column.pdf"], db=db, model=model, workers=0)
    before = {level.label: level for o in audit(db, model=model).organisations for level in o.levels}
    passage_id = before["marmot_f"].evidence[0].passage_id
    corrections = tmp_path / "annotations" / "corrections.jsonl"
    result = CliRunner().invoke(
        app,
        [
            "correct",
            str(passage_id),
            "--remove",
            "marmot_f",
            "--add",
            "social_value",
            "--db",
            str(db),
            "--annotations",
            str(corrections),
        ],
    )
    assert result.exit_code == 0, result.output
    after = {level.label: level for o in audit(db, model=model).organisations for level in o.levels}
    assert after["marmot_f"].passages == before["marmot_f"].passages - 1
    assert passage_id in {e.passage_id for e in after["social_value"].evidence}
    [line] = [json.loads(line) for line in corrections.read_text().splitlines()]
    assert "social_value" in line["labels"] and "marmot_f" not in line["labels"]
    # A re-scan by another model replaces the passages; the person's judgement follows the text.
    from svnlp.classify import Classifier

    other = Classifier(model.features, model.coef, model.intercept, {k: v + 0.01 for k, v in model.thresholds.items()})
    other.save(tmp_path / "other")
    text, page = next((e.text, e.page) for e in after["social_value"].evidence if e.passage_id == passage_id)
    scan([data / "two_column.pdf"], db=db, model=Classifier.load(tmp_path / "other"), workers=0)
    rescanned = {level.label: level for o in audit(db, model=model).organisations for level in o.levels}
    assert (text, page) in {(e.text, e.page) for e in rescanned["social_value"].evidence}
    assert (text, page) not in {(e.text, e.page) for e in rescanned["marmot_f"].evidence}
