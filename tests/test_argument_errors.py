"""Bad arguments get kzrights' own errors: a `KzrightsError` that is also the builtin a caller expects.

Every public entry point, called the way a user calls it with each kind of bad
value (a blank text, a number out of range, a choice that is not one), raises
a subclass of `KzrightsError` that is also a ``ValueError`` (so ``except
ValueError`` keeps working), with a message that says what is wrong, and the
error pickles (a process pool re-raises it in the parent).  The command line
prints it on one line.
"""

from __future__ import annotations

import copy
import pickle
import re
import subprocess
import sys
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import kzrights
from kzrights import Linker, annotate, export
from kzrights.errors import EmptyInputError, InputTooShortError, InvalidArgumentError, KzrightsError

REPORT = kzrights.load()
ENTITY = "entities.kassym-jomart-tokayev"

# every kind of blank text: nothing a reader sees
BLANKS = ["", " ", "\t\n ", "\u00a0", "\u200b", "\u00ad", "\u2060\u200f", " \u200b\u00ad "]

Call = Callable[[], object]

# (what a user calls, the message it gives): each a bad value of the right type
BAD_CALLS: dict[str, tuple[Call, str]] = {
    "search limit 0": (lambda: REPORT.search("press", limit=0), "limit must be at least 1"),
    "search limit -5": (lambda: REPORT.search("press", limit=-5), "limit must be at least 1"),
    "search unknown kind": (lambda: REPORT.search("press", kinds="paragraphs"), "unknown kinds"),
    "search unknown kinds": (lambda: REPORT.search("press", kinds=["item", "x"]), "unknown kinds ['x']"),
    # an empty filter would keep nothing: the tester's search("rights", kinds=[]) answered [] silently
    "search no kinds": (lambda: REPORT.search("press", kinds=[]), "kinds is empty"),
    "search no kinds, a tuple": (lambda: REPORT.search("press", kinds=()), "kinds is empty"),
    "search unknown addressee": (lambda: REPORT.search("press", addressee="EU"), "unknown addressee"),
    "search unknown section": (lambda: REPORT.search("press", section="intro"), "unknown section"),
    "concordance width 0": (lambda: REPORT.concordance("press", width=0), "width must be at least 1"),
    "related of a section": (lambda: REPORT.related(REPORT.sections[0].id), "takes a record or an entity"),
    "related of a theme": (lambda: REPORT.related(REPORT.themes[0].id), "takes a record or an entity"),
    "source_of an entity": (lambda: REPORT.source_of(ENTITY), "not one stretch of the source"),
    "recommendations to EU": (lambda: REPORT.recommendations_to("EU"), "unknown addressee 'EU'"),
    "recommendation to EU": (lambda: REPORT.recommendation("EU", 1), "unknown addressee 'EU'"),
    "export as docx": (lambda: export(REPORT, "docx", "out.docx"), "unknown format 'docx'"),
    "linker ambiguity": (
        lambda: Linker.from_release().with_aliases({"KJT": ENTITY}, ambiguity="sometimes"),
        "unknown ambiguity 'sometimes'",
    ),
    "linker alias of no letter": (
        lambda: Linker.from_release().with_aliases({"\u200b": ENTITY}),
        "an alias must have a letter or digit",
    ),
    "linker alias of dots": (
        lambda: Linker.from_release().with_aliases({"...": ENTITY}),
        "an alias must have a letter or digit",
    ),
}

# each text entry point, with the name its error gives the text
TEXT_CALLS: dict[str, tuple[Callable[[str], object], str]] = {
    "search": (lambda text: REPORT.search(text), "query"),
    "concordance": (lambda text: REPORT.concordance(text), "term"),
    "locate": (lambda text: REPORT.locate(text), "quote"),
    "locate_all": (lambda text: REPORT.locate_all(text), "quote"),
    "check_quote": (lambda text: REPORT.check_quote(text), "quote"),
}


def assert_a_pickling_value_error(error: BaseException) -> None:
    """``error`` is kzrights' own, a ValueError, and comes back from pickle and deepcopy the same."""
    assert isinstance(error, KzrightsError), f"{type(error).__name__}: {error}"
    assert isinstance(error, ValueError)
    for again in (pickle.loads(pickle.dumps(error)), copy.deepcopy(error)):
        assert type(again) is type(error)
        assert str(again) == str(error)
        assert vars(again) == vars(error)


@pytest.mark.parametrize("name", list(BAD_CALLS))
def test_a_bad_argument_is_a_kzrights_value_error_that_pickles(name):
    """Each bad value raises a KzrightsError that is a ValueError, keeps its message, and pickles."""
    call, words = BAD_CALLS[name]
    with pytest.raises(ValueError, match=re.escape(words)) as raised:
        call()
    assert_a_pickling_value_error(raised.value)


@pytest.mark.parametrize("name", [n for n in BAD_CALLS if not n.startswith("linker alias")])
def test_a_value_that_is_not_one_of_the_choices_names_the_argument(name):
    """An InvalidArgumentError names the argument at fault, and the choices where they are few."""
    call, _ = BAD_CALLS[name]
    with pytest.raises(InvalidArgumentError) as raised:
        call()
    error = raised.value
    assert error.argument in {"limit", "kinds", "addressee", "section", "width", "id", "format", "ambiguity"}
    if error.argument in {"kinds", "addressee", "section", "format", "ambiguity"}:
        assert error.choices and all(choice in str(error) for choice in error.choices)


