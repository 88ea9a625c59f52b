"""Depth: how far a passage goes on its topic — mention, commitment or measure.

Transparent rules, so an auditor can see why a passage counts as a commitment:
- **measure**: a target, weighting, indicator, budget or reported result: a figure with
  a unit (per cent, £, per 1,000, a rate), a target year ("by 2026"), or words such as
  target, weighting, indicator, KPI, baseline, trajectory, budget, reported.
- **commitment**: an intention, priority, policy or action: "we will", "we are
  committed", "our priority", "we aim", "must", "should", "will be required", an action
  or a bullet that starts with a verb ("Expand ...", "Work with ...").
- **mention**: anything else that carries a label.
The rules are checked against the depth annotators gave (`svnlp.depth.agreement`); the
figures are in docs/awareness.md.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

DEPTHS = ("mention", "commitment", "measure")

_MEASURE = re.compile(
    r"""
    \d[\d,.]*\s*(?:%|per\s?cent|percentage\s+points?|pp\b)        # 12%, 12 per cent
    | £\s?\d | \d\s?(?:m|bn|k)\b                                    # money
    | \bper\s+(?:1,000|10,000|100,000|1000|10000|100000)\b          # rates
    | \b\d+(?:\.\d+)?\s+times\b | \b(?:\d+|one|two|three)\s+in\s+(?:\d+|two|three|four|five|ten)\b  # ratios
    | \b(?!(?:19|20)\d\d\b)\d{2,}(?:,\d{3})*\b | \b(?:a|one)\s+(?:quarter|third|half|fifth)\s+of\b  # counts
    | \bat\s+least\s+\d
    | \b(?:by|before|in|until)\s+(?:March\s+|April\s+|the\s+end\s+of\s+)?20[2-4]\d(?:/\d\d)?\b  # by 2026
    | \b(?:target(?:s|ed)?|weighting|weighted|indicators?|KPIs?|baseline|trajectory|benchmark
        |budget(?:ed)?|invest(?:ed|ing|ment)\s+of|reported|achieved|measured|monitor(?:ed)?\s+(?:through|by|using)
        |uptake\s+(?:was|of|rose|fell)|rose\s+to|fell\s+to|increase[sd]?\s+(?:from|to)\s+\d|reduce[sd]?\s+(?:from|to)\s+\d)\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
_COMMITMENT = re.compile(
    r"""
    \b(?:will|shall|must|should|we'll|pledges?|pledged|recommend(?:s|ed|ation)?|commit(?:s|ted|ment)?
        |aims?\s+to|plans?\s+to|intends?\s+to|is\s+to|are\s+to|going\s+to|have\s+agreed|has\s+agreed)\b
    | \bwe\s+are\s+(?:developing|working|introducing|expanding|investing|launching|establishing|building|piloting)\b
    | \b(?:our|a|the|key|main|first|second|third)\s+(?:priorit(?:y|ies)|ambitions?|objectives?|goals?|actions?)\b
    | \b(?:priority|ambition)\b
    | \bwe\s+(?:have\s+)?(?:supported|introduced|launched|set\s+up|established|funded|commissioned|opened|began|started
        |delivered|piloted|expanded|extended|created|developed|provided|invested|trained|agreed|adopted|signed)\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
_IMPERATIVE = re.compile(
    r"^(?:\d{1,2}[.)]\s*)?(?:Expand|Increase|Reduce|Improve|Support|Develop|Deliver|Work|Ensure|Promote|Provide|Create|Build|"
    r"Invest|Introduce|Establish|Embed|Commission|Require|Offer|Help|Tackle|Prevent|Protect|Strengthen|Extend|Target|"
    r"Launch|Pay|Recruit|Buy|Procure|Adopt|Set|Publish|Report|Review|Agree|Appoint|Train|Raise|Halve|Double|Close|End|"
    r"Make|Give|Enable|Encourage|Continue|Maintain|Roll out|Scale up|Make sure|Identify|Refer|Use|Ask)\b",
    # List items often start in lower case when they finish a lead-in sentence.
    re.IGNORECASE,
)


def passage_depth(text: str, kind: str = "sentence") -> str:
    """The depth of one labelled passage: mention, commitment or measure."""
    if kind == "heading":
        return "mention"
    if _MEASURE.search(text):
        # A bare year or figure in a statistic still counts: real documents' measures are figures.
        return "measure"
    if _COMMITMENT.search(text) or _IMPERATIVE.match(text.strip()):
        return "commitment"
    return "mention"


def agreement(examples: Iterable[tuple[str, str]]) -> dict:
    """Accuracy of the rules on (text, annotated depth) pairs, with the confusion counts."""
    confusion: Counter[tuple[str, str]] = Counter()
    for text, expected in examples:
        confusion[(expected, passage_depth(text))] += 1
    total = sum(confusion.values())
    correct = sum(count for (expected, found), count in confusion.items() if expected == found)
    return {
        "examples": total,
        "accuracy": round(correct / total, 4) if total else 0.0,
        "confusion": {f"{expected}->{found}": count for (expected, found), count in sorted(confusion.items())},
    }
