"""The terminal labelling loop, driven through its input stream."""

from __future__ import annotations

import io
import json

from rich.console import Console

from svnlp.annotate import annotate


def suggestions(tmp_path):
    path = tmp_path / "to_label.jsonl"
    items = [
        {
            "id": "s1",
            "text": "We will pay the real Living Wage.",
            "labels": ["marmot_c"],
            "doc": "d1",
            "meta": {"document": "Plan", "page": 3, "before": "Good work", "after": "Next."},
        },
        {"id": "s2", "text": "The board noted the minutes.", "labels": [], "doc": "d1"},
        {"id": "s3", "text": "Cold homes make children ill.", "labels": ["marmot_e"], "doc": "d2"},
    ]
    path.write_text("".join(json.dumps(item) + "\n" for item in items))
    return path


def run(path, keys, out):
    console = Console(file=io.StringIO(), width=100)
    return annotate(path, out=out, stream=io.StringIO(keys), console=console), console.file.getvalue()


def read(out):
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_toggle_accept_skip_and_quit(tmp_path):
    path, out = suggestions(tmp_path), tmp_path / "labelled.jsonl"
    _, screen = run(path, "7a s q", out)
    assert "We will pay the real Living Wage." in screen and "Plan · p. 3" in screen
    assert [(r["id"], r["labels"]) for r in read(out)] == [("s1", ["marmot_c", "social_value"])]


def test_undo_takes_back_the_last_answer(tmp_path):
    path, out = suggestions(tmp_path), tmp_path / "labelled.jsonl"
    run(path, "a u 4a q", out)
    assert [(r["id"], r["labels"]) for r in read(out)] == [("s1", ["marmot_c", "marmot_d"])]


def test_a_new_run_resumes_and_nothing_is_lost_on_quit(tmp_path):
    path, out = suggestions(tmp_path), tmp_path / "labelled.jsonl"
    run(path, "a q", out)  # first sitting: one answer, then quit
    session, _ = run(path, "s 5a", out)  # second sitting starts at s2; input ends = quit
    assert [(r["id"], r["labels"]) for r in read(out)] == [("s1", ["marmot_c"]), ("s3", [])]
    assert set(session.answers) == {"s1", "s2", "s3"}


def test_a_line_cut_short_by_a_crash_is_ignored(tmp_path):
    path, out = suggestions(tmp_path), tmp_path / "labelled.jsonl"
    run(path, "a q", out)
    with open(f"{out}.journal", "a") as journal:
        journal.write('{"id": "s2", "acti')  # the process died mid-write
    session, _ = run(path, "q", out)
    assert set(session.answers) == {"s1"}
