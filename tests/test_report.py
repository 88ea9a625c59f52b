"""The report: self-contained, escaped, and the same content in every format."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import tempfile

import pytest

from svnlp.audit import audit
from svnlp.report import highlight, render, write_report
from svnlp.scan import scan

pytestmark = pytest.mark.database


@pytest.fixture(scope="module")
def result(tmp_path_factory, model, data):
    folder = tmp_path_factory.mktemp("report")
    (folder / "docs").mkdir()
    shutil.copy(data / "two_column.pdf", folder / "docs" / "strategy.pdf")
    shutil.copy(data / "broken" / "encrypted.pdf", folder / "docs" / "locked.pdf")
    hostile = folder / "docs" / "hostile.html"
    hostile.write_text(
        "<html><body><h1>NHS Scriptshire CCG</h1><p>We will expand stop smoking services "
        "&lt;script&gt;alert('x')&lt;/script&gt; in every practice by 2025.</p>"
        "<p>We will offer NHS Health Checks to 75% of eligible adults in 2024.</p></body></html>"
    )
    (folder / "docs" / "manifest.csv").write_text(
        "path,organisation,org_code,year,doc_type,title\n"
        "strategy.pdf,NHS Eastvale CCG,E1,2020,strategy,Eastvale strategy\n"
        "hostile.html,NHS Scriptshire CCG,S1,2021,plan,<b>Scriptshire</b> plan\n"
        "locked.pdf,NHS Eastvale CCG,E1,2020,policy,Locked policy\n"
    )
    db = folder / "r.db"
    scan([folder / "docs"], db=db, model=model)
    return audit(db)


def test_html_is_self_contained_and_escapes_document_text(result, tmp_path):
    html = render(result, "html")
    # The quote is escaped; its words may be wrapped in <mark> as cues, so look for the tag alone.
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "&lt;/script&gt;" in html
    assert "<b>Scriptshire</b>" not in html and "&lt;b&gt;Scriptshire&lt;/b&gt;" in html
    assert "http://" not in html and "https://" not in html  # nothing to fetch
    assert 'id="heatmap"' in html and "NHS Eastvale CCG" in html and "NHS Scriptshire CCG" in html
    assert "encrypted" in html  # the failed document and why


def test_gaps_are_named(result):
    html = render(result, "html")
    assert "No passage on" in html


def test_formats_carry_the_same_levels(result, tmp_path):
    as_json = json.loads(render(result, "json"))
    rows = list(csv.DictReader(io.StringIO(render(result, "csv"))))
    markdown = render(result, "md")
    json_levels = {(o["organisation"], x["label"]): x["level"] for o in as_json["organisations"] for x in o["levels"]}
    csv_levels = {(r["organisation"], r["label"]): int(r["level"]) for r in rows if r["label"] != "overall"}
    assert json_levels == csv_levels
    assert "| NHS Eastvale CCG |" in markdown
    written = write_report(result, tmp_path / "out.md")
    assert written.read_text() == markdown


def test_highlight_escapes_and_marks():
    assert str(highlight("<b>Living Wage</b> for all", ["living wage"])) == (
        "&lt;b&gt;<mark>Living Wage</mark>&lt;/b&gt; for all"
    )


@pytest.mark.browser
def test_report_renders_in_headless_chromium(result, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium); .ci/run installs it")
    page = write_report(result, tmp_path / "report.html")
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
    assert 'id="heatmap"' in dom
    for org in result.organisations:
        assert org.organisation in dom
    assert "<script>alert" not in dom
