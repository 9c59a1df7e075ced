"""Whole names: a surname lengthened over the same person's given name (issue 14, rule 6 of the linker).

Release 1.3.1 removed the whole spellings no source showed ("Kassym-Jomart
Tokaev"), so the linker itself joins a person's given name to the surname
form after it.  These tests drive what users call (`annotate`, `Linker`,
`Report.entity`, the ``kzrights annotate`` command, the spaCy component)
and check what they show: the span, the entity, ``form`` and ``resolved_by``.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import consumer

import kzrights
import kzrights._linking
from kzrights._linking import GIVEN_NAME

TOKAYEV = "entities.kassym-jomart-tokayev"


def _spans(text: str, **options: object) -> list[tuple[str, str]]:
    return [(m.text, m.entity_id) for m in kzrights.annotate(text, **options)]


@pytest.mark.parametrize(
    ("text", "whole", "given_name", "entity_id"),
    [
        ("Kassym-Jomart Tokaev met the press.", "Kassym-Jomart Tokaev", "Kassym-Jomart", TOKAYEV),
        ("Kassym-Jomart Toqayev met the press.", "Kassym-Jomart Toqayev", "Kassym-Jomart", TOKAYEV),
        ("Qasym-Jomart Tokayev’s decree", "Qasym-Jomart Tokayev", "Qasym-Jomart", TOKAYEV),
        ("Kassym Jomart Tokaev spoke", "Kassym Jomart Tokaev", "Kassym Jomart", TOKAYEV),
        ("Kassym\u2011Jomart Tokaev spoke", "Kassym\u2011Jomart Tokaev", "Kassym\u2011Jomart", TOKAYEV),
        ("Kassym-Jomart\u00a0Tokaev spoke", "Kassym-Jomart\u00a0Tokaev", "Kassym-Jomart", TOKAYEV),
        ("KASSYM-JOMART TOKAEV SPOKE", "KASSYM-JOMART TOKAEV", "KASSYM-JOMART", TOKAYEV),
        ("kassym-jomart Tokaev spoke", "kassym-jomart Tokaev", "kassym-jomart", TOKAYEV),
        ("Письмо Касым-Жомарт Токаеву передали.", "Касым-Жомарт Токаеву", "Касым-Жомарт", TOKAYEV),
        ("Сторонники Дарига Назарбаевой", "Дарига Назарбаевой", "Дарига", "entities.dariga-nazarbayeva"),
        ("Lawyers of Maks Bokaev said", "Maks Bokaev", "Maks", "entities.max-bokayev"),
        ("Письмо Ерлан Балтабаю", "Ерлан Балтабаю", "Ерлан", "entities.erlan-baltabay"),
    ],
)
def test_a_given_name_before_a_surname_is_part_of_the_mention(text, whole, given_name, entity_id):
    """The mention covers the given name, keeps the surname's entity, and says it was lengthened."""
    mentions = [m for m in kzrights.annotate(text) if m.text == whole]
    assert len(mentions) == 1, kzrights.annotate(text)
    mention = mentions[0]
    assert mention.entity_id == entity_id
    assert text[mention.start : mention.end] == whole
    assert mention.resolved_by == GIVEN_NAME.format(given_name)
    assert mention.resolved_by == f"given name {given_name!r} before the surname"
    # the kind of form is the surname's
    surname = whole.split()[-1] if "\u00a0" not in whole else whole.split("\u00a0")[-1]
    assert mention.form is kzrights.Linker.from_release().annotate(surname)[0].form


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # someone else's given name is never taken
        ("Dariga Nazarbayev spoke.", [("Nazarbayev", "entities.nursultan-nazarbayev")]),
        ("Nursultan Nazarbayeva spoke.", [("Nazarbayeva", "entities.dariga-nazarbayeva")]),
        ("Adam Tokaev spoke.", [("Tokaev", TOKAYEV)]),
        # a person's own whole name is still one mention
        ("Nursultan Nazarbayev spoke.", [("Nursultan Nazarbayev", "entities.nursultan-nazarbayev")]),
        ("Dariga Nazarbayeva spoke.", [("Dariga Nazarbayeva", "entities.dariga-nazarbayeva")]),
        # a person, not the sanctions: still blocked
        ("Sergei Magnitsky died in 2009.", []),
        # a title is no given name
        ("President Tokaev spoke.", [("Tokaev", TOKAYEV)]),
        # neither a line break nor a sentence end is crossed
        ("Kassym-Jomart\nTokaev spoke.", [("Tokaev", TOKAYEV)]),
        ("Kassym-Jomart\r\nTokaev spoke.", [("Tokaev", TOKAYEV)]),
        ("They met Kassym-Jomart. Tokaev spoke.", [("Tokaev", TOKAYEV)]),
        ("Kassym-Jomart: Tokaev spoke.", [("Tokaev", TOKAYEV)]),
        # the given name must be a whole word
        ("XKassym-Jomart Tokaev spoke.", [("Tokaev", TOKAYEV)]),
        ("Kassym-Jomartov Tokaev spoke.", [("Tokaev", TOKAYEV)]),
        # a single lowercase word is still no name; after someone else's given name, a line
        # break or a sentence end, or in half a word, a lowercase surname is still none
        ("tokaev spoke.", []),
        ("they hug the line; hug.", []),
        ("dariga tokaev spoke.", []),
        ("kassym-jomart\ntokaev spoke.", []),
        ("kassym-jomart. tokaev spoke.", []),
        ("xkassym-jomart tokaev spoke.", []),
        ("kassym-jomart tokaevs spoke.", []),
        ("kassym-jomart toKaev spoke.", []),
        ("нурсултан назарбаева", []),  # a form two people share: the given name never chooses
    ],
)
def test_what_is_never_lengthened(text, expected):
    """Another person's given name, a title, a line break, a sentence end, half a word: no whole name."""
    assert _spans(text) == expected


