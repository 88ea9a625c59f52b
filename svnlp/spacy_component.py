"""The tagger as a spaCy pipeline component: `nlp.add_pipe("svnlp_tagger")` sets `doc.cats`.

Registered through the `spacy_factories` entry point, so it is available as soon as svnlp
is installed:

    import spacy
    nlp = spacy.blank("en")
    nlp.add_pipe("svnlp_tagger")                 # or config={"model": "models/candidate"}
    doc = nlp("We will pay the real Living Wage.")
    doc.cats        # {"marmot_a": 0.02, ..., "marmot_c": 0.97, ...}
    doc._.svnlp_labels  # ("marmot_c",): the labels over their thresholds
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .classify import Classifier, load_model

if not Doc.has_extension("svnlp_labels"):
    Doc.set_extension("svnlp_labels", default=())


class SvnlpTagger:
    """Scores each Doc (a passage) with the svnlp classifier."""

    def __init__(self, nlp: Language, name: str, model: str | None = None):
        self.name = name
        self.classifier: Classifier = load_model(model)

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs, batch_size: int = 1000):
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._tag(batch)
                batch = []
        if batch:
            yield from self._tag(batch)

    def _tag(self, docs: list[Doc]):
        scores = self.classifier.predict_proba([doc.text for doc in docs])
        for doc, row in zip(docs, scores):
            doc.cats = {label: float(score) for label, score in zip(self.classifier.labels, row)}
            doc._.svnlp_labels = tuple(
                label for label, score in doc.cats.items() if score >= self.classifier.thresholds[label]
            )
            yield doc


@Language.factory("svnlp_tagger", default_config={"model": None})
def make_tagger(nlp: Language, name: str, model: str | None) -> SvnlpTagger:
    """Factory for `nlp.add_pipe("svnlp_tagger", config={"model": DIR})`."""
    return SvnlpTagger(nlp, name, model)
