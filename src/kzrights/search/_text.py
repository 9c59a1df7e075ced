"""Text normalisation for search: tokens, spelling variants and a Porter stemmer.

Users never think about any of this: "Protestors", "protesters'" and
"protest" meet; so do "organisation" and "organization", "Kazakhstan’s" and
"kazakhstan", "Tulesová" and "Tulesova".  The same function normalises the
records when the index is built and the query when it is run.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from .. import _chars
from ..errors import EmptyInputError, InputTooLongError

__all__ = [
    "STOPWORDS",
    "check_text",
    "first_letter",
    "normalise",
    "stem",
    "tokens",
    "word_list",
    "word_spans",
]


def check_text(value: object, name: str, limit: int, why: str = "", hint: str = "") -> str:
    """Check a text a user typed: a str, at most ``limit`` characters (for reason ``why``), not blank.

    Blank is whitespace and invisible characters (`kzrights._chars.INVISIBLE`:
    a zero-width space, a soft hyphen) alone: nothing a reader sees.
    ``hint`` says what to give instead, in the error.

    Returns:
        The text as a plain ``str`` (`kzrights._chars.plain_str`): what the
        caller reads from then on, so that a ``str`` subclass whose
        ``__len__`` or ``__iter__`` lies changes neither the check nor the answer.

    Raises:
        TypeError: If ``value`` is not a str.
        InputTooLongError: If it is longer than ``limit`` characters.
        EmptyInputError: If it is blank (an ``InputTooShortError``, so a ``ValueError``).
    """
    text = _chars.plain_str(value, name)
    if len(text) > limit:
        raise InputTooLongError(name, len(text), limit, why)
    if not text.strip():
        raise EmptyInputError(name, hint)
    if not _chars.strip_invisible(text).strip():
        raise EmptyInputError(name, hint or "it has only invisible characters")
    return text


# a word: letters and digits, with apostrophes inside ("Kazakhstan’s", "don't");
# which marks are apostrophes is _chars' rule, as everywhere
_LETTERS = "[^\\W_" + re.escape(_chars.APOSTROPHES) + "]+"
_TOKEN = re.compile(f"{_LETTERS}(?:[{re.escape(_chars.APOSTROPHES)}]{_LETTERS})*")

STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "will",
        "with",
        "would",
        "you",
        "about",
        "does",
        "do",
        "did",
        "any",
        "anything",
        # the words of a question, not of its subject
        "how",
        "why",
        "many",
        "much",
        "say",
        "says",
        "tell",
        "talk",
        "mention",
        "mentions",
        "something",
    }
)
"""Words too common, or too much the words of a question, to search for."""

# British spellings and the report's own variants, mapped to one form
_WORDS = {
    "protestor": "protester",
    "protestors": "protesters",
    "sceptic": "skeptic",
    "sceptics": "skeptics",
    "scepticism": "skepticism",
    "sceptical": "skeptical",
    "defence": "defense",
    "offence": "offense",
    "offences": "offenses",
    "licence": "license",
    "judgement": "judgment",
    "programme": "program",
    "programmes": "programs",
    "centre": "center",
    "centres": "centers",
    "manoeuvre": "maneuver",
    "enrol": "enroll",
    "fulfil": "fulfill",
    "travelled": "traveled",
    "labelled": "labeled",
    "aluminium": "aluminum",
}
_SUFFIXES = (
    (re.compile(r"(?<=\w{2})is(ation|ations|e|es|ed|ing|er|ers)$"), r"iz\1"),  # organisation
    (re.compile(r"(?<=\w{2})ys(e|es|ed|ing)$"), r"yz\1"),  # analyse
    (re.compile(r"(?<=\w{3})our(s|ed|ing|able|ably|ite|ites)?$"), r"or\1"),  # honour, labour, favourite
)
# every ending the rules above rewrite: most words end otherwise, and one
# str.endswith spares them three regular expressions (a third of the time
# normalising the report's words took)
_SUFFIX_ENDINGS = tuple(
    stem + ending
    for stem, endings in (
        ("is", ("ation", "ations", "e", "es", "ed", "ing", "er", "ers")),
        ("ys", ("e", "es", "ed", "ing")),
        ("our", ("", "s", "ed", "ing", "able", "ably", "ite", "ites")),
    )
    for ending in endings
)


# words longer than this (or holding a compatibility character, which unfolds to many:
# `_chars.cacheable`) are normalised but never cached: a cache keyed by what users type
# must not keep their longest inputs alive
_CACHED_LENGTH = 64


def normalise(word: str) -> str:
    """Return the search form of one word: case, diacritics, apostrophes, possessive, spelling, stem.

    Examples:
        >>> [normalise(w) for w in ("Protestors", "protesters’", "organisations", "Kazakhstan’s", "Tulesová")]
        ['protest', 'protest', 'organ', 'kazakhstan', 'tulesova']
    """
    if not _chars.cacheable(word, _CACHED_LENGTH):
        return _normalise(word)
    return _cached_normalise(word)


def _fold(text: str) -> str:
    # apostrophes first: NFKD would split ´ into a space and an accent
    return _chars.strip_diacritics(_chars.fold_apostrophes(text.casefold()))


def first_letter(char: str) -> str:
    """The first letter of the search form of any word that starts with ``char``; "" if ``char`` cannot tell.

    Normalising changes a word's first letter only by folding it (case,
    diacritics, a letter that folds to several: "É" is "e", "ǅ" is "d", "ŉ"
    is "n"): the possessive, the spelling rules and the stemmer rewrite
    later letters only.  The index groups the release's words by it, so
    that a query term's words are found without normalising all of them.
    A character that folds to no letter says nothing.
    """
    return _fold(char).replace("'", "")[:1]


def _normalise(word: str) -> str:
    word = _fold(word)
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace("'", "")
    word = _WORDS.get(word, word)
    if word.endswith(_SUFFIX_ENDINGS):
        for pattern, replacement in _SUFFIXES:
            word = pattern.sub(replacement, word)
    return stem(word)


# as many entries as the other word caches (`_chars.cacheable` says which words): a session's
# vocabulary of English and Russian words fits, and the worst words keep a few megabytes
_cached_normalise = functools.lru_cache(maxsize=16_384)(_normalise)


def tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield ``(normalised word, start, end)`` for every word of ``text``; offsets index ``text``."""
    for match in _TOKEN.finditer(text):
        yield normalise(match.group()), match.start(), match.end()


