"""kzrights across processes and threads: pickling, spawn pools, a real fork, first use from threads.

The scenarios that could hang (a pool whose error cannot come back, a child
forked while a lock was held) run as user scripts in a subprocess with a
timeout, in a session of their own, so that a regression fails the test
instead of hanging the suite.
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import json
import os
import pickle
import pkgutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzrights
from kzrights.errors import KzrightsError, MissingDependencyError
from kzrights.records import Mention, MentionList, Span

TIMEOUT = 120  # seconds for a whole scenario; each takes a few on an idle machine


def run_script(path: Path, code: str, *args: str, timeout: float = TIMEOUT) -> list[dict[str, object]]:
    """Run ``code`` as a script file, as a user would; return the JSON lines it prints.

    A script still running after ``timeout`` seconds is killed with everything
    it started (pool workers, forked children), and the test fails.
    """
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(path), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"{path.name} hung: still running after {timeout} s")
    assert process.returncode == 0, err
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def _all_error_classes() -> list[type[KzrightsError]]:
    """Every subclass of KzrightsError that kzrights defines, in any of its modules."""
    for module in pkgutil.walk_packages(kzrights.__path__, "kzrights."):
        if not module.name.endswith("__main__"):
            # an integration whose library is missing (kzrights.spacy) defines no error class
            with contextlib.suppress(MissingDependencyError):
                importlib.import_module(module.name)
    found: list[type[KzrightsError]] = [KzrightsError]
    for cls in found:
        found.extend(sub for sub in cls.__subclasses__() if sub not in found)
    return [cls for cls in found if cls.__module__.startswith("kzrights")]


ERROR_CLASSES = _all_error_classes()


def test_the_walk_finds_every_documented_error():
    """The class walk sees at least every error kzrights.errors exports (so the next test covers them)."""
    import kzrights.errors

    exported = {getattr(kzrights.errors, name) for name in kzrights.errors.__all__}
    assert exported <= set(ERROR_CLASSES)


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
@settings(max_examples=25)
@given(data=st.data(), protocol=st.integers(0, pickle.HIGHEST_PROTOCOL))
def test_every_error_survives_pickle_with_its_attributes(cls, data, protocol):
    """Any kzrights error, from any arguments, comes back from pickle the same: class, message, attributes."""
    error = data.draw(st.builds(cls))
    again = pickle.loads(pickle.dumps(error, protocol))
    assert type(again) is cls
    assert again.args == error.args
    assert str(again) == str(error)
    assert vars(again) == vars(error)
    assert copy.deepcopy(error).args == error.args


def test_an_error_keeps_its_notes_through_pickle():
    """Notes added to an error (Python 3.11+ add_note) travel with it."""
    error = kzrights.UnknownIdError("footnotes.99", ["footnotes.9"])
    error.__notes__ = ["while reading my_corpus.csv, row 7"]
    assert pickle.loads(pickle.dumps(error)).__notes__ == ["while reading my_corpus.csv, row 7"]


def test_a_shipped_release_pickles_as_itself():
    """A loaded release pickles (by its version) and comes back as the very object load() returns."""
    report = kzrights.load("1.1.0")
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        data = pickle.dumps(report, protocol)
        assert len(data) < 200
        assert pickle.loads(data) is report
    assert copy.deepcopy(report) is report
    assert copy.copy(report) is report


def test_a_release_this_installation_lacks_is_a_clear_error_on_unpickling():
    """A release pickled where it is shipped, unpickled where it is not, raises UnknownVersionError."""
    data = pickle.dumps(kzrights.load("1.1.0"))
    assert data.count(b"1.1.0") == 1
    with pytest.raises(kzrights.UnknownVersionError) as caught:
        pickle.loads(data.replace(b"1.1.0", b"9.9.9"))
    assert caught.value.version == "9.9.9"
    assert caught.value.available == kzrights.versions()


def test_any_other_report_pickles_by_value():
    """A Report other than the shipped object (an equal copy, a changed one) pickles and copies its data."""
    shipped = kzrights.load("1.1.0")
    shipped.search("kettling")  # the indexes built on first use are not carried over
    equal = attrs.evolve(shipped)
    changed = attrs.evolve(shipped, version="1.1.0+mine", themes=shipped.themes[:2])
    for original in (equal, changed):
        for clone in (pickle.loads(pickle.dumps(original)), copy.deepcopy(original)):
            assert clone is not original and clone is not shipped
            assert clone == original
            assert clone.version == original.version
            assert clone.source_text == shipped.source_text
            assert clone.themes == original.themes
            assert [hit.record.id for hit in clone.search("kettling")] == [
                hit.record.id for hit in shipped.search("kettling")
            ]
    assert pickle.loads(pickle.dumps(changed)) != shipped


def test_records_and_results_keep_pickling(report):
    """Records, mentions, hits, locations, concordance lines and related records all round-trip."""
    release = kzrights.load("1.1.0")
    values = [
        *release.records(),
        *release.sections,
        *release.entities,
        *release.mentions,
        *release.themes,
        *release.figures,
        *release.sources,
        release.metadata,
        *release.search("protest"),
        release.locate("a 'listening state'"),
        *release.concordance("kettling"),
        *release.related("recommendations.government.6"),
        report.get("footnotes.3"),
    ]
    for value in values:
        assert pickle.loads(pickle.dumps(value)) == value


@settings(max_examples=200)
@given(
    st.text() | st.lists(st.sampled_from(["Tokayev ", "NUR OTAN", "Бокаев", "EBRD", ", ", "x"])).map("".join)
)
def test_annotate_results_pickle_to_the_same_mentions(text):
    """What annotate() returns, for any text, comes back from pickle as an equal list of Mentions."""
    mentions = kzrights.annotate(text)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        again = pickle.loads(pickle.dumps(mentions, protocol))
        assert again == mentions
        assert type(again) is MentionList
        assert all(type(m) is Mention for m in again)
        assert again == list(mentions)


MENTIONS = st.builds(
    Mention,
    entity_id=st.text(),
    text=st.text(),
    start=st.integers(),
    end=st.integers(),
    record_id=st.none() | st.text(),
    source_span=st.none() | st.builds(Span, st.integers(0, 9), st.integers(9, 99)),
)


@given(st.lists(MENTIONS | st.tuples(st.text()) | st.integers() | st.none()))
def test_any_mention_list_pickles_to_an_equal_one(items):
    """A MentionList of any mentions, with anything else mixed in, comes back equal, item for item."""
    mentions = MentionList(items)
    again = pickle.loads(pickle.dumps(mentions))
    assert type(again) is MentionList
    assert again == mentions
    assert [type(item) for item in again] == [type(item) for item in mentions]


def test_a_mention_list_with_other_things_in_it_still_pickles_faithfully():
    """A MentionList a user appended something else to is not squeezed into columns, and loses nothing."""
    mentions = kzrights.annotate("President Tokayev met the EBRD.")
    mentions.append(Mention("entities.ebrd", "EBRD", 0, 4, "conclusions.p1", Span(3, 7)))
    mentions.append(("not", "a", "mention"))  # type: ignore[arg-type]
    assert pickle.loads(pickle.dumps(mentions)) == mentions


SPAWN_POOL = """
    import functools, json, multiprocessing

    import kzrights

    def show(error):
        print(json.dumps({"type": type(error).__name__, "attributes": vars(error), "message": str(error)}))

    if __name__ == "__main__":
        report = kzrights.load("1.1.0")
        context = multiprocessing.get_context("spawn")
        with context.Pool(2) as pool:
            for function, arguments in [
                (report.get, ["recommendations.government.1", "recommendations.governmnet.1"]),
                (kzrights.load, ["1.0.0", "9.9.9"]),
                (functools.partial(kzrights.annotate, version="1.0.0"), ["Tokayev"]),
            ]:
                try:
                    pool.map_async(function, arguments).get(timeout=60)
                except kzrights.KzrightsError as error:
                    show(error)
            releases = pool.map_async(kzrights.load, ["1.1.0", "1.0.0"]).get(timeout=60)
            print(json.dumps({"same": [releases[0] is report, releases[1] is kzrights.load("1.0.0")]}))
            texts = ["President Tokayev and NUR OTAN", "nothing here", "Oyan, Qazaqstan and Бокаев"] * 20
            found = pool.map_async(kzrights.annotate, texts, chunksize=8).get(timeout=60)
            print(json.dumps({"annotate": found == [kzrights.annotate(t) for t in texts]}))
