"""The registry: spellings, successors and user rows."""

from __future__ import annotations

import pytest

from svnlp.registry import Registry, RegistryError, load_registry, organisation_key


def test_spellings_share_a_key():
    assert organisation_key("NHS Eastvale CCG") == organisation_key("Eastvale Clinical Commissioning Group")
    assert organisation_key("Eastvale & Dale ICB") == organisation_key("NHS Eastvale and Dale Integrated Care Board")


def test_shipped_lookup_follows_real_ccgs_into_their_icbs():
    registry = Registry.shipped()
    assert len([o for o in registry.by_code.values() if o.successor]) == 106
    assert len({o.successor for o in registry.by_code.values() if o.successor}) == 42
    assert registry.successor_of("Halton Clinical Commissioning Group") == (
        "NHS Cheshire and Merseyside Integrated Care Board"
    )


def test_user_rows_add_aliases_and_successors(tmp_path):
    rows = tmp_path / "registry.csv"
    rows.write_text(
        "code,name,aliases,successor\n"
        "E1,NHS Eastvale CCG,Eastvale Commissioners,E9\n"
        "E9,NHS Eastvale and Dale ICB,,\n"
        "E0,Eastvale Primary Care Trust,,E1\n"
    )
    registry = load_registry([rows])
    assert registry.canonical_name("eastvale commissioners") == "NHS Eastvale CCG"
    assert registry.successor_of("NHS Eastvale CCG") == "NHS Eastvale and Dale ICB"
    assert registry.predecessors_of("NHS Eastvale and Dale ICB") == ["Eastvale Primary Care Trust", "NHS Eastvale CCG"]


def test_bad_rows_name_the_line(tmp_path):
    rows = tmp_path / "registry.csv"
    rows.write_text("code,name,aliases,successor\nE1,NHS Eastvale CCG,,NOWHERE\n")
    with pytest.raises(RegistryError, match="registry.csv:2: successor 'NOWHERE'"):
        load_registry([rows])
    rows.write_text("code,name\n,No code\n")
    with pytest.raises(RegistryError, match="registry.csv:2: every row needs a code and a name"):
        load_registry([rows])
