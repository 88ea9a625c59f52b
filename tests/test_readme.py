"""The README's promises: exactly two commands, and the main one works on the bundled corpus."""

from __future__ import annotations

import csv
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from svnlp.cli import app

ROOT = Path(__file__).parent.parent


def first_code_block() -> list[str]:
    lines = (ROOT / "README.md").read_text().splitlines()
    start = lines.index("```") + 1
    return [line for line in lines[start : lines.index("```", start)] if line.strip()]


def test_readme_opens_with_two_commands_main_job_then_tests():
    main, tests = first_code_block()
    assert "svnlp scan corpus/" in main and "svnlp audit" in main
    assert "pytest" in tests
    assert "python -m pytest" in (ROOT / ".ci" / "run").read_text()


@pytest.mark.slow
@pytest.mark.database
def test_main_command_runs_on_the_bundled_corpus(tmp_path, monkeypatch):
    """Run the svnlp parts of the README's first command (after `pip install .`) in a fresh folder."""
    main, _ = first_code_block()
    steps = [shlex.split(step.strip()) for step in main.split("&&")]
    assert steps[0][:2] == ["pip", "install"]
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus", ignore=shutil.ignore_patterns("src", "truth"))
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for step in steps[1:]:
        assert step[0] == "svnlp"
        result = runner.invoke(app, step[1:] + (["--workers", "0"] if step[1] == "scan" else []))
        assert result.exit_code == 0, result.output
    assert (tmp_path / "report.html").stat().st_size > 10_000
    with (ROOT / "corpus" / "manifest.csv").open() as handle:
        manifest = list(csv.DictReader(handle))
    summary = json.loads(runner.invoke(app, ["summary", "--format", "json"]).stdout)
    assert len(summary["documents"]) == len(manifest)
    assert {row["organisation"] for row in summary["rows"]} == {entry["organisation"] for entry in manifest}
    assert all(d["org_source"] == "manifest" and d["status"] == "ok" for d in summary["documents"])
    social_value = {r["organisation"]: r["passages_tagged"] for r in summary["rows"] if r["label"] == "social_value"}
    # The exemplary social value policy must stand out from a CCG that never engages with it.
    assert social_value["NHS Northmoor and Wendle ICB"] > 5 * max(1, social_value["NHS Wendle CCG"])


@pytest.mark.slow
def test_installed_command_finds_its_bundled_model(tmp_path):
    """After a non-editable install, `svnlp` works from any folder with the model shipped inside the package."""
    executable = shutil.which("svnlp")
    if executable is None:
        pytest.skip("svnlp is not installed as a command here")
    env = {k: v for k, v in os.environ.items() if k not in ("SVNLP_MODEL", "PYTHONPATH")}
    result = subprocess.run(
        [executable, "classify"],
        input='{"id": 1, "text": "We will pay the real Living Wage."}\n',
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == 1
    where = subprocess.run(
        [sys.executable, "-c", "import svnlp; print(svnlp.default_model_dir())"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    ).stdout.strip()
    assert Path(where, "meta.json").is_file()
