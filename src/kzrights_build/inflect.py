"""Russian and Kazakh word forms of the registry's Cyrillic names, generated at build time.

Russian and Kazakh news name people and places in every grammatical case:
"переговоры с Назарбаевым", "приговор Бокаеву", "по всему Казахстану",
"Тоқаевтың". The registry (``seeds/entities.toml``) holds each name once, in
the nominative; this module makes the other forms, so that the build can freeze
them into a release as generated aliases and ``kzrights.annotate`` needs no
morphology library at run time.

Russian forms come from pymorphy3 and its OpenCorpora dictionary, both pinned in
the ``build-data`` extra (``pip install -e '.[build-data]'``); where the
dictionary does not know a name, documented rules take over (see
[`inflected_forms`][kzrights_build.inflect.inflected_forms]). No library
declines Kazakh, so Kazakh forms come from the suffix rules of this module,
each checked against hand-checked examples in ``tests/test_inflect.py``.

Only the singular is made; the library never imports this module, and the
wheel does not ship it.
"""

from __future__ import annotations

import enum
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol

import attrs

from kzrights._names import name_key
from kzrights.errors import BuildError, MissingDependencyError
from kzrights.records import EntityCategory

if TYPE_CHECKING:
    import pymorphy3

__all__ = [
    "ENTITIES_PATH",
    "KAZAKH_CASES",
    "KAZAKH_ENDINGS",
    "MAX_NAME_LENGTH",
    "RUSSIAN_CASES",
    "Case",
    "Collision",
    "InflectedForm",
    "InflectionError",
    "MissingBuildDependencyError",
    "collisions",
    "forms_table",
    "guess_gender",
    "inflected_forms",
    "morphology_versions",
    "registry_forms",
]

Language = Literal["ru", "kk"]
Gender = Literal["masculine", "feminine"]

#: The longest name accepted: the registry's longest Cyrillic name is 35 characters.
MAX_NAME_LENGTH = 200
#: Where the names come from, for the path of an [`InflectionError`][kzrights_build.inflect.InflectionError].
ENTITIES_PATH = "seeds/entities.toml"


class Case(str, enum.Enum):
    """A grammatical case, by its English name.

    Russian has six (nominative to prepositional); Kazakh's common ones are
    the nominative, genitive, dative, accusative, locative, ablative and
    instrumental.
    """

    NOMINATIVE = "nominative"
    GENITIVE = "genitive"
    DATIVE = "dative"
    ACCUSATIVE = "accusative"
    INSTRUMENTAL = "instrumental"
    PREPOSITIONAL = "prepositional"
    LOCATIVE = "locative"
    ABLATIVE = "ablative"


#: The Russian cases made, in the order of Russian grammars.
RUSSIAN_CASES = (
    Case.NOMINATIVE,
    Case.GENITIVE,
    Case.DATIVE,
    Case.ACCUSATIVE,
    Case.INSTRUMENTAL,
    Case.PREPOSITIONAL,
)
#: The Kazakh cases made, in the order of Kazakh grammars.
KAZAKH_CASES = (
    Case.NOMINATIVE,
    Case.GENITIVE,
    Case.DATIVE,
    Case.ACCUSATIVE,
    Case.LOCATIVE,
    Case.ABLATIVE,
    Case.INSTRUMENTAL,
)
_CASE_ORDER = {case: i for i, case in enumerate(Case)}


def _cases(value: Iterable[Case]) -> tuple[Case, ...]:
    return tuple(sorted(set(value), key=_CASE_ORDER.__getitem__))


@attrs.frozen(kw_only=True)
class InflectedForm:
    """One written form of a name, and the grammatical cases it stands for.

    Attributes:
        text: The form as written, e.g. ``"Назарбаевым"``; its capitals follow the base name's.
        language: ``"ru"`` (Russian) or ``"kk"`` (Kazakh).
        cases: The cases this spelling serves, in the order of [`Case`][kzrights_build.inflect.Case]
            (``Назарбаева`` is both genitive and accusative); never empty.
        number: Always ``"singular"``: plurals are not generated.
        base: The name it was made from, in the nominative, as given.
    """

    text: str = attrs.field(validator=attrs.validators.min_len(1))
    language: Language
    cases: tuple[Case, ...] = attrs.field(converter=_cases, validator=attrs.validators.min_len(1))
    number: Literal["singular"] = "singular"
    base: str


