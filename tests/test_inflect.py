"""The Russian and Kazakh word forms the build generates for the registry's Cyrillic names.

The expected forms in this file were checked by hand against Russian and
Kazakh grammar (and the news phrases of issue 14); ``inflect_forms.json`` is
the whole registry's table, frozen, so that a new pymorphy3 or dictionary that
changes a form fails here instead of changing a release silently.
"""

from __future__ import annotations

import json
import pickle
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kzrights._matcher import entity_matcher
from kzrights.errors import BuildError, KzrightsError, MissingDependencyError
from kzrights.records import EntityCategory
from kzrights_build import inflect
from kzrights_build.entities import read_entities
from kzrights_build.inflect import (
    Case,
    InflectedForm,
    InflectionError,
    MissingBuildDependencyError,
    collisions,
    forms_table,
    inflected_forms,
    registry_forms,
)
from kzrights_build.seed_files import EntitiesFile, read
from kzrights_build.seeds import load_toml

from .conftest import ROOT, SEEDS

TABLE = Path(__file__).with_name("inflect_forms.json")
RU_CASES = ("nominative", "genitive", "dative", "accusative", "instrumental", "prepositional")
KK_CASES = ("nominative", "genitive", "dative", "accusative", "locative", "ablative", "instrumental")


def _by_case(forms: tuple[InflectedForm, ...]) -> dict[str, str]:
    return {case.value: form.text for form in forms for case in form.cases}


def _ru(name: str, category: str = "person", gender: Any = None) -> tuple[str, ...]:
    table = _by_case(inflected_forms(name, category=category, language="ru", gender=gender))
    return tuple(table[c] for c in RU_CASES)


def _kk(name: str, category: str = "person") -> tuple[str, ...]:
    table = _by_case(inflected_forms(name, category=category, language="kk"))
    return tuple(table[c] for c in KK_CASES)


@pytest.fixture(scope="module")
def seeds() -> EntitiesFile:
    path = SEEDS / "entities.toml"
    return read(load_toml(path), EntitiesFile, str(path))


# ── Russian, hand-checked: nominative, genitive, dative, accusative, instrumental, prepositional ──

