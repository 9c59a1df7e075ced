"""The forms of an ellipsis, and several in a row: each run is one mark, reported once and whole (session 18).

A tester typed two ellipses in a row ("Stop … … targeting", "Stop [...] …
targeting") and one in parentheses ("Stop (…) targeting", as many
newspapers print it).  Two in a row lost one (the difference named only the
first, as if the second were not there); the parenthesised one was no
ellipsis at all, its brackets two marks the report lacks, and the quotation
was ``not found``.  Ellipses with nothing but spaces between them mark one
omission (a writer who types two marks one cut, not two): the run is one
mark, its difference quotes the whole run, and it counts once in the
similarity, as one ellipsis does.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import kzrights
from kzrights.search.quotes import DifferenceKind, Verdict, word_diff

REPORT = kzrights.load("1.1.0")
# every form docs/how-to/check-a-quote.md lists
FORMS = ["…", "...", ". . .", "[…]", "[...]", "(…)", "(...)"]


def _run(forms: list[str], spaced: bool) -> str:
    return (" " if spaced else "").join(forms)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(FORMS), min_size=1, max_size=4), st.booleans())
def test_a_run_of_ellipses_that_leaves_nothing_out_is_one_addition_quoted_whole(forms, spaced):
    """The run for nothing left out, in "Stop <run> targeting": altered, one difference, the whole run."""
    run = _run(forms, spaced)
    quote = f"Stop {run} targeting NGOs with punitive tax inspections"
    check = REPORT.check_quote(quote)
    assert check.verdict is Verdict.ALTERED, (quote, check.verdict, check.closest)
    assert [(d.kind, d.quote_text) for d in check.differences] == [(DifferenceKind.ADDED, run)], quote
    assert check.differences[0].quote_span.slice(quote) == run
    assert check.location is not None
    assert check.location.record.id == "recommendations.government.1"
    assert word_diff(check) == f"Stop {{+{run}+}} targeting NGOs with punitive tax inspections"
    # one mark, as one ellipsis: the same similarity, whatever the run
    assert check.similarity == REPORT.check_quote(quote.replace(run, "…")).similarity


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(FORMS), min_size=1, max_size=4), st.booleans())
def test_a_run_of_ellipses_for_words_left_out_is_one_marked_omission_quoted_whole(forms, spaced):
    """The run for words, in "Stop <run> demonstrations": equivalent, one marked omission quoting the run."""
    run = _run(forms, spaced)
    quote = f"Stop {run} demonstrations"
    check = REPORT.check_quote(quote)
    assert check.verdict is Verdict.EQUIVALENT, (quote, check.verdict, check.differences)
    assert [(d.kind, d.quote_text, d.text) for d in check.differences] == [
        (
            DifferenceKind.MARKED_OMISSION,
            run,
            "using kettling as a policing tactic for peaceful",
        )
    ], quote


def test_the_testers_quotations():
    """The tester's three: two ellipses in a row, one of each kind in a row, one in parentheses."""
    for quote, run in [
        ("Stop … … targeting", "… …"),
        ("Stop [...] … targeting", "[...] …"),
        ("Stop (…) targeting", "(…)"),
    ]:
        check = REPORT.check_quote(quote)
        assert check.verdict is Verdict.ALTERED, (quote, check.closest)
        assert [(d.kind, d.quote_text) for d in check.differences] == [(DifferenceKind.ADDED, run)]


def test_a_parenthesis_that_is_no_ellipsis_is_still_a_mark():
    """Only "(…)" and "(...)" are ellipses: other words in parentheses are compared as they stand."""
    check = REPORT.check_quote("Stop (targeting) NGOs")
    assert check.verdict is Verdict.ALTERED
    assert {d.quote_text for d in check.differences} == {"(", ")"}


# ── invisible characters inside a run (session 18, tester 3) ──────────────────

INVISIBLES = ["\u200b", "\u2060", "\u00ad", "\u200d", "\ufeff"]


