"""The registry of organisations: codes, names, aliases and successors.

It lets the audit treat "NHS Eastvale CCG" and "Eastvale Clinical Commissioning Group"
as one organisation, and follow a CCG into the ICB that replaced it. The shipped rows
are the real April 2021 CCGs and July 2022 ICBs (ONS lookups, Open Government Licence;
`svnlp/data/SOURCES.md`); users add their own rows (trusts, councils, older mergers) in
a CSV with the header `code,name,aliases,successor` (aliases separated by `;`, successor
a code or a name).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SvnlpError

SHIPPED_LOOKUP = Path(__file__).parent / "data" / "ccg_icb_lookup.csv"
REGISTRY_COLUMNS = ("code", "name", "aliases", "successor")

_EXPANSIONS = (
    (r"\bccg\b", "clinical commissioning group"),
    (r"\bicb\b", "integrated care board"),
    (r"\bhwb\b", "health and wellbeing board"),
    (r"\bft\b", "foundation trust"),
    (r"&", " and "),
)


def organisation_key(name: str) -> str:
    """A spelling-independent key: "NHS Eastvale CCG" and "Eastvale Clinical Commissioning Group" match."""
    text = name.lower()
    for pattern, replacement in _EXPANSIONS:
        text = re.sub(pattern, replacement, text)
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    words = [w for w in text.split() if w not in ("nhs", "the", "of")]
    return " ".join(words)


@dataclass
class Organisation:
    """One organisation: its code, its name, other spellings, and what replaced it."""

    code: str
    name: str
    aliases: list[str] = field(default_factory=list)
    successor: str | None = None  # a code


class RegistryError(SvnlpError):
    """A registry CSV that cannot be read; the message names the file and line."""


class Registry:
    """Organisations by code, found by any spelling of their name."""

    def __init__(self, organisations: list[Organisation] | None = None):
        self.by_code: dict[str, Organisation] = {}
        self._by_key: dict[str, str] = {}
        for organisation in organisations or []:
            self.add(organisation)

    @classmethod
    def shipped(cls) -> Registry:
        """The real CCG (April 2021) → ICB (July 2022) lookup that ships with svnlp."""
        registry = cls()
        with SHIPPED_LOOKUP.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                registry.add(Organisation(row["icb_code"], row["icb_name"]))
                registry.add(Organisation(row["ccg_code"], row["ccg_name"], successor=row["icb_code"]))
        return registry

    def add(self, organisation: Organisation) -> None:
        existing = self.by_code.get(organisation.code)
        if existing is not None:
            existing.aliases = list(dict.fromkeys(existing.aliases + organisation.aliases))
            existing.successor = organisation.successor or existing.successor
            organisation = existing
        else:
            self.by_code[organisation.code] = organisation
        for name in [organisation.name, *organisation.aliases]:
            self._by_key[organisation_key(name)] = organisation.code

    def load_csv(self, path: Path | str) -> Registry:
        """Add the rows of a user registry CSV (`code,name,aliases,successor`)."""
        return self.add_rows(read_registry_csv(path), str(path))

    def add_rows(self, rows: list[dict], source: str = "registry") -> Registry:
        """Add rows with the keys code, name, aliases (separated by ;) and successor."""
        rows = list(enumerate(rows, start=2))
        for _, row in rows:
            aliases = [a.strip() for a in (row.get("aliases") or "").split(";") if a.strip()]
            self.add(Organisation(row["code"].strip(), row["name"].strip(), aliases))
        for number, row in rows:
            successor = (row.get("successor") or "").strip()
            if successor:
                code = successor if successor in self.by_code else self.code_for(successor)
                if code is None:
                    raise RegistryError(f"{source}:{number}: successor {successor!r} is not in the registry")
                self.by_code[row["code"].strip()].successor = code
        return self

    def code_for(self, name: str) -> str | None:
        """The code of the organisation with this name or alias, in any spelling."""
        return self._by_key.get(organisation_key(name))

    def canonical_name(self, name: str) -> str:
        """The registry's name for an organisation, or the name as given if it is not registered."""
        code = self.code_for(name)
        return self.by_code[code].name if code else name

    def successor_of(self, name: str) -> str | None:
        """The name of the organisation that replaced this one, if any."""
        code = self.code_for(name)
        successor = self.by_code[code].successor if code else None
        return self.by_code[successor].name if successor in self.by_code else None

    def predecessors_of(self, name: str) -> list[str]:
        """Names of the organisations this one replaced, directly or through earlier mergers."""
        code = self.code_for(name)
        if code is None:
            return []
        found: list[str] = []
        frontier = [code]
        while frontier:
            current = frontier.pop()
            for organisation in self.by_code.values():
                if organisation.successor == current and organisation.name not in found:
                    found.append(organisation.name)
                    frontier.append(organisation.code)
        return sorted(found)


def read_registry_csv(path: Path | str) -> list[dict]:
    """Read and check a registry CSV; errors name the file and line."""
    path = Path(path)
    if not path.is_file():
        raise RegistryError(f"{path}: no such registry file")
    rows: list[dict] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not {"code", "name"} <= set(reader.fieldnames or []):
            raise RegistryError(f"{path}:1: the header should be {','.join(REGISTRY_COLUMNS)}")
        for number, row in enumerate(reader, start=2):
            if not (row.get("code") or "").strip() or not (row.get("name") or "").strip():
                raise RegistryError(f"{path}:{number}: every row needs a code and a name")
            rows.append({key: (row.get(key) or "").strip() for key in REGISTRY_COLUMNS})
    return rows


def load_registry(extra: list[Path | str] | None = None, rows: list[dict] | None = None) -> Registry:
    """The shipped registry plus stored rows and any user CSVs."""
    registry = Registry.shipped()
    if rows:
        registry.add_rows(rows, "database registry")
    for path in extra or []:
        registry.load_csv(path)
    return registry
