"""``word_diff`` spaces an addition as the quotation has it, in Python and on the command line.

An addition stands at an empty span of the report: where its next word
starts, after the space.  Shown there, "kleptocratic [sic] nature" read
"kleptocratic {+[sic]+}nature", "The, Government should …" read
"The {+,+}Government should …", and "the kleptocratic [sic]" read
"the kleptocratic{+[sic]+}": read as the writer's text, none of them is
what the writer wrote.
"""

from __future__ import annotations

import re
import subprocess
import sys

from hypothesis import assume, given, settings
from hypothesis import strategies as st

import kzrights
from kzrights.search.quotes import DifferenceKind, Verdict, word_diff

REPORT = kzrights.load()

_ADDED = re.compile(r"\{\+(.*?)\+\}")
_OMITTED = re.compile(r"\[-(.*?)-\]")


# quote marks and invisible characters: typography, which the word diff shows as the report has it
_TYPOGRAPHY = re.compile('[\u2018\u2019\u201c\u201d"\u200b\u202e\u00ad]')


def _as_written(diff: str) -> str:
    """The writer's side of a word diff: additions kept, omissions and typography dropped, spaces one."""
    return " ".join(_TYPOGRAPHY.sub("", _OMITTED.sub("", _ADDED.sub(r"\1", diff))).split())


def test_the_cases_in_the_docstring():
    """Each addition with the quotation's own spaces around it."""
    cases = {
        "kleptocratic [sic] nature": "kleptocratic {+[sic]+} nature",
        "The, Government should reform its use": "The{+,+} Government should reform its use",
        "the kleptocratic [sic]": "the kleptocratic {+[sic]+}",
        "[sic] kleptocratic nature": "{+[sic]+} kleptocratic nature",
        "Stop … targeting NGOs": "Stop {+…+} targeting NGOs",
        "Stop …targeting NGOs": "Stop {+…+}targeting NGOs",
        # an addition straight before an omission at the same place: nothing of the report between
        "accepted the trade-[sic] between stability": "accepted the trade-{+[sic]+}[-off-] between stability",
        # quote marks and invisible characters beside the addition are not what spaces it (helper 125)
        "at the kleptocratic \u201cvery\u201d nature": "at the kleptocratic {+very+} nature",
        "the kleptocratic \u2018[sic]\u2019 nature": "the kleptocratic {+[sic]+} nature",
        "kleptocratic \u200b[sic] nature": "kleptocratic {+[sic]+} nature",
        "kleptocratic [sic]\u202e nature": "kleptocratic {+[sic]+} nature",
        # beside another change, and before the report's opening quote mark
        "the kleptocratic nature of the current systems [sic]": (
            "the kleptocratic nature of the current [-system-]{+systems+} {+[sic]+}"
        ),
        "the kleptocratic [sic] natures": "the kleptocratic {+[sic]+} [-nature-]{+natures+}",
        "of [sic] \u2018freedom of expression\u2019": "of {+[sic]+} \u2018freedom of expression\u2019",
    }
    for quote, diff in cases.items():
        assert word_diff(REPORT.check_quote(quote)) == diff, quote


# runs of three to six of the report's words that stand once in it, one of them long
_TEXTS = [record.text.casefold() for record in REPORT.records()]
_RUNS = [
    match.group()
    for record in REPORT.records()
    if "http" not in record.text
    for match in re.finditer(r"(?<![\w’'-])(?:[A-Za-z]{3,}[ ]){2,5}[A-Za-z]{3,}(?![\w’'-])", record.text)
    if sum(text.count(match.group().casefold()) for text in _TEXTS) == 1
    and max(map(len, match.group().split())) >= 7
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(_RUNS),
    st.integers(0, 6),
    st.sampled_from(
        [
            " [sic] ",
            " (sic!) ",
            " ~ ",
            ", ",
            "; ",
            " *",
            "* ",
            " \u201cvery\u201d ",
            " \u2018[sic]\u2019 ",
            " \u200b[sic] ",
            " [sic]\u202e ",
            " [sic...] ",
        ]
    ),
)
def test_the_writers_side_of_the_diff_is_the_quotation(run, after, added):
    """Read for its additions alone, the word diff gives back the quotation, spaces and all.

    A run of the report's words with a note, a mark or a comma put after any
    word, spaced as a writer would: the one addition, shown where the words
    around it stand, with a space on each side where the quotation has one.
    """
    words = run.split(" ")
    at = min(after, len(words))
    quote = (" ".join(words[:at]) + added + " ".join(words[at:])).strip()
    check = REPORT.check_quote(quote)
    assume(check.verdict is Verdict.ALTERED)
    assume([d.kind for d in check.differences] == [DifferenceKind.ADDED])
    diff = word_diff(check)
    assert _as_written(diff) == " ".join(_TYPOGRAPHY.sub("", quote).split()), (quote, diff)
    assert diff.count("{+") == 1, diff


def _check_quote_cli(quote: str) -> subprocess.CompletedProcess[str]:
    """``kzrights check-quote QUOTE`` run as a user runs it, its output as text."""
    return subprocess.run(
        [sys.executable, "-m", "kzrights", "check-quote", quote],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_the_command_line_shows_the_same_line():
    """``kzrights check-quote`` prints the spaced word diff (colour off, as in a pipe)."""
    done = _check_quote_cli("The, Government should reform its use")
    assert done.returncode == 1, done.stderr  # altered
    assert "The{+,+} Government should reform its use" in done.stdout
    refused = _check_quote_cli("a [sic]")
    assert refused.returncode == 3, refused.stdout
    assert refused.stdout == ""
    assert refused.stderr.startswith(
        "kzrights: error: the quote has 1 letter or digit (a note such as [sic] aside)"
    )
    assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr


def test_an_addition_inside_the_quotations_quote_marks_stays_inside_the_reports():
    """Helper 126 (session 26): "‘new freedom …’" showed "new" outside the report's quote mark."""
    cases = {
        "use of \u2018new freedom restrictions\u2019": "use of \u2018{+new+} freedom restrictions\u2019",
        "a \u2018true listening state\u2019": "a \u2018{+true+} listening state\u2019",
        # and the note the writer put outside them stays outside
        "of [sic] \u2018freedom of expression\u2019": "of {+[sic]+} \u2018freedom of expression\u2019",
    }
    for quote, diff in cases.items():
        assert word_diff(REPORT.check_quote(quote)).endswith(diff), quote


def test_no_space_before_the_reports_own_full_stop_and_one_before_anything_else():
    """No space before the report's full stop ("system {+[sic]+}."); one before a bracket or a sign."""
    check = REPORT.check_quote("the kleptocratic nature of the current system [sic] \u2026.")
    assert word_diff(check).endswith("system {+[sic]+}.")
    for quote, shown in {
        "the Council of Europe [sic] (Istanbul) Convention": "Europe {+[sic]+} (Istanbul) Convention",
        "portfolio totals [sic] \u20ac2.43bn": "totals {+[sic]+} \u20ac2.43bn",
    }.items():
        assert shown in word_diff(REPORT.check_quote(quote)), quote