def test_an_invisible_character_inside_a_run_does_not_cut_it():
    """The tester's two: the difference quotes the whole run, invisible character and all."""
    for quote, run in [
        ("Stop …\u2060 [...] demonstrations", "…\u2060 [...]"),
        ("Stop … \u200b … targeting NGOs", "… \u200b …"),
    ]:
        check = REPORT.check_quote(quote)
        assert [d.quote_text for d in check.differences] == [run], quote
        assert check.differences[0].quote_span.slice(quote) == run


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(FORMS), min_size=2, max_size=4),
    st.lists(st.sampled_from(INVISIBLES), min_size=1, max_size=3),
    st.booleans(),
)
def test_invisible_characters_in_a_run_change_nothing_but_the_quoted_text(forms, invisibles, spaced):
    """A run with invisible characters between its ellipses gives what the run without them gives."""
    glue = " " if spaced else ""
    run = forms[0] + "".join(
        f"{glue}{invisibles[k % len(invisibles)]}{form}" for k, form in enumerate(forms[1:])
    )
    for tail in ("demonstrations", "targeting NGOs with punitive tax inspections"):
        quote, plain = f"Stop {run} {tail}", f"Stop {_run(forms, spaced)} {tail}"
        check, expected = REPORT.check_quote(quote), REPORT.check_quote(plain)
        assert check.verdict is expected.verdict, quote
        assert [(d.kind, d.text) for d in check.differences] == [
            (d.kind, d.text) for d in expected.differences
        ]
        assert [d.quote_text for d in check.differences] == [run], quote


# ── a full stop next to an ellipsis (session 18, tester 3) ────────────────────

# a sentence's full stop and an ellipsis, however typed: the full stop, then an omission
FULL_STOPS = [". …", ".…", "….", "… .", "....", ". . . .", ". ...", ".... ", "... ."]
FREEDOMS = "…freedoms{} The Government’s critics, understandably point to the lack of change"
# the omission after the report's full stop: "Kazakhstan. … the lack"
KAZAKHSTAN = "political culture in Kazakhstan{} the lack of change"


def _summary(check):
    return check.verdict, sorted((d.kind.value, d.text) for d in check.differences)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(FULL_STOPS), st.sampled_from([FREEDOMS, KAZAKHSTAN]))
def test_every_spelling_of_a_full_stop_and_an_ellipsis_is_one_thing(spelling, template):
    """A full stop beside an ellipsis is a full stop and an omission on either side of it: equivalent."""
    check = REPORT.check_quote(template.format(spelling))
    assert _summary(check) == _summary(REPORT.check_quote(template.format(". …"))), spelling
    assert check.verdict is Verdict.EQUIVALENT, (spelling, check.differences)


def test_a_full_stop_the_report_lacks_is_added_however_typed():
    """Stop …. demonstrations: the report has no full stop after "Stop", whatever the spelling."""
    expected = _summary(REPORT.check_quote("Stop . … demonstrations"))
    assert expected[0] is Verdict.ALTERED
    assert ("added", "") in expected[1]
    for spelling in FULL_STOPS:
        for quote in (f"Stop {spelling} demonstrations", f"Stop{spelling.strip()}demonstrations"):
            check = REPORT.check_quote(quote)
            assert _summary(check) == expected, quote
            assert [d.quote_text for d in check.differences if d.kind is DifferenceKind.ADDED] == ["."]
    # the full stop stands for no word of the report: every word left out is the marked omission's
    assert expected[1] == [
        ("added", ""),
        ("marked omission", "using kettling as a policing tactic for peaceful"),
    ]


def test_words_the_writers_punctuation_stands_for_before_an_ellipsis_are_its_omission():
    """Found by the 3,000 generated quotations: "The authorities; … women;" had "in" omitted, unmarked.

    The report goes on "authorities in addressing it. …"; the writer's ";"
    stands where the report has "in", right before the ellipsis: "in" is
    the start of the words the ellipsis leaves out, not an alteration.
    """
    check = REPORT.check_quote("The authorities; … women;")
    # "The" is the report's "local" changed (session 22): the report's "the" five words before
    # "authorities" would leave out "response of law enforcement and local", unmarked
    assert [(d.kind.value, d.text.split()[0] if d.text else "") for d in check.differences] == [
        ("changed", "local"),
        ("added", ""),
        ("marked omission", "in"),
        ("changed", "women’s"),
    ]


