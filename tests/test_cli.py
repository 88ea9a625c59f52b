"""The command line: exit codes, messages and the JSON contract scripts rely on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from svnlp.cli import app
from svnlp.labels import LABEL_IDS

MODELS = Path(__file__).resolve().parent.parent / "models"

runner = CliRunner()


def run(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def test_extract_jsonl_prints_one_object_per_page(data):
    result = run("extract", data / "two_column.pdf", "--format", "jsonl")
    assert result.exit_code == 0
    pages = [json.loads(line) for line in result.stdout.splitlines()]
    assert [p["page"] for p in pages] == [1, 2, 3]
    assert "commission services" in pages[0]["text"]


def test_extract_text_warns_about_image_only_pages(data):
    result = run("extract", data / "partly_scanned.pdf")
    assert result.exit_code == 0
    assert "NHS Health Checks" in result.stdout
    assert "page(s) 2 are image-only" in result.stderr


def test_extract_of_an_encrypted_file_says_why_without_a_traceback(data):
    result = run("extract", data / "broken" / "encrypted.pdf")
    assert result.exit_code == 1
    assert "encrypted: it needs a password" in result.stderr
    assert "Traceback" not in result.output


def test_classify_jsonl_keeps_ids_and_scores_all_labels():
    lines = [
        {"id": "p1", "text": "We will pay the real Living Wage."},
        {"id": 7, "text": "The board noted the minutes."},
    ]
    result = run("classify", "-", input="\n".join(json.dumps(line) for line in lines) + "\n")
    assert result.exit_code == 0
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["p1", 7]
    assert all(list(o["scores"]) == list(LABEL_IDS) for o in out)
    assert "marmot_c" in out[0]["labels"] and out[1]["labels"] == []


def test_classify_plain_text_uses_line_numbers_as_ids(tmp_path):
    source = tmp_path / "passages.txt"
    source.write_text("Stop smoking services in every practice.\n\nSocial value weighting of 10% in tenders.\n")
    result = run("classify", source)
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [1, 3]


def test_classify_reports_bad_json_lines_and_goes_on():
    result = run(
        "classify", input='{"id": 1, "text": "Cold homes."}\n{"id": 2, "txt": "oops"}\n{"id": 3, "text": "Parks."}\n'
    )
    assert result.exit_code == 1
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [1, 3]
    assert "<stdin>:2: skipped" in result.stderr


def test_classify_with_a_missing_model_is_a_usage_error(tmp_path):
    result = run("classify", "--model", tmp_path, input="text\n")
    assert result.exit_code == 2
    assert "not a model directory" in result.stderr


@pytest.mark.database
def test_scan_exit_codes(tmp_path, data):
    db = tmp_path / "cli.db"
    ok = run("scan", data / "two_column.pdf", "--db", db, "--quiet")
    assert ok.exit_code == 0, ok.output
    assert "scanned 1, skipped 0, failed 0" in ok.stderr
    broken = run("scan", data / "broken", "--db", db, "--quiet")
    assert broken.exit_code == 1
    assert "failed 8" in broken.stderr
    assert "zero-bytes.pdf: empty file (0 bytes)" in broken.stderr
    assert "scanned.pdf: image-only" in broken.stderr and "needs OCR" in broken.stderr
    missing = run("scan", tmp_path / "nowhere", "--db", db)
    assert missing.exit_code == 2
    assert "no such file or folder" in missing.stderr


@pytest.mark.database
def test_summary_formats(tmp_path, data):
    db = tmp_path / "cli.db"
    run("scan", data / "two_column.pdf", "--db", db, "--quiet")
    as_json = json.loads(run("summary", "--db", db, "--format", "json").stdout)
    assert {row["label"] for row in as_json["rows"]} == set(LABEL_IDS)
    assert as_json["documents"][0]["org_source"] == "inferred"
    as_csv = run("summary", "--db", db, "--format", "csv").stdout.splitlines()
    assert as_csv[0].startswith("organisation,label,documents") and len(as_csv) == 1 + len(LABEL_IDS)
    table = run("summary", "--db", db)
    assert table.exit_code == 0 and "NHS Eastvale CCG" in table.stdout


def test_summary_without_a_database_says_to_scan_first(tmp_path):
    result = run("summary", "--db", tmp_path / "none.db")
    assert result.exit_code == 2
    assert "run `svnlp scan" in result.stderr


def test_annotations_validate_exit_codes(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text('{"id": "g1", "text": "Parks and green space.", "labels": ["marmot_e"], "doc": "d"}\n')
    assert run("annotations", "validate", good).exit_code == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "b1", "text": "", "labels": [], "doc": "d"}\n')
    result = run("annotations", "validate", bad)
    assert result.exit_code == 1
    assert f"{bad}:1: empty text" in result.stdout


def test_extract_of_a_missing_file_is_a_usage_error(tmp_path):
    result = run("extract", tmp_path / "missing.pdf")
    assert result.exit_code == 2
    assert "no such file" in result.stderr


@pytest.mark.database
def test_include_adds_patterns_to_the_defaults(tmp_path, data):
    result = run("scan", data / "formats", "--include", "*.md", "--db", tmp_path / "f.db", "--quiet", "--workers", "0")
    assert result.exit_code == 0, result.output
    assert "scanned 3, skipped 0, failed 0" in result.stderr  # .docx and .html by default, .md added


def test_evaluate_against_a_baseline_prints_intervals_and_differences(tmp_path):
    annotations = tmp_path / "few.jsonl"
    rows = [
        {
            "id": "a1",
            "text": "We will expand stop smoking services in every practice.",
            "labels": ["marmot_f"],
            "doc": "d",
        },
        {"id": "a2", "text": "The board approved the minutes of the last meeting.", "labels": [], "doc": "d"},
    ]
    annotations.write_text("".join(json.dumps(row) + "\n" for row in rows))
    result = run("evaluate", annotations, "--baseline", MODELS / "default", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["baseline"]["difference"]["marmot_f"]["delta"] == 0.0  # the same model on both sides
    assert set(report["intervals"]) >= {"marmot_f", "micro", "macro_supported"}
    text = run("evaluate", annotations, "--baseline", MODELS / "default").output
    assert "svnlp-" in text and "an interval that spans 0 is no evidence of a change" in text