RUSSIAN = [
    # masculine surnames in -ев/-ов (the dictionary knows Назарбаев; Токаев and Бокаев by rule)
    ("Назарбаев", "person", None, "Назарбаев Назарбаева Назарбаеву Назарбаева Назарбаевым Назарбаеве"),
    ("Бокаев", "person", "masculine", "Бокаев Бокаева Бокаеву Бокаева Бокаевым Бокаеве"),
    ("Аблязов", "person", None, "Аблязов Аблязова Аблязову Аблязова Аблязовым Аблязове"),
    ("Токаев", "person", "masculine", "Токаев Токаева Токаеву Токаева Токаевым Токаеве"),
    # a first name the dictionary lacks (Ерлан) and a surname in -ай
    (
        "Ерлан Балтабай",
        "person",
        None,
        "Ерлан Балтабай|Ерлана Балтабая|Ерлану Балтабаю|Ерлана Балтабая|Ерланом Балтабаем|Ерлане Балтабае",
    ),
    # a compound first name declines its last part only, as Russian news writes it
    (
        "Касым-Жомарт Токаев",
        "person",
        None,
        "Касым-Жомарт Токаев|Касым-Жомарта Токаева|Касым-Жомарту Токаеву|Касым-Жомарта Токаева"
        "|Касым-Жомартом Токаевым|Касым-Жомарте Токаеве",
    ),
    # feminine surnames, first names in -а and -ия
    (
        "Шорманбаева",
        "person",
        "feminine",
        "Шорманбаева Шорманбаевой Шорманбаевой Шорманбаеву Шорманбаевой Шорманбаевой",
    ),
    (
        "Дарига Назарбаева",
        "person",
        None,
        "Дарига Назарбаева|Дариги Назарбаевой|Дариге Назарбаевой|Даригу Назарбаеву|Даригой Назарбаевой"
        "|Дариге Назарбаевой",
    ),
    (
        "Галия Аженова",
        "person",
        None,
        "Галия Аженова|Галии Аженовой|Галии Аженовой|Галию Аженову|Галией Аженовой|Галии Аженовой",
    ),
    # a woman's surname ending in a consonant does not decline; nor does Амангельды
    (
        "Татьяна Чернобиль",
        "person",
        None,
        "Татьяна Чернобиль|Татьяны Чернобиль|Татьяне Чернобиль|Татьяну Чернобиль|Татьяной Чернобиль"
        "|Татьяне Чернобиль",
    ),
    (
        "Амангельды Шорманбаев",
        "person",
        None,
        "Амангельды Шорманбаев|Амангельды Шорманбаева|Амангельды Шорманбаеву|Амангельды Шорманбаева"
        "|Амангельды Шорманбаевым|Амангельды Шорманбаеве",
    ),
    # places and organisations: the head noun and its adjectives; the accusative of a thing is its nominative
    ("Казахстан", "place", None, "Казахстан Казахстана Казахстану Казахстан Казахстаном Казахстане"),
    ("Россия", "place", None, "Россия России России Россию Россией России"),
    (
        "Республика Казахстан",
        "place",
        None,
        "Республика Казахстан|Республики Казахстан|Республике Казахстан|Республику Казахстан"
        "|Республикой Казахстан|Республике Казахстан",
    ),
    (
        "Верховный суд",
        "organisation",
        None,
        "Верховный суд|Верховного суда|Верховному суду|Верховный суд|Верховным судом|Верховном суде",
    ),
    (
        "Демократическая партия",
        "organisation",
        None,
        "Демократическая партия|Демократической партии|Демократической партии|Демократическую партию"
        "|Демократической партией|Демократической партии",
    ),
    (
        "Совет Европы",
        "organisation",
        None,
        "Совет Европы|Совета Европы|Совету Европы|Совет Европы|Советом Европы|Совете Европы",
    ),
    # a person's office: its accusative is its genitive
    (
        "Президент Казахстана",
        "office",
        None,
        "Президент Казахстана|Президента Казахстана|Президенту Казахстана|Президента Казахстана"
        "|Президентом Казахстана|Президенте Казахстана",
    ),
]


@pytest.mark.parametrize(("name", "category", "gender", "expected"), RUSSIAN, ids=[r[0] for r in RUSSIAN])
def test_russian_cases_match_the_hand_checked_table(
    name: str, category: str, gender: Any, expected: str
) -> None:
    """Each name's six singular cases are the ones a Russian reader writes."""
    words = expected.split("|") if "|" in expected else expected.split(" ")
    assert _ru(name, category, gender) == tuple(words)


@pytest.mark.parametrize("name", ["ООН", "Нур Отан", "Оян, Казахстан", "Қазақстан", "Тоҷикистон"])
def test_names_russian_does_not_decline_here_keep_only_their_nominative(name: str) -> None:
    """Acronyms, a name whose head the dictionary does not know, a slogan, and non-Russian spellings."""
    forms = inflected_forms(name, category="organisation", language="ru")
    assert [(f.text, f.cases) for f in forms] == [(name, (Case.NOMINATIVE,))]


def test_capitals_follow_the_base_name() -> None:
    """A person's name written in capitals or in lower case keeps that in every form.

    A place or organisation written in capitals is taken for an acronym (ООН, МОТ) and keeps its nominative.
    """
    assert _ru("НАЗАРБАЕВ")[4] == "НАЗАРБАЕВЫМ"
    assert _ru("назарбаев")[4] == "назарбаевым"
    assert _ru("казахстан", "place")[2] == "казахстану"
    assert [f.text for f in inflected_forms("МОТ", category="organisation", language="ru")] == ["МОТ"]


# ── Kazakh, hand-checked: nominative, genitive, dative, accusative, locative, ablative, instrumental ──