@pytest.mark.parametrize(
    ("text", "whole", "given_name", "entity_id", "form"),
    [
        ("kassym-jomart tokaev spoke.", "kassym-jomart tokaev", "kassym-jomart", TOKAYEV, "transliteration"),
        ("so kassym jomart toqaev said", "kassym jomart toqaev", "kassym jomart", TOKAYEV, "transliteration"),
        (
            "kassym-jomart\u00a0tokaev",
            "kassym-jomart\u00a0tokaev",
            "kassym-jomart",
            TOKAYEV,
            "transliteration",
        ),
        ("KASSYM-JOMART tokaev!", "KASSYM-JOMART tokaev", "KASSYM-JOMART", TOKAYEV, "transliteration"),
        ("#maks bokaev", "maks bokaev", "maks", "entities.max-bokayev", "transliteration"),
        ("письмо касым-жомарт токаеву", "касым-жомарт токаеву", "касым-жомарт", TOKAYEV, "inflected"),
        ("ерлан балтабаю написали", "ерлан балтабаю", "ерлан", "entities.erlan-baltabay", "inflected"),
    ],
)
def test_a_lowercase_whole_name_is_one_mention(text, whole, given_name, entity_id, form):
    """Social media's lowercase whole names link (issue 14) while the lowercase surname alone does not."""
    linker = kzrights.Linker.from_release()
    mentions = linker.annotate(text)
    assert [(m.text, m.entity_id) for m in mentions] == [(whole, entity_id)]
    mention = mentions[0]
    assert text[mention.start : mention.end] == whole
    assert mention.resolved_by == GIVEN_NAME.format(given_name)
    assert mention.form.value == form
    surname = mention.text[len(given_name) :].strip()
    assert linker.annotate(surname) == []  # alone, never a name
    assert linker.annotate(text, unambiguous_only=True) == mentions