def word_list(text: str) -> list[str]:
    """Return every word of ``text`` as it is written, in order: the words `tokens` normalises."""
    return _TOKEN.findall(text)


def word_spans(text: str) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` offsets of every word of ``text``: those of `word_list`, in order."""
    return [match.span() for match in _TOKEN.finditer(text)]


# ── The Porter stemmer (M. F. Porter, 1980), written from the published rules ──

_VOWELS = frozenset("aeiou")


# the kind of every ASCII character but "y", whose kind depends on the one before
_ASCII_KINDS = str.maketrans({chr(c): "v" if chr(c) in _VOWELS else "c" for c in range(128) if chr(c) != "y"})


def _kinds(word: str) -> str:
    """One letter per character of ``word``: ``c`` for a consonant, ``v`` for a vowel.

    "y" is a consonant at the start and after a vowel, a vowel after a
    consonant; one pass, left to right, whatever the length of the word.
    An ASCII word is translated in one call and only its "y"s are looked at
    one by one (the stemmer asks this several times of every word).
    """
    if word.isascii():
        kinds = word.translate(_ASCII_KINDS)
        if "y" not in kinds:
            return kinds
        resolved = list(kinds)
        at = kinds.find("y")
        while at >= 0:
            resolved[at] = "c" if at == 0 or resolved[at - 1] == "v" else "v"
            at = kinds.find("y", at + 1)
        return "".join(resolved)
    each = []
    previous = "v"  # so that a leading "y" is a consonant
    for char in word:
        if char in _VOWELS:
            kind = "v"
        elif char == "y":
            kind = "c" if previous == "v" else "v"
        else:
            kind = "c"
        each.append(kind)
        previous = kind
    return "".join(each)


def _consonant(word: str, i: int) -> bool:
    return _kinds(word[: i + 1])[-1] == "c"


def _measure(stem: str) -> int:
    """The number of vowel-consonant sequences in ``stem`` ([C](VC)^m[V])."""
    return _kinds(stem).count("vc")


def _has_vowel(stem: str) -> bool:
    return "v" in _kinds(stem)


def _double_consonant(word: str) -> bool:
    return len(word) >= 2 and word[-1] == word[-2] and _consonant(word, len(word) - 1)


def _cvc(word: str) -> bool:
    if len(word) < 3:
        return False
    return _kinds(word)[-3:] == "cvc" and word[-1] not in "wxy"


_Rules = tuple[dict[str, str], tuple[int, ...]]


def _longest_suffix(word: str, rules: _Rules) -> str | None:
    """The longest suffix of ``word`` in ``rules``, if any: one slice per length, not one test per rule."""
    table, lengths = rules
    for length in lengths:
        suffix = word[-length:]
        if suffix in table:
            return suffix
    return None


def _replace(word: str, rules: _Rules, min_measure: int) -> str:
    suffix = _longest_suffix(word, rules)
    if suffix is None:
        return word
    stem = word[: len(word) - len(suffix)]
    return stem + rules[0][suffix] if _measure(stem) > min_measure else word


def _rules(pairs: tuple[tuple[str, str], ...]) -> _Rules:
    """A rule table for `_longest_suffix`: replacements by suffix, and the suffixes' lengths, longest first.

    Porter lists each step's rules in an order where no suffix comes before a
    longer one that ends with it, so his "first rule that applies" is the
    longest suffix (NLTK's implementation, in the tests, agrees).
    """
    return dict(pairs), tuple(sorted({len(suffix) for suffix, _ in pairs}, reverse=True))


_STEP2 = (
    ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"),
    ("abli", "able"), ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"),
    ("ization", "ize"), ("ation", "ate"), ("ator", "ate"), ("alism", "al"), ("iveness", "ive"),
    ("fulness", "ful"), ("ousness", "ous"), ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"),
)  # fmt: skip
_STEP3 = (
    ("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""),
    ("ness", ""),
)  # fmt: skip
_STEP4 = (
    "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou", "ism",
    "ate", "iti", "ous", "ive", "ize",
)  # fmt: skip
_STEP2_RULES = _rules(_STEP2)
_STEP3_RULES = _rules(_STEP3)
_STEP4_RULES = _rules(tuple((suffix, "") for suffix in _STEP4))


def _step1(word: str) -> str:
    if word.endswith("sses") or word.endswith("ies"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    stemmed = None
    if word.endswith("eed"):
        if _measure(word[:-3]) > 0:
            word = word[:-1]
    elif word.endswith("ed") and _has_vowel(word[:-2]):
        stemmed = word[:-2]
    elif word.endswith("ing") and _has_vowel(word[:-3]):
        stemmed = word[:-3]
    if stemmed is not None:
        word = stemmed
        if word.endswith(("at", "bl", "iz")):
            word += "e"
        elif _double_consonant(word) and word[-1] not in "lsz":
            word = word[:-1]
        elif _measure(word) == 1 and _cvc(word):
            word += "e"
    if word.endswith("y") and _has_vowel(word[:-1]):
        word = word[:-1] + "i"
    return word


def _step4(word: str) -> str:
    suffix = _longest_suffix(word, _STEP4_RULES)
    if suffix is None:
        return word
    stem = word[: len(word) - len(suffix)]
    if _measure(stem) > 1 and (suffix != "ion" or stem.endswith(("s", "t"))):
        return stem
    return word


def stem(word: str) -> str:
    """Return the Porter stem of a lowercase word (words of one or two letters, and numbers, as they are).

    Examples:
        >>> [stem(w) for w in ("protests", "protesting", "relational", "harassment", "kettling")]
        ['protest', 'protest', 'relat', 'harass', 'kettl']
    """
    if len(word) <= 2 or not word.isalpha():
        return word
    word = _step1(word)
    word = _replace(word, _STEP2_RULES, 0)
    word = _replace(word, _STEP3_RULES, 0)
    word = _step4(word)
    if word.endswith("e"):
        measure = _measure(word[:-1])
        if measure > 1 or (measure == 1 and not _cvc(word[:-1])):
            word = word[:-1]
    if _measure(word) > 1 and _double_consonant(word) and word.endswith("l"):
        word = word[:-1]
    return word