KAZAKH = [
    # the issue's examples
    (
        "Қазақстан",
        "place",
        "Қазақстан Қазақстанның Қазақстанға Қазақстанды Қазақстанда Қазақстаннан Қазақстанмен",
    ),
    ("Тоқаев", "person", "Тоқаев Тоқаевтың Тоқаевқа Тоқаевты Тоқаевта Тоқаевтан Тоқаевпен"),
    (
        "Назарбаев",
        "person",
        "Назарбаев Назарбаевтың Назарбаевқа Назарбаевты Назарбаевта Назарбаевтан Назарбаевпен",
    ),
    # the ending goes on the last word of a full name
    (
        "Нұрсұлтан Назарбаев",
        "person",
        "Нұрсұлтан Назарбаев|Нұрсұлтан Назарбаевтың|Нұрсұлтан Назарбаевқа|Нұрсұлтан Назарбаевты"
        "|Нұрсұлтан Назарбаевта|Нұрсұлтан Назарбаевтан|Нұрсұлтан Назарбаевпен",
    ),
    ("Балтабай", "person", "Балтабай Балтабайдың Балтабайға Балтабайды Балтабайда Балтабайдан Балтабаймен"),
    (
        "Шорманбаева",
        "person",
        "Шорманбаева Шорманбаеваның Шорманбаеваға Шорманбаеваны Шорманбаевада Шорманбаевадан Шорманбаевамен",
    ),
    # each rule, on textbook words: a vowel, back and front
    ("Бала", "place", "Бала Баланың Балаға Баланы Балада Баладан Баламен"),
    ("Әке", "place", "Әке Әкенің Әкеге Әкені Әкеде Әкеден Әкемен"),
    ("Астана", "place", "Астана Астананың Астанаға Астананы Астанада Астанадан Астанамен"),
    # м, н, ң
    ("Адам", "place", "Адам Адамның Адамға Адамды Адамда Адамнан Адаммен"),
    ("Күн", "place", "Күн Күннің Күнге Күнді Күнде Күннен Күнмен"),
    # л, р, й, and у after a vowel
    ("Ел", "place", "Ел Елдің Елге Елді Елде Елден Елмен"),
    ("Жер", "place", "Жер Жердің Жерге Жерді Жерде Жерден Жермен"),
    ("Үй", "place", "Үй Үйдің Үйге Үйді Үйде Үйден Үймен"),
    ("Тау", "place", "Тау Таудың Тауға Тауды Тауда Таудан Таумен"),
    # з, ж
    ("Қыз", "place", "Қыз Қыздың Қызға Қызды Қызда Қыздан Қызбен"),
    ("Сөз", "place", "Сөз Сөздің Сөзге Сөзді Сөзде Сөзден Сөзбен"),
    # voiceless consonants
    ("Кітап", "place", "Кітап Кітаптың Кітапқа Кітапты Кітапта Кітаптан Кітаппен"),
    ("Мектеп", "place", "Мектеп Мектептің Мектепке Мектепті Мектепте Мектептен Мектеппен"),
    # the surname suffix -ев takes its stem's harmony: front after a front stem
    ("Әбішев", "person", "Әбішев Әбішевтің Әбішевке Әбішевті Әбішевте Әбішевтен Әбішевпен"),
]


@pytest.mark.parametrize(("name", "category", "expected"), KAZAKH, ids=[k[0] for k in KAZAKH])
def test_kazakh_cases_match_the_hand_checked_table(name: str, category: str, expected: str) -> None:
    """Each rule of the Kazakh endings (last sound, vowel harmony, -ев) gives the textbook forms."""
    words = expected.split("|") if "|" in expected else expected.split(" ")
    assert _kk(name, category) == tuple(words)


def test_kazakh_forms_are_made_for_persons_and_places_only() -> None:
    """An organisation's Kazakh name carries possessive endings these rules do not cover: nominative only."""
    forms = inflected_forms("Көше партиясы", category="organisation", language="kk")
    assert [f.text for f in forms] == ["Көше партиясы"]


# ── how the build uses them: the issue's news phrases, through the matcher annotate() uses ──


