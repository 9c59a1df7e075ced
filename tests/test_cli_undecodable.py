r"""Command-line arguments that are not valid UTF-8 are refused alike by every command (issue 11).

Python keeps the undecodable bytes of ``argv`` as lone surrogates
(``surrogateescape``); ``kzrights search $'\xff\xfe'`` printed "no matches"
and exited 0 while ``check-quote`` refused the same bytes with exit 3.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kzrights.cli import main

BAD = b"\xff\xfe".decode("utf-8", "surrogateescape")

# (argv, exit status): 1 for every command, 3 for check-quote (its status for a quotation it cannot check)
COMMANDS = [
    (["search", BAD], 1),
    (["search", "rights", BAD], 1),
    (["search", "rights", "--theme", BAD], 1),
    (["search", "rights", "--entity", BAD], 1),
    (["search", "rights", "--kind", BAD], 1),
    (["show", BAD], 1),
    (["cite", BAD], 1),
    (["--data-version", BAD, "search", "rights"], 1),
    (["check-quote", BAD], 3),
]


@pytest.mark.parametrize(("argv", "status"), COMMANDS)
def test_an_undecodable_argument_is_refused_by_every_command(argv, status, capsys):
    """One line naming the argument as not valid UTF-8, the same for every command, nothing on stdout."""
    assert main(argv) == status
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("kzrights: error: ")
    assert "is not valid UTF-8 (character " in captured.err
    assert captured.err.count("\n") == 1


def test_the_tester_s_command_from_a_shell():
    r"""`kzrights search $'\xff\xfe'` through a real argv: exit 1 and the error, no "no matches"."""
    run = subprocess.run(
        [sys.executable, "-m", "kzrights", "search", b"\xff\xfe"],
        capture_output=True,
        env={**os.environ, "PYTHONUTF8": "1"},
    )
    assert run.returncode == 1, run
    assert b"no matches" not in run.stdout
    assert b"the query is not valid UTF-8" in run.stderr


def test_a_file_name_of_any_bytes_is_still_a_file_name(tmp_path, capsys):
    """Paths are not text arguments: an undecodable file name is read, not refused as text."""
    if sys.platform != "linux":
        pytest.skip("a file name of raw bytes needs a POSIX file system")
    path = os.path.join(os.fsencode(tmp_path), b"notes-\xff.txt")
    with open(path, "wb") as file:
        file.write(b"President Tokayev spoke.")
    assert main(["annotate", os.fsdecode(path)]) == 0
    assert "tokayev" in capsys.readouterr().out.lower()


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    good=st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=10),
    raw=st.binary(min_size=1, max_size=6).filter(lambda b: _undecodable(b)),
    where=st.sampled_from(["query", "--theme", "--entity", "show"]),
)
def test_any_undecodable_bytes_anywhere_in_an_argument_are_refused(good, raw, where, capsys):
    """Whatever bytes fail to decode, wherever they sit in an argument: exit 1, the one error line."""
    value = good + raw.decode("utf-8", "surrogateescape")
    # an argument that starts with - is an option to argparse (a usage error, exit 2): the
    # bytes may start it too, when good is empty ("-\x80" was drawn)
    assume(not value.startswith("-"))
    argv = {
        "query": ["search", value],
        "--theme": ["search", "rights", "--theme", value],
        "--entity": ["search", "rights", "--entity", value],
        "show": ["show", value],
    }[where]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "is not valid UTF-8" in captured.err


def _undecodable(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["show", "Токаев"], b"entities.kassym-jomart-tokayev"),
        (["search", "--json", "Токаев"], b"entities.kassym-jomart-tokayev"),
        (["check-quote", "--json", "Касым-Жомарт Токаев"], b'"verdict"'),
    ],
)
def test_utf8_arguments_under_the_c_locale_are_taken(args, expected):
    """``LC_ALL=C kzrights show Токаев`` said "the id is not valid UTF-8": the bytes were UTF-8 all along."""
    env = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-m", "kzrights", *args], capture_output=True, env=env, timeout=300
    )
    assert b"not valid UTF-8" not in done.stderr, done.stderr
    assert expected in done.stdout, (done.stdout, done.stderr)


def test_bytes_that_are_not_utf8_are_still_refused_under_the_c_locale():
    """Under the C locale too, an argument whose bytes are not UTF-8 is refused, at its character."""
    env = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0"}
    done = subprocess.run(
        [sys.executable, "-m", "kzrights", "search", os.fsdecode(b"\xd0\xa2ok\xff")],
        capture_output=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 1
    assert (
        done.stderr.strip() == b"kzrights: error: the query is not valid UTF-8 (character 3 of the argument)"
    )
