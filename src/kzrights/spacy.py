"""The report's entities in spaCy: a pipeline component and entity-ruler patterns.

Needs spaCy 3.7 or later (``pip install 'kzrights[spacy]'``); importing this
module without it raises [`MissingDependencyError`][kzrights.errors.MissingDependencyError].
No trained spaCy model is needed: both work in a blank pipeline
(``spacy.blank("en")``, ``spacy.blank("ru")``).

- The ``kzrights_linker`` component sets ``doc.ents`` from
  [`annotate`][kzrights.annotation.annotate] run on ``doc.text``: the same
  rules and the same mentions, each a span whose ``kb_id_`` is the entity id
  (``"entities.max-bokayev"``) and whose ``label_`` is the entity's category
  in spaCy's usual labels (`LABELS`).  A mention that starts or ends inside
  a token grows to the whole token (``char_span(..., alignment_mode="expand")``);
  of two mentions that then share a token, the longer (or the first) is kept.
  spaCy finds the component by name once kzrights is installed (an entry point),
  so ``nlp.add_pipe("kzrights_linker")`` needs no import.
- `entity_ruler_patterns` gives the registry's names as patterns for
  spaCy's own ``entity_ruler``, each with ``id`` = the entity id, for a
  pipeline that must not depend on kzrights at run time.  Those patterns are
  exact phrases, so the ruler does not apply all of annotate's rules (see the
  function).

The data are the entity registry of a kzrights data release (by default the
newest), curated from the report "Retreating Rights – Kazakhstan" (Foreign
Policy Centre, 2021).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._linking import is_essay
from ._matcher import surface_variants
from .annotation import annotate
from .errors import ArgumentTypeError, MissingDependencyError
from .records import EntityCategory
from .releases import load

try:
    from spacy.language import Language
    from spacy.util import filter_spans
except ImportError:  # spaCy is an optional extra
    raise MissingDependencyError("kzrights.spacy", "spacy", "spacy") from None

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

__all__ = ["LABELS", "KzrightsLinker", "entity_ruler_patterns", "make_linker"]

LABELS: dict[EntityCategory, str] = {
    EntityCategory.PERSON: "PERSON",
    EntityCategory.ORGANISATION: "ORG",
    EntityCategory.OFFICE: "ORG",
    EntityCategory.LEGAL_INSTRUMENT: "LAW",
    EntityCategory.PLACE: "GPE",
    EntityCategory.PUBLICATION: "WORK_OF_ART",
    EntityCategory.POLICY_TOOL: "POLICY_TOOL",
    EntityCategory.EVENT: "EVENT",
}
"""The spaCy entity label of each entity category (spaCy's English labels where one fits)."""


def _labels(version: str | None) -> dict[str, str]:
    """Each entity id's label, for one release."""
    return {entity.id: LABELS[entity.category] for entity in load(version).entities}


def entity_ruler_patterns(version: str | None = None) -> list[dict[str, str]]:
    """Return the registry's names as patterns for spaCy's ``entity_ruler``.

    Each pattern is ``{"label": ..., "pattern": ..., "id": entity_id}``: a
    phrase pattern, which the ruler tokenises with the pipeline's own
    tokenizer, so it works in any language.  A name of several words is given
    as written, in lowercase, in capitals and in title case; a single word or
    acronym only in the forms annotate accepts (as written, in capitals, and
    Capitalised if it is lowercase), so "oyan" or "bank" never match.  The
    ruler matches phrases exactly: unlike annotate, it does not take any
    apostrophe for any other, any dash for any other, or a text in NFD for
    one in NFC, and it puts no given name before a surname ("Kassym-Jomart
    Tokaev" gives it "Tokaev"); use the ``kzrights_linker`` component for
    those rules.

    Args:
        version: The data release whose registry to use (default: the newest).

    Returns:
        The patterns, one per entity and surface form, in the registry's order.

    Raises:
        UnknownVersionError: If ``version`` is not a shipped release.

    Examples:
        >>> import spacy
        >>> nlp = spacy.blank("en")
        >>> ruler = nlp.add_pipe("entity_ruler")
        >>> ruler.add_patterns(entity_ruler_patterns())
        >>> [(e.text, e.label_, e.ent_id_) for e in nlp("NUR OTAN and Bokayev").ents]
        [('NUR OTAN', 'ORG', 'entities.nur-otan'), ('Bokayev', 'PERSON', 'entities.max-bokayev')]
    """
    patterns: dict[tuple[str, str], dict[str, str]] = {}
    for entity in load(version).entities:
        if is_essay(entity):  # named by its authors, never matched by name (as in annotate)
            continue
        label = LABELS[entity.category]
        for name in (entity.name, *entity.aliases):
            name = name.strip()
            if " " in name:
                forms: tuple[str, ...] = (name, name.lower(), name.upper(), name.title())
            else:
                forms = surface_variants(name)
            for form in forms:
                patterns.setdefault((form, entity.id), {"label": label, "pattern": form, "id": entity.id})
    return list(patterns.values())


class KzrightsLinker:
    """The ``kzrights_linker`` pipeline component: ``doc.ents`` from annotate.

    Args:
        version: The data release whose registry to use (default: the newest).
        overwrite_ents: Whether a mention replaces an entity already in
            ``doc.ents`` that it overlaps (by default it does); if not, the
            entity already there is kept and the mention dropped.

    Raises:
        ArgumentTypeError: If ``overwrite_ents`` is not a bool (a ``TypeError``).
        UnknownVersionError: If ``version`` is not a shipped release.
        UnsupportedReleaseError: If that release has no entity registry.
    """

    def __init__(self, version: str | None = None, overwrite_ents: bool = True) -> None:
        if overwrite_ents is not True and overwrite_ents is not False:  # a config's "false" is true
            raise ArgumentTypeError("overwrite_ents", "True or False", overwrite_ents)
        self.version = load(version).version
        self.overwrite_ents = overwrite_ents
        self._labels = _labels(self.version)
        annotate("", version=self.version)  # fail now on a release without a registry

    def __call__(self, doc: Doc) -> Doc:
        """Set ``doc.ents`` to the mentions annotate finds in ``doc.text`` (and keep the others)."""
        found: list[Span] = []
        for mention in annotate(doc.text, version=self.version):
            span = doc.char_span(
                mention.start,
                mention.end,
                label=self._labels[mention.entity_id],
                kb_id=mention.entity_id,
                alignment_mode="expand",
            )
            if span is not None:
                found.append(span)
        ours = filter_spans(found)  # two mentions grown to one token: the longer stays
        theirs = list(doc.ents)
        if self.overwrite_ents:
            taken = {i for span in ours for i in range(span.start, span.end)}
            theirs = [e for e in theirs if taken.isdisjoint(range(e.start, e.end))]
        else:
            taken = {i for e in theirs for i in range(e.start, e.end)}
            ours = [s for s in ours if taken.isdisjoint(range(s.start, s.end))]
        doc.ents = sorted([*theirs, *ours], key=lambda span: span.start)
        return doc


def make_linker(nlp: Language, name: str, version: str | None, overwrite_ents: bool) -> KzrightsLinker:
    """Build the ``kzrights_linker`` component (spaCy calls this for ``nlp.add_pipe("kzrights_linker")``).

    Args:
        nlp: The pipeline (unused: the linker reads only ``doc.text``).
        name: The component's name in the pipeline.
        version: The data release whose registry to use (``None``: the newest).
        overwrite_ents: See [`KzrightsLinker`][kzrights.spacy.KzrightsLinker].

    Returns:
        The component.
    """
    return KzrightsLinker(version, overwrite_ents)


# registered by a call, not a decorator: without spaCy's types (it is optional) a
# decorator would leave the function untyped for mypy
Language.factory(
    "kzrights_linker",
    default_config={"version": None, "overwrite_ents": True},
    assigns=["doc.ents", "token.ent_iob", "token.ent_type", "token.ent_kb_id"],
    func=make_linker,
)