@pytest.fixture(scope="module")
def linker_with_forms(seeds: EntitiesFile) -> Any:
    """The registry's matcher with every unambiguous generated form as an alias, as a release freezes them."""
    entities = read_entities(load_toml(SEEDS / "entities.toml"), "seeds/entities.toml")
    forms = registry_forms(seeds.entity)
    names = {e.id: (e.name, *e.aliases) for e in seeds.entity}
    ambiguous = {(c.entity_id, c.form.text) for c in collisions(forms, names)}
    with_forms = [
        attrs.evolve(
            entity,
            aliases=tuple(
                dict.fromkeys(
                    [
                        *entity.aliases,
                        *(
                            f.text
                            for f in forms.get(entity.id.removeprefix("entities."), ())
                            if (entity.id.removeprefix("entities."), f.text) not in ambiguous
                            and f.text != entity.name
                        ),
                    ]
                )
            ),
        )
        for entity in entities
    ]
    return entity_matcher(with_forms)


@pytest.mark.parametrize(
    ("phrase", "entity"),
    [
        ("переговоры с Назарбаевым", "entities.nursultan-nazarbayev"),
        ("приговор Бокаеву", "entities.max-bokayev"),
        ("иск к Аблязову", "entities.mukhtar-ablyazov"),
        ("по всему Казахстану", "entities.kazakhstan"),
        ("с Ерланом Балтабаем", "entities.erlan-baltabay"),
        ("встреча с Касым-Жомартом Токаевым", "entities.kassym-jomart-tokayev"),
        ("письмо Дариге Назарбаевой", "entities.dariga-nazarbayeva"),
        ("Тоқаевтың жарлығы", "entities.kassym-jomart-tokayev"),
        ("Қазақстанда адам құқықтары", "entities.kazakhstan"),
        ("решение Верховного суда и Конституции", "entities.constitution"),
    ],
)
def test_the_issues_news_phrases_are_found_through_their_word_forms(
    phrase: str, entity: str, linker_with_forms: Any
) -> None:
    """With the generated forms as aliases, the matcher finds the names the nominative alone missed."""
    assert entity in [m.entity_id for m in linker_with_forms.find(phrase)]


def test_without_the_forms_the_same_phrases_are_missed() -> None:
    """The check above can fail: the shipped registry alone finds none of the inflected names."""
    entities = read_entities(load_toml(SEEDS / "entities.toml"), "seeds/entities.toml")
    matcher = entity_matcher(entities)
    for phrase in (
        "переговоры с Назарбаевым",
        "приговор Бокаеву",
        "с Ерланом Балтабаем",
        "Тоқаевтың жарлығы",
    ):
        assert matcher.find(phrase) == []


# ── collisions ──


def test_a_form_that_is_another_entitys_name_is_reported(seeds: EntitiesFile) -> None:
    """Назарбаева is Nazarbayev's genitive and Dariga Nazarbayeva's name: both sides are told."""
    forms = registry_forms(seeds.entity)
    names = {e.id: (e.name, *e.aliases) for e in seeds.entity}
    found = {(c.entity_id, c.form.text, c.others) for c in collisions(forms, names)}
    assert ("nursultan-nazarbayev", "Назарбаева", ("dariga-nazarbayeva",)) in found
    # her accusative is his dative; Shormanbayeva and Shormanbayev likewise
    assert ("dariga-nazarbayeva", "Назарбаеву", ("nursultan-nazarbayev",)) in found
    assert ("nursultan-nazarbayev", "Назарбаеву", ("dariga-nazarbayeva",)) in found
    assert ("amangeldy-shormanbayev", "Шорманбаева", ("aina-shormanbayeva",)) in found
    # a name is never reported against itself, and Kazakhstan's forms are nobody else's
    assert all(Case.NOMINATIVE not in c.form.cases for c in collisions(forms, names))
    assert not any(entity == "kazakhstan" for entity, _, _ in found)


def test_collisions_compare_names_without_case_or_script() -> None:
    """A form collides with another entity's name written in capitals or in Latin letters."""
    forms = {"a": inflected_forms("Назарбаев", category="person", language="ru")}
    assert [c.form.text for c in collisions(forms, {"a": ["Назарбаев"], "b": ["НАЗАРБАЕВА"]})] == [
        "Назарбаева"
    ]
    assert [c.others for c in collisions(forms, {"a": ["Назарбаев"], "b": ["Nazarbayeva"]})] == [("b",)]
    assert collisions(forms, {"a": ["Назарбаев"], "b": ["Назарбаевский"]}) == ()


