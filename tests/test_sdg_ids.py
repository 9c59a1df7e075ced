"""One rule for an SDG goal or target as a user types it, and ``kzrights show`` of the SDG links.

The ids are lower case (``sdg.5.c``: the UN writes target 5.c); whatever the
case, the spaces around it and whether ``sdg`` is followed by a dot, a
space or nothing, a code names the same id, in ``Report.get``,
``Report.recommendations_for_sdg``, ``in``, record IRIs, the command line
and the assistant server's tools.  A code that names nothing gets an error
suggesting the closest ids.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzrights
from kzrights.errors import UnknownIdError, UnknownSdgTargetError
from kzrights.exports.iri import parse_record_iri, record_iri
from kzrights.mcp_server import ToolBox

KZRIGHTS = Path(sys.executable).with_name("kzrights")
NEWEST = kzrights.versions()[-1]
REPORT = kzrights.load(NEWEST)
TARGETS = REPORT.sdg_targets
GOALS = REPORT.sdg_goals


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed ``kzrights`` command, as a user types it."""
    return subprocess.run([str(KZRIGHTS), *args], capture_output=True, text=True, timeout=120)


def test_the_release_has_169_lower_case_targets():
    """The rule's premise: 169 targets and 17 goals, every id lower case."""
    assert len(TARGETS) == 169 and len(GOALS) == 17
    assert all(t.id == t.id.lower() for t in TARGETS) and any(t.code[-1].isalpha() for t in TARGETS)


@st.composite
def typed(draw: st.DrawFn, code: str, prefix_required: bool) -> str:
    """``code`` ("16.10", "5.c") as a person might type it: any case, a prefix or not, spaces around."""
    lead = draw(
        st.sampled_from(["sdg.", "SDG.", "Sdg.", "SDG ", "sdg", "sDg."] + ([] if prefix_required else [""]))
    )
    body = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in code)
    pad = st.sampled_from(["", " ", "  ", "\t"])
    return draw(pad) + lead + body + draw(pad)


@settings(max_examples=60)
@given(data=st.data(), target=st.sampled_from(TARGETS))
def test_every_target_is_found_in_any_case_by_every_look_up(data, target):
    """Each of the 169 targets, typed in any case, is the same target to get, in and the SDG look-up."""
    as_id = data.draw(typed(target.code, prefix_required=True))
    assert REPORT.get(as_id) is target
    assert as_id in REPORT
    assert REPORT.recommendations_for_sdg(as_id) == REPORT.recommendations_for_sdg(target.id)
    as_code = data.draw(typed(target.code, prefix_required=False))
    assert REPORT.recommendations_for_sdg(as_code) == REPORT.recommendations_for_sdg(target.id)


def test_every_target_and_goal_in_upper_case():
    """Not a sample: all 169 targets and 17 goals, upper case, in get and in the SDG look-up."""
    for record in (*TARGETS, *GOALS):
        shouted = record.id.upper()
        assert REPORT.get(shouted) is record, shouted
        assert REPORT.recommendations_for_sdg(shouted) == REPORT.recommendations_for_sdg(record.id)


@pytest.mark.parametrize(
    ("typed_id", "closest"),
    [
        ("sdg.5.z", "sdg.5.c"),
        ("SDG.16.1O", "sdg.16.1"),  # a letter O for a zero
        ("5,c", "sdg.5.c"),
        ("16.10.", "sdg.16.10"),
    ],
)
def test_a_code_that_names_nothing_suggests_the_closest(typed_id, closest):
    """A near miss, in either look-up, is an UnknownSdgTargetError naming the closest id."""
    with pytest.raises(UnknownSdgTargetError) as caught:
        REPORT.recommendations_for_sdg(typed_id)
    assert closest in caught.value.suggestions
    assert f"did you mean {closest!r}" in str(caught.value) or closest in str(caught.value)
    if typed_id.lower().startswith("sdg"):
        with pytest.raises(UnknownIdError) as by_get:
            REPORT.get(typed_id)
        assert closest in by_get.value.suggestions
    again = pickle.loads(pickle.dumps(caught.value))
    assert again.suggestions == caught.value.suggestions and str(again) == str(caught.value)


def test_other_ids_stay_exact():
    """Only SDG ids are read in any case: a record id is matched exactly, as before."""
    assert "Footnotes.3" not in REPORT
    with pytest.raises(UnknownIdError) as caught:
        REPORT.get("Footnotes.3")
    assert not isinstance(caught.value, UnknownSdgTargetError)


