"""``Report.entity()`` follows the linker for names, and takes ids in full (issue 14).

A bare id ("parliament", without ``entities.``) used to be looked up before the
name, so ``entity("parliament")`` returned the Parliament of Kazakhstan although
annotate("parliament") links nothing.  Now a text is read as a name first; a
bare id that no name links still finds its entity this release, with a
``DeprecationWarning`` that points at the caller's line and says what to write.
The command line and the assistant server take bare ids without a warning.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings

import attrs
import pytest

import kzrights
from kzrights import annotate
from kzrights.errors import AmbiguousNameError
from kzrights.records import Alias, AliasForm, Ambiguity

REPORT = kzrights.load()


def test_a_full_id_finds_its_entity_without_a_warning():
    """``entities.parliament`` is the Parliament, as always (pytest turns any warning into an error)."""
    assert REPORT.entity("entities.parliament").name == "Parliament of Kazakhstan"
    assert REPORT.entity("entities.max-bokayev").name == "Max Bokayev"


@pytest.mark.parametrize(
    ("bare", "name"),
    [("parliament", "Parliament of Kazakhstan"), ("max-bokayev", "Max Bokayev"), ("ebrd", None)],
)
def test_a_bare_id_still_finds_its_entity_with_a_deprecation_warning(bare, name):
    """A bare id no name links: its entity, and a DeprecationWarning at the calling line saying what to do."""
    assert annotate(bare) == []  # annotate links nothing: no name says so
    with pytest.warns(DeprecationWarning, match=f"write 'entities.{bare}'") as caught:
        found = REPORT.entity(bare)
    assert found.id == f"entities.{bare}"
    if name is not None:
        assert found.name == name
    assert [w.filename for w in caught] == [__file__]


def test_the_warning_points_at_the_users_call_through_search_and_mentions_of():
    """search(entity=...) and mentions_of() warn at the user's call, not inside kzrights."""
    with pytest.warns(DeprecationWarning, match="entities.ebrd") as caught:
        hits = REPORT.search("bank", entity="ebrd")
    assert hits and caught[0].filename == __file__
    with pytest.warns(DeprecationWarning, match="entities.ebrd") as caught:
        assert REPORT.mentions_of("ebrd") == REPORT.mentions_of("entities.ebrd")
    assert caught[0].filename == __file__


def test_the_name_wins_over_the_bare_id():
    """The look-up by name and the linker agree: "Parliament" needs context, as in annotate."""
    with pytest.raises(AmbiguousNameError):
        REPORT.entity("Parliament")
    # "kettling" is an id and a name annotate links: a name, with no warning
    assert [m.entity_id for m in annotate("kettling")] == ["entities.kettling"]
    assert REPORT.entity("kettling").id == "entities.kettling"


def test_a_bare_id_that_is_another_entitys_name_finds_that_entity():
    """Where annotate links the text to one entity, entity() returns it, whichever entity has it as id."""
    ebrd = REPORT.entity("entities.ebrd")
    alias = Alias("max-bokayev", AliasForm.ALIAS, Ambiguity.SAFE)
    changed_ebrd = attrs.evolve(ebrd, aliases=(*ebrd.aliases, alias.text), forms=(*ebrd.forms, alias))
    changed = attrs.evolve(
        REPORT, entities=tuple(changed_ebrd if e.id == ebrd.id else e for e in REPORT.entities)
    )
    assert changed.entity("max-bokayev").id == "entities.ebrd"  # no warning: pytest would fail


def test_the_command_line_takes_a_bare_id_without_a_warning():
    """``kzrights search --entity ebrd`` filters by the EBRD and prints no warning, even with warnings on."""
    env = {**os.environ, "PYTHONWARNINGS": "error::DeprecationWarning"}
    out = subprocess.run(
        [sys.executable, "-m", "kzrights", "search", "bank", "--entity", "ebrd", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    assert out.stdout.count('"id"') >= 1


def test_the_assistant_server_takes_a_bare_id_without_a_warning():
    """The MCP search tool's entity filter takes a bare id as before, and warns nobody."""
    from kzrights.mcp_server import ToolBox

    box = ToolBox(REPORT.version)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bare = box.call("search", {"query": "bank", "entity": "ebrd"})
    assert bare["hits"] == box.call("search", {"query": "bank", "entity": "entities.ebrd"})["hits"]
    assert bare["hits"]