# ── the frozen table of the whole registry ──


def test_the_registrys_forms_are_the_frozen_hand_checked_table(seeds: EntitiesFile) -> None:
    """Every Cyrillic name of the seeds gives exactly its row of ``tests/inflect_forms.json``.

    A new name needs a row (checked by hand); a new pymorphy3 or dictionary that
    changes a form fails here. Regenerate with ``python -m kzrights_build.inflect > tests/inflect_forms.json``
    and read the difference before committing it.
    """
    frozen = json.loads(TABLE.read_text(encoding="utf-8"))
    versions = inflect.morphology_versions()
    rows = {(r["entity"], r["name"], r["language"]): r for r in frozen["rows"]}
    hint = f"table made with {frozen['versions']}, installed {versions}"
    for row in forms_table(seeds.entity):
        key = (row["entity"], row["name"], row["language"])
        assert key in rows, f"{key}: no row in {TABLE.name}; check its forms and add it ({hint})"
        assert row == rows[key], f"{key}: the forms changed ({hint})"


def test_rows_for_names_the_seeds_no_longer_have_still_hold() -> None:
    """A stale row (a name removed from the seeds) is still checked, so the table stays true."""
    frozen = json.loads(TABLE.read_text(encoding="utf-8"))
    for row in frozen["rows"]:
        forms = inflected_forms(
            row["name"], category=row["category"], language=row["language"], gender=row["gender"]
        )
        table = {c.value: f.text for f in forms for c in f.cases}
        assert table == row["forms"], row["name"]


def test_the_table_pins_the_versions_the_extra_pins() -> None:
    """The frozen table was made with the pymorphy3 and dictionary versions pyproject's extra pins."""
    frozen = json.loads(TABLE.read_text(encoding="utf-8"))
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for package, version in frozen["versions"].items():
        assert f'"{package}=={version}"' in pyproject


# ── odd input: a clear error or no forms, never a crash ──

RUSSIAN_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
KAZAKH_LETTERS = RUSSIAN_LETTERS + "әғқңөұүһі"


@st.composite
def cyrillic_names(draw: st.DrawFn, letters: str = RUSSIAN_LETTERS) -> str:
    word = st.text(alphabet=letters, min_size=1, max_size=12)
    part = st.builds(lambda w, cap: w.capitalize() if cap else w, word, st.booleans())
    hyphenated = st.lists(part, min_size=1, max_size=3).map("-".join)
    return " ".join(draw(st.lists(hyphenated, min_size=1, max_size=4)))


ARGUMENTS = {
    "category": st.sampled_from([c.value for c in EntityCategory]),
    "language": st.sampled_from(["ru", "kk"]),
    "gender": st.sampled_from([None, "masculine", "feminine"]),
}


@given(name=st.one_of(cyrillic_names(), cyrillic_names(KAZAKH_LETTERS)), **ARGUMENTS)
@example(name="Б", category="person", language="ru", gender=None)
@example(name="Касым-", category="person", language="ru", gender="masculine")
@example(name="ь", category="person", language="kk", gender=None)
@example(name="Ерлан-Балтабай-Хаг", category="person", language="ru", gender=None)
def test_a_cyrillic_name_gives_cyrillic_forms_its_nominative_first(
    name: str, category: str, language: Any, gender: Any
) -> None:
    """Any Cyrillic name: forms only in Cyrillic, the name itself first, none empty, always the same."""
    forms = inflected_forms(name, category=category, language=language, gender=gender)
    assert forms[0].text == name and forms[0].cases[0] is Case.NOMINATIVE
    texts = [f.text for f in forms]
    assert len(set(texts)) == len(texts)
    for form in forms:
        assert form.text and not re.search(r"[A-Za-z]", form.text)
        assert set(form.text) <= set(KAZAKH_LETTERS + KAZAKH_LETTERS.upper() + "- ")
        assert form.language == language and form.base == name and form.number == "singular"
    assert sum(len(f.cases) for f in forms) == (6 if language == "ru" else 7) or len(forms) == 1
    assert inflected_forms(name, category=category, language=language, gender=gender) == forms