def test_a_lowercase_whole_name_holds_its_offsets_in_nfd_with_invisible_characters_and_crlf():
    """The span is that of the text as given, whatever its normal form, soft hyphens and line ends."""
    text = (
        "said\r\nerlan\u00a0balta\u00adbai\u200b and "
        + unicodedata.normalize("NFD", "köshe")
        + " maks bokaev"
    )
    linker = kzrights.Linker.from_release()
    found = [(m.text, m.start, m.end) for m in linker.annotate(text)]
    assert found == [("erlan\u00a0balta\u00adbai", 6, 21), ("maks bokaev", 34, 45)]


def test_offsets_hold_in_nfd_with_invisible_characters_and_crlf():
    """The span is the given text's, whatever its normal form, invisible characters and line ends."""
    plain = "Report.\r\nҚасым-Жомарт Тоқаевқа and Kassym-Jomart Tokaev."
    for text in (
        plain,
        unicodedata.normalize("NFD", plain),
        plain.replace("Kassym", "Kas\u00adsym").replace("Tokaev", "Toka\u200bev"),
        "\u200b" + unicodedata.normalize("NFD", plain).replace("Jomart ", "Jomart\u200f "),
    ):
        found = kzrights.annotate(text)
        assert [m.entity_id for m in found] == [TOKAYEV, TOKAYEV]
        for m in found:
            assert text[m.start : m.end] == m.text
            assert unicodedata.normalize("NFC", kzrights._chars.strip_invisible(m.text)) in {
                "Қасым-Жомарт Тоқаевқа",
                "Kassym-Jomart Tokaev",
            }
        assert found[1].resolved_by == "given name 'Kassym-Jomart' before the surname" or found[
            1
        ].resolved_by.startswith("given name 'Kas")


def test_a_form_that_needs_evidence_keeps_it_and_names_the_given_name():
    """A shared form decided by an earlier mention is lengthened over that person's given name only."""
    text = "Нурсултан Назарбаев ушёл. Позже Нурсултан Назарбаеву вручили орден."
    last = kzrights.annotate(text)[-1]
    assert (last.text, last.entity_id) == ("Нурсултан Назарбаеву", "entities.nursultan-nazarbayev")
    assert last.resolved_by == (
        "given name 'Нурсултан' before the surname; "
        "earlier mention of the same entity: 'Нурсултан Назарбаев' at 0"
    )
    # decided for Dariga by an earlier mention, the same form keeps her, and takes no one else's given name
    other = kzrights.annotate("Дарига Назарбаева ушла. Позже Нурсултан Назарбаеву вручили орден.")[-1]
    assert (other.text, other.entity_id) == ("Назарбаеву", "entities.dariga-nazarbayeva")


def test_unambiguous_only_is_still_a_subset():
    """Lengthening changes no entity, so the safe-only answer stays a subset of the default one."""
    text = "Kassym-Jomart Tokaev met Mr Hug and Maks Bokaev in Kazakhstan's Parliament."
    assert set(kzrights.annotate(text, unambiguous_only=True)) <= set(kzrights.annotate(text))
    assert ("Kassym-Jomart Tokaev", TOKAYEV) in _spans(text, unambiguous_only=True)


def test_report_entity_takes_what_annotate_links():
    """`Report.entity` gives the entity of every whole name annotate links, and refuses what it does not."""
    report = kzrights.load()
    for name in ("Kassym-Jomart Tokaev", "Касым-Жомарт Токаеву", "Дарига Назарбаевой", "Maks Bokaev"):
        assert report.entity(name).id == kzrights.annotate(name)[0].entity_id
    with pytest.raises(kzrights.UnknownIdError):
        report.entity("Dariga Nazarbayev")  # annotate links only "Nazarbayev", to Nursultan
    with pytest.raises(kzrights.UnknownIdError):
        report.entity("Sergei Magnitsky")
    # a form two people share stays ambiguous: the given name does not choose
    with pytest.raises(kzrights.AmbiguousNameError):
        report.entity("Нурсултан Назарбаеву")


