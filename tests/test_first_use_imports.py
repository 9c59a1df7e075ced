"""Every import kzrights makes inside a function is made under the first-use lock, or is free.

The lock's promise (``kzrights._locking``): after ``import kzrights``, every
import the package makes runs under `FIRST_USE`, so that a ``fork()`` in
another thread never leaves the child an import lock that nobody will release.
Modules keep that promise with hand-written lists (the ``@first_use``
functions ``_import_tools``, ``_import_writers``, ``_import_followup``,
``_import_linker``) and with ``with FIRST_USE:`` blocks; a function-level
import added later and forgotten in the lists would break it without any test
noticing unless a test happened to drive that path.  The check here reads the
source, so it sees every path:

It walks ``src/kzrights`` with `ast` and takes every import statement inside a
function body (imports under ``if TYPE_CHECKING:`` never run).  Such an import
of module ``T`` in module ``M`` is safe when one of these holds:

1. ``T`` is imported already whenever ``M``'s code runs: it is in
   ``sys.modules`` after ``import kzrights`` in a fresh interpreter (this
   Python's own answer, asked once), or ``import kzrights``, ``M``'s packages
   or ``M`` import it at module level, directly or through other kzrights
   modules (followed in the source).  Importing it again is a look-up that
   takes no lock.
2. The statement is under the lock where it stands: inside ``with FIRST_USE``
   (or a name the module binds to ``FIRST_USE``, such as the release store's
   ``self._lock``), or in a function decorated with ``first_use`` or
   ``whole_first_call``.
3. ``M``'s own ``@first_use`` prepare function imports ``T`` (or a kzrights
   module that imports it at module level): the convention is that every
   public tool of ``M`` calls its prepare first.
4. The function is private (or in a private module) and every place in the
   package that names it calls it under the lock, by rules 2 or 4 (a call by
   name or as a method; any other mention, such as passing it as a value,
   counts as not under the lock).
5. ``M`` is a program rather than a library (`PROGRAMS`), or the function is
   in `UNDER_THE_LOCK_ELSEWHERE` with the reason it is safe.  That table
   cannot rot into a blanket exemption: an entry whose function no longer
   makes an import that needs it fails the test.

What it cannot see: rule 3 trusts that each public tool calls its module's
prepare first (``tests/test_processes.py`` drives that for every tool); rule 1
does not follow a third-party module's own imports (which only makes the check
stricter), and counts what the interpreter imports as it starts in this
environment (coverage's imports too, under coverage: a little laxer there;
the check that each table entry is still needed asks a plain interpreter).
``test_a_stray_function_level_import_is_caught`` shows that one
function-level import added to a copy of the package fails the check.
"""

from __future__ import annotations

import ast
import functools
import shutil
import site
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "src" / "kzrights"

PROGRAMS = {
    "kzrights.__main__": "``python -m kzrights``: a process of its own, which forks nothing",
    "kzrights.cli": "the ``kzrights`` command: a process of its own, which forks nothing",
    "kzrights.mcp_server": "``kzrights mcp``: the assistant server, a process of its own",
}

_EXPORT = "a format's first export runs whole under the lock (exports.export)"
UNDER_THE_LOCK_ELSEWHERE = {
    ("kzrights._compat", "_builtin_sha256"): "sha256_hex: the release store's checks, under the lock",
    ("kzrights._compat", "json_loads"): "reads a release's files as the store loads or verifies it",
    ("kzrights._compat", "_scanner"): "json_loads' C scanner, made as the store loads or verifies",
    ("kzrights._converter", "_make_unstructurer"): f"cattrs, for the programs and exports: {_EXPORT}",
    ("kzrights.exports._staging", "_rename"): f"ctypes: {_EXPORT}; followup's prepare imports it",
    ("kzrights.exports._staging", "_renameat2"): f"ctypes: {_EXPORT}; followup's prepare imports it",
    ("kzrights.exports.documents", "_web_url"): _EXPORT,
    ("kzrights.exports.workbooks", "_licence"): _EXPORT,
    ("kzrights.exports.writers", "release_document"): _EXPORT,
    ("kzrights.exports.frames", "to_dataframes"): "Report.to_dataframes calls it under the lock",
    ("kzrights.exports.datasette_plugin", "filters_from_request"): "runs in Datasette, which has datasette",
}


