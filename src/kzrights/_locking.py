"""The one lock behind kzrights' first-use work, safe across threads and ``fork()``.

Everything kzrights builds lazily and then shares (the release store, each
loaded release, a Report's search and quotation indexes and name index, the
entity matcher) is built under `FIRST_USE`, one re-entrant lock; and so is
every import kzrights makes after ``import kzrights``:

- the lazily imported names of the package (``kzrights.Linker``, ``.Report``,
  ``.annotate``, ``.diff``, ``.export``, ``.__version__``'s metadata) and of
  ``kzrights.search``;
- the function-level imports of each public tool: its module makes a
  ``prepare`` function that imports them all, wrapped by `first_use`, and the
  tool calls it before anything else (the Report's tools, ``annotate``,
  ``export``, ``kzrights.followup``'s functions, which also import the parts of
  openpyxl they use and look up the codecs they read with); a module whose
  tool makes no function-level import of a module not yet imported
  (``Linker``, ``diff``) needs none;
- what third-party code imports as it runs, on the first export of each
  format (cattrs, sqlite3, pyarrow, openpyxl) and the first
  ``to_dataframes()`` (pandas): that whole first call runs under the lock;
- the imports of the error classes: ``difflib``, for the closest ids, and
  ``pickle``, when one is pickled or copied.

So that:

- threads that all make their first call at once build each thing once, and
  never import the same modules at the same time (concurrent first imports of
  a package whose modules import each other end in ``_DeadlockError`` or
  ``ImportError: cannot import name`` on Python 3.12 and later);
- a process that forks while another thread is loading a release, or making
  any other first use, never inherits the lock held: the fork waits until
  that work is done (so the child inherits no half-done load and no import
  in progress, whose module lock no thread of the child would ever release),
  then both sides release it (a fork waits at most `FORK_WAIT` seconds: a
  first use may itself wait for another library's lock that the forking
  thread took in that library's own fork hook).  A function-level import of a module already
  imported takes no lock, so after a tool's first use nothing it does can
  leave a child stuck.  The user's own imports (``import kzrights`` itself,
  ``from kzrights.exports import export``) are theirs, as with any package.

``tests/test_processes.py`` forks during the first use of every lazy name
and tool, and records every module found while the lock is not held;
``tests/test_first_use_imports.py`` reads the source and fails on any
function-level import that nothing puts under the lock.

One lock for all of it cannot deadlock against itself: whoever holds it may
take it again, and nothing taken under it waits for another of kzrights'
locks.  First uses are serialised; later calls never touch it, but for the
errors' imports and ``Report.to_dataframes()``'s, which take it briefly, and
``verify``, whose checks run under it (each re-reads a whole release).
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING  # free: import attrs imports typing anyway

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import ParamSpec, TypeVar

    _P = ParamSpec("_P")
    _R = TypeVar("_R")

__all__ = ["FIRST_USE", "first_use", "whole_first_call"]

FIRST_USE = threading.RLock()  # free: import attrs imports threading anyway
"""Held while kzrights builds anything it caches for the process."""


def first_use(prepare: Callable[[], object]) -> Callable[[], None]:
    """Return a function that runs ``prepare`` once per process, under `FIRST_USE`.

    Each public tool calls the function its module makes of its own
    ``prepare`` (which imports every module the tool's calls import inside
    functions) before it does anything else.  The first call imports them
    all under the lock, so a ``fork()`` waits for it; every later call is
    one test of a flag.  A function-level import of a module that is already
    imported takes no lock, so nothing a tool does afterwards can leave a
    child stuck on an import lock held by a thread it did not inherit.

    ``prepare`` must only import (and it may raise: then the next call tries
    again).
    """
    done = False

    def run() -> None:
        nonlocal done
        if not done:
            with FIRST_USE:
                if not done:
                    prepare()
                    done = True

    run.__doc__ = prepare.__doc__
    run.__name__ = run.__qualname__ = getattr(prepare, "__name__", "run")
    return run


def whole_first_call(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Return ``function`` run whole under `FIRST_USE` until a call of it first succeeds.

    For a tool whose first call goes through another library that does
    first-use work of its own as it runs (openpyxl's imports, and
    `tempfile`'s first temporary file, which takes a module lock of its
    own): a ``fork()`` in another thread waits for all of it, as for
    kzrights' own first uses.  Later calls run without the lock.
    """
    done = False

    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        nonlocal done
        if done:
            return function(*args, **kwargs)
        with FIRST_USE:
            result = function(*args, **kwargs)
            done = True
        return result

    run.__doc__ = function.__doc__
    run.__name__ = run.__qualname__ = getattr(function, "__name__", "run")
    return run


FORK_WAIT = 10.0
"""The longest, in seconds, a ``fork()`` waits for a first use in another thread to finish.

Well beyond the slowest first use (importing pandas on a slow machine takes a
few seconds).  A fork can wait for ever otherwise: another library's own
fork hook, registered after kzrights' (logging's, when ``import logging``
comes after ``import kzrights``), runs first and takes that library's lock,
and the first use in progress (pandas, importing, asks for a logger) waits
for that lock while the fork waits for the first use.  After ``FORK_WAIT``
the fork goes ahead without it, and the child may inherit that first use
half done: Python's usual risk of forking a process with threads, for this
case alone.
"""

_fork = threading.local()  # whether the forking thread took the lock: its hooks run in that thread


def _before_fork() -> None:
    _fork.held = FIRST_USE.acquire(timeout=FORK_WAIT)


def _after_fork_in_parent() -> None:
    if getattr(_fork, "held", False):
        _fork.held = False
        FIRST_USE.release()


def _after_fork_in_child() -> None:
    # The forking thread holds the lock (see below), or gave up waiting for it,
    # and is the child's only thread; a fresh lock is what either should leave,
    # without relying on the lock's identity.
    held, _fork.held = getattr(_fork, "held", False), False
    reinit = getattr(FIRST_USE, "_at_fork_reinit", None)
    if reinit is not None:
        reinit()
    elif held:  # pragma: no cover - every CPython kzrights supports has it
        FIRST_USE.release()


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork()
    os.register_at_fork(
        before=_before_fork,
        after_in_parent=_after_fork_in_parent,
        after_in_child=_after_fork_in_child,
    )
