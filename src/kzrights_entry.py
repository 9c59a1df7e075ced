"""The ``kzrights`` console command's entry point, outside the ``kzrights`` package.

``import kzrights.anything`` first runs ``kzrights/__init__.py``, which
imports attrs: a tenth of a second or more in which Ctrl-C would otherwise
end in a traceback.  This module imports nothing but ``sys``, so `run` has
its ``try`` in place before any of the package is imported, and Ctrl-C at
any moment after the interpreter has started gives the command line's one
line and exit status 130.
"""

import sys

__all__ = ["run"]


def _interrupted() -> int:
    # once a command's output is complete (kzrights.cli says which), the line says so
    cli = sys.modules.get("kzrights.cli")
    said = getattr(cli, "_interrupted", lambda: "interrupted")()
    if sys.stderr is not None:
        sys.stderr.write(f"kzrights: {said}\n")
        sys.stderr.flush()
    return 130


def run() -> int:
    """Import the command line and run it; return the process exit code (as `kzrights.cli.main`)."""
    try:
        from kzrights.cli import main

        return main()
    except KeyboardInterrupt:  # while importing, or just before main() catches it itself
        return _interrupted()