"""


def test_a_spawn_pool_brings_every_error_back(tmp_path):
    """Mapping a function that raises in a spawn pool re-raises the kzrights error, attributes and all.

    Reports, mentions and errors cross in both directions: the workers get a
    bound method of a Report, and send back errors, releases and mentions.
    """
    lines = run_script(tmp_path / "pool_script.py", SPAWN_POOL)
    assert len(lines) == 5, lines
    id_error, version_error, release_error, same, annotated = lines
    assert id_error["type"] == "UnknownIdError"
    assert id_error["attributes"]["id"] == "recommendations.governmnet.1"
    assert "recommendations.government.1" in id_error["attributes"]["suggestions"]
    assert id_error["message"].startswith("unknown id 'recommendations.governmnet.1'; did you mean")
    assert version_error["type"] == "UnknownVersionError"
    assert version_error["attributes"] == {"version": "9.9.9", "available": list(kzrights.versions())}
    assert release_error["type"] == "UnsupportedReleaseError"
    assert release_error["attributes"] == {"version": "1.0.0"}
    assert same == {"same": [True, True]}
    assert annotated == {"annotate": True}


THREADS_AT_FIRST_USE = """
    import json, sys, threading

    import kzrights

    report = kzrights.load("1.1.0")
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter can
    calls = [
        lambda: report.search("kettling"),
        lambda: report.concordance("protest"),
        lambda: report.locate("a 'listening state'"),
        lambda: report.related("recommendations.government.1"),
        lambda: report.entity("Bokaev"),
        lambda: report.mentions_of("Tokayev"),
        lambda: kzrights.annotate("President Tokayev met the EBRD."),
        lambda: report.search("Bokaev", kinds="entity"),
    ]
    start = threading.Barrier(16)
    results, errors = {}, []

    def first_use(number):
        start.wait()
        try:  # each thread starts with one of the first four tools, then uses the others
            calls[number % 4]()
            results[number] = [repr(call()) for call in calls]
        except BaseException as error:
            errors.append(repr(error))

    threads = [threading.Thread(target=first_use, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    same = len({tuple(answers) for answers in results.values()}) == 1
    print(json.dumps({"errors": errors, "answers": len(results), "same": same}))
"""


def test_first_use_from_sixteen_threads_at_once(tmp_path):
    """16 threads making the first calls of every tool on a fresh Report at once all get their answers.

    Each run is a fresh process, and eight run side by side.  Before the
    first-use lock, on Python 3.13, one to two runs of eight ended in
    ``_DeadlockError`` or ``ImportError: cannot import name`` (the race needs
    the threads to collide, so a single run may well pass; 3.11 rarely shows it).
    """
    scripts = []
    for run in range(8):
        path = tmp_path / f"threads_{run}.py"
        path.write_text(textwrap.dedent(THREADS_AT_FIRST_USE), encoding="utf-8")
        scripts.append(path)
    processes = [
        subprocess.Popen(
            [sys.executable, str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for path in scripts
    ]
    outcomes = []
    try:
        for process in processes:
            out, err = process.communicate(timeout=TIMEOUT)
            assert process.returncode == 0, err
            outcomes.append(json.loads(out))
    finally:
        for process in processes:
            process.kill()
    assert outcomes == [{"errors": [], "answers": 16, "same": True}] * 8


FORK_DURING_FIRST_LOAD = """
    import json, os, sys, threading, time

    import kzrights
    from kzrights import releases

    def inside_first_load():
        store = releases._store
        if store is None or store._lock.acquire(blocking=False) is False:
            return store is not None
        store._lock.release()
        return False

    loader = threading.Thread(target=kzrights.load, args=("1.1.0",))
    loader.start()
    while not inside_first_load():
        if not loader.is_alive():
            print(json.dumps({"caught": False}))
            sys.exit()
    pid = os.fork()  # while the other thread holds the lock of the first load
    if pid == 0:
        report = kzrights.load("1.1.0")
        found = [m.entity_id for m in kzrights.annotate("President Tokayev")]
        hits = [hit.record.id for hit in report.search("kettling", kinds="recommendation")]
        os.write(1, (json.dumps({"child": found + hits}) + "\\n").encode())
        os._exit(0)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        status = "hung"
    loader.join()
    print(json.dumps({"caught": True, "child_status": status}))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() on this platform")
def test_a_fork_during_the_first_load_gives_a_working_child(tmp_path):
    """A process that forks while another thread is inside the first load() gets a child that works."""
    lines = run_script(tmp_path / "fork_script.py", FORK_DURING_FIRST_LOAD)
    assert lines[-1] == {"caught": True, "child_status": 0}
    assert lines[0] == {"child": ["entities.kassym-jomart-tokayev", "recommendations.government.6"]}
