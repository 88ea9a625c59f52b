"""The models in a models folder: list them, and choose the active one.

`models/ACTIVE` names the active model's folder; `svnlp models activate ID` writes it and
every command that loads "the default model" then uses it (unless `--model` or
`$SVNLP_MODEL` says otherwise).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from .classify import META_FILE
from .errors import ModelError

ACTIVE_FILE = "ACTIVE"
MODELS_ENV = "SVNLP_MODELS"


def models_folder() -> Path:
    """Where models live: $SVNLP_MODELS, else ./models."""
    return Path(os.environ.get(MODELS_ENV, "models"))


@dataclass(frozen=True, slots=True)
class ModelInfo:
    model_id: str
    path: Path
    created: str
    passages: int
    cv_macro_f1: float | None
    dev_macro_f1: float | None
    active: bool


def active_model_dir(folder: Path | None = None) -> Path | None:
    """The folder `models/ACTIVE` points to, if it is set and holds a model."""
    folder = folder or models_folder()
    pointer = folder / ACTIVE_FILE
    if not pointer.is_file():
        return None
    target = folder / pointer.read_text().strip()
    return target if (target / META_FILE).is_file() else None


def list_models(folder: Path | None = None) -> list[ModelInfo]:
    """Every model directory in the folder, newest first."""
    folder = folder or models_folder()
    active = active_model_dir(folder)
    found = []
    for meta_file in sorted(folder.glob(f"*/{META_FILE}")):
        directory = meta_file.parent
        if directory.name.startswith("."):
            continue
        meta = json.loads(meta_file.read_text())
        metrics_file = directory / "metrics.json"
        metrics = json.loads(metrics_file.read_text()) if metrics_file.is_file() else {}
        cv = metrics.get("at_chosen_thresholds", {}).get("macro", {}).get("f1")
        dev_metrics = metrics.get("dev", {})
        # Older models lack macro_supported; their dev figure is the plain macro.
        dev = dev_metrics.get("macro_supported", dev_metrics.get("macro", {})).get("f1")
        found.append(
            ModelInfo(
                model_id=meta.get("model_id", "?"),
                path=directory,
                created=meta.get("created", ""),
                passages=int(meta.get("passages", 0)),
                cv_macro_f1=cv,
                dev_macro_f1=dev,
                active=active is not None and directory.resolve() == active.resolve(),
            )
        )
    return sorted(found, key=lambda m: m.created, reverse=True)


def activate(target: str, folder: Path | None = None) -> ModelInfo:
    """Make the model with this id (or folder name) the active one."""
    folder = folder or models_folder()
    matches = [m for m in list_models(folder) if target in (m.model_id, m.path.name)]
    if not matches:
        raise ModelError(f"{folder}: no model with id or folder {target!r}; see `svnlp models list`")
    chosen = matches[0]
    pointer = folder / ACTIVE_FILE
    partial = folder / f".{ACTIVE_FILE}.partial"
    partial.write_text(chosen.path.name + "\n")
    partial.replace(pointer)
    return next(m for m in list_models(folder) if m.path == chosen.path)
