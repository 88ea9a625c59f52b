"""The awareness audit: rubric, scope, registry, agreement with gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from svnlp.audit import EvidenceItem, audit, check_against, level_for
from svnlp.cli import app
from svnlp.labels import LABEL_IDS
from svnlp.scan import scan

pytestmark = pytest.mark.database
ROOT = Path(__file__).parent.parent


def item(page=1, depth="mention", path="a.pdf", score=0.9, references=()):
    return EvidenceItem(
        document="A", path=path, year=2023, page=page, score=score, depth=depth, text="x", references=references
    )


def test_rubric():
    assert level_for([]) == 0
    assert level_for([item(1, "measure"), item(1, "measure"), item(1, "commitment")]) == 1  # one page, a few lines
    assert level_for([item(1), item(2)]) == 1
    assert level_for([item(1, "commitment"), item(2, "commitment")]) == 2
    assert level_for([item(1, "measure"), item(2, "measure"), item(3, "commitment")]) == 2
    assert level_for([item(1, "measure"), item(2, "measure"), item(3, "measure")]) == 3
    assert level_for([item(1, "commitment")] * 4) == 2  # a section of its own on one page


def test_weak_tags_and_lone_headings_do_not_raise_a_level():
    assert level_for([item(1, "commitment", score=0.55), item(2, "commitment", score=0.55)]) == 0
    assert level_for([item(1, "heading"), item(2, "heading")]) == 0
    assert level_for([item(1, "mention", score=0.55, references=("social_value_act",))]) == 1


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory, model):
    db = tmp_path_factory.mktemp("audit") / "corpus.db"
    scan([ROOT / "corpus"], db=db, model=model)
    return db


def test_every_organisation_gets_seven_levels_and_an_overall(corpus_db):
    result = audit(corpus_db)
    assert len(result.organisations) == 12
    for org in result.organisations:
        assert [level.label for level in org.levels] == list(LABEL_IDS)
        assert 0 <= org.overall <= 3
        for level in org.levels:
            assert level.level == 0 or level.passages > 0
            assert all(e.page >= 1 and e.text for e in level.evidence)


def test_latest_year_is_the_default_and_years_can_be_chosen(corpus_db):
    latest = {org.organisation: org.years for org in audit(corpus_db).organisations}
    assert latest["NHS Northmoor CCG"] == [2021]
    earlier = {org.organisation: org.years for org in audit(corpus_db, year=2019).organisations}
    assert earlier["NHS Northmoor CCG"] == [2019]
    every = {org.organisation: org.years for org in audit(corpus_db, all_years=True).organisations}
    assert every["NHS Northmoor CCG"] == [2019, 2021]


def test_an_icb_shows_its_predecessors_and_under_selects_them(corpus_db):
    result = audit(corpus_db, under="Northmoor and Wendle Integrated Care Board")
    names = {org.organisation for org in result.organisations}
    assert names == {"NHS Northmoor and Wendle ICB", "NHS Northmoor CCG", "NHS Wendle CCG"}
    icb = next(org for org in result.organisations if org.organisation == "NHS Northmoor and Wendle ICB")
    assert icb.predecessors == ["NHS Northmoor CCG", "NHS Wendle CCG"]
    ccg = next(org for org in result.organisations if org.organisation == "NHS Northmoor CCG")
    assert ccg.successor == "NHS Northmoor and Wendle ICB"
    assert set(ccg.history) == {2019, 2021}


def test_exemplary_policy_is_embedded_and_a_silent_ccg_is_not(corpus_db):
    result = audit(corpus_db)
    levels = {(org.organisation, level.label): level.level for org in result.organisations for level in org.levels}
    assert levels[("NHS Northmoor and Wendle ICB", "social_value")] == 3
    assert levels[("NHS Tollerton CCG", "social_value")] <= 1


def test_check_reports_agreement_and_disagreements(corpus_db, tmp_path):
    gold = tmp_path / "gold.csv"
    gold.write_text(
        "organisation,label,level\n"
        "Northmoor and Wendle Integrated Care Board,social_value,3\n"  # another spelling of the same body
        "NHS Tollerton CCG,social_value,3\n"
        "NHS Nowhere CCG,marmot_a,0\n"
    )
    agreement = check_against(audit(corpus_db), gold)
    assert agreement.compared == 2
    assert agreement.exact == 0.5 and agreement.within_one == 0.5
    assert agreement.disagreements[0]["organisation"] == "NHS Tollerton CCG"
    assert agreement.missing == ["NHS Nowhere CCG / marmot_a"]


def test_cli_audit_check_exit_code_follows_min_agreement(corpus_db):
    runner = CliRunner()
    passing = runner.invoke(
        app,
        [
            "audit",
            "--db",
            str(corpus_db),
            "--check",
            str(ROOT / "corpus" / "gold.csv"),
            "--min-agreement",
            "0.0",
            "--format",
            "csv",
        ],
    )
    assert passing.exit_code == 0, passing.output
    assert "agreement with" in passing.stderr and "within one" in passing.stderr
    assert passing.stdout.splitlines()[0].startswith("organisation,label,level,level_name")
    failing = runner.invoke(
        app, ["audit", "--db", str(corpus_db), "--check", str(ROOT / "corpus" / "gold.csv"), "--min-agreement", "1.01"]
    )
    assert failing.exit_code == 1


def test_cli_audit_json_has_evidence_with_cues(corpus_db):
    result = CliRunner().invoke(app, ["audit", "--db", str(corpus_db), "--format", "json", "--org", "NHS Avonside ICB"])
    data = json.loads(result.stdout)
    [org] = data["organisations"]
    evidence = [e for level in org["levels"] for e in level["evidence"]]
    assert evidence and any(e["cues"] for e in evidence)


def test_corpus_agreement_with_gold_meets_the_target(corpus_db):
    """The issue's target: at least 85% exact agreement with the intended levels, corpus kept out of training."""
    agreement = check_against(audit(corpus_db), ROOT / "corpus" / "gold.csv")
    assert agreement.compared == 84
    assert agreement.exact >= 0.85, agreement.disagreements
