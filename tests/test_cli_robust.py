"""The command line under stress: Ctrl-C, closed streams, missing metadata, a broken index.

Also Windows encodings, invalid UTF-8, huge arguments and huge files.

Each test runs ``python -m kzrights`` as users run it (a separate process) and checks what
they would see: the exit code, one line on stderr and never a traceback, and output that
parses.  The property tests drive the same ``main`` in-process, to try many inputs.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import kzrights
from kzrights.cli import main

from .conftest import console_command

SRC = Path(kzrights.__file__).resolve().parent


def run(
    *args: str,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
    python: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, *python, "-m", "kzrights", *args],
        capture_output=True,
        input=stdin,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def one_line(stderr: bytes) -> str:
    """The single line a failure must print, with no traceback."""
    text = stderr.decode("utf-8", "replace")
    assert "Traceback" not in text, text
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert lines[0].startswith("kzrights"), text
    return lines[0]


def in_process(argv: list[str], stdin: bytes = b"") -> tuple[int, str, str]:
    """Run ``main`` with these arguments and stdin bytes; return the exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exit:  # argparse: --help, usage errors
                code = exit.code if isinstance(exit.code, int) else 1
    finally:
        sys.stdin = saved
    return code, out.getvalue(), err.getvalue()


# ── Ctrl-C and closed streams ─────────────────────────────────────────────────