@given(name=st.text(max_size=60), **ARGUMENTS)
@example(name="", category="person", language="ru", gender=None)
@example(name="Tokayev Токаев", category="person", language="ru", gender=None)
@example(name="Статья 174", category="legal-instrument", language="ru", gender=None)
@example(name="Назарбаев\x00", category="person", language="ru", gender=None)
def test_any_text_gives_forms_or_an_inflection_error(
    name: str, category: str, language: Any, gender: Any
) -> None:
    """Whatever the text, the result is forms (possibly none) or kzrights' own error, never a crash."""
    try:
        forms = inflected_forms(name, category=category, language=language, gender=gender)
    except InflectionError as error:
        caught: InflectionError | None = error
    else:
        caught = None
        assert all(f.text for f in forms)
    if caught is not None:
        assert isinstance(caught, BuildError) and isinstance(caught, ValueError)
        assert caught.path == "seeds/entities.toml" and caught.reason


@pytest.mark.parametrize(
    ("name", "arguments", "message"),
    [
        ("Tokayev Токаев", {}, "mixes Latin and Cyrillic letters"),
        ("   ", {}, "the name is blank"),
        ("Б" * 201, {}, "201 characters long; the limit is 200"),
        ("Токаев", {"language": "de"}, "language must be 'ru' or 'kk', not 'de'"),
        ("Токаев", {"category": "planet"}, "category must be one of person,"),
        ("Токаев", {"gender": "m"}, "gender must be 'masculine', 'feminine' or None"),
    ],
)
def test_bad_input_gets_a_clear_error_naming_it(name: str, arguments: dict[str, str], message: str) -> None:
    """Each kind of bad argument is named in the message."""
    given_arguments: dict[str, Any] = {"category": "person", "language": "ru", **arguments}
    with pytest.raises(InflectionError, match=re.escape(message)):
        inflected_forms(name, **given_arguments)


def test_a_name_in_latin_letters_has_no_forms() -> None:
    """Only Cyrillic names are inflected: an English name gets none (and no error)."""
    assert inflected_forms("Nazarbayev", category="person", language="ru") == ()


def test_the_errors_pickle_whole() -> None:
    """Both errors cross a process boundary with their attributes."""
    error = InflectionError("Tokayev Токаев", "the name mixes Latin and Cyrillic letters")
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.name, copy.reason, copy.path) == (
        str(error),
        error.name,
        error.reason,
        error.path,
    )
    missing = MissingBuildDependencyError("the Russian word forms", "pymorphy3", "build-data")
    copy_missing = pickle.loads(pickle.dumps(missing))
    assert str(copy_missing) == str(missing) and copy_missing.extra == "build-data"


# ── the dependency: build-only, and said clearly when missing ──


def test_without_pymorphy3_the_builder_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """pymorphy3 missing: a MissingDependencyError that says how to install the build-data extra."""
    monkeypatch.setitem(sys.modules, "pymorphy3", None)  # import pymorphy3 now raises ImportError
    monkeypatch.setattr(inflect, "_analyzer", None)
    with pytest.raises(MissingDependencyError) as info:
        inflected_forms("Назарбаев", category="person", language="ru")
    assert isinstance(info.value, KzrightsError) and isinstance(info.value, ImportError)
    assert "pip install -e '.[build-data]'" in str(info.value)
    assert info.value.package == "pymorphy3"
    # Kazakh needs no library
    assert _kk("Қазақстан", "place")[1] == "Қазақстанның"


def test_the_library_never_imports_the_morphology() -> None:
    """Linking Russian text at run time loads neither pymorphy3 nor the builder."""
    code = (
        "import sys, kzrights; kzrights.annotate('переговоры с Назарбаевым в Казахстане');"
        "print(sorted(m for m in sys.modules if m.startswith(('pymorphy', 'kzrights_build', 'dawg'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