# two omissions beside full stops, each on its own side (session 19): the first ends at the
# report's full stop ("growth – albeit … ethnic groups."), the second starts after one
# ("liberties. The Government … point to")
TWO_SIDES = (
    "Kazakhstan’s ruling elite has delivered substantial economic growth{} This has come at the"
    " clear cost of almost all political freedoms and many civil liberties{} the lack of change"
)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(FULL_STOPS), st.sampled_from(FULL_STOPS))
def test_each_ellipsis_beside_a_full_stop_takes_its_own_side(first, second):
    """Two such ellipses whose omissions stand on opposite sides of their full stops: equivalent.

    Before, only two readings were tried (as typed, and every ellipsis
    moved), so a quotation needing one moved and one not was altered,
    though each half alone was equivalent.
    """
    check = REPORT.check_quote(TWO_SIDES.format(first, second))
    assert check.verdict is Verdict.EQUIVALENT, (first, second, check.differences)
    omitted = [d.text for d in check.differences]
    assert [d.kind for d in check.differences] == [DifferenceKind.MARKED_OMISSION] * 2
    assert omitted[0].startswith("– albeit") and omitted[0].endswith("ethnic groups")
    assert omitted[1].startswith("The Government and its supporters") and omitted[1].endswith("point to")


def test_the_readings_tried_are_bounded(monkeypatch):
    """Each ellipsis beside a full stop is tried alone up to four of them; a flood is read two ways."""
    from kzrights.search import quotes

    calls = []
    original = quotes.QuoteChecker._check_marked

    def counted(self, *args):
        calls.append(tuple(args[2]))
        return original(self, *args)

    monkeypatch.setattr(quotes.QuoteChecker, "_check_marked", counted)
    # a long quotation (two paragraphs) with four words cut mid-sentence, each marked ". …": altered
    # whichever side, and read as many ways as the tokens allow
    long = " ".join(REPORT.get(f"conclusions.p{n}").text for n in (21, 22)).split()
    for cut in (150, 110, 70, 30):
        long[cut : cut + 3] = [". …"]
    check = REPORT.check_quote(" ".join(long))
    assert check.verdict is Verdict.ALTERED
    tokens = len(quotes._tokens(" ".join(long))[0])
    assert 2 < len(calls) <= max(2, quotes._READING_TOKENS // tokens) < 2 + quotes._MOVED_ALONE
    # short quotations of one paragraph with one to seven words cut mid-sentence, each marked ". …"
    paragraph = REPORT.get("conclusions.p2").text.split()[:80]
    for many in range(1, 8):
        words = list(paragraph)
        for cut in range(10 * many, 0, -10):
            words[cut] = ". …"
        calls.clear()
        check = REPORT.check_quote(" ".join(words))
        assert check.verdict is Verdict.ALTERED, many
        if 1 < many <= quotes._MOVED_ALONE:
            # as typed, all moved, then each alone from the best (a reading already tried is skipped)
            assert 3 <= len(calls) <= 2 + many, many
        else:
            assert len(calls) == 2, many
        assert len(set(calls)) == len(calls)  # no reading checked twice
    # a quotation not found is not read again with one full stop moved
    calls.clear()
    assert REPORT.check_quote("Kazakhstan. … oranges. … apples. … pears").verdict is Verdict.NOT_FOUND
    assert len(calls) == 2


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["[]", "()"]),
    st.lists(st.sampled_from(["…", ".", ". ", "..."]), min_size=1, max_size=4),
)
def test_anything_of_dots_and_ellipses_in_brackets_is_a_bracketed_ellipsis(brackets, parts):
    """Brackets around at least an ellipsis's dots ("[....]", "(....)", "[……]") mark one omission."""
    inside = "".join(parts)
    if inside.count(".") + 3 * inside.count("…") < 3:
        inside = "…" + inside
    run = f"{brackets[0]}{inside}{brackets[1]}"
    check = REPORT.check_quote(f"Stop {run} demonstrations")
    assert check.verdict is Verdict.EQUIVALENT, run
    assert [d.quote_text for d in check.differences] == [run]


def test_the_testers_full_stops():
    """The tester's seven, as the rule has them."""
    assert REPORT.check_quote(FREEDOMS.format(". …")).verdict is Verdict.EQUIVALENT
    for run in ("[....]", "(....)", "[……]"):
        assert REPORT.check_quote(f"Stop {run} demonstrations").verdict is Verdict.EQUIVALENT, run
    for quote in ("Stop …. demonstrations", "Stop….demonstrations"):
        assert REPORT.check_quote(quote).verdict is Verdict.ALTERED, quote


