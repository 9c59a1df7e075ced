"""Every dash Unicode knows is a dash, and a writer's own marks beyond a cut hide no cut (session 24).

Fault 5 of issue 11's testers: 16 of the 26 characters of Unicode's dash
punctuation (an Armenian hyphen, a Hebrew maqaf, a wave dash, a two-em dash,
…) were not in `_chars.DASHES`.  A quotation cut at one ("interaction with
non֊") read it as an added mark and named no part left out; one typed in
place of the report's hyphen or spaced en dash was ``altered``; annotate()
linked "Kassym֊Jomart Tokayev" by its surname alone, and `Report.entity`
did not know the name.  And a quotation cut inside a compound with a mark of
the writer's own beyond the cut ("(accepted the trade-)", "trade--",
"trade*") named no part left out either.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzrights
from kzrights import _chars
from kzrights.search.quotes import DifferenceKind, Verdict

REPORT = kzrights.load()
# every dash punctuation character this Python's Unicode database knows, and the minus sign
DASHES = sorted({chr(code) for code in range(0x110000) if unicodedata.category(chr(code)) == "Pd"} | {"−"})


def _name(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, '?')}"


def test_every_dash_punctuation_character_is_a_dash():
    """The table holds every Pd character (a newer Unicode adds some: a test on a newer Python says so)."""
    missing = [_name(char) for char in DASHES if char not in _chars.DASHES]
    assert missing == []
    assert set(_chars.HYPHENS) <= set(_chars.DASHES)
    # a hyphen is one Unicode calls a hyphen (or the hyphen-minus everyone types, or the maqaf)
    for char in _chars.HYPHENS:
        name = unicodedata.name(char, "")
        assert char == "-" or not name or "HYPHEN" in name or "MAQAF" in name, _name(char)
    for char in _chars.DASHES:
        assert unicodedata.category(char) in ("Pd", "Sm", "Cn"), _name(char)  # Cn: newer than this Python


@pytest.mark.parametrize("dash", DASHES, ids=_name)
def test_a_quotation_cut_at_any_dash_inside_a_compound_names_the_part_left_out(dash):
    """'interaction with non֊' and '֊governmental organisations': altered, the other half omitted."""
    for quote, left_out in (
        (f"interaction with non{dash}", "governmental"),
        (f"{dash}governmental organisations", "non"),
    ):
        check = REPORT.check_quote(quote)
        assert check.verdict is Verdict.ALTERED, (quote, check.verdict)
        kinds = [(d.kind, d.text) for d in check.differences]
        assert kinds == [(DifferenceKind.OMITTED, left_out)], (_name(dash), kinds)


@pytest.mark.parametrize("dash", DASHES, ids=_name)
def test_any_dash_for_the_reports_hyphen_or_dash_is_typography(dash):
    """A dash for the hyphen of "non-governmental", or the report's spaced en dash: equivalent."""
    check = REPORT.check_quote(f"interaction with non{dash}governmental organisations")
    expected = Verdict.EXACT if dash == "-" else Verdict.EQUIVALENT
    assert check.verdict is expected, (_name(dash), check.differences)
    check = REPORT.check_quote(f"economic growth {dash} albeit particularly benefiting itself {dash} and")
    assert check.verdict in (Verdict.EXACT, Verdict.EQUIVALENT), (_name(dash), check.differences)


@pytest.mark.parametrize("dash", DASHES, ids=_name)
def test_a_name_with_any_dash_is_linked_and_known(dash):
    """The name as "Kassym֊Jomart Tokayev": one mention over the whole name, and `Report.entity` knows it."""
    text = f"President Kassym{dash}Jomart Tokayev said"
    mentions = kzrights.annotate(text)
    assert [(m.entity_id, m.text) for m in mentions] == [
        ("entities.kassym-jomart-tokayev", f"Kassym{dash}Jomart Tokayev")
    ], _name(dash)
    assert REPORT.entity(f"Kassym{dash}Jomart Tokayev").id == "entities.kassym-jomart-tokayev"


# ── the writer's marks beyond a cut ──────────────────────────────────────────────

# the report's compounds of prose: letters, one hyphen, letters, between spaces or punctuation
_COMPOUND = re.compile(r"(?<![\w/.%-])([^\W\d_]{2,})-([^\W\d_]{2,})(?![\w/-])")
_ARTICLES = {"a", "an", "the"}  # "partner-the EU-" is a dash typed as a hyphen, no compound
COMPOUNDS = [
    (record, found)
    for record in REPORT.records()
    if "http" not in record.text
    for found in _COMPOUND.finditer(record.text)
    if not {found.group(1).lower(), found.group(2).lower()} & _ARTICLES
]


def test_the_testers_cuts_with_marks_of_their_own():
    """The tester's examples: the part of "trade-off" left out is named, each mark of the writer's added."""
    cases = {
        "(accepted the trade-)": ("off", ["(", ")"]),
        "accepted the trade--": ("off", ["-"]),
        "accepted the trade*": ("-off", ["*"]),
        "(-off between stability": ("trade", ["("]),
        "[-off between stability]": ("trade", ["[", "]"]),
        "--off between stability": ("trade", ["-"]),
        # a note of the writer's in brackets (tester 4, session 24)
        "accepted the trade-[sic]": ("off", ["[sic]"]),
        "accepted the trade-(sic)": ("off", ["(sic)"]),
        "accepted the trade-[1]": ("off", ["[1]"]),
    }
    for quote, (left_out, added) in cases.items():
        check = REPORT.check_quote(quote)
        assert check.verdict is Verdict.ALTERED, (quote, check.verdict)
        assert check.location is not None and check.location.record.id == "conclusions.p4", quote
        omitted = [d.text for d in check.differences if d.kind is DifferenceKind.OMITTED]
        assert omitted == [left_out], (quote, check.differences)
        assert [d.quote_text for d in check.differences if d.kind is DifferenceKind.ADDED] == added, quote


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(COMPOUNDS),
    st.booleans(),
    st.sampled_from(["(", "[", "*", "-", "—", "/", '"', "'", "[sic]", "(sic)", "[1]"]),
    st.integers(1, 3),
)
def test_a_mark_of_the_writers_beyond_a_cut_hides_no_cut(compound, at_end, mark, words):
    """Words up to a compound's hyphen (or from it), with a mark beyond: the other half is still named."""
    record, found = compound
    text = record.text
    first, second = found.group(1), found.group(2)
    if at_end:  # "… accepted the trade-)": the words before, the first half, the hyphen, a mark
        before = text[: found.start()].split()[-words:]
        closing = {"(": ")", "[": "]"}.get(mark, mark)
        quote = " ".join([*before, first + "-" + closing])
        left_out = second
    else:  # "(-off between …": a mark, the hyphen, the second half, the words after
        after = [word.strip(".,;:()‘’“”") for word in text[found.end() :].split()[:words]]
        quote = " ".join([mark + "-" + second, *after]).strip()
        left_out = first
    check = REPORT.check_quote(quote)
    if check.verdict is Verdict.NOT_FOUND:
        return  # a few words a mark spoils may stand nowhere; the rule is about where one is found
    # at the compound: over any of it (a passage that stops at the cut is the fault itself)
    at_compound = any(
        place.record.id == record.id and place.span.start < found.end() and found.start() < place.span.end
        for place in check.locations
    )
    if not at_compound:
        return  # found at another passage that has these words whole
    assert check.verdict is Verdict.ALTERED, (quote, check.verdict)
    named = [d.text for d in check.differences if d.kind in (DifferenceKind.OMITTED, DifferenceKind.CHANGED)]
    assert any(left_out in part for part in named), (quote, check.differences)