def test_the_command_line_agrees(tmp_path):
    """``kzrights annotate --json`` gives the whole name, with its evidence, as annotate does."""
    text = "Kassym-Jomart Tokaev met Maks Bokaev.\r\nKassym-Jomart\r\nTokaev left.\n"
    path = tmp_path / "news.txt"
    path.write_bytes(text.encode())
    out = subprocess.run(
        [sys.executable, "-m", "kzrights", "annotate", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    shown = [(m["text"], m["start"], m["end"], m.get("resolved_by")) for m in json.loads(out.stdout)]
    assert shown == [(m.text, m.start, m.end, m.resolved_by) for m in kzrights.annotate(text)]
    assert shown[0][:3] == ("Kassym-Jomart Tokaev", 0, 20)


def test_streaming_in_small_blocks_agrees():
    """Cut anywhere, even between the given name and the surname, the stream gives annotate's mentions."""
    from kzrights.cli import _stream_mentions

    text = ("lorem ipsum " * 40 + "Kassym-Jomart Tokaev and Касым-Жомарт Токаеву. ") * 6
    expected = [(m.entity_id, m.text, m.start, m.end) for m in kzrights.annotate(text)]
    assert sum(m[1].startswith(("Kassym", "Касым")) for m in expected) == 12
    for size in (7, 64, 501):
        blocks = [text[at : at + size] for at in range(0, len(text), size)]
        streamed = [
            (m.entity_id, m.text, m.start + base, m.end + base)
            for base, mentions in _stream_mentions(blocks, None)
            for m in mentions
        ]
        assert streamed == expected, size


def test_the_spacy_component_agrees():
    """The ``kzrights_linker`` component sets the whole name as one entity."""
    spacy = consumer("spacy")
    nlp = spacy.blank("en")
    nlp.add_pipe("kzrights_linker")
    doc = nlp("Kassym-Jomart Tokaev met Maks Bokaev.")
    assert [(e.text, e.kb_id_) for e in doc.ents] == [
        ("Kassym-Jomart Tokaev", TOKAYEV),
        ("Maks Bokaev", "entities.max-bokayev"),
    ]


def test_a_user_linker_lengthens_over_its_own_people():
    """An entity a user adds gets its given names from its own name, with the same rule."""
    person = kzrights.Entity(
        "entities.zhanbolat-mamay",
        kzrights.EntityCategory.PERSON,
        "Zhanbolat Mamay",
        ("Mamay", "Mamai", "Жанболат Мамай"),
        "A person a user adds.",
    )
    linker = kzrights.Linker.from_release().with_entities([person])
    found = linker.annotate("Zhanbolat\u00a0Mamai and Жанболат Мамай; Mamay left.")
    assert [m.text for m in found] == ["Zhanbolat\u00a0Mamai", "Жанболат Мамай", "Mamay"]
    assert found[0].resolved_by == "given name 'Zhanbolat' before the surname"


# --- the property: lengthening changes only the start, and never crosses a line ---------------

_GIVEN = [
    "Kassym-Jomart",
    "Kassym Jomart",
    "KASSYM-JOMART",
    "Касым-Жомарт",
    "Қасым-Жомарт",
    "Dariga",
    "Дарига",
    "Nursultan",
    "Нурсултан",
    "Maks",
    "Max",
    "maks",
    "kassym-jomart",
    "касым-жомарт",
    "Erlan",
    "Sergei",
    "Adam",
    "President",
    "Mr",
]
_SURNAME = [
    "Tokaev",
    "Tokayev",
    "Toqaev",
    "Токаев",
    "Токаеву",
    "Тоқаевқа",
    "Nazarbayev",
    "Nazarbayeva",
    "Назарбаева",
    "Назарбаевой",
    "Bokaev",
    "BOKAYEV",
    "Baltabai",
    "Hug",
    "Magnitsky",
    "tokaev",
    "toqaev",
    "bokaev",
    "токаеву",
    "hug",
]
_SEPARATOR = [" ", "  ", "\u00a0", "\t", "\n", "\r\n", ". ", ", ", "-", "\u200b ", " \u00ad", ""]
_AROUND = ["", "Kazakhstan's ", "said ", "x", "\u0301", "(", "\n", "Парламент ", "Mr "]


class _WithoutTheRule(kzrights._linking.Engine):
    """The release's linking engine with rule 6 switched off: what annotate found before it."""

    __slots__ = ()

    def _whole_names(self, text, found):
        return found

    def _lowercase_whole_names(self, text, found, lowered):
        return found


@pytest.fixture(scope="module")
def without_rule():
    report = kzrights.load()
    return _WithoutTheRule(report.entities, report.linking[0])


def _check_lengthening(text, with_rule, without_rule):
    """The property: the same mentions, each either unchanged or started earlier over a given name.

    And the rule's own: a lowercase surname after a given name, which the
    linker without the rule leaves out, is a mention that overlaps none of
    the others.
    """
    ends = {m.end for m in without_rule}
    added = [m for m in with_rule if m.end not in ends]
    for m in added:
        assert text[m.start : m.end] == m.text
        surname = m.text.split()[-1]
        assert surname == surname.lower() and surname != m.text, m
        assert m.resolved_by.startswith("given name ")
        assert not any(c in m.text for c in "\n\r.;:,"), m.text
        assert all(o.end <= m.start or m.end <= o.start for o in without_rule)
    with_rule = [m for m in with_rule if m not in added]
    assert len(with_rule) == len(without_rule)
    for m, before in zip(with_rule, without_rule, strict=True):
        assert (m.entity_id, m.end, m.form) == (before.entity_id, before.end, before.form)
        assert text[m.start : m.end] == m.text
        if m.start == before.start:
            assert m == before
            continue
        assert m.start < before.start
        assert m.resolved_by.startswith("given name ")
        gap = text[m.start : before.start]
        assert not any(c in gap for c in "\n\r.;:,"), gap


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
          deadline=None)  # fmt: skip
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_AROUND),
            st.sampled_from(_GIVEN),
            st.sampled_from(_SEPARATOR),
            st.sampled_from(_SURNAME),
            st.sampled_from(_AROUND),
        ),
        min_size=1,
        max_size=4,
    ),
    st.booleans(),
)
def test_lengthening_changes_only_the_start(without_rule, pieces, nfd):
    """Against the linker without the rule, each mention keeps its entity, form and end; only its start moves.

    And a start that moves crosses only a given name and horizontal space:
    never a line break nor a sentence's end.
    """
    text = "".join(a + g + s + n + b for a, g, s, n, b in pieces)
    if nfd:
        text = unicodedata.normalize("NFD", text)
    _check_lengthening(text, kzrights.annotate(text), without_rule.link(text))


