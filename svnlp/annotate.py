"""Annotate: a terminal labelling loop over suggestions, that never loses an answer.

Keys: 1-7 toggle a label, a or Enter accepts, s skips, u undoes the last answer, q quits.
Every answer is appended to a journal (`OUT.journal`) and flushed to disk as it is
given; the labelled file `OUT` is rebuilt from the journal after each answer. Quitting,
Ctrl-C or a crash loses nothing, and the next run resumes where the last one stopped.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from .annotations import Annotation
from .errors import AnnotationError
from .interchange import write_annotations
from .labels import LABEL_IDS, LABELS_BY_ID

KEYS = {str(n): label for n, label in enumerate(LABEL_IDS, start=1)}


@dataclass
class Session:
    """The items to label and the answers given so far (replayed from the journal)."""

    items: list[dict]
    journal: Path
    out: Path
    answers: dict[str, list[str] | None] = field(default_factory=dict)  # id → labels, or None if skipped
    history: list[str] = field(default_factory=list)  # ids in the order answered, for undo

    def replay(self) -> None:
        if not self.journal.exists():
            return
        for number, line in enumerate(self.journal.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                if number == len(self.journal.read_text(encoding="utf-8").splitlines()):
                    continue  # a line cut short by a crash: that answer was never completed
                raise AnnotationError([f"{self.journal}:{number}: not valid JSON; fix or remove the line"]) from None
            self._apply(event)

    def _apply(self, event: dict) -> None:
        if event["action"] == "undo":
            if self.history:
                self.answers.pop(self.history.pop(), None)
        else:
            self.answers[event["id"]] = event.get("labels") if event["action"] == "accept" else None
            self.history.append(event["id"])

    def record(self, event: dict) -> None:
        """Append an answer to the journal, on disk before anything else happens, then rebuild OUT."""
        with self.journal.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(event) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self._apply(event)
        self.write_out()

    def write_out(self) -> None:
        labelled = []
        for item in self.items:
            labels = self.answers.get(item["id"])
            if labels is None:
                continue
            labelled.append(
                Annotation(
                    id=str(item["id"]),
                    text=item["text"],
                    labels=tuple(label for label in LABEL_IDS if label in labels),
                    doc=str(item.get("doc") or "unknown"),
                    source="annotate",
                    annotator=os.environ.get("USER", ""),
                )
            )
        write_annotations(labelled, self.out)

    def next_item(self) -> dict | None:
        return next((item for item in self.items if item["id"] not in self.answers), None)


def load_items(path: Path) -> list[dict]:
    items, problems = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"{path}:{number}: not valid JSON ({error.msg})")
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or "id" not in item:
            problems.append(f"{path}:{number}: expected an object with 'id' and 'text'")
            continue
        items.append(item)
    if problems:
        raise AnnotationError(problems)
    return items


def _read_key_tty(stream: TextIO) -> str:
    import termios
    import tty

    descriptor = stream.fileno()
    saved = termios.tcgetattr(descriptor)
    try:
        tty.setcbreak(descriptor)
        return stream.read(1)
    finally:
        termios.tcsetattr(descriptor, termios.TCSADRAIN, saved)


def key_reader(stream: TextIO) -> Callable[[], str]:
    """Single keys from a terminal, or characters from any other stream (tests, pipes)."""
    if stream.isatty():
        return lambda: _read_key_tty(stream)

    def read() -> str:
        while True:
            key = stream.read(1)
            if key in ("", "\n", "a", "s", "u", "q", "\r") or key in KEYS:
                return key
            # Anything else (spaces between scripted keys) is ignored.

    return read


def _show(console: Console, item: dict, labels: set[str], done: int, total: int) -> None:
    meta = item.get("meta") or {}
    body = Text()
    if meta.get("before"):
        body.append(meta["before"] + "\n\n", style="dim")
    body.append(item["text"] + "\n", style="bold")
    if meta.get("after"):
        body.append("\n" + meta["after"], style="dim")
    where = " · ".join(str(x) for x in (meta.get("document"), meta.get("page") and f"p. {meta['page']}") if x)
    console.print(Panel(body, title=f"{done + 1} of {total}", subtitle=where or None))
    suggested = set(item.get("labels") or [])
    line = Text()
    for key, label in KEYS.items():
        mark = "x" if label in labels else " "
        style = "green" if label in labels else ""
        hint = "*" if label in suggested else ""
        line.append(f"[{mark}] {key} {LABELS_BY_ID[label].name}{hint}   ", style=style)
    console.print(line)
    console.print("1-7 toggle · a/Enter accept · s skip · u undo · q quit   (* the model's suggestion)", style="dim")


def annotate(
    path: Path | str,
    *,
    out: Path | str | None = None,
    stream: TextIO | None = None,
    console: Console | None = None,
) -> Session:
    """Run the labelling loop over a suggestions file; return the session when it ends."""
    path = Path(path)
    items = load_items(path)
    out = Path(out) if out else path.with_name(f"{path.stem}.labelled.jsonl")
    session = Session(items, Path(f"{out}.journal"), out)
    session.replay()
    console = console or Console()
    read_key = key_reader(stream or sys.stdin)
    labels: set[str] | None = None
    try:
        while (item := session.next_item()) is not None:
            if labels is None:
                labels = set(item.get("labels") or [])
            _show(console, item, labels, len(session.answers), len(items))
            key = read_key()
            if key in KEYS:
                labels ^= {KEYS[key]}
                continue
            if key in ("a", "\n", "\r"):
                session.record({"id": item["id"], "action": "accept", "labels": sorted(labels)})
            elif key == "s":
                session.record({"id": item["id"], "action": "skip"})
            elif key == "u":
                session.record({"action": "undo"})
            elif key in ("q", ""):
                break
            labels = None
    except KeyboardInterrupt:
        console.print("\nstopped; every answer so far is saved")
    done = sum(1 for labels in session.answers.values() if labels is not None)
    console.print(
        f"{done} labelled, {len(session.answers) - done} skipped, {len(items) - len(session.answers)} to go; "
        f"saved in {session.out}"
    )
    return session
