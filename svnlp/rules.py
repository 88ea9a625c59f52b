"""Rules: explicit references found with spaCy's PhraseMatcher, shown beside the classifier.

A passage that names the Public Services (Social Value) Act or the Marmot Review is
evidence an auditor can quote whatever the model's score; these rules find such names.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from .records import Evidence

REFERENCE_PHRASES: dict[str, tuple[str, ...]] = {
    "social_value_act": (
        "Public Services (Social Value) Act",
        "Public Services (Social Value) Act 2012",
        "Public Services Social Value Act",
        "Social Value Act",
        "Social Value Act 2012",
    ),
    "marmot_review": (
        "Marmot Review",
        "Marmot review",
        "Fair Society, Healthy Lives",
        "Fair Society Healthy Lives",
        "Marmot Review 10 Years On",
        "Build Back Fairer",
    ),
    "marmot_principles": (
        "Marmot principles",
        "Marmot objectives",
        "Marmot policy objectives",
        "Marmot place",
        "Marmot city",
        "Marmot region",
        "Marmot town",
        "Marmot county",
        "Marmot community",
    ),
    "social_value_model": (
        "Social Value Model",
        "social value TOMs",
        "Themes, Outcomes and Measures",
        "National TOMs",
        "social value weighting",
        "social value charter",
        "social value policy",
        "social value framework",
    ),
}


@lru_cache(maxsize=1)
def _matcher():
    from spacy.matcher import PhraseMatcher

    from .segment import sentence_splitter

    nlp = sentence_splitter()
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    required: set[tuple[str, ...]] = set()
    for rule, phrases in REFERENCE_PHRASES.items():
        docs = [nlp.make_doc(phrase) for phrase in phrases]
        matcher.add(rule, docs)
        required.update(tuple(token.lower_ for token in doc) for doc in docs)
    return nlp, matcher, tuple(sorted(required))


def _may_match(text: str, required: tuple[tuple[str, ...], ...]) -> bool:
    """False when no phrase can match: a match needs every word of a phrase in the lowercased text.

    Tokenising costs as much as classifying, and almost no passage names a phrase, so
    this substring test spares the tokenizer nearly every passage.
    """
    lowered = text.lower()
    return any(all(word in lowered for word in words) for words in required)


def find_references(texts: Iterable[str]) -> list[tuple[Evidence, ...]]:
    """For each text, the explicit references it makes, longest match first where they overlap."""
    nlp, matcher, required = _matcher()
    results: list[tuple[Evidence, ...]] = []
    for text in texts:
        if not _may_match(text, required):
            results.append(())
            continue
        doc = nlp.make_doc(text)
        spans = sorted(
            ((nlp.vocab.strings[match_id], doc[start:end]) for match_id, start, end in matcher(doc)),
            key=lambda item: (item[1].start, -len(item[1])),
        )
        found: list[Evidence] = []
        last_end = -1
        for rule, span in spans:
            if span.start < last_end:
                continue
            found.append(Evidence(rule=rule, text=span.text, start=span.start_char, end=span.end_char))
            last_end = span.end
        results.append(tuple(found))
    return results
