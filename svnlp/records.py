"""The small typed records that flow between svnlp's stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

BlockKind = Literal["heading", "bullet", "table_row", "paragraph"]


@dataclass(frozen=True, slots=True)
class Word:
    """A word on a PDF page with its box in PDF points (top-left origin)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    fontname: str = ""

    @property
    def bold(self) -> bool:
        name = self.fontname.lower()
        return any(weight in name for weight in ("bold", "black", "heavy", "semibold"))


@dataclass(frozen=True, slots=True)
class Block:
    """A heading, bullet, table row or paragraph: a span of a page's text."""

    kind: BlockKind
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Page:
    """One page of cleaned text; `number` counts from 1."""

    number: int
    text: str
    blocks: tuple[Block, ...] = ()
    image_only: bool = False

    def __post_init__(self) -> None:
        if self.number < 1:
            raise ValueError(f"page numbers start at 1, got {self.number}")


@dataclass(slots=True)
class Document:
    """A PDF turned into cleaned pages, with its content hash and PDF metadata."""

    path: Path
    sha256: str
    pages: list[Page]
    metadata: dict[str, str] = field(default_factory=dict)
    ocr_pages: list[int] = field(default_factory=list)  # pages whose text came from OCR

    @property
    def text(self) -> str:
        return "\n\n".join(page.text for page in self.pages)

    @property
    def word_count(self) -> int:
        return sum(len(page.text.split()) for page in self.pages)

    @property
    def image_only_pages(self) -> list[int]:
        return [page.number for page in self.pages if page.image_only]


@dataclass(frozen=True, slots=True)
class Passage:
    """A sentence, bullet, heading or table row, located by page and character offsets."""

    page: int
    start: int
    end: int
    text: str
    kind: BlockKind | Literal["sentence"] = "sentence"

    def __post_init__(self) -> None:
        if self.page < 1 or not 0 <= self.start <= self.end:
            raise ValueError(f"bad passage location: page {self.page}, {self.start}-{self.end}")


@dataclass(frozen=True, slots=True)
class Evidence:
    """An explicit reference found by rule, such as the Social Value Act named."""

    rule: str
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Prediction:
    """The classifier's scores for one passage, the labels over threshold and any evidence."""

    labels: tuple[str, ...]
    scores: dict[str, float]
    evidence: tuple[Evidence, ...] = ()

    def __post_init__(self) -> None:
        for label, score in self.scores.items():
            if not 0.0 <= score <= 1.0:
                raise ValueError(f"score for {label} out of range: {score}")
