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


def _wraps_an_interrupt(error: BaseException) -> bool:
    """Whether ``error`` is Python's wrapping of a Ctrl-C, not an error of its own.

    Before 3.12, an exception raised in a ``__set_name__`` comes out as a
    ``RuntimeError`` whose cause is the exception: a Ctrl-C while attrs
    imports ``platform`` (whose ``uname_result`` has a ``cached_property``)
    does.
    """
    cause, hops = error.__cause__, 0
    while cause is not None and hops < 8:
        if isinstance(cause, KeyboardInterrupt):
            return True
        cause, hops = cause.__cause__, hops + 1
    return False


def _interrupted() -> int:
    # once a command's output is complete (kzrights.cli says which), the line says so
    cli = sys.modules.get("kzrights.cli")
    said = getattr(cli, "_interrupted", lambda: "interrupted")()
    if sys.stderr is not None:
        sys.stderr.write(f"kzrights: {said}\n")
        sys.stderr.flush()
    return 130


def _called_by_the_console_script() -> bool:
    """Whether `run`'s caller is a script's own top level, as in the wrapper pip writes.

    That wrapper is ``from kzrights_entry import run``, then
    ``sys.exit(run())`` at the top level of the ``__main__`` module: nothing
    is left to do once `run` returns.  A program that calls `run` from a
    function of its own, or keeps its status (``status = run()``) or does
    anything else at its top level, may go on, and keeps its Ctrl-C.
    """
    getframe = getattr(sys, "_getframe", None)
    if getframe is None:  # an interpreter without frames to look at: keep Ctrl-C as it is
        return False
    try:
        caller = getframe(2)  # this function's caller is run; run's caller is the one asked about
    except ValueError:
        return False
    if caller.f_code.co_name != "<module>" or caller.f_globals.get("__name__") != "__main__":
        return False
    # and the script names nothing but what the wrapper does: one that keeps the status
    # (``status = run()``) or does anything else after it names more, and keeps its Ctrl-C
    names = set(caller.f_code.co_names)
    return "exit" in names and names <= _THE_WRAPPERS_NAMES


# the names pip's console script uses (``import re``, ``import sys``, ``from kzrights_entry
# import run``, ``if __name__ == "__main__"``, ``sys.argv[0] = re.sub(...)``, ``sys.exit(run())``)
_THE_WRAPPERS_NAMES = frozenset(["re", "sys", "kzrights_entry", "run", "__name__", "argv", "sub", "exit"])


def run() -> int:
    """Import the command line and run it; return the process exit code (as `kzrights.cli.main`).

    Called as the console command calls it (``sys.exit(run())`` at the top
    level of the ``__main__`` script), Ctrl-C is ignored once the command is
    done, until the process exits: the wrapper's ``sys.exit`` and the
    interpreter's shutdown have nothing left to stop, and a
    ``KeyboardInterrupt`` there would end the process by the signal, with no
    line (once, with a traceback from ``threading``), after an output that
    is complete.  Called from anywhere else (a function of a program that
    goes on), Ctrl-C is left as it was.
    """
    console = False  # asked first, inside the try: nothing after main() may be interrupted
    previous = sys.unraisablehook
    dropped: list[bool] = []

    def keep_the_interrupt(unraisable: "sys.UnraisableHookArgs") -> None:
        # A Ctrl-C inside a callback Python cannot raise from (the import system's
        # module-lock callback, a finalizer) would be printed as "Exception ignored"
        # and dropped: it is noted instead, and raised once the import (or the
        # command) is done. (Raised here, it would only be dropped again.)
        if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
            dropped.append(True)
        else:
            previous(unraisable)

    sys.unraisablehook = keep_the_interrupt
    try:
        console = _called_by_the_console_script()
        from kzrights.cli import main

        if dropped:  # pressed while the command line was importing
            raise KeyboardInterrupt
        status = main()
        if dropped:  # pressed while the command ran, and dropped by Python where it landed
            raise KeyboardInterrupt
    except KeyboardInterrupt:  # while importing, or just before main() catches it itself
        status = _interrupted()
    except RuntimeError as error:  # a Ctrl-C in a __set_name__ while importing (before 3.12)
        if not _wraps_an_interrupt(error):
            raise
        status = _interrupted()
    finally:
        if sys.unraisablehook is keep_the_interrupt:
            sys.unraisablehook = previous
    if not console:
        return status
    while True:
        try:
            import signal  # imported by the command line already: no new import to interrupt

            signal.signal(signal.SIGINT, signal.SIG_IGN)
        except KeyboardInterrupt:  # it came before the handler changed: the command is still done
            continue
        except ValueError:  # not the main thread, which is the only one a signal reaches
            pass
        return status
