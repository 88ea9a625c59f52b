"""The label vocabulary: the six Marmot Review objectives and social value.

Everything else in svnlp imports the label ids from here, so the order below is
the order of every score vector, model column and report row.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Label:
    """One label: its id, short name and what a passage carrying it is about."""

    id: str
    name: str
    description: str


LABELS: tuple[Label, ...] = (
    Label(
        "marmot_a",
        "Best start in life",
        "Give every child the best start in life: pregnancy, maternity, infant health, "
        "early years, school readiness, parenting support.",
    ),
    Label(
        "marmot_b",
        "Capabilities and control",
        "Enable all children, young people and adults to maximise their capabilities and "
        "have control over their lives: education, skills, attainment, NEET, adult learning.",
    ),
    Label(
        "marmot_c",
        "Fair employment and good work",
        "Create fair employment and good work for all: jobs, pay, the real Living Wage, "
        "working conditions, apprenticeships, routes into work.",
    ),
    Label(
        "marmot_d",
        "Healthy standard of living",
        "Ensure a healthy standard of living for all: income, poverty, cost of living, "
        "benefits, debt, fuel poverty, food insecurity.",
    ),
    Label(
        "marmot_e",
        "Healthy and sustainable places",
        "Create and develop healthy and sustainable places and communities: housing, "
        "green space, air quality, active travel, net zero, loneliness.",
    ),
    Label(
        "marmot_f",
        "Ill-health prevention",
        "Strengthen the role and impact of ill-health prevention: smoking, alcohol, "
        "healthy weight, screening, vaccination, NHS Health Checks.",
    ),
    Label(
        "social_value",
        "Social value",
        "The Public Services (Social Value) Act 2012, social value in commissioning or "
        "procurement, and wider community benefit sought through contracts.",
    ),
)

LABEL_IDS: tuple[str, ...] = tuple(label.id for label in LABELS)
LABELS_BY_ID: dict[str, Label] = {label.id: label for label in LABELS}


def check_label(label_id: str) -> str:
    """Return `label_id` unchanged, or raise ValueError naming the known labels."""
    if label_id not in LABELS_BY_ID:
        raise ValueError(f"unknown label {label_id!r}; expected one of {', '.join(LABEL_IDS)}")
    return label_id
