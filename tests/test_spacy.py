"""The spaCy integration, driven as a spaCy user drives it: blank pipelines, no model download."""

from __future__ import annotations

import contextlib
import doctest
import io
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kzrights
from kzrights.errors import MissingDependencyError, UnknownVersionError

from .conftest import consumer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def spacy():
    return consumer("spacy")


@pytest.fixture(scope="module")
def english(spacy):
    nlp = spacy.blank("en")
    nlp.add_pipe("kzrights_linker")  # found by name: kzrights registers it as an entry point
    return nlp


@pytest.fixture(scope="module")
def russian(spacy):
    nlp = spacy.blank("ru")
    nlp.add_pipe("kzrights_linker")
    return nlp


def _ents(doc):
    return [(e.start_char, e.end_char, e.kb_id_, e.label_) for e in doc.ents]


def test_english_pipeline_links_as_annotate_does(english):
    """In spacy.blank("en"), doc.ents are annotate's mentions, with kb_id_ the entity id."""
    doc = english("NUR OTAN met Tokayev’s advisers and the EBRD in Astana; Bokayev was not invited.")
    assert _ents(doc) == [
        (0, 8, "entities.nur-otan", "ORG"),
        (13, 20, "entities.kassym-jomart-tokayev", "PERSON"),
        (40, 44, "entities.ebrd", "ORG"),
        (56, 63, "entities.max-bokayev", "PERSON"),
    ]


def test_russian_pipeline_links_as_annotate_does(russian):
    """In spacy.blank("ru"), Cyrillic names link, inflected ones too (release 1.2.0), as annotate does."""
    text = "Касым-Жомарт Токаев встретился с представителями ООН; переговоры с Назарбаевым не велись."
    doc = russian(text)
    assert [(e.text, e.kb_id_) for e in doc.ents] == [
        ("Касым-Жомарт Токаев", "entities.kassym-jomart-tokayev"),
        ("ООН", "entities.united-nations"),
        ("Назарбаевым", "entities.nursultan-nazarbayev"),
    ]
    assert [(m.start, m.end, m.entity_id) for m in kzrights.annotate(text)] == [
        (e.start_char, e.end_char, e.kb_id_) for e in doc.ents
    ]


def test_a_mention_inside_a_token_grows_to_the_token(english):
    """A name that the tokenizer keeps inside a longer token gives the whole token (alignment "expand")."""
    text = "EU-UK talks"
    assert [m.text for m in kzrights.annotate(text)] == ["EU", "UK"]
    doc = english(text)
    # spaCy's English tokenizer splits at the hyphen, so both names are tokens
    assert [(e.text, e.kb_id_) for e in doc.ents] == [
        ("EU", "entities.european-union"),
        ("UK", "entities.united-kingdom"),
    ]
    doc = english("UK.EU talks")  # one token for spaCy: the first name found takes it
    assert [m.text for m in kzrights.annotate("UK.EU talks")] == ["UK", "EU"]
    assert [(e.text, e.kb_id_) for e in doc.ents] == [("UK.EU", "entities.united-kingdom")]


def test_existing_entities_are_replaced_or_kept_as_asked(spacy):
    """overwrite_ents=True (the default) replaces an overlapping entity; False keeps it."""
    for overwrite, expected in ((True, [("Nur Otan", "entities.nur-otan")]), (False, [("Nur", "")])):
        nlp = spacy.blank("en")
        ruler = nlp.add_pipe("entity_ruler")
        ruler.add_patterns([{"label": "GPE", "pattern": "Nur"}])
        nlp.add_pipe("kzrights_linker", config={"overwrite_ents": overwrite})
        assert [(e.text, e.kb_id_) for e in nlp("Nur Otan won.").ents] == expected


def test_a_release_is_chosen_by_config(spacy):
    """config={"version": ...} pins the release; an unknown one is kzrights' own error."""
    nlp = spacy.blank("en")
    linker = nlp.add_pipe("kzrights_linker", config={"version": "1.1.0"})
    assert linker.version == "1.1.0"
    with pytest.raises(UnknownVersionError):
        spacy.blank("en").add_pipe("kzrights_linker", config={"version": "9.9.9"})