def test_a_release_without_the_sdg_layer_says_so():
    """1.1.0 has no SDG targets: get says they came with 1.3.0, whatever the case."""
    with pytest.raises(UnknownSdgTargetError, match=r"came with 1\.3\.0"):
        kzrights.load("1.1.0").get("SDG.16.10")


def test_record_iris_name_the_lower_case_id():
    """An IRI is made, and read, with the target's own id, whatever the case it was asked in."""
    assert record_iri(NEWEST, "SDG.5.C") == f"urn:kzrights:{NEWEST}:sdg.5.c"
    assert parse_record_iri(f"urn:kzrights:{NEWEST}:SDG.5.C").record_id == "sdg.5.c"


def test_the_assistant_servers_get_tool_reads_any_case():
    """The MCP ``get`` tool and resource IRIs follow the same rule (no SDK needed: the ToolBox)."""
    box = ToolBox(NEWEST)
    assert box.call("get", {"id": "SDG.5.C"})["id"] == "sdg.5.c"
    assert box.read(f"urn:kzrights:{NEWEST}:sdg.16.10")["id"] == "sdg.16.10"


# ── the command line ──────────────────────────────────────────────────────────


@pytest.mark.parametrize("typed_id", ["sdg.5.C", "SDG.5.c", "SDG 5.c"])
def test_show_finds_a_target_in_any_case(typed_id):
    """``kzrights show SDG.5.C`` shows sdg.5.c; a near miss is one line naming the closest."""
    out = run("show", typed_id)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("sdg.5.c  (sdg-target)")
    miss = run("show", "SDG.5.Z")
    assert miss.returncode == 1 and "did you mean 'sdg.5.c'" in miss.stderr
    assert "Traceback" not in miss.stderr and len(miss.stderr.splitlines()) == 1


def test_show_a_recommendation_lists_its_sdg_targets_with_their_text():
    """The text output lists each target served, its basis and its words, as --json has them."""
    rec = REPORT.get("recommendations.government.12")
    out = run("show", rec.id)
    assert out.returncode == 0, out.stderr
    data = json.loads(run("show", rec.id, "--json").stdout)
    linked = [link["target_id"] for link in data["sdg_links"]]
    assert linked == list(rec.sdg_target_ids) and len(linked) >= 2
    lines = out.stdout.splitlines()
    start = lines.index("SDG targets (basis of the link, then the target in the UN's words):")
    shown = lines[start + 1 : start + 1 + len(linked)]
    for line, link in zip(shown, data["sdg_links"], strict=True):
        code = link["target_id"].removeprefix("sdg.")
        assert line.split()[:2] == [code, link["basis"]]
        words = REPORT.get(link["target_id"]).text
        assert words[:30] in line and len(line) < 80


def test_show_a_target_lists_the_recommendations_linked_to_it():
    """``kzrights show sdg.16.10`` shows the target's words, its goal and every recommendation linked."""
    target = REPORT.get("sdg.16.10")
    out = run("show", "sdg.16.10")
    assert out.returncode == 0, out.stderr
    linked = REPORT.recommendations_for_sdg("16.10")
    assert len(linked) > 1
    assert f"recommendations linked to it ({len(linked)}):" in out.stdout
    assert " ".join(out.stdout.split()).count(" ".join(target.text.split())) == 1
    assert "goal 16: Peace, justice and strong institutions" in out.stdout
    listed = [line.strip() for line in out.stdout.splitlines() if line.startswith("  recommendations.")]
    assert listed == [r.id for r in linked]
    assert all(len(line) < 80 for line in out.stdout.splitlines())


def test_show_a_goal_and_an_unlinked_target():
    """A goal lists the recommendations linked to its targets; a target none serves says so."""
    out = run("show", "SDG.5")
    assert out.returncode == 0, out.stderr
    assert "recommendations.government.12 (via 5.2, 5.c, 5.1)" in out.stdout
    lonely = run("show", "sdg.1.1")
    assert "no recommendation of the report is linked to it" in lonely.stdout


@pytest.mark.parametrize("blank", ["", "  "])
def test_show_without_an_id_says_what_to_give(blank):
    """``kzrights show ""`` (an empty shell variable) says what an id looks like, not "unknown id ''"."""
    out = run("show", blank)
    assert out.returncode == 1
    assert "show needs an id, e.g. recommendations.government.6 or sdg.16.10" in out.stderr
    assert "unknown id" not in out.stderr
