"""The data build: deterministic, no drift from seeds/, strict about the capture's shape."""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kzrights.errors import BuildError
from kzrights_build import build_release, index_bytes, read_seeds, write_release
from kzrights_build.parse import Capture, clean, fold, parse

from .conftest import DATA, ROOT, SEEDS

CAPTURE = Capture(
    path="test.txt",
    furniture_before=("Skip to content",),
    furniture_after=("Footnotes", "JOIN"),
    recommendations_heading="Recommendations",
)

MINIMAL = """Skip to content

A Title

Article by Ann Author and Bo Writer

March 3, 2020

A Title

First paragraph.[1]

\u00a0

Second paragraph introduces:

  \u2022 one;
  \u2022 two.[2]

Recommendations

Based on this the Government of Kazakhstan should:

  \u2022 Do a thing;

To the international community:

  \u2022 Do another.

[1] Someone, Something, https://example.org/a.

[2] Ibid.

Footnotes
    JOIN
"""


def test_build_is_deterministic():
    """Building twice from the same seeds gives byte-identical files."""
    first = build_release(read_seeds(SEEDS))
    second = build_release(read_seeds(SEEDS))
    assert first.files == second.files
    assert set(first.files) == {"manifest.json", "report.json", "source.txt"}


def test_committed_release_matches_the_build():
    """No drift: the release in src/kzrights/data is exactly what seeds/ builds."""
    built = build_release(read_seeds(SEEDS))
    for name, data in built.files.items():
        committed = (DATA / built.directory / name).read_bytes()
        assert committed == data, f"{name} differs from the build: run python -m kzrights_build"
    assert (DATA / "releases.json").read_bytes() == index_bytes(DATA)


def test_check_command_passes_on_the_committed_data():
    """Python -m kzrights_build --check exits 0 on a clean checkout."""
    result = subprocess.run(
        [sys.executable, "-m", "kzrights_build", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "matches" in result.stdout


def test_write_refuses_to_change_a_shipped_release(tmp_path):
    """A release that exists with other content is never overwritten silently."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    built = build_release(read_seeds(SEEDS))
    assert write_release(built, data) is False  # identical: nothing to do
    (data / built.directory / "report.json").write_bytes(b"{}")
    with pytest.raises(BuildError, match="shipped releases never change"):
        write_release(built, data)
    assert write_release(built, data, replace=True) is True
    assert (data / built.directory / "report.json").read_bytes() == built.files["report.json"]


def test_check_command_fails_on_drift(tmp_path):
    """--check exits non-zero and names the file when the committed data differs."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    target = data / "releases" / read_seeds(SEEDS).version / "report.json"  # the release the seeds build
    target.write_bytes(target.read_bytes().replace(b"Kazakhstan", b"Kazakstan", 1))
    result = subprocess.run(
        [sys.executable, "-m", "kzrights_build", "--check", "--data", str(data)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "report.json" in result.stderr


def test_minimal_capture_parses():
    """The parser reads a small capture of the same shape into the expected records."""
    parsed = parse(MINIMAL, CAPTURE)
    assert parsed.header.title == "A Title"
    assert parsed.header.authors == ("Ann Author", "Bo Writer")
    assert str(parsed.header.published) == "2020-03-03"
    assert [p.id for p in parsed.paragraphs] == [
        "conclusions.p1",
        "conclusions.p2",
        "recommendations.p1",
        "recommendations.p2",
    ]
    assert [i.text for i in parsed.items] == ["one;", "two."]
    assert [r.id for r in parsed.recommendations] == [
        "recommendations.government.1",
        "recommendations.international.1",
    ]
    assert parsed.footnotes[0].urls == ("https://example.org/a",)
    assert parsed.footnotes[1].ibid_of == "footnotes.1"
    assert parsed.footnotes[1].cited_by == ("conclusions.p2.i2",)


@pytest.mark.parametrize(
    ("mutation", "message"),
    [
        (("Article by", "Written by"), "byline"),
        (("March 3, 2020", "Someday"), "date"),
        (("March 3, 2020", "February 30, 2020"), "not a real date"),
        (("[2] Ibid.", "[3] Ibid."), "out of sequence"),
        (("two.[2]", "two.[7]"), "footnotes.7, which does not exist"),
        (("    JOIN", "    Subscribe now"), "unexpected text after the footnotes"),
        (("Recommendations\n", "Recommendation list\n"), "recommendations heading"),
        (("To the international community:", "To everyone else:"), "must name its addressee"),
    ],
)
def test_malformed_captures_are_build_errors(mutation, message):
    """Every departure from the expected shape is a BuildError that says what is wrong."""
    old, new = mutation
    assert old in MINIMAL
    with pytest.raises(BuildError, match=message):
        parse(MINIMAL.replace(old, new, 1), CAPTURE)


def test_build_error_names_the_line():
    """A parse error points at the offending line of the source."""
    with pytest.raises(BuildError) as info:
        parse(MINIMAL.replace("Someday", "x").replace("March 3, 2020", "Someday"), CAPTURE)
    assert info.value.line == 7
    assert "test.txt:7" in str(info.value)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from("ab [1]2\u00a0\n\u2022:.Ibid,ttps:/"), max_size=300))
def test_parser_never_crashes_on_garbage(text):
    """Any text either parses or raises BuildError: never another exception."""
    with contextlib.suppress(BuildError):
        parse(text, CAPTURE)


@given(st.text(max_size=400))
def test_parser_takes_any_unicode(text):
    """Arbitrary Unicode gives a BuildError or a result, never a crash or a hang."""
    with contextlib.suppress(BuildError):
        parse(text, CAPTURE)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_clean_keeps_every_non_padding_character(text):
    """clean() only drops padding and [n] markers, and its span covers the trimmed text."""
    import re

    cleaned = clean(text, 0, len(text))
    assert cleaned.text == fold(re.sub(r"\[\d+\]", "", text[cleaned.span.start : cleaned.span.end]))
    assert cleaned.text == cleaned.text.strip(" ")
    assert "  " not in cleaned.text
    for _, offset, span in cleaned.refs:
        assert re.fullmatch(r"\[\d+\]", text[span.start : span.end])
        assert 0 <= offset <= len(cleaned.text)


def test_seeds_errors_are_clear(tmp_path: Path):
    """Broken seeds give BuildErrors naming the file: missing, bad TOML, bad values."""
    with pytest.raises(BuildError, match=r"report\.toml: cannot be read"):
        read_seeds(tmp_path)
    shutil.copytree(SEEDS, tmp_path / "seeds")
    config = tmp_path / "seeds" / "report.toml"
    original = config.read_text(encoding="utf-8")
    config.write_text(original + "\n[broken\n", encoding="utf-8")
    with pytest.raises(BuildError, match="not valid TOML"):
        read_seeds(tmp_path / "seeds")
    config.write_text(
        original.replace('publisher = "Foreign Policy Centre"', 'publisher = "Someone Else"'), "utf-8"
    )
    with pytest.raises(BuildError, match="does not occur in the source text"):
        read_seeds(tmp_path / "seeds")
    config.write_text(re.sub(r'(?m)^version = ".*"$', 'version = "1.0"', original), encoding="utf-8")
    with pytest.raises(BuildError, match=r"MAJOR\.MINOR\.PATCH"):
        build_release(read_seeds(tmp_path / "seeds"))
    config.write_text(
        re.sub(r'(?m)^version = ".*"$', "version = 1", original),
        "utf-8",
    )
    with pytest.raises(BuildError, match=r"report\.toml: release\.version: must be a string, not int"):
        read_seeds(tmp_path / "seeds")