def test_two_ellipses_a_full_stop_apart_are_never_merged_into_one():
    """Growth … . … This: moving each across the full stop would put both in one place.

    The report has "groups. This": the second ellipsis leaves nothing out,
    so it is added (the reading that merged them reported it nowhere).
    """
    check = REPORT.check_quote("economic growth … . … This has come at the clear cost")
    assert check.verdict is Verdict.ALTERED
    assert [(d.kind, d.quote_span.start) for d in check.differences if d.kind is DifferenceKind.ADDED] == [
        (DifferenceKind.ADDED, 20)
    ]


def test_a_full_stop_set_apart_after_three_dots_is_the_full_stop():
    """Stop ... . demonstrations: the ellipsis is "...", the full stop the last dot (offsets too)."""
    check = REPORT.check_quote("Stop ... . demonstrations")
    assert [
        (d.kind.value, d.quote_span.start, d.quote_span.end, d.quote_text) for d in check.differences
    ] == [
        ("marked omission", 5, 8, "..."),
        ("added", 9, 10, "."),
    ]


# ── ellipses typed with other characters (tester, session 19) ─────────────────


def test_every_character_that_is_dots_or_a_horizontal_ellipsis_is_known():
    """The tables come from Unicode: every character whose compatibility form is dots, or named an ellipsis.

    "⋯" (U+22EF) and "․․․" (three one-dot leaders, U+2024) were read as marks
    the report lacks, not as an ellipsis.  Every character whose NFKC form is
    nothing but full stops, and every horizontal ellipsis by name, is in
    `_chars.DOTS` or `_chars.ELLIPSIS_MARKS`.
    """
    import sys
    import unicodedata

    from kzrights import _chars

    known = set(_chars.DOTS + _chars.ELLIPSIS_MARKS)
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char)
        if (folded and set(folded) == {"."}) or "HORIZONTAL ELLIPSIS" in unicodedata.name(char, ""):
            assert char in known, f"U+{code:04X} {unicodedata.name(char, '')}"
    # one or two dots alone are no ellipsis, three are
    assert {c for c in _chars.DOTS if len(unicodedata.normalize("NFKC", c)) == 1} == set(_chars.DOTS)


# each spelling with its counterpart of ASCII full stops and "…"
LOOKALIKES = {
    "⋯": "…",
    "‥": "…",
    "︙": "…",
    "․․․": "...",
    "﹒﹒﹒": "...",
    "．．．": "...",
    "․ ․ ․": ". . .",
    "[․․․]": "[...]",
    "(⋯)": "(…)",
    "․․․.": "....",
    ".․․․": "....",
    "⋯.": "….",
}


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(sorted(LOOKALIKES)), st.sampled_from([FREEDOMS, KAZAKHSTAN, "Stop {} demonstrations"]))
def test_an_ellipsis_typed_with_other_characters_reads_as_one_typed_with_full_stops(spelling, template):
    """The same verdict, place and differences as the spelling with ASCII full stops or "…"."""
    if "{}" in template and not template.startswith("Stop"):
        spelled, plain = template.format(spelling), template.format(LOOKALIKES[spelling])
    else:
        spelled, plain = template.format(f" {spelling}"), template.format(f" {LOOKALIKES[spelling]}")
    check, expected = REPORT.check_quote(spelled), REPORT.check_quote(plain)
    assert _summary(check) == _summary(expected), (spelled, plain)
    assert [place.span for place in check.locations] == [place.span for place in expected.locations]
    # the ellipsis is quoted as typed: the quotation's own characters
    for difference in check.differences:
        assert difference.quote_span.slice(spelled) == difference.quote_text


def test_one_dot_leaders_are_never_a_full_stop():
    """Four one-dot leaders are one ellipsis, not a full stop and an ellipsis, as "...." is."""
    leaders = REPORT.check_quote("Stop ․․․․ demonstrations")
    assert [(d.kind, d.quote_text) for d in leaders.differences] == [(DifferenceKind.MARKED_OMISSION, "․․․․")]
    stops = REPORT.check_quote("Stop .... demonstrations")
    assert [d.quote_text for d in stops.differences] == [".", "..."]