def _module_name(path: Path, package: Path) -> str:
    parts = [package.name, *path.relative_to(package).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _parents(name: str) -> set[str]:
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


class _Package:
    """The import statements of one copy of the package, read with `ast`."""

    def __init__(self, package: Path) -> None:
        self.files = {_module_name(p, package): p for p in sorted(package.rglob("*.py"))}
        self.trees = {m: ast.parse(p.read_text(encoding="utf-8"), str(p)) for m, p in self.files.items()}
        # (module, function stack, import node, under the lock where it stands)
        self.imports: list[tuple[str, tuple[str, ...], ast.Import | ast.ImportFrom, bool]] = []
        # (the module, for a use by bare name; the name; called under the lock where it stands;
        # the module and function making the call)
        self.uses: list[tuple[str | None, str, bool, tuple[str, str] | None]] = []
        self.functions: set[tuple[str, str]] = set()
        self.imported_names: dict[str, set[str]] = {}
        self.prepares: dict[str, set[str]] = {}
        for module, tree in self.trees.items():
            aliases = {"FIRST_USE", "_FIRST_USE"}
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign) and ast.unparse(node.value).endswith("FIRST_USE"):
                    aliases.update(ast.unparse(target) for target in node.targets)
            self._visit(module, tree, (), False, aliases)
        self.module_level: dict[str, set[str]] = {}
        for module, stack, node, _ in self.imports:
            if not stack:
                self.module_level.setdefault(module, set()).update(self.targets(module, node))

    def targets(self, module: str, node: ast.Import | ast.ImportFrom) -> set[str]:
        """The modules an import statement imports, with their packages."""
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                here = module if self.files[module].name == "__init__.py" else module.rpartition(".")[0]
                for _ in range(node.level - 1):
                    here = here.rpartition(".")[0]
                base = ".".join(filter(None, [here, node.module]))
            names = [base, *(f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in self.files)]
        return set(names).union(*map(_parents, names))

    def _visit(self, module, node, stack, locked, aliases):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                children, child = child.orelse, None
            else:
                children = [child]
            for item in children:
                self._visit_one(module, item, stack, locked, aliases)

    def _visit_one(self, module, child, stack, locked, aliases):
        if isinstance(child, ast.Import | ast.ImportFrom):
            self.imports.append((module, stack, child, locked))
            self.imported_names.setdefault(module, set()).update(a.asname or a.name for a in child.names)
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            decorators = {ast.unparse(d).rpartition(".")[2] for d in child.decorator_list}
            if "first_use" in decorators:
                prepared = self.prepares.setdefault(module, set())
                for statement in ast.walk(child):
                    if isinstance(statement, ast.Import | ast.ImportFrom):
                        prepared |= self.targets(module, statement)
            self.functions.add((module, child.name))
            under = locked or bool(decorators & {"first_use", "whole_first_call"})
            self._visit(module, child, (*stack, child.name), under, aliases)
        elif isinstance(child, ast.With | ast.AsyncWith):
            held = any(ast.unparse(item.context_expr) in aliases for item in child.items)
            self._visit(module, child, stack, locked or held, aliases)
        elif isinstance(child, ast.Call) and isinstance(child.func, ast.Name | ast.Attribute):
            by_name = isinstance(child.func, ast.Name)
            name = child.func.id if by_name else child.func.attr
            self.uses.append(
                (module if by_name else None, name, locked, (module, stack[-1]) if stack else None)
            )
            for argument in [*child.args, *child.keywords]:
                self._visit_one(module, argument, stack, locked, aliases)
            if isinstance(child.func, ast.Attribute):
                self._visit_one(module, child.func.value, stack, locked, aliases)
        elif isinstance(child, ast.Name | ast.Attribute) and isinstance(child.ctx, ast.Load):
            by_name = isinstance(child, ast.Name)
            name = child.id if by_name else child.attr
            # a mention that is no call (a function passed as a value): taken as not under the lock
            self.uses.append((module if by_name else None, name, False, None))
            self._visit(module, child, stack, locked, aliases)
        else:
            self._visit(module, child, stack, locked, aliases)

    def at_import(self, start: set[str]) -> set[str]:
        """``start`` and every module their module-level imports import, followed through kzrights."""
        seen: set[str] = set()
        todo = list(start)
        while todo:
            module = todo.pop()
            if module in seen:
                continue
            seen.add(module)
            todo.extend(self.module_level.get(module, ()))
        return seen

    def locked_functions(self) -> set[tuple[str, str]]:
        """The private functions that every use in the package calls under the lock (rule 4).

        A use by bare name counts against the functions of that name in its own
        module and in the modules it imports that name from; a use as an
        attribute (``self._load()``), against every function of that name.
        """
        by_name: dict[str, list[tuple[str | None, bool, tuple[str, str] | None]]] = {}
        for where, name, under, caller in self.uses:
            by_name.setdefault(name, []).append((where, under, caller))
        uses = {
            (module, name): [
                (under, caller)
                for where, under, caller in by_name.get(name, [])
                if where is None or where == module or name in self.imported_names.get(where, ())
            ]
            for module, name in self.functions
            if (name.startswith("_") or "._" in module) and not name.startswith("__")
        }
        locked: set[tuple[str, str]] = set()
        while True:
            more = {
                function
                for function, calls in uses.items()
                if function not in locked and calls and all(under or by in locked for under, by in calls)
            }
            if not more:
                return locked
            locked |= more


