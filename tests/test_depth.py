"""Depth rules: mention, commitment, measure."""

from __future__ import annotations

import pytest

from svnlp.depth import agreement, passage_depth


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("Tenders will carry a minimum social value weighting of 10%.", "measure"),
        ("We will reduce smoking at time of delivery to 6 per cent by 2026.", "measure"),
        ("Reported spend with local SMEs reached £4.2m this year.", "measure"),
        ("We will work with schools to support young people's wellbeing.", "commitment"),
        ("Suppliers should pay the real Living Wage.", "commitment"),
        ("Expand family hubs into every town.", "commitment"),
        ("Loneliness is a growing concern among older residents.", "mention"),
    ],
)
def test_rules(text, depth):
    assert passage_depth(text) == depth


def test_headings_are_mentions():
    assert passage_depth("Our 2026 targets", kind="heading") == "mention"


def test_rules_agree_with_most_annotated_depths():
    from pathlib import Path

    from svnlp.annotations import annotation_files, load_annotations

    annotations = load_annotations(annotation_files([Path(__file__).parent.parent / "annotations"]))
    result = agreement((a.text, a.depth) for a in annotations if a.depth)
    assert result["examples"] > 1000
    assert result["accuracy"] >= 0.75, result