def test_the_property_fails_on_a_broken_rule(monkeypatch, without_rule):
    """The property's check catches a rule that takes a given name over a line break, or someone else's."""
    import kzrights._linking as linking

    report = kzrights.load()
    text = "Kassym-Jomart\nTokaev"
    _check_lengthening(text, kzrights.annotate(text), without_rule.link(text))
    monkeypatch.setattr(linking, "_HSPACE", r"\s")
    monkeypatch.setattr(linking, "_SPACE_BEFORE", frozenset(" \n"))
    broken = linking.Engine(report.entities, report.linking[0])
    with pytest.raises(AssertionError):
        _check_lengthening(text, broken.link(text), without_rule.link(text))


def test_every_person_has_given_names_and_no_title_is_one():
    """Every person of the registry with a whole name gets its given names; no title or office word does."""
    from kzrights._linking import given_names

    report = kzrights.load()
    rules = report.linking[0]
    names = {e.id: given_names(e, rules, report.entities) for e in report.entities}
    assert names[TOKAYEV] == ("Kassym-Jomart", "Qasym-Jomart", "Касым-Жомарт", "Қасым-Жомарт")
    assert names["entities.max-bokayev"] == ("Max", "Maks", "Макс")
    assert names["entities.kazakhstan"] == ()
    for entity in report.entities:
        if entity.category is kzrights.EntityCategory.PERSON:
            assert names[entity.id], entity.id
    flat = {g for gs in names.values() for g in gs}
    assert flat.isdisjoint({"President", "Mr", "Dr"})
    assert list(itertools.chain(*names.values()))
