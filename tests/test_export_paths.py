"""Output paths as a user gives them: a workbook Excel opens, a page a browser renders, ``--output -``.

A fresh tester wrote ``kzrights export --format xlsx --output out-xlsx`` and got a
workbook openpyxl refused to open, and ``--output -`` wrote a file named ``-``.
Each test drives the command line in its own process (or ``kzrights.export``)
and opens what it wrote with the program a user would.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tests.conftest import (
    one_line_error,
    out_name,
    read_workbook,
    run_kzrights,
    run_kzrights_with_file_size_limit,
)

import kzrights
from kzrights.errors import ExportError
from kzrights.exports import FORMATS, SUFFIXES, export

TEXT_FORMATS = ("json", "bibtex", "csl-json", "markdown", "html", "annotations")


def test_a_workbook_without_xlsx_is_refused_and_one_with_it_opens(tmp_path):
    """``--output out-xlsx`` is refused in one line naming .xlsx; ``--output out.xlsx`` opens in openpyxl."""
    line = one_line_error(run_kzrights("export", "--format", "xlsx", "--output", "out-xlsx", cwd=tmp_path))
    assert ".xlsx" in line and "out-xlsx.xlsx" in line
    assert list(tmp_path.iterdir()) == []
    done = run_kzrights("export", "--format", "xlsx", "--output", "out.xlsx", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    workbook = read_workbook(tmp_path / "out.xlsx")
    assert "recommendations" in workbook.sheetnames


@pytest.mark.parametrize("format", sorted(SUFFIXES))
def test_every_format_that_needs_an_ending_refuses_a_name_without_it(format, tmp_path):
    """xlsx, bibtex, html: a name without the ending is refused, naming it; with it (any case), written."""
    line = one_line_error(run_kzrights("export", "--format", format, "--output", "out", cwd=tmp_path))
    assert SUFFIXES[format][0] in line
    assert list(tmp_path.iterdir()) == []
    upper = "out" + SUFFIXES[format][-1].upper()
    assert run_kzrights("export", "--format", format, "--output", upper, cwd=tmp_path).returncode == 0
    assert [p.name for p in tmp_path.iterdir()] == [upper]


def test_a_bib_file_is_formatted_by_pybtex_format_by_its_name(tmp_path):
    """The .bib file the export insists on is one pybtex-format reads without being told its format."""
    assert run_kzrights("export", "--format", "bibtex", "--output", "kz.bib", cwd=tmp_path).returncode == 0
    scripts = Path(sys.executable).parent
    done = subprocess.run(
        [str(scripts / "pybtex-format"), "kz.bib", "kz.txt"], cwd=tmp_path, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "Criminal Code of the Republic of Kazakhstan" in (tmp_path / "kz.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("format", TEXT_FORMATS)
def test_output_dash_writes_a_text_format_to_stdout(format, tmp_path):
    """``--output -`` prints the very bytes the file export holds, and leaves no file named ``-``."""
    done = run_kzrights("export", "--format", format, "--output", "-", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert list(tmp_path.iterdir()) == []
    (path,) = export(kzrights.load(), format, tmp_path / out_name(format))
    assert done.stdout == path.read_bytes()


def test_bibtex_on_stdout_is_read_by_pybtex(tmp_path):
    """``kzrights export --format bibtex --output - | ...``: pybtex parses what comes through the pipe."""
    from pybtex.database import parse_bytes

    done = run_kzrights("export", "--format", "bibtex", "--output", "-", cwd=tmp_path)
    entries = parse_bytes(done.stdout, "bibtex").entries
    assert len(entries) == 1 + len(kzrights.load().sources)
    csl = run_kzrights("export", "--format", "csl-json", "--output", "-", cwd=tmp_path)
    assert json.loads(csl.stdout)[0]["id"] == "hug-2021-retreating-rights-kazakhstan"


@pytest.mark.parametrize("format", [f for f in FORMATS if f not in TEXT_FORMATS])
def test_output_dash_refuses_a_binary_or_folder_format(format, tmp_path):
    """sqlite, xlsx and the folder formats cannot go to stdout: one line saying so, and nothing written."""
    line = one_line_error(run_kzrights("export", "--format", format, "--output", "-", cwd=tmp_path))
    assert "standard output" in line and format in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("format", TEXT_FORMATS)
def test_a_failed_export_to_standard_output_says_standard_output(format, tmp_path):
    """``(ulimit -f 1; kzrights export --output -)``: the one line names standard output, no temporary path.

    The export is staged in a temporary folder before it is copied to stdout;
    the message named that folder (``cannot export to /tmp/kzrights-.../export``),
    which the user never gave (issue 11, tester finding 7).
    """
    done = run_kzrights_with_file_size_limit(
        1024, "export", "--format", format, "--output", "-", cwd=tmp_path
    )
    line = one_line_error(done)
    assert line.startswith("kzrights: error: cannot export to standard output: "), line
    assert "kzrights-" not in line and "export." not in line and "too large" in line, line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("extra", [["--json"], ["--force"]])
def test_output_dash_with_an_option_that_cannot_apply_is_refused(extra, tmp_path):
    """--json (stdout too) and --force (no file to replace) with ``--output -``: one line, nothing written.

    A usage error, status 2, as for any option a command would ignore (it was 1).
    """
    done = run_kzrights("export", "--format", "json", "--output", "-", *extra, cwd=tmp_path, text=True)
    assert (done.returncode, done.stdout) == (2, ""), done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("kzrights: error: ") and extra[0] in lines[0], lines
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("name", ["-", "./-"])
def test_the_library_never_writes_a_file_named_dash(format, name, tmp_path, monkeypatch):
    """``kzrights.export(report, format, "-")`` is an ExportError, whatever the format; nothing is written."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ExportError, match="'-'"):
        export(kzrights.load(), format, name)
    assert list(tmp_path.iterdir()) == []


