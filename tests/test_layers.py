"""The layers of docs/architecture.md, as a contributor checks them: ``lint-imports``.

The contract lives in pyproject.toml (``[tool.importlinter]``); .ci/run runs
the same command.  These tests run it on the real tree, and on copies of the
package with one import that runs upward, to show that it would catch one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .conftest import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(package_parent: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run lint-imports from the repository root, on the package found first in ``package_parent``."""
    env = dict(os.environ)
    if package_parent is not None:
        env["PYTHONPATH"] = str(package_parent)
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_layers_are_kept():
    """The tree as committed keeps the contract."""
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_the_architecture_page_lists_the_contract_layers():
    """docs/architecture.md names every layer of the contract, so the page cannot drift from it."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [contract] = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for layer in contract["layers"]:
        for module in layer.split("|"):
            assert f"`{module.strip()}`" in page, module


def test_every_module_has_a_layer():
    """Each module and subpackage of kzrights is in a layer: a new one cannot escape the contract."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [contract] = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    layered = {module.strip() for layer in contract["layers"] for module in layer.split("|")}
    package = ROOT / "src" / "kzrights"
    children = {p.stem for p in package.glob("*.py") if p.name != "__init__.py"}
    children |= {p.parent.name for p in package.glob("*/__init__.py")}
    assert children == layered


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # a lazy import inside a function counts as much as one at the top
        ("records.py", "def _upward():\n    from .report import Report\n", "kzrights.records"),
        ("search/locate.py", "from ..report import Report as _Report\n", "kzrights.search"),
        ("_converter.py", "from .releases import load as _load\n", "kzrights._converter"),
        ("_display.py", "from .records import Span as _Span\n", "kzrights._display"),
    ],
)
def test_an_upward_import_breaks_the_contract(tmp_path, module, line, broken):
    """A copy of the package with one import that runs upward fails, naming the importer."""
    shutil.copytree(ROOT / "src" / "kzrights", tmp_path / "kzrights", ignore=shutil.ignore_patterns("data"))
    with (tmp_path / "kzrights" / module).open("a", encoding="utf-8") as file:
        file.write("\n\n" + line)
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{broken} is not allowed to import" in result.stdout


def _outcome(call):
    """What a call gives a user: its result, or the class and message of the error it raises."""
    try:
        return ("returned", call())
    except (TypeError, ValueError, LookupError) as error:  # what kzrights' errors derive from
        return ("raised", type(error), str(error))


_TEXTS = st.one_of(
    st.text(max_size=30), st.sampled_from(["kettling", "  ", "", "a" * 1_001, "a" * 10_001]), st.integers()
)


@given(text=_TEXTS, width=st.one_of(st.integers(-2, 60), st.text(max_size=2)))
def test_the_search_layer_checks_what_users_type_as_the_report_methods_do(report, text, width):
    """Report's methods only pass arguments on: calling the search layer directly gives the same answers."""
    from kzrights.search.index import SearchIndex
    from kzrights.search.locate import Locator
    from kzrights.search.related import concordance

    assert _outcome(lambda: report.search(text)) == _outcome(lambda: SearchIndex(report).query(text))
    assert _outcome(lambda: report.locate(text)) == _outcome(lambda: Locator(report).locate(text))
    assert _outcome(lambda: report.concordance(text, width)) == _outcome(
        lambda: concordance(report, text, width)
    )


@given(
    id=st.one_of(st.text(max_size=30), st.sampled_from(["footnotes", "footnotes.3", "themes.x"]), st.none())
)
def test_related_checks_its_argument_as_the_report_method_does(report, id):
    """Report.related and search.related.related give the same result or the same error."""
    from kzrights.search.related import related

    assert _outcome(lambda: report.related(id)) == _outcome(lambda: related(report, id))