@functools.cache
def imported_by_import_kzrights(*, hooks: bool = True) -> frozenset[str]:
    """What ``import kzrights`` leaves in ``sys.modules`` of a fresh interpreter of this Python.

    With ``hooks=False`` the interpreter starts without running the ``.pth``
    files of its site-packages (``-S``, the folders added by hand), so a hook
    such as coverage's, which imports ``json``, ``urllib.parse`` and more in
    every process, does not count: the answer of a plain installation.  The
    probe still imports `site` (which ``-S`` leaves unimported, and its
    ``main()`` unrun), so that what a normal start imports counts as there.
    """
    if hooks:
        argv = [sys.executable, "-c", "import sys, kzrights; print('\\n'.join(sys.modules))"]
    else:
        folders = [str(ROOT / "src"), *site.getsitepackages()]
        probe = (
            "import sys, site; sys.path[:0] = sys.argv[1:2]; sys.path.extend(sys.argv[2:]); "
            "import kzrights; print('\\n'.join(sys.modules))"
        )
        argv = [sys.executable, "-S", "-c", probe, *folders]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=True)
    return frozenset(result.stdout.split())


@functools.cache
def unlocked_imports(package: Path, free: frozenset[str]) -> dict[tuple[str, str], list[str]]:
    """Each function of ``package`` whose imports no rule above makes safe, and what they import."""
    found = _Package(package)
    locked_functions = found.locked_functions()
    top = package.name
    unlocked: dict[tuple[str, str], list[str]] = {}
    for module, stack, node, locked in found.imports:
        if not stack or locked or module in PROGRAMS or {(module, f) for f in stack} & locked_functions:
            continue
        safe = free | found.at_import({top, module, *_parents(module)})
        safe |= found.at_import(found.prepares.get(module, set()))
        missing = sorted(found.targets(module, node) - safe)
        if missing:
            unlocked.setdefault((module, stack[-1]), []).extend(missing)
    return unlocked


def test_every_function_level_import_is_made_under_the_first_use_lock():
    """No function of kzrights imports a module outside the lock, but those the table gives a reason for.

    The table's entries are each still needed, so it cannot grow stale either.
    """
    unlocked = unlocked_imports(PACKAGE, imported_by_import_kzrights())
    unexplained = {
        where: modules for where, modules in unlocked.items() if where not in UNDER_THE_LOCK_ELSEWHERE
    }
    assert unexplained == {}, "import these in the module's @first_use prepare function, or under FIRST_USE"
    # Whether an entry is still needed is asked of a plain installation: under
    # coverage's start-up hook (CI's consumers Python) the modules it imports
    # are free, and two entries would look stale that a user's Python needs.
    plain = unlocked_imports(PACKAGE, imported_by_import_kzrights(hooks=False))
    assert set(UNDER_THE_LOCK_ELSEWHERE) - set(plain) == set(), "these entries are no longer needed"


def test_a_stray_function_level_import_is_caught(tmp_path):
    """A copy of the package with one more function-level import, outside the lists, fails the check."""
    copy = tmp_path / "kzrights"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("data", "__pycache__"))
    report = copy / "report.py"
    source = report.read_text(encoding="utf-8")
    stray = "        from .search.index import SearchIndex\n"
    assert stray in source
    report.write_text(
        source.replace(stray, stray + "        import mailbox  # noqa: F401\n", 1), encoding="utf-8"
    )
    free = imported_by_import_kzrights()
    assert unlocked_imports(copy, free).get(("kzrights.report", "search")) == ["mailbox"]
    assert ("kzrights.report", "search") not in unlocked_imports(PACKAGE, free)