def test_ctrl_c_exits_130_with_one_line():
    """SIGINT while annotate waits on a pipe: exit status 130, one line on stderr, no traceback."""
    with subprocess.Popen(
        [sys.executable, "-m", "kzrights", "annotate", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdin is not None and process.stdout is not None
        # enough text for a block to settle: its first mention proves the command is reading
        process.stdin.write(("President Tokayev spoke.\n" * 2000).encode())
        process.stdin.flush()
        # a guard against a command that holds its output back until the end of its input
        readable, _, _ = select.select([process.stdout], [], [], 120)
        assert readable, "no output while stdin stays open: the command does not stream"
        assert b"entities.kassym-jomart-tokayev" in process.stdout.readline()
        process.send_signal(signal.SIGINT)  # stdin stays open: it is waiting for more
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert one_line(stderr) == "kzrights: interrupted"


def test_closed_stdin_is_one_line():
    """With stdin closed (<&-), annotate - says so in one line."""
    out = subprocess.run(
        ["sh", "-c", '"$0" -m kzrights annotate - <&-', sys.executable], capture_output=True, timeout=120
    )
    assert out.returncode == 1
    assert "stdin is closed" in one_line(out.stderr)


def test_closed_stdout_is_one_line():
    """With stdout closed (>&-) nothing can be written: one line, not a silent success."""
    out = subprocess.run(
        ["sh", "-c", '"$0" -m kzrights info >&-', sys.executable], capture_output=True, timeout=120
    )
    assert out.returncode == 1
    assert "stdout is closed" in one_line(out.stderr)


def test_a_reader_that_goes_away_is_not_an_error(tmp_path):
    """In annotate | head -1, the command stops quietly when its reader closes the pipe."""
    path = tmp_path / "news.txt"
    path.write_text("President Tokayev spoke.\n" * 200_000, encoding="utf-8")
    with subprocess.Popen(
        [sys.executable, "-m", "kzrights", "annotate", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert b"Tokayev" in process.stdout.readline()
        process.stdout.close()
        stderr = process.stderr.read()
        assert process.wait(timeout=120) == 0
    assert stderr == b""


# ── the package without its metadata, or with a broken index ──────────────────


def _zip_package(target: Path) -> Path:
    """Zip kzrights and its runtime dependencies, with no .dist-info anywhere."""
    import attr
    import attrs
    import cattrs

    modules = [kzrights, attr, attrs, cattrs]
    with contextlib.suppress(ImportError):
        import typing_extensions

        modules.append(typing_extensions)
    with contextlib.suppress(ImportError):
        import exceptiongroup  # cattrs needs it before Python 3.11

        modules.append(exceptiongroup)
    archive = target / "kzrights.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for module in modules:
            file = Path(module.__file__ or "")
            if file.name != "__init__.py":  # a single-file module
                zipped.write(file, file.name)
                continue
            for path in sorted(file.parent.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    zipped.write(path, path.relative_to(file.parent.parent).as_posix())
    return archive


def test_runs_from_a_zip_without_metadata(tmp_path):
    """From a zip with no .dist-info: __version__ is "0+unknown", and --help, --version and a command work."""
    env = {"PYTHONPATH": str(_zip_package(tmp_path))}
    # -S: no site-packages, so no installed kzrights (or its metadata) is in reach
    version = subprocess.run(
        [sys.executable, "-S", "-c", "import kzrights; print(kzrights.__file__, kzrights.__version__)"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )
    assert version.returncode == 0, version.stderr
    where, number = version.stdout.split()
    assert "kzrights.zip" in where
    assert number == "0+unknown"
    assert run("--help", env=env, python=("-S",)).returncode == 0
    out = run("--version", env=env, python=("-S",))
    assert out.returncode == 0 and b"kzrights 0+unknown (newest data release" in out.stdout
    info = run("info", "--json", env=env, python=("-S",))
    assert info.returncode == 0, info.stderr
    assert json.loads(info.stdout)["package_version"] == "0+unknown"


@pytest.mark.parametrize(
    "args",
    [[], ["info"], ["versions", "--json"], ["annotate", "-"], ["verify"]],
    ids=" ".join,
)
def test_a_broken_release_index_is_one_line(tmp_path, args):
    """A copy of the package whose data/releases.json is corrupt: each command says so in one line."""
    copy = tmp_path / "kzrights"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "data" / "releases.json").write_text('{"releases": [', encoding="utf-8")
    out = run(*args, stdin=b"Tokayev", env={"PYTHONPATH": str(tmp_path)})
    assert out.returncode == 1
    assert one_line(out.stderr).startswith(
        "kzrights: error: the release index: releases.json: not valid JSON"
    )
    # --help needs no data at all
    assert run("--help", env={"PYTHONPATH": str(tmp_path)}).returncode == 0


@pytest.mark.parametrize("index", ['{"releases": [', None], ids=["corrupt", "missing"])
def test_version_is_printed_even_when_the_release_index_is_broken(tmp_path, index):
    """``--version`` prints the package version, and on the same line why the data cannot be read; status 1.

    It printed only the error, so the version a bug report needs was lost
    with the data.
    """
    copy = tmp_path / "kzrights"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__"))
    if index is None:
        (copy / "data" / "releases.json").unlink()
    else:
        (copy / "data" / "releases.json").write_text(index, encoding="utf-8")
    out = run("--version", env={"PYTHONPATH": str(tmp_path)})
    assert out.returncode == 1
    assert out.stderr == b""
    (line,) = out.stdout.decode().splitlines()
    assert line.startswith(f"kzrights {kzrights.__version__} (the data releases cannot be read: "), line
    assert "releases.json" in line


# ── output in a Windows code page ─────────────────────────────────────────────

CP1252 = {"PYTHONIOENCODING": "cp1252"}


@pytest.mark.parametrize(
    "args",
    [
        ["show", "entities.kassym-jomart-tokayev"],
        ["search", "Tokayev"],
        [],
        ["info"],
        ["schema"],
        ["diff", "1.0.0", "1.1.0"],
    ],
    ids=lambda args: " ".join(args) or "(no command)",
)
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_a_cp1252_stdout_loses_nothing(args, as_json):
    """Redirected in cp1252 (as on Windows): exit 0, the same JSON, and the same text with escapes."""
    args = [*args, "--json"] if as_json else args
    utf8 = run(*args, env={"PYTHONIOENCODING": "utf-8"})
    cp1252 = run(*args, env=CP1252)
    assert cp1252.returncode == 0, cp1252.stderr
    assert cp1252.stderr == b""
    if as_json:
        assert json.loads(cp1252.stdout.decode("cp1252")) == json.loads(utf8.stdout.decode("utf-8"))
    else:
        shown = utf8.stdout.decode("utf-8").encode("cp1252", "backslashreplace")
        assert cp1252.stdout == shown


def test_a_cp1252_stdout_loses_no_mention(tmp_path):
    """In cp1252, annotate writes Cyrillic names escaped in text, and as valid JSON."""
    path = tmp_path / "news.txt"
    path.write_text("Бокаев и Токаев; NUR OTAN.\n", encoding="utf-8")
    utf8 = run("annotate", str(path), "--json", env={"PYTHONIOENCODING": "utf-8"})
    cp1252 = run("annotate", str(path), "--json", env=CP1252)
    assert cp1252.returncode == 0
    assert json.loads(cp1252.stdout.decode("cp1252")) == json.loads(utf8.stdout)
    assert [m["text"] for m in json.loads(cp1252.stdout)] == ["Бокаев", "Токаев", "NUR OTAN"]
    text = run("annotate", str(path), env=CP1252)
    assert text.returncode == 0
    assert rb"\u0411\u043e\u043a\u0430\u0435\u0432" in text.stdout


# every JSON writer of the command line, each with text past ASCII in its output
JSON_WRITERS = [
    ["--json"],
    ["info", "--json"],
    ["show", "entities.kassym-jomart-tokayev", "--json"],
    ["search", "Tokayev", "--json"],
    ["cite", "conclusions.p1", "--json"],
    ["check-quote", "President Tokayev\u2019s approach", "--json"],
    ["annotate", "{news}", "--json"],
    ["export", "--format", "json", "--output", "-"],
    ["export", "--format", "csl-json", "--output", "-"],
    ["export", "--format", "annotations", "--output", "-"],
    ["followup", "validate", "{tracker}", "--json"],
]


@pytest.mark.parametrize("args", JSON_WRITERS, ids=lambda args: " ".join(args))
def test_json_on_a_cp1252_stdout_is_ascii_and_reads_as_the_utf8_run(args, tmp_path):
    """In cp1252 (a redirected stdout on Windows) every JSON output is ASCII: JSON to a UTF-8 reader.

    ``json.loads`` of the raw bytes (as jq or Node read them) gives the
    UTF-8 run's data; the cp1252 bytes of \u2018 \u2019 (0x91, 0x92) were
    written as they are, which no UTF-8 reader reads.
    """
    news = tmp_path / "news.txt"
    news.write_text("\u2018Tokayev\u2019 и Токаев; Adam Hug.\n", encoding="utf-8")
    tracker = tmp_path / "оценка \u2018draft\u2019.json"
    tracker.write_text("{}", encoding="utf-8")
    args = [arg.format(news=news, tracker=tracker) for arg in args]
    utf8 = run(*args, env={"PYTHONIOENCODING": "utf-8"})
    cp1252 = run(*args, env=CP1252)
    assert cp1252.returncode == utf8.returncode, cp1252.stderr
    assert not utf8.stdout.isascii(), "the output must hold text past ASCII to show anything"
    assert cp1252.stdout.isascii()
    assert json.loads(cp1252.stdout) == json.loads(utf8.stdout)
    assert cp1252.stderr == utf8.stderr


def _main_on(encoding: str, argv: list[str]) -> tuple[int, bytes]:
    """Run ``main`` with a stdout of bytes in ``encoding``; return the exit code and the bytes."""
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding=encoding, errors="strict", write_through=True)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(argv)
    out.flush()
    return code, raw.getvalue()


@given(quote=st.text(st.characters(codec="utf-8"), min_size=1, max_size=40))
@example(quote="President Tokayev\u2019s approach")
@example(quote="\u0422\u043e\u043a\u0430\u0435\u0432 \u00e9\U0001f600")
def test_check_quote_json_of_any_quotation_is_the_same_data_in_any_stdout_encoding(quote):
    """Whatever the quotation, check-quote's JSON reads alike from a UTF-8, cp1252 or Latin-1 stdout."""
    code, utf8 = _main_on("utf-8", ["check-quote", "--json", "--", quote])
    if code == 3:  # a quotation that cannot be checked: no JSON
        return
    for encoding in ("cp1252", "latin-1"):
        other_code, other = _main_on(encoding, ["check-quote", "--json", "--", quote])
        assert other_code == code
        assert other.isascii()
        assert json.loads(other) == json.loads(utf8)


# ── annotate: files and stdin, offsets, invalid UTF-8 ─────────────────────────


def annotate_json(argv: list[str], stdin: bytes = b"") -> list[dict[str, object]]:
    code, out, err = in_process(["annotate", *argv, "--json"], stdin)
    assert code == 0, err
    found: list[dict[str, object]] = json.loads(out)
    return found


NAMES = [
    "Tokayev",
    "NUR OTAN",
    "Nur\r\nOtan",
    "Бокаев",
    "U.S.",
    "the EBRD",
    "Article 174 of the Criminal Code",
]


@given(
    st.lists(
        st.sampled_from([*NAMES, " ", "\r\n", "\r", "\n", "\ufeff", "é", "𝔘", "; ", "word"])
        | st.text(max_size=5),
        max_size=30,
    ).map("".join)
)
@example("\ufeffTokayev\r\nmet NUR\r\nOTAN\r")
def test_file_and_stdin_give_the_offsets_of_the_text_as_stored(tmp_path_factory, text):
    """Annotating FILE and - < FILE agrees, with offsets into the file as stored (CRLF, BOM kept)."""
    data = text.encode("utf-8", "surrogatepass")
    try:
        stored = data.decode("utf-8")
    except UnicodeDecodeError:
        return  # lone surrogates are not UTF-8; the test of invalid input covers them
    path = tmp_path_factory.mktemp("annotate") / "text.txt"
    path.write_bytes(data)
    from_file = annotate_json([str(path)])
    assert annotate_json(["-"], data) == from_file
    expected = [m._asdict() for m in kzrights.annotate(stored)]
    assert from_file == [{k: v for k, v in m.items() if v is not None} for m in expected]
    assert all(stored[m["start"] : m["end"]] == m["text"] for m in from_file)  # type: ignore[misc]


def test_file_and_stdin_agree_as_processes(tmp_path):
    """The same bytes as a file and on stdin give the same output, from the real command."""
    data = "\ufeffPresident Tokayev\r\nand NUR\r\nOTAN; Бокаев.\r\n".encode()
    path = tmp_path / "news.txt"
    path.write_bytes(data)
    from_file, from_stdin = run("annotate", str(path), "--json"), run("annotate", "-", "--json", stdin=data)
    assert from_file.returncode == 0 and from_file.stdout == from_stdin.stdout
    assert [(m["text"], m["start"]) for m in json.loads(from_file.stdout)] == [
        ("President Tokayev", 1),
        ("NUR\r\nOTAN", 24),
        ("Бокаев", 35),
    ]


@given(st.binary(max_size=40), st.binary(min_size=1, max_size=4), st.binary(max_size=40))
@example(b"ok ", b"\xff", b"")
@example("Токаев ".encode(), b"\xd0", b"")  # cut in the middle of a character, at the end
def test_invalid_utf8_is_one_line_naming_the_byte(tmp_path_factory, before, bad, after):
    """Bytes that are not UTF-8, from a file or stdin: exit 1, one line naming the first bad byte."""
    data = before + bad + after
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    else:
        return
    path = tmp_path_factory.mktemp("bad") / "bad.txt"
    path.write_bytes(data)
    for argv, stdin in ((["annotate", str(path)], b""), (["annotate", "-"], data)):
        code, _, err = in_process(argv, stdin)
        assert code == 1
        line = one_line(err.encode())
        assert "is not valid UTF-8" in line and f"(byte {first_bad:,}:" in line


def test_invalid_utf8_far_into_a_big_file(tmp_path):
    """An invalid byte after several blocks is found, and named at its offset in the whole file."""
    path = tmp_path / "big.txt"
    good = b"President Tokayev spoke.\n" * 200_000  # 5 MB: several blocks
    path.write_bytes(good + b"\xc3\x28")
    out = run("annotate", str(path))
    assert out.returncode == 1
    assert f"(byte {len(good):,}:" in one_line(out.stderr)


# ── options and arguments ─────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "args",
    [
        ["versions", "--data-version", "9.9.9"],
        ["--data-version", "1.0.0", "versions"],
        ["diff", "1.0.0", "1.1.0", "--data-version", "1.0.0"],
        ["schema", "--data-version", "1.1.0"],
        ["verify", "--data-version", ""],
        ["info", "--data-version", ""],
    ],
    ids=" ".join,
)
def test_an_option_the_command_would_ignore_is_an_error(args):
    """--data-version where a command reads no one release, or empty, is an error, not ignored."""
    # in this process (the argument checks are what is tested, not the interpreter's start)
    code, out, err = in_process(args)
    assert code in (1, 2) and out == ""
    assert "data-version" in one_line(err.encode()) or "''" in one_line(err.encode())


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--format", "json", "--output", "-", "--force"],
        ["--json", "export", "--format", "json", "--output", "-"],
        ["export", "--format", "csl-json", "--output", "-", "--json"],
        ["followup", "compare", "a.csv", "b.csv", "--force"],
    ],
    ids=" ".join,
)
def test_an_option_export_to_stdout_would_ignore_is_a_usage_error(args):
    """--force or --json with --output -: status 2, the documented usage error (was 1; tester, session 24)."""
    code, out, err = in_process(args)
    assert (code, out) == (2, "")
    assert one_line(err.encode()).startswith("kzrights: error: ")
    assert ("--force" in err) or ("--json" in err)


def test_json_before_the_default_command():
    """The bare kzrights --json is kzrights recommendations --json."""
    out = run("--json")
    assert out.returncode == 0, out.stderr
    assert out.stdout == run("recommendations", "--json").stdout
    assert len(json.loads(out.stdout)) == 15


@pytest.mark.parametrize(
    "args",
    [
        ["show", "x" * 100_000],
        ["cite", "conclusions." + "p" * 50_000],
        ["search", "freedom", "--addressee", "y" * 20_000],
        ["--data-version", "9" * 30_000, "info"],
        ["annotate", "/no/such/" + "d" * 3000],
        ["diff", "1.0.0", "z" * 10_000],
        ["show", "a b " * 10_000],
    ],
    ids=lambda args: args[0],
)
def test_errors_quote_at_most_80_characters_of_a_huge_argument(args):
    """A huge id, version or path is quoted in the error, but only its first 80 or so characters."""
    code, out, err = in_process(args)  # in this process, as above
    assert code in (1, 2) and out == ""
    assert len(one_line(err.encode())) < 300


@given(st.text(max_size=300))
@example("x" * 5000)
@example("conclusions.p8\n")
def test_any_id_is_a_record_or_one_line(record_id):
    """Any text as the id of show gives the record, or one short line on stderr; never a traceback."""
    code, out, err = in_process(["show", "--json", "--", record_id])
    if code == 0:
        assert json.loads(out)["id"] == record_id
    else:
        assert code == 1 and out == ""
        assert len(one_line(err.encode())) < 300


# ── streaming ─────────────────────────────────────────────────────────────────


def test_a_file_of_several_blocks_gives_the_mentions_of_the_whole_text(tmp_path):
    """Streaming never changes the answer: names straddling a block boundary included."""
    from kzrights.cli import _READ_SIZE

    unit = "President Tokayev met NUR\r\n  OTAN, the U.S. and Бокаев; nothing changed.\r\n"
    name = unit.index("NUR")
    # put the first read boundary in the middle of "NUR\r\n  OTAN"
    reps, rest = divmod(_READ_SIZE, len(unit.encode()))
    pad = (len(unit.encode()) - rest + name + 5) % len(unit.encode())
    text = "x" * pad + " " + unit * (3 * reps)
    assert text.encode()[_READ_SIZE - 3 : _READ_SIZE + 3].strip(b"\r\n ") != b""
    path = tmp_path / "big.txt"
    path.write_bytes(text.encode())
    out = run("annotate", str(path), "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == _as_json(kzrights.annotate(text))


def _as_json(mentions: list[Any]) -> list[dict[str, Any]]:
    """Mentions as ``annotate --json`` writes them: every field that has a value."""
    from kzrights._converter import unstructure

    return [{k: v for k, v in unstructure(m).items() if v is not None} for m in mentions]


def test_evidence_anywhere_in_a_file_of_several_blocks_decides_as_in_the_whole_text(tmp_path):
    """A form needing evidence is decided on the whole text, however far the evidence is, either way."""
    from kzrights.cli import _READ_SIZE

    filler = "The weather was fine and nothing else happened that day.\n" * (_READ_SIZE // 30)
    texts = [
        # "Parliament" in the first block, the Kazakh evidence two blocks later
        "Parliament voted.\n" + filler + "Later, in Kazakhstan, Hug spoke.\n",
        # the full name first, the bare surname (needs an earlier full mention) blocks later
        "Adam Hug wrote.\n" + filler + "Hug again; the Mazhilis and the European Parliament.\n",
        # a shared form whose deciding mention comes only blocks later
        "Назарбаева.\n" + filler + "Нурсултан Назарбаев.\n",
    ]
    for number, text in enumerate(texts):
        path = tmp_path / f"far{number}.txt"
        path.write_text(text, encoding="utf-8", newline="")
        out = run("annotate", str(path), "--json")
        assert out.returncode == 0, out.stderr
        expected = _as_json(kzrights.annotate(text))
        assert json.loads(out.stdout) == expected
        assert any("resolved_by" in m for m in expected)  # the evidence mattered


def test_unambiguous_only_links_only_safe_forms(tmp_path):
    """--unambiguous-only gives annotate(text, unambiguous_only=True): no form that needs evidence."""
    text = "Kazakhstan's Parliament heard Adam Hug; Hug agreed.\n"
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    out = run("annotate", str(path), "--json", "--unambiguous-only")
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    assert found == _as_json(kzrights.annotate(text, unambiguous_only=True))
    assert [m["text"] for m in found] == ["Kazakhstan", "Adam Hug"]
    assert [m["text"] for m in json.loads(run("annotate", str(path), "--json").stdout)] == [
        "Kazakhstan",
        "Parliament",
        "Adam Hug",
        "Hug",
    ]


# long lines, CRLF line ends, a few names, one across a line break
UNIT = ("lorem" * 24 + "\r\n") * 40 + "President Tokayev spoke to NUR\r\nOTAN.\r\n"


# names whose last word is a name too, so a cut inside one would show as a second mention
NESTED = ["President Tokayev", "President\r\n\r\n    Tokayev", "Kassym-Jomart   Tokayev"]


@given(
    st.lists(
        st.sampled_from(
            [*NAMES, *NESTED, " ", "  ", "\r\n", "\n \n", "word", "Kazakhstanis", ", ", "ß", "İ"]
        ),
        min_size=100,  # long enough for blocks to be cut: a cut needs hundreds of characters after it
        max_size=600,
    ).map("".join),
    st.lists(st.integers(min_value=0, max_value=1 << 16), max_size=12),
)
def test_streaming_finds_the_mentions_of_the_whole_text(text, cuts):
    """However the text arrives in blocks, the streamed mentions are annotate()'s on the whole text."""
    from kzrights.cli import _stream_mentions

    bounds = sorted({0, len(text), *(c % (len(text) + 1) for c in cuts)})
    blocks = [text[a:b] for a, b in itertools.pairwise(bounds)]
    streamed = [
        (m.entity_id, m.text, m.start + base, m.end + base)
        for base, mentions in _stream_mentions(blocks, None)
        for m in mentions
    ]
    assert streamed == [(m.entity_id, m.text, m.start, m.end) for m in kzrights.annotate(text)]


def _big_file(path: Path, size: int) -> int:
    """Write about ``size`` bytes of text to ``path``; return how many names it holds."""
    with path.open("w", encoding="utf-8", newline="") as file:
        for _ in range(size // len(UNIT)):
            file.write(UNIT)
    return 2 * (size // len(UNIT))


def test_evidence_at_the_end_of_a_text_dense_in_such_forms_decides_as_in_the_whole_text(tmp_path):
    """20,000 forms that need evidence, the evidence only at the very end: annotate()'s answer, all linked."""
    text = "Adam Hug wrote that the Parliament met. " + "Parliament, Hug; " * 20_000 + "In Kazakhstan."
    path = tmp_path / "dense.txt"
    path.write_text(text, encoding="utf-8")
    out = run("annotate", str(path), "--json")
    assert out.returncode == 0, out.stderr
    expected = _as_json(kzrights.annotate(text))
    assert len(expected) == 2 + 20_001 + 20_000  # every "Parliament" and "Hug" linked
    assert json.loads(out.stdout) == expected


# the text the child annotates, and what it holds: the bound lowered, so that the test is quick
_DENSE = "Adam Hug wrote. " + "Hug " * 40_000
_TRACED = """\
import sys, tracemalloc
import kzrights, kzrights.cli
kzrights.cli._WHOLE_MENTIONS = 4096
kzrights.annotate("Adam Hug wrote. Hug")  # the release loaded, the linker built: not what is measured
tracemalloc.start()
code = kzrights.cli.main(["annotate", *sys.argv[1:]])
sys.stdout.flush()
print(code, tracemalloc.get_traced_memory()[1], file=sys.stderr)
"""


def test_a_text_dense_in_forms_that_need_evidence_is_annotated_in_bounded_memory(tmp_path):
    """Past the most mentions held whole, the command goes on block by block, and its memory stays put.

    "Hug" needs evidence, so the command holds the text back; 40,000 of them
    would take 50 MB to decide at once (what the command did), ten times the
    4,096 the child allows.  The answer is then annotate()'s as far as the
    text was held (the full name is in it), and no "Hug" past it is linked.
    """
    path = tmp_path / "hug.txt"
    path.write_text(_DENSE, encoding="utf-8")
    with (tmp_path / "out.json").open("wb") as stdout:
        done = subprocess.run(
            [sys.executable, "-c", _TRACED, str(path), "--json"],
            stdout=stdout,
            stderr=subprocess.PIPE,
            timeout=300,
        )
    code, peak = map(int, done.stderr.split()[-2:])
    assert code == 0, done.stderr
    assert peak < 30_000_000  # bytes Python allocated at most: about 19 MB, where it was 49 MB
    found = json.loads((tmp_path / "out.json").read_bytes())
    expected = _as_json(kzrights.annotate(_DENSE))
    assert 4096 < len(found) < len(expected) == 40_001
    assert found == expected[: len(found)]


@given(
    st.lists(
        st.sampled_from(
            [*NAMES, "Adam Hug", "Hug", "Mr Hug", "Parliament", "Kazakhstan", " ", "\n", ". ", "word"]
        ),
        min_size=100,
        max_size=600,
    ).map("".join),
    st.lists(st.integers(min_value=0, max_value=1 << 16), max_size=12),
    st.integers(min_value=0, max_value=64),
)
def test_past_the_mentions_held_whole_the_safe_forms_are_still_those_of_the_whole_text(text, cuts, bound):
    """A text with more mentions than are held whole: the safe forms are annotate()'s, all in order.

    The bound is lowered so that short texts pass it; a form that needs
    evidence is then decided on the part of the text around it (documented),
    but no mention is lost, moved or written twice.
    """
    from unittest import mock

    from kzrights import cli

    bounds = sorted({0, len(text), *(c % (len(text) + 1) for c in cuts)})
    blocks = [text[a:b] for a, b in itertools.pairwise(bounds)]
    with mock.patch.object(cli, "_WHOLE_MENTIONS", bound):
        streamed = [
            m._replace(start=m.start + base, end=m.end + base)
            for base, ms in cli._stream_mentions(blocks, None)
            for m in ms
        ]
    assert all(a.end <= b.start for a, b in itertools.pairwise(streamed))
    assert all(text[m.start : m.end] == m.text for m in streamed)
    assert [m for m in streamed if m.resolved_by is None] == [
        m for m in kzrights.annotate(text) if m.resolved_by is None
    ]


def test_a_100_mb_file_is_annotated_in_bounded_memory(tmp_path):
    """Annotating 100 MB peaks far below what holding the file would take (it streams)."""
    path = tmp_path / "big.txt"
    names = _big_file(path, 100_000_000)
    # a parent of its own, so that the peak is the command's alone
    script = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run([sys.executable, '-m', 'kzrights', 'annotate', sys.argv[1], '--json'],\n"
        "                      stdout=open(sys.argv[2], 'wb'))\n"
        "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(path), str(tmp_path / "out.json")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    code, peak_kib = map(int, out.stdout.split())
    assert code == 0
    assert peak_kib < 150_000  # holding the text alone would take 100 MB, the old command 400 MB
    found = json.loads((tmp_path / "out.json").read_bytes())
    assert len(found) == names
    assert found[-1]["text"] == "NUR\r\nOTAN"


# ── issue 11: text without whitespace, Ctrl-C at any moment ───────────────────


@given(
    st.lists(
        st.sampled_from(
            [*NAMES, "Tokayev", "Tokayev,", ";", "(", "|", "\x00", "x", "ß", "İ", "ΑΣ", "\u0338"]
        ),
        min_size=100,
        max_size=600,
    ).map("".join),
    st.lists(st.integers(min_value=0, max_value=1 << 16), max_size=12),
)
def test_streaming_text_without_whitespace_finds_the_mentions_of_the_whole_text(text, cuts):
    """Cut at punctuation instead of whitespace, the streamed mentions are still annotate()'s."""
    from kzrights.cli import _stream_mentions

    text = "".join(text.split())  # no whitespace anywhere: only the separators can cut it
    bounds = sorted({0, len(text), *(c % (len(text) + 1) for c in cuts)})
    blocks = [text[a:b] for a, b in itertools.pairwise(bounds)]
    streamed = [
        (m.entity_id, m.text, m.start + base, m.end + base)
        for base, mentions in _stream_mentions(blocks, None)
        for m in mentions
    ]
    assert streamed == [(m.entity_id, m.text, m.start, m.end) for m in kzrights.annotate(text)]


def test_the_separators_are_characters_no_name_contains():
    """The characters a text is cut at are in no alias of the registry, in any case form."""
    from kzrights.cli import _separators

    pattern = _separators(None)
    forms = [f for e in kzrights.load().entities for f in (e.name, *e.aliases)]
    used = {c for f in forms for c in f + f.lower() + f.upper()}
    cut_at = [chr(c) for c in range(128) if pattern.fullmatch(chr(c))]
    assert ";" in cut_at and "(" in cut_at
    assert not used & set(cut_at)
    assert not {",", ".", "-", "'", " ", ":", "/"} & set(cut_at)  # those are in names


def _peak_of(args: list[str], out: Path) -> tuple[int, int, str]:
    """Run the command line in a parent of its own; its exit code, peak RSS in KiB and stderr."""
    script = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run([sys.executable, '-m', 'kzrights', *sys.argv[2:]],\n"
        "                      stdout=open(sys.argv[1], 'wb'), stderr=subprocess.PIPE, timeout=120)\n"
        "sys.stderr.buffer.write(done.stderr)\n"
        "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(out), *args], capture_output=True, text=True, timeout=300
    )
    code, peak_kib = map(int, done.stdout.split())
    return code, peak_kib, done.stderr


def test_a_40_mb_text_without_whitespace_is_annotated_in_bounded_memory(tmp_path):
    """No whitespace at all: the text is still cut into blocks (at ";" and brackets), found whole."""
    unit = "lorem;ipsum(dolor)" * 100 + "Tokayev;"
    path = tmp_path / "nospace.txt"
    path.write_text(unit * (40_000_000 // len(unit)), encoding="utf-8")
    out = tmp_path / "out.txt"
    code, peak_kib, stderr = _peak_of(["annotate", str(path)], out)
    assert code == 0, stderr
    assert peak_kib < 60_000  # it takes about 30 MB; the old command held the whole text: 110 MB
    lines = out.read_bytes().splitlines()
    assert len(lines) == 40_000_000 // len(unit)
    last = (40_000_000 // len(unit)) * len(unit) - 1
    assert lines[-1].split()[:3] == [
        f"{last - 7}-{last}".encode(),
        b"entities.kassym-jomart-tokayev",
        b"Tokayev",
    ]


def test_a_text_no_name_boundary_can_cut_is_one_line_not_unbounded_memory(tmp_path):
    """Repeated "Tokayev," has no place a name cannot go on: one clear line, in bounded memory."""
    path = tmp_path / "commas.txt"
    path.write_text("Tokayev," * 1_000_000, encoding="utf-8")
    code, peak_kib, stderr = _peak_of(["annotate", str(path)], tmp_path / "out.txt")
    assert code == 1
    assert "no place to cut the text" in one_line(stderr.encode())
    assert peak_kib < 300_000


def test_a_text_with_nowhere_to_cut_is_refused_without_linking_it_again_and_again():
    """No whitespace and no separator: refused once 4 Mi characters are held, none of it linked meanwhile.

    "Hug" joined by zero-width spaces (a name every four characters, and
    no place to cut) was linked whole each time the text held had doubled,
    until the refusal: 31 s of CPU for 8 million characters (tester,
    session 27). Whether a cut is possible at all is now looked at first.
    """
    from unittest import mock

    from kzrights import cli
    from kzrights._linking import Engine

    calls: list[int] = []
    link_and_tell = Engine.link_and_tell

    def counted(self: Engine, text: str, **options: Any) -> Any:
        calls.append(len(text))
        return link_and_tell(self, text, **options)

    block = "Hug\u200b" * (1 << 14)
    with mock.patch.object(Engine, "link_and_tell", counted):
        with pytest.raises(cli._CliError, match="no place to cut"):
            for _ in cli._stream_mentions(itertools.repeat(block, 80), None):
                pass
        assert calls == []
        # a text with a place to cut is linked as before (the joined "Hug"s are one word)
        found = [m.entity_id for _, ms in cli._stream_mentions([block, " Tokayev said"], None) for m in ms]
        assert found == ["entities.kassym-jomart-tokayev"]
    assert calls


def test_dev_zero_streams_in_bounded_memory():
    """An endless text of NUL characters is annotated as it comes, its memory flat, until Ctrl-C."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    with subprocess.Popen(
        [sys.executable, "-m", "kzrights", "annotate", "/dev/zero"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)  # it must not end by itself
        status = Path(f"/proc/{process.pid}/status")
        rss = (
            [line for line in status.read_text().splitlines() if line.startswith("VmRSS")]
            if status.exists()
            else []
        )
        process.send_signal(signal.SIGINT)
        try:
            stdout, stderr = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()  # else leaving the block waits for it without end
            raise
    assert process.returncode == 130, stderr
    assert one_line(stderr) == "kzrights: interrupted"
    assert stdout == b"no entities\n" or stdout == b""
    if rss:
        assert (
            int(rss[0].split()[1]) < 60_000
        )  # KiB, about 30 MB; the old command grew without end (90 MB by 9 s)


@pytest.mark.parametrize("delay", [0, 0.02, 0.05, 0.1, 0.2, 0.3])
def test_ctrl_c_while_the_console_command_starts_is_one_line(delay):
    """Ctrl-C at any moment of start-up: 130 and one line, no traceback from kzrights or attrs.

    What is left is the interpreter's own start and the wrapper pip writes
    (``import re``), before any of kzrights runs (docs/command-line.md).
    """
    import time

    with subprocess.Popen(
        [*console_command(), "search", "Tokayev"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    text = stderr.decode("utf-8", "replace")
    if text.startswith("Fatal Python error: init_"):  # the interpreter's own start, before any Python code
        assert "kzrights" not in text, text
        return
    if text == "KeyboardInterrupt\n" and process.returncode == 1:
        # the interpreter's own start too, just after it: the signal arrived while
        # Python set up __main__'s loader (frozen importlib code, whose frames a
        # traceback leaves out), before the first line of the script; only there
        # does Python print the bare name and exit 1 (a script of three imports
        # and a sleep does the same: once in 300 interrupts at 0 to 30 ms)
        return
    if "Traceback" in text:  # only from before the entry point is imported
        frames = [line for line in text.splitlines() if line.lstrip().startswith("File ")]
        ours = ("/kzrights/", "kzrights_entry", "/attr/", "/attrs/", "/cattrs/", "/cattr/")
        assert not [f for f in frames if any(part in f for part in ours)], text
        return
    assert process.returncode in (130, 0, -signal.SIGINT), text
    if process.returncode == 130:
        assert one_line(stderr) == "kzrights: interrupted"


# Ctrl-C arriving exactly while the package imports attrs, made certain: the
# import of attr raises KeyboardInterrupt as the signal would
_INTERRUPT_ON_IMPORT = """
import sys
class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == "attr":
            raise KeyboardInterrupt
sys.meta_path.insert(0, Interrupt())
sys.argv = ["kzrights", "search", "Tokayev"]
"""


def test_ctrl_c_while_the_package_imports_is_one_line():
    """The console command's entry point catches Ctrl-C during ``import kzrights`` itself."""
    entry = Path(sys.executable).with_name("kzrights")
    wrapper = (
        entry.read_text()
        if entry.exists()
        else "import sys\nfrom kzrights_entry import run\nsys.exit(run())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", _INTERRUPT_ON_IMPORT + wrapper],
        capture_output=True,
        timeout=60,
    )
    assert one_line(done.stderr) == "kzrights: interrupted"
    assert done.returncode == 130


def _wait_until_reading_a_pipe(pid: int) -> None:
    """Wait until the process sleeps reading a pipe: it has taken in what was there and wants more.

    Linux shows where a process sleeps in ``/proc/PID/wchan``; elsewhere
    (or if it never shows) the wait ends after a while, as a plain sleep.
    """
    import time

    wchan = Path(f"/proc/{pid}/wchan")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if "pipe_read" in wchan.read_text():
                return
        except OSError:
            time.sleep(2)
            return
        time.sleep(0.02)


def test_ctrl_c_keeps_what_annotate_found_in_a_pipe():
    """Text that has arrived on a pipe is annotated and written out before Ctrl-C's exit 130."""
    with subprocess.Popen(
        [sys.executable, "-m", "kzrights", "annotate", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdin is not None
        process.stdin.write(b"Tokayev met\n")
        process.stdin.flush()
        _wait_until_reading_a_pipe(process.pid)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert one_line(stderr) == "kzrights: interrupted"
    assert stdout.split() == [b"0-7", b"entities.kassym-jomart-tokayev", b"Tokayev"]


# ── an option given twice ─────────────────────────────────────────────────────


@given(
    first=st.sampled_from(kzrights.versions()),
    second=st.sampled_from(kzrights.versions()),
    where=st.sampled_from(["before and after", "twice before", "twice after"]),
    command=st.sampled_from([["info", "--json"], ["followup"], ["check-quote", "kettling"]]),
)
@example(first="1.0.0", second="1.3.1", where="before and after", command=["info", "--json"])
def test_two_values_of_data_version_are_a_usage_error(first, second, where, command):
    """``--data-version`` given twice, before or after the command: one value runs, two are refused.

    argparse kept the last value silently: ``kzrights --data-version 1.0.0
    info --data-version 1.3.1`` described 1.3.1.
    """
    name, *rest = command
    if name == "followup":  # a group: the option after its subcommand
        rest = ["validate", "tracker.json"]
    before, after = {
        "before and after": ([first], [second]),
        "twice before": ([first, second], []),
        "twice after": ([], [first, second]),
    }[where]
    argv = [arg for version in before for arg in ("--data-version", version)]
    argv += [name, *rest, *(arg for version in after for arg in ("--data-version", version))]
    code, out, err = in_process(argv)
    if first != second:
        assert code == (64 if name == "check-quote" else 2), err
        assert "--data-version is given twice" in err and repr(first) in err and repr(second) in err
        assert err.count("\n") == 1 and out == ""
    elif name == "info":
        assert code == 0, err
        assert json.loads(out)["data_version"] == first
    elif name == "check-quote":
        assert code in (0, 1, 2), err
        assert "given twice" not in err
