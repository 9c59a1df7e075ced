"""What each command imports: the converter (cattrs) only for ``--json``.

A human answer does not pay for cattrs; each test runs the command in a fresh
process, as a user does, and asks that process which modules it loaded.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

# run the command as `python -m kzrights` does, then say whether cattrs was imported
_PROBE = """
import runpy, sys
sys.argv = ["kzrights", *sys.argv[1:]]
try:
    runpy.run_module("kzrights", run_name="__main__", alter_sys=True)
except SystemExit as exit:
    code = exit.code
else:
    code = 0
sys.stderr.write(f"\\nexit={code} cattrs={'cattrs' in sys.modules}\\n")
"""

HUMAN = [
    ("recommendations",),
    ("annotate", "-"),
    ("show", "entities.kassym-jomart-tokayev"),
    ("show", "recommendations.government.6"),
    ("search", "Tokayev"),
    ("info",),
    ("versions",),
]


def _imports_cattrs(*args: str) -> bool:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        input="President Tokayev met the EBRD.\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("exit=0 "), done.stderr
    assert done.stdout.strip(), "the command printed nothing"
    return last.endswith("cattrs=True")


@pytest.mark.parametrize("command", HUMAN, ids=" ".join)
def test_a_human_answer_does_not_import_cattrs(command):
    """Without --json, no command imports cattrs (it is the converter's, for JSON only)."""
    assert not _imports_cattrs(*command)


@pytest.mark.parametrize("command", [("recommendations",), ("annotate", "-")], ids=" ".join)
def test_the_json_answer_does_import_cattrs(command):
    """The probe can tell: with --json the same commands do load the converter."""
    assert _imports_cattrs("--json", *command)
