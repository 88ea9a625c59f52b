"""Annotation files: every problem reported at once, as file:line: what is wrong."""

from __future__ import annotations

import json

import pytest

from svnlp.annotations import check_annotations, load_annotations
from svnlp.errors import AnnotationError


def write(path, lines):
    path.write_text("\n".join(lines) + "\n")
    return path


def good(id_, text, labels=(), doc="doc-1"):
    return json.dumps({"id": id_, "text": text, "labels": list(labels), "doc": doc})


def test_every_problem_is_reported_with_its_line(tmp_path):
    path = write(
        tmp_path / "a.jsonl",
        [
            good("a1", "We will pay the real Living Wage.", ["marmot_c"]),
            "{not json",
            good("a3", "Cold homes.", ["marmot_z"]),
            good("a4", "   "),
            good("a1", "Another passage with a reused id."),
            good("a6", "We will pay the real Living Wage.", ["marmot_d"]),
            json.dumps({"id": "a7", "text": "No doc key.", "labels": []}),
        ],
    )
    annotations, problems = check_annotations([path])
    assert [a.id for a in annotations] == ["a1"]
    assert problems == [
        f"{path}:2: not valid JSON (Expecting property name enclosed in double quotes at column 2)",
        f"{path}:3: unknown label 'marmot_z' (expected one of marmot_a, marmot_b, marmot_c, marmot_d, marmot_e, "
        "marmot_f, social_value)",
        f"{path}:4: empty text",
        f"{path}:5: duplicate id 'a1' (first at {path}:1)",
        f"{path}:6: same text as {path}:1 with different labels (marmot_d vs marmot_c)",
        f"{path}:7: missing key 'doc'",
    ]
    with pytest.raises(AnnotationError, match="6 problem"):
        load_annotations([path])


def test_labels_come_back_in_vocabulary_order(tmp_path):
    path = write(tmp_path / "b.jsonl", [good("b1", "Apprenticeships for care leavers.", ["social_value", "marmot_b"])])
    assert load_annotations([path])[0].labels == ("marmot_b", "social_value")


def test_bundled_annotations_are_valid_and_cover_every_label(tmp_path):
    from pathlib import Path

    from svnlp.annotations import annotation_files
    from svnlp.labels import LABEL_IDS

    annotations = load_annotations(annotation_files([Path(__file__).parent.parent / "annotations"]))
    assert len(annotations) >= 700
    for label in LABEL_IDS:
        assert sum(label in a.labels for a in annotations) >= 50, label
    assert sum(not a.labels for a in annotations) / len(annotations) >= 0.5


def test_no_annotation_is_taken_from_the_corpus():
    """The corpus is what the audit is checked on, so its text must not be in the training data."""
    from pathlib import Path

    from svnlp.annotations import annotation_files

    root = Path(__file__).parent.parent
    corpus = " ".join(" ".join(p.read_text().split()) for p in (root / "corpus" / "truth").glob("*.txt")).lower()
    annotations = load_annotations(annotation_files([root / "annotations"]))
    shared = [a.id for a in annotations if len(a.text.split()) >= 8 and " ".join(a.text.split()).lower() in corpus]
    assert shared == []


def test_bundled_annotations_match_the_published_json_schema():
    import json
    from pathlib import Path

    import jsonschema

    root = Path(__file__).parent.parent
    schema = json.loads((root / "annotations" / "schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted((root / "annotations").glob("*.jsonl")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            errors = [error.message for error in validator.iter_errors(json.loads(line))]
            assert not errors, f"{path.name}:{number}: {errors}"
