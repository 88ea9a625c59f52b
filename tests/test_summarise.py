"""The per-organisation summary."""

from __future__ import annotations

import pytest

from svnlp.labels import LABEL_IDS
from svnlp.summarise import summarise

pytestmark = pytest.mark.database


def test_one_row_per_organisation_and_label_with_quotes(scanned_db):
    summary = summarise(scanned_db)
    organisations = {row.organisation for row in summary.rows}
    assert "NHS Eastvale CCG" in organisations
    eastvale = [row for row in summary.rows if row.organisation == "NHS Eastvale CCG"]
    assert [row.label for row in eastvale] == list(LABEL_IDS)
    prevention = next(row for row in eastvale if row.label == "marmot_f")
    assert prevention.passages_tagged > 0
    assert prevention.best_quote is not None and prevention.best_quote.page >= 1
    assert 0 < prevention.share_of_passages <= 1
    assert prevention.per_10k_words > 0


def test_documents_show_failures_and_where_the_organisation_came_from(scanned_db):
    summary = summarise(scanned_db)
    failed = [d for d in summary.documents if d.status == "failed"]
    assert len(failed) == 8
    assert all(d.error for d in failed)
    assert {d.org_source for d in summary.documents if d.status == "ok"} == {"inferred"}


def test_summary_serialises_to_plain_json(scanned_db):
    import json

    data = json.loads(json.dumps(summarise(scanned_db).to_dict()))
    assert data["model_ids"] and data["rows"][0]["label"] in LABEL_IDS


def test_filters_select_organisations_years_and_successors(tmp_path, model):
    from pathlib import Path

    from svnlp.scan import scan

    root = Path(__file__).parent.parent
    db = tmp_path / "corpus.db"
    scan([root / "corpus"], db=db, model=model, workers=0)
    under = {row.organisation for row in summarise(db, under="Avonside Integrated Care Board").rows}
    assert under == {"NHS Avonside ICB", "NHS Kelbridge CCG", "NHS Fernleigh CCG"}
    one = {row.organisation for row in summarise(db, organisation="Wendle Clinical Commissioning Group").rows}
    assert one == {"NHS Wendle CCG"}
    in_2019 = summarise(db, year=2019)
    assert {d.year for d in in_2019.documents} == {2019}
    policies = summarise(db, doc_type="policy")
    assert {d.path.split("/")[-1] for d in policies.documents} >= {"wendle-ccg-procurement-policy-2021.pdf"}
    assert all("polic" in (d.title or "").lower() or "policy" in d.path for d in policies.documents)