@pytest.mark.parametrize("entry", list(TEXT_CALLS))
@pytest.mark.parametrize("blank", BLANKS)
def test_a_blank_text_is_empty_for_every_text_entry_point(entry, blank):
    """Whitespace and invisible characters alone are empty: EmptyInputError, never an empty answer."""
    call, argument = TEXT_CALLS[entry]
    with pytest.raises(EmptyInputError) as raised:
        call(blank)
    error = raised.value
    assert isinstance(error, InputTooShortError)
    assert (error.argument, error.length, error.least) == (argument, 0, 1)
    assert f"{argument} is empty" in str(error)
    assert_a_pickling_value_error(error)


def test_what_an_empty_text_says():
    """The message says which text is empty, and why when only invisible characters made it so."""
    with pytest.raises(EmptyInputError, match=r"^query is empty: give at least one word$"):
        REPORT.search("  ")
    with pytest.raises(EmptyInputError, match=r"^quote is empty$"):
        REPORT.check_quote(" \n")
    with pytest.raises(EmptyInputError, match=r"^term is empty: it has only invisible characters$"):
        REPORT.concordance("\u200b")


# ── any value: only kzrights' errors ──────────────────────────────────────────

TEXT_ARGUMENTS: dict[str, Callable[[str], object]] = {
    "search": lambda text: REPORT.search(text, limit=3),
    "search kinds": lambda text: REPORT.search("press", kinds=text),
    "search addressee": lambda text: REPORT.search("press", addressee=text),
    "search section": lambda text: REPORT.search("press", section=text),
    "search theme": lambda text: REPORT.search("press", theme=text),
    "search entity": lambda text: REPORT.search("press", entity=text),
    "concordance": lambda text: REPORT.concordance(text),
    "locate": lambda text: REPORT.locate(text),
    "check_quote": lambda text: REPORT.check_quote(text),
    "entity": lambda text: REPORT.entity(text),
    "related": lambda text: REPORT.related(text),
    "source_of": lambda text: REPORT.source_of(text),
    "recommendations_to": lambda text: REPORT.recommendations_to(text),
    "export format": lambda text: export(REPORT, text, "/nonexistent-kzrights-folder/out"),
    "annotate": lambda text: annotate(text),
    "linker alias": lambda text: Linker.from_release().with_aliases({text: ENTITY}),
    "linker ambiguity": lambda text: Linker.from_release().with_aliases({"KJT": ENTITY}, ambiguity=text),
    "linker without": lambda text: Linker.from_release().without_aliases([text]),
}
INT_ARGUMENTS: dict[str, Callable[[int], object]] = {
    "search limit": lambda number: REPORT.search("press", limit=number),
    "concordance width": lambda number: REPORT.concordance("kettling", width=number),
    "recommendation": lambda number: REPORT.recommendation("government", number),
    "footnote": lambda number: REPORT.footnote(number),
}

# short texts that stand for the kinds of value a user types: blanks, ids, choices, words, anything
TEXTS = st.one_of(
    st.sampled_from(BLANKS),
    st.sampled_from([ENTITY, "themes.freedom-of-assembly", "conclusions", "government", "csv", "safe"]),
    st.text(alphabet=st.sampled_from(" \u200b\u00ad.-'’“aZé1Ж\t"), max_size=12),
    st.text(max_size=30),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entry=st.sampled_from(sorted(TEXT_ARGUMENTS)), text=TEXTS)
@example(entry="search", text="\u200b")
@example(entry="locate", text="\u00ad")
@example(entry="linker ambiguity", text="sometimes")
@example(entry="linker alias", text="\u200b")
def test_any_text_argument_raises_only_kzrights_errors(entry, text):
    """Whatever string a user passes for a text or a choice, the only errors are kzrights' own."""
    try:
        TEXT_ARGUMENTS[entry](text)
    except KzrightsError as error:
        pickle.loads(pickle.dumps(error))
    except Exception as error:  # noqa: BLE001 - what the property forbids
        pytest.fail(f"{entry}({text!r}) raised {type(error).__name__}: {error}")


@settings(max_examples=200, deadline=None)
@given(entry=st.sampled_from(sorted(INT_ARGUMENTS)), number=st.integers(min_value=-(2**70), max_value=2**70))
@example(entry="search limit", number=0)
@example(entry="concordance width", number=0)
def test_any_int_argument_raises_only_kzrights_errors(entry, number):
    """Whatever int a user passes for a limit, a width or a number, the only errors are kzrights' own."""
    try:
        INT_ARGUMENTS[entry](number)
    except KzrightsError as error:
        pickle.loads(pickle.dumps(error))
    except Exception as error:  # noqa: BLE001 - what the property forbids
        pytest.fail(f"{entry}({number!r}) raised {type(error).__name__}: {error}")


# ── the command line ───────────────────────────────────────────────────────────


def kzrights_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kzrights", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["search", "\u200b"], "query is empty"),
        (["search", "press", "--limit", "0"], "limit must be at least 1"),
        (["search", "press", "--kind", "paragraphs"], "unknown kinds ['paragraphs']"),
        (["check-quote", "\u00ad"], "quote is empty: it has only invisible characters"),
    ],
)
def test_the_command_line_says_a_bad_argument_on_one_line(args, words):
    """The CLI prints one ``kzrights: error: ...`` line for these errors and exits non-zero."""
    out = kzrights_cli(*args)
    assert out.returncode != 0
    assert out.stdout == ""
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("kzrights: error: ") and words in lines[0], out.stderr


def test_kinds_that_are_no_collection_are_a_type_error_naming_kinds():
    """search(kinds=0) says what kinds must be, not "'int' object is not iterable"."""
    with pytest.raises(TypeError, match="kinds must be a kind or a collection of kinds, not int"):
        REPORT.search("press", kinds=0)  # type: ignore[arg-type]
