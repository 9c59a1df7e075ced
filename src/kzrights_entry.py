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
    """Import the command line and run it; return the process exit code (as `kzrights.cli.main`).

    Once the command is done, Ctrl-C is ignored until the process exits: the
    wrapper's ``sys.exit`` and the interpreter's shutdown have nothing left to
    stop, and a ``KeyboardInterrupt`` there would end the process by the
    signal, with no line (once, with a traceback from ``threading``), after
    an output that is complete.
    """
    try:
        from kzrights.cli import main

        status = main()
    except KeyboardInterrupt:  # while importing, or just before main() catches it itself
        status = _interrupted()
    while True:
        try:
            import signal  # imported by the command line already: no new import to interrupt

            signal.signal(signal.SIGINT, signal.SIG_IGN)
        except KeyboardInterrupt:  # it came before the handler changed: the command is still done
            continue
        except ValueError:  # not the main thread, which is the only one a signal reaches
            pass
        return status
