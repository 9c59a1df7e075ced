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
  then both sides release it (each first use puts kzrights' fork hooks
  after those of the modules imported before it, see `_FirstUseLock`, and a
  fork waits at most `FORK_WAIT` seconds: a first use may still wait for
  the lock of a library it imported itself, which that library's own fork
  hook took in the forking thread).  A function-level import of a module already
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
import sys
import threading
from typing import TYPE_CHECKING  # free: import attrs imports typing anyway

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import ParamSpec, TypeVar

    _P = ParamSpec("_P")
    _R = TypeVar("_R")

__all__ = ["FIRST_USE", "first_use", "whole_first_call"]


class _FirstUseLock:
    """A re-entrant lock that puts kzrights' fork hooks after any registered since, as it is taken.

    A fork runs the hooks registered before it last to first, so another
    library's hook registered after kzrights' (logging's, when ``import
    logging`` comes after ``import kzrights``) would run first and take that
    library's lock; a first use that needs that lock (pandas, importing,
    asks for a logger) would then never let kzrights' hook through.  So
    whoever takes this lock first registers kzrights' hooks again if any
    module was imported since they were last registered (modules register
    their hooks as they are imported): kzrights' hook then runs before
    theirs, and waits for the first use while their locks are still free.
    Only the first of kzrights' hooks to run at a fork does anything.
    """

    __slots__ = ("_lock",)

    def __init__(self) -> None:
        self._lock = threading.RLock()  # free: import attrs imports threading anyway

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        _hooks_after_imports()
        return self._lock.acquire(blocking, timeout)

    def release(self) -> None:
        self._lock.release()

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc_info: object) -> None:
        self._lock.release()

    def _is_owned(self) -> bool:
        """Whether the calling thread holds the lock (for tests)."""
        return bool(self._lock._is_owned())  # type: ignore[attr-defined]

    def _at_fork_reinit(self) -> None:
        self._lock._at_fork_reinit()  # type: ignore[attr-defined]


FIRST_USE = _FirstUseLock()
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
fork hook, registered after kzrights' last registration (logging's, when
logging is first imported after the first use began, by pandas or by any
other thread), runs
first and takes that library's lock, and the first use in progress (pandas,
importing, asks for a logger) waits for that lock while the fork waits for
the first use.  (A library imported before the first use began is not a
risk: see `_FirstUseLock`.)  After ``FORK_WAIT``
the fork goes ahead without it, and the child may inherit that first use
half done: Python's usual risk of forking a process with threads, for this
case alone.
"""

_fork = threading.local()  # whether the forking thread waits or took the lock: its hooks run in that thread


def _before_fork() -> None:
    if getattr(_fork, "waiting", False):
        return  # a later registration of this hook ran first, and waited
    _fork.waiting, _fork.held = True, False  # a Ctrl-C while it waits leaves the lock not taken
    _fork.held = FIRST_USE._lock.acquire(timeout=FORK_WAIT)


def _after_fork_in_parent() -> None:
    if getattr(_fork, "waiting", False):  # the first of the registrations to run
        _fork.waiting = False
        if _fork.held:
            _fork.held = False
            FIRST_USE.release()


def _after_fork_in_child() -> None:
    # The forking thread holds the lock (see below), or gave up waiting for it,
    # and is the child's only thread; a fresh lock is what either should leave,
    # without relying on the lock's identity.
    if not getattr(_fork, "waiting", False):
        return  # done by the first of the registrations to run
    _fork.waiting = False
    held, _fork.held = getattr(_fork, "held", False), False
    reinit = getattr(FIRST_USE._lock, "_at_fork_reinit", None)
    if reinit is not None:
        reinit()
    elif held:  # pragma: no cover - every CPython kzrights supports has it
        FIRST_USE.release()


_registered_with = -1  # how many modules were imported when the hooks were last registered
_REGISTRATIONS = 100  # at most, in a process: each fork runs every one (the first does the work)
_registrations = 0


def _hooks_after_imports() -> None:
    """Register kzrights' fork hooks (again) if modules were imported since they last were."""
    global _registered_with, _registrations
    imported = len(sys.modules)
    if imported != _registered_with and _registrations < _REGISTRATIONS and hasattr(os, "register_at_fork"):
        _registered_with = imported
        _registrations += 1
        os.register_at_fork(
            before=_before_fork,
            after_in_parent=_after_fork_in_parent,
            after_in_child=_after_fork_in_child,
        )


_hooks_after_imports()