_NAMES = [form for e in kzrights.load().entities for form in (e.name, *e.aliases)]
_FILLER = ["the", "said", "in", "Almaty", "протест", "and", "court", "«", "»", ",", ".", "—", "(", ")", "’s"]


@given(
    st.lists(st.sampled_from(_NAMES) | st.sampled_from(_FILLER), max_size=30), st.sampled_from(["en", "ru"])
)
def test_same_rules_same_results(spacy, pieces, language):
    """On texts of names and words, every entity is a mention of annotate; names on token edges are exact."""
    nlp = spacy.blank(language)
    nlp.add_pipe("kzrights_linker")
    text = " ".join(pieces)
    doc = nlp(text)
    mentions = kzrights.annotate(text)
    ents = _ents(doc)
    for start, end, entity_id, _ in ents:
        # each entity is a mention, grown to whole tokens
        assert any(m.entity_id == entity_id and start <= m.start and m.end <= end for m in mentions)
    for m in mentions:
        if doc.char_span(m.start, m.end) is not None:  # on token edges
            assert any(e[:3] == (m.start, m.end, m.entity_id) for e in ents) or any(
                e[0] <= m.start and m.end <= e[1] for e in ents
            )


def test_entity_ruler_patterns_carry_entity_ids(spacy):
    """The entity_ruler, fed the patterns, links by id and keeps annotate's case rules for single words."""
    from kzrights.spacy import entity_ruler_patterns

    patterns = entity_ruler_patterns()
    from kzrights._linking import is_essay

    # every entity but the essays, which annotate never matches by name either
    ids = {entity.id for entity in kzrights.load().entities if not is_essay(entity)}
    assert {p["id"] for p in patterns} == ids
    assert "Essay by Anna Gussarova" not in {p["pattern"] for p in patterns}
    for language, text, expected in [
        (
            "en",
            "nur otan and Bokayev met the EBRD; oyan and bank are words.",
            ["nur-otan", "max-bokayev", "ebrd"],
        ),
        ("ru", "Нур Отан и Токаев, а также ООН.", ["nur-otan", "kassym-jomart-tokayev", "united-nations"]),
    ]:
        nlp = spacy.blank(language)
        nlp.add_pipe("entity_ruler").add_patterns(patterns)
        assert [e.ent_id_ for e in nlp(text).ents] == [f"entities.{i}" for i in expected]


def test_module_examples_run(spacy):
    """The examples in kzrights.spacy's docstrings give what they show."""
    import kzrights.spacy

    assert doctest.testmod(kzrights.spacy, optionflags=doctest.ELLIPSIS).failed == 0


@pytest.mark.parametrize("marker", ["spacy-example", "spacy-ruler-example"])
def test_docs_examples_print_what_the_docs_show(spacy, marker):
    """The spaCy examples of docs/how-to/link-entities.md run and print the output shown under them."""
    page = (ROOT / "docs" / "how-to" / "link-entities.md").read_text(encoding="utf-8")
    example = re.search(f"<!-- {marker} -->\n```python\n(.*?)```\n+prints\n+```text\n(.*?)```", page, re.S)
    assert example is not None
    code, shown = example.groups()
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(code, {})
    assert printed.getvalue() == shown


def test_without_spacy_the_import_says_what_to_install():
    """Importing kzrights.spacy without spaCy raises MissingDependencyError naming the extra; it pickles."""
    code = (
        "import sys, pickle; sys.modules['spacy'] = None\n"
        "try:\n    import kzrights.spacy\n"
        "except Exception as error:\n    sys.stdout.buffer.write(pickle.dumps(error))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    error = pickle.loads(result.stdout)
    assert isinstance(error, MissingDependencyError)
    assert isinstance(error, ImportError)
    assert "pip install 'kzrights[spacy]'" in str(error)
    assert error.extra == "spacy"