class InflectionError(BuildError):
    """A name whose word forms cannot be generated, or an argument that makes no sense.

    Its ``path`` is ``seeds/entities.toml``, where the build's names come from.

    Attributes:
        name: The name as given (cut to 80 characters).
        reason: What is wrong, in words.
    """

    def __init__(self, name: str, reason: str) -> None:
        self.name = name[:80]
        self.reason = reason
        shown = repr(self.name) + ("…" if len(name) > 80 else "")
        super().__init__(ENTITIES_PATH, f"{shown}: {reason}")


class MissingBuildDependencyError(MissingDependencyError):
    """The build needs a package of the ``build-data`` extra that is not installed.

    The builder runs from a checkout, so the message says how to install the
    extra there: ``pip install -e '.[build-data]'``.
    """

    def __init__(self, feature: str, package: str, extra: str) -> None:
        super().__init__(feature, package, extra)
        self.args = (f"{feature} needs {package}: pip install -e '.[{extra}]' in the kzrights checkout",)


# ── what kind of text a name is ──

_CYRILLIC = re.compile(r"[\u0400-\u04ff\u0500-\u052f]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_RUSSIAN_WORD = re.compile(r"[а-яё]+(?:-[а-яё]+)*", re.IGNORECASE)
_KAZAKH_WORD = re.compile(r"[а-яёәғқңөұүһі]+(?:-[а-яёәғқңөұүһі]+)*", re.IGNORECASE)
_KAZAKH_LETTERS = re.compile(r"[әғқңөұүһі]", re.IGNORECASE)


def _check(name: object, language: object, category: object, gender: object) -> EntityCategory:
    if not isinstance(name, str):
        raise InflectionError(repr(name), f"a name must be a string, not {type(name).__name__}")
    if language not in ("ru", "kk"):
        raise InflectionError(name, f"language must be 'ru' or 'kk', not {language!r}")
    if gender not in (None, "masculine", "feminine"):
        raise InflectionError(name, f"gender must be 'masculine', 'feminine' or None, not {gender!r}")
    try:
        kind = EntityCategory(category)
    except ValueError:
        known = ", ".join(c.value for c in EntityCategory)
        raise InflectionError(name, f"category must be one of {known}, not {category!r}") from None
    if not name.strip():
        raise InflectionError(name, "the name is blank")
    if len(name) > MAX_NAME_LENGTH:
        raise InflectionError(
            name, f"the name is {len(name):,} characters long; the limit is {MAX_NAME_LENGTH}"
        )
    if _CYRILLIC.search(name) and _LATIN.search(name):
        raise InflectionError(name, "the name mixes Latin and Cyrillic letters")
    return kind


def _with_case_of(model: str, word: str) -> str:
    """``word`` (lowercase) written with ``model``'s capitals: ``НАЗАРБАЕВ`` → ``НАЗАРБАЕВЫМ``."""
    if len(model) > 1 and model.isupper():
        return word.upper()
    shared = "".join(m if m.lower() == w else w for m, w in zip(model, word, strict=False))
    return shared + word[len(shared) :]


def _is_acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper() and "-" not in word


# ── Russian: pymorphy3, with rules where its dictionary does not know a name ──

_GRAMMEME = {
    Case.NOMINATIVE: "nomn",
    Case.GENITIVE: "gent",
    Case.DATIVE: "datv",
    Case.ACCUSATIVE: "accs",
    Case.INSTRUMENTAL: "ablt",
    Case.PREPOSITIONAL: "loct",
}
_GENDER_GRAMMEME = {"masculine": "masc", "feminine": "femn"}
_PERSONAL = {"Name", "Surn", "Patr"}

_analyzer: pymorphy3.MorphAnalyzer | None = None
_analyzer_lock = threading.Lock()


def _morph() -> pymorphy3.MorphAnalyzer:
    """The one pymorphy3 analyser (its dictionary takes a second to load), made on first use."""
    global _analyzer
    with _analyzer_lock:
        if _analyzer is None:
            try:
                import pymorphy3
            except ImportError:
                raise MissingBuildDependencyError(
                    "the Russian word forms (kzrights_build.inflect)", "pymorphy3", "build-data"
                ) from None
            _analyzer = pymorphy3.MorphAnalyzer(lang="ru")
        return _analyzer


def morphology_versions() -> dict[str, str]:
    """The versions of pymorphy3 and its Russian dictionary that make the forms.

    Returns:
        ``{"pymorphy3": "2.0.6", "pymorphy3-dicts-ru": "2.4.417150.4580142"}`` or
        whatever is installed (the ``build-data`` extra pins them).

    Raises:
        MissingBuildDependencyError: If pymorphy3 is not installed.
    """
    from importlib import metadata

    _morph()
    return {package: metadata.version(package) for package in ("pymorphy3", "pymorphy3-dicts-ru")}


def _parses(word: str) -> list[Any]:
    return [p for p in _morph().parse(word.lower()) if {"sing", "nomn"} <= p.tag.grammemes]


def _pymorphy_forms(
    parse: Any, gender: str | None = None, animacy: str | None = None
) -> dict[Case, str] | None:
    """The six cases of one dictionary parse; an adjective takes its noun's ``gender`` (and ``animacy``)."""
    forms: dict[Case, str] = {}
    for case, grammeme in _GRAMMEME.items():
        wanted = {grammeme, "sing"}
        if gender is not None:
            wanted.add(gender)
            if grammeme == "accs" and gender == "masc" and animacy is not None:
                wanted.add(animacy)  # the accusative of a masculine adjective: как у Верховного суда
        inflected = parse.inflect(wanted)
        if inflected is None:
            return None
        forms[case] = inflected.word
    return forms


def _decline(stem: str, endings: Sequence[str]) -> dict[Case, str]:
    return dict(zip(RUSSIAN_CASES, [stem + e for e in endings], strict=True))


_HUSHING = "жшчщц"
_VELAR_OR_HUSHING = "гкхжшчщ"


def _rule_forms(word: str, gender: Gender, surname: bool) -> dict[Case, str]:
    """The Russian rules for a person's name the dictionary does not know (``word`` in lowercase).

    In order: a surname (``surname``: the last word of the name) in
    -ов/-ев/-ёв/-ин/-ын (feminine -ова/-ева/-ёва/-ина/-ына) or -ский/-цкий
    (-ская/-цкая) declines as Russian surnames do (Токаев →
    Токаева, Токаеву, Токаева, Токаевым, Токаеве); a masculine name ending in a
    consonant, -й or -ь takes the second declension (Ерлан → Ерлана, Ерланом;
    Балтабай → Балтабая, Балтабаем), -ий as in Василий; a name in -а or -я
    takes the first declension, whatever its gender (Камидола → Камидолы;
    Галия → Галии); a feminine name ending in a consonant or -ь, and any name
    ending in another vowel (Айгерим, Чернобиль, Амангельды), does not
    decline. Endings after ж, ш, ч, щ, ц are taken to be unstressed (-ем, -ей).
    """
    first = [""] * 6
    if len(word) < 2 or not _RUSSIAN_WORD.fullmatch(word):
        return _decline(word, first)
    if surname and gender == "masculine":
        if re.search(r"..(?:ов|ев|ёв|ин|ын)$", word):
            return _decline(word, ["", "а", "у", "а", "ым", "е"])
        if re.search(r"(?:ск|цк)ий$", word):
            return _decline(word[:-2], ["ий", "ого", "ому", "ого", "им", "ом"])
    elif surname:
        if re.search(r"..(?:ова|ева|ёва|ина|ына)$", word):
            return _decline(word[:-1], ["а", "ой", "ой", "у", "ой", "ой"])
        if re.search(r"(?:ск|цк)ая$", word):
            return _decline(word[:-2], ["ая", "ой", "ой", "ую", "ой", "ой"])
    last = word[-1]
    if last == "а":
        gent = "и" if word[-2] in _VELAR_OR_HUSHING else "ы"
        ablt = "ей" if word[-2] in _HUSHING else "ой"
        return _decline(word[:-1], ["а", gent, "е", "у", ablt, "е"])
    if last == "я":
        if word.endswith("ия"):
            return _decline(word[:-1], ["я", "и", "и", "ю", "ей", "и"])
        return _decline(word[:-1], ["я", "и", "е", "ю", "ей", "е"])
    if gender == "feminine" or last in "еёиоуыэю":
        return _decline(word, first)
    if word.endswith("ий"):
        return _decline(word[:-1], ["й", "я", "ю", "я", "ем", "и"])
    if last in "йь":
        return _decline(word[:-1], [last, "я", "ю", "я", "ем", "е"])
    ablt = "ем" if last in _HUSHING else "ом"
    return _decline(word, ["", "а", "у", "а", ablt, "е"])


def _joined(words: Sequence[str], declined: Mapping[int, Mapping[Case, str]]) -> dict[Case, str]:
    """The name in each case: its declined words (by position) in that case, the others as they are."""
    return {
        case: " ".join(
            _with_case_of(w, declined[i][case]) if i in declined else w for i, w in enumerate(words)
        )
        for case in RUSSIAN_CASES
    }


def _person_word_forms(word: str, gender: Gender, surname: bool) -> dict[Case, str]:
    """The six cases of one word of a person's name, lowercase."""
    lowered = word.lower()
    if "-" in lowered:
        # a compound first name (Касым-Жомарт): Russian news declines its last part only
        head, _, tail = lowered.rpartition("-")
        if not tail:
            return _decline(lowered, [""] * 6)
        return {case: f"{head}-{form}" for case, form in _person_word_forms(tail, gender, surname).items()}
    if len(lowered) < 2:  # an initial
        return _decline(lowered, [""] * 6)
    wanted = _GENDER_GRAMMEME[gender]
    role = "Surn" if surname else "Name"
    # a surname's suffix (-ов, -ева …) is declined as a surname: only the dictionary's
    # surname parse will do (its guesses decline Токаев as a noun, Токаевом)
    surname_like = surname and re.search(
        r"(?:ов|ев|ёв|ин|ын|ова|ева|ёва|ина|ына|ский|цкий|ская|цкая)$", lowered
    )
    allowed = {"Surn"} if surname_like else _PERSONAL
    candidates = [
        p
        for p in _parses(lowered)
        if "NOUN" in p.tag
        and p.word == lowered
        and (wanted in p.tag or "ms-f" in p.tag)
        and allowed & p.tag.grammemes
    ]
    # the dictionary's parse with the word's role in the name first
    candidates.sort(key=lambda p: role not in p.tag)
    for parse in candidates:
        forms = _pymorphy_forms(parse)
        if forms is not None:
            return forms
    return _rule_forms(lowered, gender, surname)


def _person_forms_ru(name: str, gender: Gender) -> dict[Case, str]:
    words = name.split(" ")
    positions = [i for i, w in enumerate(words) if _RUSSIAN_WORD.fullmatch(w)]
    declined: dict[int, dict[Case, str]] = {
        i: _person_word_forms(words[i], gender, surname=i == positions[-1]) for i in positions
    }
    return _joined(words, declined)


def _phrase_forms_ru(name: str) -> dict[Case, str] | None:
    """The six cases of a place's or organisation's name: its head noun and the adjectives before it.

    The head is the first word the dictionary knows as a noun in the
    nominative singular; the words before it must be adjectives (they agree
    with it: Верховный суд → Верховного суда), the words after it stay as
    they are (Совет Европы → Совета Европы, Республика Казахстан → Республики
    Казахстан). A personal name is a head only when it is the whole name
    (Аким, not the Нур of Нур Отан). No head, an acronym (ООН), a name with
    punctuation (Оян, Казахстан) or a plural-only noun: ``None``.
    """
    words = name.split(" ")
    if any(not _RUSSIAN_WORD.fullmatch(w) or _is_acronym(w) for w in words):
        return None
    adjectives: list[int] = []
    head = None
    for i, word in enumerate(words):
        parses = [p for p in _parses(word) if p.is_known and p.word == word.lower()]
        adjective = [p for p in parses if "ADJF" in p.tag]
        nouns = [
            p
            for p in parses
            if "NOUN" in p.tag
            and (len(words) == 1 or not (_PERSONAL & p.tag.grammemes))
            and "Fixd" not in p.tag
        ]
        if adjective and i < len(words) - 1:
            adjectives.append(i)
            continue
        if nouns:
            head = (i, nouns[0])
        break
    if head is None:
        return None
    index, noun = head
    forms = _pymorphy_forms(noun)
    if forms is None:
        return None
    gender = next((g for g in ("masc", "femn", "neut") if g in noun.tag), None)
    if gender is None:
        return None
    animacy = "anim" if "anim" in noun.tag else "inan"
    declined: dict[int, dict[Case, str]] = {index: forms}
    for i in adjectives:
        parse = next(
            (
                p
                for p in _parses(words[i])
                if "ADJF" in p.tag and gender in p.tag and p.word == words[i].lower()
            ),
            None,
        )
        adjective_forms = _pymorphy_forms(parse, gender, animacy) if parse is not None else None
        if adjective_forms is None:
            return None
        declined[i] = adjective_forms
    return _joined(words, declined)


# ── Kazakh: suffix rules ──

_KK_BACK = set("аоұыяёую")
_KK_FRONT = set("әеөүіэи")
_KK_VOWELS = _KK_BACK | _KK_FRONT
_KK_NASAL = set("мнң")
_KK_SONORANT = set("лрйу")
_KK_VOICED = set("зж")
# the rest are voiceless, or voiced letters that lose their voice at the end of a word (б, в, г, д, ғ)

#: Kazakh case endings, (back, front), by the class of the sound the word ends in.
KAZAKH_ENDINGS: Mapping[str, Mapping[Case, tuple[str, str]]] = {
    "vowel": {
        Case.GENITIVE: ("ның", "нің"),
        Case.DATIVE: ("ға", "ге"),
        Case.ACCUSATIVE: ("ны", "ні"),
        Case.LOCATIVE: ("да", "де"),
        Case.ABLATIVE: ("дан", "ден"),
        Case.INSTRUMENTAL: ("мен", "мен"),
    },
    "nasal": {
        Case.GENITIVE: ("ның", "нің"),
        Case.DATIVE: ("ға", "ге"),
        Case.ACCUSATIVE: ("ды", "ді"),
        Case.LOCATIVE: ("да", "де"),
        Case.ABLATIVE: ("нан", "нен"),
        Case.INSTRUMENTAL: ("мен", "мен"),
    },
    "sonorant": {
        Case.GENITIVE: ("дың", "дің"),
        Case.DATIVE: ("ға", "ге"),
        Case.ACCUSATIVE: ("ды", "ді"),
        Case.LOCATIVE: ("да", "де"),
        Case.ABLATIVE: ("дан", "ден"),
        Case.INSTRUMENTAL: ("мен", "мен"),
    },
    "voiced": {
        Case.GENITIVE: ("дың", "дің"),
        Case.DATIVE: ("ға", "ге"),
        Case.ACCUSATIVE: ("ды", "ді"),
        Case.LOCATIVE: ("да", "де"),
        Case.ABLATIVE: ("дан", "ден"),
        Case.INSTRUMENTAL: ("бен", "бен"),
    },
    "voiceless": {
        Case.GENITIVE: ("тың", "тің"),
        Case.DATIVE: ("қа", "ке"),
        Case.ACCUSATIVE: ("ты", "ті"),
        Case.LOCATIVE: ("та", "те"),
        Case.ABLATIVE: ("тан", "тен"),
        Case.INSTRUMENTAL: ("пен", "пен"),
    },
}


def _kazakh_class(word: str) -> tuple[str, bool] | None:
    """The class of ``word``'s last sound and whether it takes front endings (``None``: no vowel).

    Rules, each tested in ``tests/test_inflect.py``:

    - the ending follows the word's last sound: a vowel; м, н, ң; л, р, й, and
      у after a vowel (Тау); з, ж; or a voiceless consonant, with б, в, г, д,
      ғ, which lose their voice at the end of a word (Тоқаев → Тоқаевтың);
    - vowel harmony: back endings after a last vowel а, о, ұ, ы, я, ё, у, ю;
      front after ә, е, ө, ү, і, э, и (Ерлан → Ерланның, Әлем → Әлемнің);
    - in the Russian surname suffix -ев/-ёв/-ов the stem's vowel decides, as
      Kazakh writes it: Тоқаевтың, Назарбаевқа;
    - a soft or hard sign at the end is skipped, and a soft sign takes front endings.
    """
    letters = word.lower()
    front_sign = letters.endswith("ь")
    letters = letters.rstrip("ьъ")
    vowels = [c for c in letters if c in _KK_VOWELS]
    if not letters or not vowels:
        return None
    harmony_from = letters
    if re.search(r"[^аеёиоуыэюяәөұүі]*(?:ев|ёв|ов)$", letters) and len(letters) > 3:
        harmony_from = letters[:-2]
    stem_vowels = [c for c in harmony_from if c in _KK_VOWELS] or vowels
    last = letters[-1]
    if last == "у" and len(letters) > 1 and letters[-2] in _KK_VOWELS:
        sound = "sonorant"
        stem_vowels = [c for c in letters[:-1] if c in _KK_VOWELS] or vowels
    elif last in _KK_VOWELS:
        sound = "vowel"
    elif last in _KK_NASAL:
        sound = "nasal"
    elif last in _KK_SONORANT:
        sound = "sonorant"
    elif last in _KK_VOICED:
        sound = "voiced"
    else:
        sound = "voiceless"
    return sound, front_sign or stem_vowels[-1] in _KK_FRONT


def _forms_kk(name: str) -> dict[Case, str] | None:
    """The Kazakh cases of a name: the ending goes on its last word (Нұрсұлтан Назарбаевтың)."""
    words = name.split(" ")
    last = words[-1]
    if not _KAZAKH_WORD.fullmatch(last) or _is_acronym(last):
        return None
    kind = _kazakh_class(last.rpartition("-")[2])
    if kind is None:
        return None
    sound, front = kind
    upper = len(last) > 1 and last.isupper()
    forms = {Case.NOMINATIVE: name}
    for case, endings in KAZAKH_ENDINGS[sound].items():
        ending = endings[front]
        forms[case] = " ".join([*words[:-1], last + (ending.upper() if upper else ending)])
    return forms


# ── the public functions ──


def guess_gender(name: str) -> Gender:
    """The grammatical gender of a person's name, from its endings.

    In order: a surname (the last word) in -ова, -ева, -ёва, -ина, -ына,
    -ская or -цкая is feminine, one in -ов, -ев, -ёв, -ин, -ын, -ский or -цкий
    masculine (Kazakh spellings alike: Тоқаев); otherwise a first word the
    Russian dictionary knows only as a woman's name, or else one ending in -а
    or -я, is feminine (Татьяна Чернобиль, Айгерим Камидола); anything else
    is masculine (Ерлан Балтабай). The registry may state a person's gender
    instead, which then wins.

    Raises:
        MissingBuildDependencyError: If pymorphy3 is not installed.
    """
    words = [w for w in name.lower().split(" ") if w]
    if not words:
        return "masculine"
    surname = words[-1]
    if re.search(r"(?:ова|ева|ёва|ина|ына|ская|цкая)$", surname):
        return "feminine"
    if re.search(r"(?:ов|ев|ёв|ин|ын|ский|цкий)$", surname):
        return "masculine"
    first = words[0].rpartition("-")[2]
    if _RUSSIAN_WORD.fullmatch(first):
        genders = {
            g
            for p in _parses(first)
            if "Name" in p.tag and p.word == first
            for g in ("masc", "femn")
            if g in p.tag
        }
        if genders == {"femn"}:
            return "feminine"
        if genders == {"masc"}:
            return "masculine"
    return "feminine" if first.endswith(("а", "я")) else "masculine"


def inflected_forms(
    name: str, *, category: EntityCategory | str, language: Language, gender: Gender | None = None
) -> tuple[InflectedForm, ...]:
    """The singular case forms of one Cyrillic name, in one language.

    Russian (``language="ru"``), for a name spelled in the Russian alphabet:

    - a person (``category="person"``): every word declines, first names and
      surnames, in the person's gender (Ерлан Балтабай → Ерлана Балтабая,
      Ерланом Балтабаем; Дарига Назарбаева → Дариги Назарбаевой), by
      pymorphy3's dictionary where it knows the word as a personal name in that
      gender, and otherwise by the rules documented on ``_rule_forms`` in the
      source (surnames in -ов/-ев/-ин decline as Russian surnames; other
      masculine names ending in a consonant or -й take the second declension;
      names in -а/-я the first; feminine names ending in a consonant do not
      decline). In a compound first name only the last part declines
      (Касым-Жомарта Токаева), as Russian news writes it.
    - anything else: the head noun and the adjectives agreeing with it
      decline, the words after it stay (Верховный суд → Верховного суда,
      Совет Европы → Совета Европы); acronyms (ООН), names with punctuation
      and names whose head the dictionary does not know (Нур Отан) keep
      only their nominative.
    - a name with letters outside the Russian alphabet (Қазақстан) keeps only its nominative.

    Kazakh (``language="kk"``), for a person or a place: the case ending goes on
    the last word, chosen by its last sound and vowel harmony (Қазақстан →
    Қазақстанның, Қазақстанға, Қазақстанды, Қазақстанда, Қазақстаннан,
    Қазақстанмен; Тоқаев → Тоқаевтың, Тоқаевқа); see `KAZAKH_ENDINGS`. Other
    categories keep only their nominative (Kazakh organisation names carry
    possessive endings that these rules do not cover).

    Args:
        name: The name in the nominative, as the registry writes it.
        category: The entity's category (an `EntityCategory` or its value).
        language: ``"ru"`` or ``"kk"``.
        gender: ``"masculine"`` or ``"feminine"`` for a person; ``None`` guesses it
            with [`guess_gender`][kzrights_build.inflect.guess_gender]. Ignored for other categories.

    Returns:
        One [`InflectedForm`][kzrights_build.inflect.InflectedForm] per distinct
        spelling: first the nominative (the name itself), then the others in the
        order of their first case. Empty for a name without Cyrillic letters.
        The same arguments always give the same forms.

    Raises:
        InflectionError: For a name that is not a string, is blank, longer than
            `MAX_NAME_LENGTH` characters or mixes Latin and Cyrillic letters, and
            for an unknown category, language or gender.
        MissingBuildDependencyError: For Russian, if pymorphy3 is not installed.

    Examples:
        >>> [f.text for f in inflected_forms("Казахстан", category="place", language="ru")]
        ['Казахстан', 'Казахстана', 'Казахстану', 'Казахстаном', 'Казахстане']
        >>> [(f.text, [c.value for c in f.cases]) for f in inflected_forms(
        ...     "Тоқаев", category="person", language="kk")][:3]
        [('Тоқаев', ['nominative']), ('Тоқаевтың', ['genitive']), ('Тоқаевқа', ['dative'])]
    """
    kind = _check(name, language, category, gender)
    if not _CYRILLIC.search(name):
        return ()
    name = name.strip()
    forms: dict[Case, str] | None
    if language == "kk":
        forms = _forms_kk(name) if kind in (EntityCategory.PERSON, EntityCategory.PLACE) else None
    elif not all(_RUSSIAN_WORD.fullmatch(w) or not _CYRILLIC.search(w) for w in name.split(" ")):
        forms = None  # Kazakh or Tajik letters: not a Russian spelling
    elif kind is EntityCategory.PERSON:
        forms = _person_forms_ru(name, gender or guess_gender(name))
    else:
        forms = _phrase_forms_ru(name)
    if forms is None:
        forms = {Case.NOMINATIVE: name}
    forms[Case.NOMINATIVE] = name
    by_text: dict[str, list[Case]] = {}
    for case, text in forms.items():
        by_text.setdefault(text, []).append(case)
    made = [InflectedForm(text=t, language=language, cases=tuple(c), base=name) for t, c in by_text.items()]
    return tuple(sorted(made, key=lambda f: _CASE_ORDER[f.cases[0]]))


class _Named(Protocol):
    """An entity or an entity seed: what `registry_forms` reads."""

    @property
    def id(self) -> str: ...

    @property
    def category(self) -> EntityCategory: ...

    @property
    def name(self) -> str: ...

    @property
    def aliases(self) -> tuple[str, ...]: ...


def _languages(category: EntityCategory, name: str) -> tuple[Language, ...]:
    """Which languages' forms the build makes for one of the registry's Cyrillic names.

    Russian for every name spelled in the Russian alphabet; Kazakh for every
    person's name (Kazakh writes many in the Russian spelling: Назарбаев,
    Ерлан Балтабай) and for places spelled with Kazakh letters (Қазақстан).
    """
    languages: list[Language] = []
    if not _KAZAKH_LETTERS.search(name) and all(
        _RUSSIAN_WORD.fullmatch(w) or not _CYRILLIC.search(w) for w in name.split(" ")
    ):
        languages.append("ru")
    if category is EntityCategory.PERSON or (
        category is EntityCategory.PLACE and _KAZAKH_LETTERS.search(name)
    ):
        languages.append("kk")
    return tuple(languages)


def _genders(entities: Iterable[_Named]) -> dict[str, Gender]:
    """Each person's gender: stated on the entity, or guessed from its longest Russian-alphabet name."""
    genders: dict[str, Gender] = {}
    for entity in entities:
        names = [n for n in (entity.name, *entity.aliases) if _CYRILLIC.search(n)]
        if entity.category is not EntityCategory.PERSON or not names:
            continue
        stated: Gender | None = getattr(entity, "gender", None)
        russian = [n for n in names if not _KAZAKH_LETTERS.search(n)] or names
        genders[entity.id] = stated or guess_gender(max(russian, key=lambda n: (len(n.split()), len(n))))
    return genders


def registry_forms(entities: Iterable[_Named]) -> dict[str, tuple[InflectedForm, ...]]:
    """The generated forms of every Cyrillic name and alias of the registry, by entity id.

    A person's gender is the entity's ``gender`` where it has one, else
    [`guess_gender`][kzrights_build.inflect.guess_gender] of its longest
    Russian-alphabet Cyrillic name (Айгерим Камидола rather than Камидола), so
    that all its names decline alike. Which languages each name gets:
    Russian for every name in the Russian alphabet, Kazakh for persons and
    for places written with Kazakh letters.

    Args:
        entities: [`Entity`][kzrights.records.Entity] records or ``EntitySeed``
            records from ``seeds/entities.toml``.

    Returns:
        ``{entity id: forms}`` for the entities with forms in either language, each
        entity's forms in the order of its names, the nominatives included.

    Raises:
        InflectionError: For a name that cannot be inflected (see `inflected_forms`).
        MissingBuildDependencyError: If pymorphy3 is not installed.
    """
    table: dict[str, tuple[InflectedForm, ...]] = {}
    entities = list(entities)
    genders = _genders(entities)
    for entity in entities:
        names = [n for n in (entity.name, *entity.aliases) if _CYRILLIC.search(n)]
        gender = genders.get(entity.id)
        forms = tuple(
            form
            for name in names
            for language in _languages(entity.category, name)
            for form in inflected_forms(name, category=entity.category, language=language, gender=gender)
        )
        if forms:
            table[entity.id] = forms
    return table


@attrs.frozen(kw_only=True)
class Collision:
    """A generated form that can also be read as another entity.

    Attributes:
        entity_id: The entity whose generated form it is.
        form: The form (``Назарбаева``, genitive and accusative of Назарбаев).
        others: The other entities whose name, alias or generated form is
            written the same, sorted (``entities.dariga-nazarbayeva``).
    """

    entity_id: str
    form: InflectedForm
    others: tuple[str, ...]


def collisions(
    forms_by_entity: Mapping[str, Sequence[InflectedForm]], names_by_entity: Mapping[str, Sequence[str]]
) -> tuple[Collision, ...]:
    """Every generated form that another entity can be written as, so the build marks it ambiguous.

    Two texts are the same when their name keys are (``kzrights._names.name_key``:
    case, ``ё``, transliteration), as the registry's own check of its names
    has it. A nominative never collides with its own entity's names.

    Args:
        forms_by_entity: ``{entity id: generated forms}``, as `registry_forms` returns.
        names_by_entity: ``{entity id: its name and aliases}``, all scripts.

    Returns:
        One [`Collision`][kzrights_build.inflect.Collision] per entity and
        colliding form (not its nominative), sorted by entity id and form.

    Examples:
        >>> forms = {"a": inflected_forms("Назарбаев", category="person", language="ru")}
        >>> [(c.form.text, c.others) for c in collisions(forms, {"a": ["Назарбаев"], "b": ["Назарбаева"]})]
        [('Назарбаева', ('b',))]
    """
    owners: dict[str, set[str]] = {}
    for entity_id, names in names_by_entity.items():
        for name in names:
            owners.setdefault(name_key(name), set()).add(entity_id)
    for entity_id, forms in forms_by_entity.items():
        for form in forms:
            owners.setdefault(name_key(form.text), set()).add(entity_id)
    found = {
        (entity_id, form.text, form.language): Collision(
            entity_id=entity_id, form=form, others=tuple(sorted(owners[name_key(form.text)] - {entity_id}))
        )
        for entity_id, forms in forms_by_entity.items()
        for form in forms
        if Case.NOMINATIVE not in form.cases and len(owners[name_key(form.text)]) > 1
    }
    return tuple(found[key] for key in sorted(found))


def forms_table(entities: Iterable[_Named]) -> list[dict[str, Any]]:
    """The generated forms of the registry as JSON-ready rows, one per entity, name and language.

    ``tests/inflect_forms.json`` freezes this table, hand-checked, so that a
    new pymorphy3 or dictionary that changes a form fails the tests instead of
    changing a release silently. ``python -m kzrights_build.inflect`` prints it
    for the seeds in ``seeds/entities.toml``.

    Returns:
        Rows ``{"entity", "name", "category", "language", "gender", "forms"}``,
        ``forms`` mapping each case to its text, in the registry's order.
    """
    rows: list[dict[str, Any]] = []
    entities = list(entities)
    genders = _genders(entities)
    for entity in entities:
        for name in (n for n in (entity.name, *entity.aliases) if _CYRILLIC.search(n)):
            gender = genders.get(entity.id)
            for language in _languages(entity.category, name):
                forms = inflected_forms(name, category=entity.category, language=language, gender=gender)
                rows.append(
                    {
                        "entity": entity.id,
                        "name": name,
                        "category": entity.category.value,
                        "language": language,
                        "gender": gender,
                        "forms": {c.value: f.text for c, f in sorted(_by_case(forms), key=_case_first)},
                    }
                )
    return rows


def _by_case(forms: Iterable[InflectedForm]) -> list[tuple[Case, InflectedForm]]:
    return [(case, form) for form in forms for case in form.cases]


def _case_first(pair: tuple[Case, InflectedForm]) -> int:
    return _CASE_ORDER[pair[0]]


def _main() -> None:  # pragma: no cover - a maintainer's tool, run by hand
    import json
    from pathlib import Path

    from .seed_files import EntitiesFile, read
    from .seeds import load_toml

    path = Path("seeds") / "entities.toml"
    seeds = read(load_toml(path), EntitiesFile, str(path))
    table = {"versions": morphology_versions(), "rows": forms_table(seeds.entity)}
    print(json.dumps(table, ensure_ascii=False, indent=1))


if __name__ == "__main__":  # pragma: no cover
    _main()