def test_followup_template_never_writes_a_file_named_dash(tmp_path):
    """The other command with --output refuses ``-`` in one line too (it takes .xlsx, .csv or .json)."""
    done = run_kzrights("followup", "template", "--output", "-", cwd=tmp_path)
    assert done.returncode == 1 and b"must end in" in done.stderr
    assert list(tmp_path.iterdir()) == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(st.characters(codec="utf-8", exclude_characters="/\0"), min_size=1, max_size=20))
@example(name="out-xlsx")
@example(name="Report.XLSX")
@example(name="book.xlsx.bak")
def test_any_workbook_name_is_refused_or_opens_in_openpyxl(name, tmp_path_factory):
    """Whatever the name, the xlsx export is refused (ExportError) or writes a workbook openpyxl opens."""
    folder = tmp_path_factory.mktemp("xlsx")
    try:
        (path,) = export(kzrights.load(), "xlsx", folder / name)
    except ExportError:
        assert list(folder.iterdir()) == []
        return
    assert read_workbook(path).sheetnames


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="no /proc/self/fd on this platform")
@pytest.mark.parametrize(
    "chain",
    [
        ("/proc/self/fd/1",),
        ("/dev/null",),
        # a link to /dev/stdout, itself a link to /proc/self/fd/1, and a chain of the user's
        # own links to either, were replaced with --force (a session 18 tester)
        ("/dev/stdout",),
        ("hop.json", "/proc/self/fd/1"),
        ("hop.json", "second-hop.json", "/dev/stdout"),
    ],
    ids=repr,
)
def test_a_link_to_an_open_file_or_a_device_is_never_replaced(tmp_path, chain):
    """A second tester's (session 11): ``--output /dev/stdout`` advised ``--force``, which replaces the link.

    Run as root, that would have put a regular file where ``/dev/stdout`` was.
    Here a link of the test's own stands in for it (so a regression replaces
    only that link), with the command's stdout a regular file, as a shell's
    ``> file`` gives it; the link may lead there through others.
    """
    if not os.path.exists(chain[-1]):
        pytest.skip(f"no {chain[-1]} on this system")
    for name, pointing in itertools.pairwise(chain):
        (tmp_path / name).symlink_to(pointing)
    link = tmp_path / "out.json"
    pointing_to = chain[0]
    link.symlink_to(pointing_to)
    with (tmp_path / "stdout.txt").open("wb") as stdout:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "kzrights",
                "export",
                "--format",
                "json",
                "--force",
                "--output",
                str(link),
            ],
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert "which an export never replaces (for standard output, give the path -)" in done.stderr
    assert link.is_symlink() and str(link.readlink()) == pointing_to
    assert (tmp_path / "stdout.txt").read_bytes() == b""


# a path of whitespace alone (or a last name that is) names a file no listing shows: refused as "" is
BLANK_NAMES = [" ", "  ", "\t", " \n", "\u00a0", "\u3000", "sub/ ", "sub/\t"]


@pytest.mark.parametrize("name", BLANK_NAMES, ids=repr)
@pytest.mark.parametrize("format", ["json", "csv"])
def test_a_path_of_whitespace_is_refused_as_the_empty_path_is(name, format, tmp_path, monkeypatch):
    """``export(report, "json", " ")`` wrote a file named with one space: an ExportError now, no file."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    with pytest.raises(ExportError, match="whitespace") as caught:
        export(kzrights.load(), format, name)
    assert repr(name.split("/")[-1])[1:-1] in str(caught.value)  # quoted, so the blank shows
    assert "\n" not in str(caught.value)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["sub"]


@pytest.mark.parametrize("args", [["export", "--format", "json"], ["followup", "template"]], ids=" ".join)
def test_the_command_line_refuses_a_path_of_whitespace_in_one_line(args, tmp_path):
    """``--output ' '``: one line naming the blank path in quotes, exit 1, and no file named ' '."""
    line = one_line_error(run_kzrights(*args, "--output", " ", cwd=tmp_path))
    assert "' '" in line and "whitespace" in line
    assert list(tmp_path.iterdir()) == []


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(st.characters(categories=["Zs", "Cc"], exclude_characters="\0"), min_size=1, max_size=5))
def test_any_whitespace_name_is_refused_and_nothing_is_written(name, tmp_path_factory):
    """Any run of blanks and control characters as a name: refused if it is all whitespace, never blank."""
    folder = tmp_path_factory.mktemp("blank")
    message = ""
    try:
        export(kzrights.load(), "json", folder / name)
    except ExportError as error:
        message = str(error)
    written = [p.name for p in folder.iterdir()]
    if name.isspace():
        assert message and "\n" not in message
        assert written == []
    else:  # a control character that is not whitespace (\x01) makes a name, odd but shown when quoted
        assert all(not each.isspace() for each in written)
