"""The documentation site as its readers see it: built with mkdocs --strict, the API page opened in Chromium.

mkdocs is in the ``docs`` extra, which neither the ``test`` nor the ``consumers`` extra
installs: without it (or without Chromium) these tests skip, unless KZRIGHTS_REQUIRE_DOCS=1,
which .ci/run sets where it has installed the docs extra, so that they cannot skip there.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .conftest import ROOT

# a Sphinx role as mkdocstrings passes it through: ":func:" before the name in code
SPHINX_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|attr|mod|data|exc|obj|const):")


def _require(what: str, missing: bool) -> None:
    """Skip a test that lacks ``what``; fail it where the docs checks are required."""
    if missing:
        message = f"{what} is not installed (pip install -e '.[docs]'; apt-get install chromium)"
        if os.environ.get("KZRIGHTS_REQUIRE_DOCS") == "1":
            pytest.fail(message)
        pytest.skip(message)


class _Api(HTMLParser):
    """The text of each ``<pre>`` block of a page, and the visible text outside them."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.prose: list[str] = []
        self.blockquotes = 0
        self._pre = 0
        self._skip = 0
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre":
            self._pre += 1
            self.blocks.append("")
        self._skip += tag in ("script", "style")
        self.blockquotes += tag == "blockquote"

    def handle_endtag(self, tag: str) -> None:
        self._pre -= tag == "pre" and self._pre > 0
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._pre:
            self.blocks[-1] += data
        else:
            self.prose.append(data)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built from this checkout with ``mkdocs build --strict`` (a warning fails it)."""
    for module in ("mkdocs", "material", "mkdocstrings_handlers.python"):
        _require(module, importlib.util.find_spec(module.split(".")[0]) is None)
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    warnings = [line for line in built.stderr.splitlines() if "WARNING" in line]
    assert built.returncode == 0 and not warnings, "\n".join(warnings) or built.stderr
    return out


@pytest.fixture(scope="module")
def chromium() -> str:
    """Debian's headless Chromium (.ci/run installs it)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    _require("Chromium", found is None)
    assert found is not None
    return found


def _flags(profile: Path) -> list[str]:
    return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            f"--user-data-dir={profile}"]  # fmt: skip


@pytest.fixture(scope="module")
def api_page(site: Path, chromium: str, tmp_path_factory: pytest.TempPathFactory) -> _Api:
    """The API page's DOM as Chromium renders it, parsed."""
    page = site / "api" / "index.html"
    profile = tmp_path_factory.mktemp("profile")
    dom = subprocess.run(
        [chromium, *_flags(profile), "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    ).stdout
    assert "kzrights.releases.load" in dom, "Chromium did not render the API page"
    return _Api(dom)


def test_no_sphinx_role_is_left_on_the_api_page(api_page):
    """No docstring shows a raw :func:/:class:/... role: they are links or code."""
    prose = "".join(api_page.prose)
    leftover = sorted({prose[m.start() : m.start() + 40] for m in SPHINX_ROLE.finditer(prose)})
    assert not leftover


def test_docstring_examples_are_code_blocks(api_page):
    """load()'s example is one code block, and no example is a '>>>' blockquote in the prose."""
    (example,) = [b for b in api_page.blocks if 'report = kzrights.load("1.0.0")' in b]
    assert ">>> import kzrights" in example and "len(report.recommendations)" in example
    assert example.rstrip().endswith("15")
    assert not any(">>>" in text for text in api_page.prose)
    assert api_page.blockquotes == 0


def test_cross_references_are_links(site):
    """A reference in a docstring ("Get one with kzrights.load") links to the object's entry."""
    markup = (site / "api" / "index.html").read_text(encoding="utf-8")
    link = r'<a[^>]*class="autorefs[^>]*href="#kzrights\.releases\.load"[^>]*>\s*<code>kzrights\.load</code>'
    assert re.search(link, markup)


def test_screenshot_of_the_api_page(site, chromium, tmp_path):
    """Chromium renders the top of the API page, load()'s entry and example, to a PNG in the tmp dir."""
    shot = tmp_path / "api-load.png"
    url = (site / "api" / "index.html").as_uri()
    subprocess.run(
        [chromium, *_flags(tmp_path / "profile"), f"--screenshot={shot}", "--window-size=1200,1600", url],
        capture_output=True,
        timeout=120,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
