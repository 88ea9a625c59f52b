"""Export to and import from Label Studio, Doccano and Prodigy give back the same texts and labels."""

from __future__ import annotations

import json

import pytest

from svnlp.annotations import Annotation
from svnlp.errors import AnnotationError
from svnlp.interchange import LABEL_STUDIO_CONFIG, TOOLS, export_annotations, import_annotations

ANNOTATIONS = [
    Annotation("a1", "We will pay the real Living Wage.", ("marmot_c", "social_value"), "doc-1", "commitment"),
    Annotation("a2", "The board noted the minutes.", (), "doc-1"),
    Annotation("a3", "Smoking at time of delivery | 11% | 9%", ("marmot_a", "marmot_f"), "doc-2", "measure"),
]


@pytest.mark.parametrize("tool", TOOLS)
def test_round_trip(tool, tmp_path):
    path = export_annotations(ANNOTATIONS, tool, tmp_path / f"out.{tool}")
    back = import_annotations(path, tool)
    assert [(a.id, a.text, a.labels, a.doc, a.depth) for a in back] == [
        (a.id, a.text, a.labels, a.doc, a.depth) for a in ANNOTATIONS
    ]


def test_label_studio_tasks_carry_predictions_with_the_model_version(tmp_path):
    path = export_annotations(
        ANNOTATIONS,
        "label-studio",
        tmp_path / "tasks.json",
        predictions=[(("marmot_c",), 0.9), ((), 0.1), (("marmot_f",), 0.8)],
        model_version="svnlp-abc",
    )
    tasks = json.loads(path.read_text())
    assert tasks[0]["data"]["text"] == ANNOTATIONS[0].text
    assert tasks[0]["predictions"][0]["model_version"] == "svnlp-abc"
    assert tasks[0]["predictions"][0]["result"][0]["value"]["choices"] == ["marmot_c"]
    assert tasks[0]["annotations"][0]["result"][0]["from_name"] == "labels"
    assert '<Choices name="labels" toName="text" choice="multiple">' in LABEL_STUDIO_CONFIG


def test_prodigy_rejections_are_left_out_and_doccano_unknown_labels_named(tmp_path):
    prodigy = tmp_path / "p.jsonl"
    prodigy.write_text(
        json.dumps({"text": "Parks.", "accept": ["marmot_e"], "answer": "accept"})
        + "\n"
        + json.dumps({"text": "Minutes.", "accept": [], "answer": "reject"})
        + "\n"
    )
    assert [a.text for a in import_annotations(prodigy, "prodigy")] == ["Parks."]
    doccano = tmp_path / "d.jsonl"
    doccano.write_text(json.dumps({"text": "Parks.", "label": ["green_space"]}) + "\n")
    with pytest.raises(AnnotationError, match="d.jsonl:1: unknown label"):
        import_annotations(doccano, "doccano")
