"""The assistant server answers every line a client sends, malformed ones included (issue 11).

Driven as a careless client drives it: a raw ``kzrights mcp`` subprocess, bytes
written to its stdin, its stdout read line by line with a deadline, so a
server that stays silent fails the test instead of blocking it.  Each
malformed line must get a JSON-RPC 2.0 error object, and the next, valid
request must still be served.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ._mcp_server import INITIALIZED, Server, initialize

INITIALIZE = initialize("init", protocol="2025-06-18")


@pytest.fixture(scope="module")
def server() -> Any:
    running = Server()
    yield running
    running.close()


def _error(answer: dict[str, Any], code: int, ident: object = None) -> str:
    assert answer.get("jsonrpc") == "2.0", answer
    assert "result" not in answer, answer
    assert answer["id"] == ident, answer
    assert answer["error"]["code"] == code, answer
    message = answer["error"]["message"]
    assert isinstance(message, str) and message
    return message


GARBAGE = [
    (b"not json", -32700),
    (b'{"jsonrpc": "2.0", "id": 1, "method": "ping"', -32700),
    (b'{"jsonrpc":"2.0","id":8,"method":"ping","params":{"x":"\xff\xfe"}}', -32700),
    (b"\xc3\x28", -32700),
    (b"[]", -32600),
    (b'[{"jsonrpc":"2.0","id":1,"method":"ping"}]', -32600),
    (b"42", -32600),
    (b'"ping"', -32600),
    (b"null", -32600),
    (b"{}", -32600),
    # an id the SDK cannot use: it read these as notifications and never answered
    (b'{"jsonrpc":"2.0","id":1.5,"method":"ping"}', -32600),
    (b'{"jsonrpc":"2.0","id":null,"method":"ping"}', -32600),
    (b'{"jsonrpc":"2.0","id":true,"method":"tools/list"}', -32600),
    (b'{"jsonrpc":"2.0","id":[1],"method":"ping"}', -32600),
    (b'{"jsonrpc":"2.0","id":{},"method":"ping"}', -32600),
    # Python's json reads these; JSON has no such constants
    (b"NaN", -32700),
    (b'{"jsonrpc":"2.0","id":14,"method":"ping","params":{"a":NaN}}', -32700),
]


def test_the_tester_s_lines_each_get_an_error_and_the_next_request_is_served():
    """Garbage, a lone surrogate, bad UTF-8, odd ids, then ``initialize``: an error each, then the answer."""
    server = Server()
    try:
        for raw, _ in GARBAGE:
            server.send(raw)
        server.send(INITIALIZE)
        for raw, code in GARBAGE:
            message = _error(server.answer(), code)
            assert message.startswith("Parse error" if code == -32700 else "Invalid Request"), raw
        initialized = server.answer()
        assert initialized["id"] == "init" and initialized["result"]["serverInfo"]["name"] == "kzrights"
    finally:
        log = server.close()
    assert "Traceback" not in log
    assert "stopped" in log


SURROGATES = [
    # (line, code, id): JSON that holds an escaped lone surrogate is still JSON, so never -32700
    (b'{"jsonrpc":"2.0","id":7,"method":"ping","params":{"x":"\\ud800"}}', -32602, 7),
    (
        b'{"jsonrpc":"2.0","id":"s","method":"tools/call","params":{"name":"search","arguments":'
        b'{"query":"\\ud800 abc"}}}',
        -32602,
        "s",
    ),
    (b'{"jsonrpc":"2.0","id":70,"method":"pi\\udfffng"}', -32600, 70),
    (b'{"jsonrpc":"2.0","id":"\\ud800","method":"ping"}', -32600, None),
    (b'[{"x":"\\ud800"}]', -32600, None),
]


@pytest.mark.parametrize(("raw", "code", "ident"), SURROGATES)
def test_a_request_holding_a_lone_surrogate_escape_is_answered_with_its_id(server, raw, code, ident):
    """M1: a request whose text escapes a lone surrogate gets an error carrying its id, then is served on."""
    message = _error(server.answer_to(raw), code, ident)
    assert "lone surrogate (U+D" in message
    server.send(b'{"jsonrpc":"2.0","id":71,"method":"ping"}')
    assert server.answer() == {"jsonrpc": "2.0", "id": 71, "result": {}}


def test_a_structurally_invalid_request_is_answered_with_its_id(server):
    """A request with an id but no method, or a bad jsonrpc field, gets -32600 naming its id."""
    server.send(b'{"jsonrpc":"2.0","id":9}')
    assert "method" in _error(server.answer(), -32600, 9)
    server.send(b'{"jsonrpc":"1.0","id":"x","method":"ping"}')
    assert "jsonrpc" in _error(server.answer(), -32600, "x")
    server.send(b'{"jsonrpc":"2.0","id":10,"method":"ping","params":[1]}')
    assert "params" in _error(server.answer(), -32600, 10)
    server.send(b'{"jsonrpc":"2.0","id":11,"method":"ping"}')
    assert server.answer() == {"jsonrpc": "2.0", "id": 11, "result": {}}


def test_invalid_params_of_a_known_method_are_answered(server):
    """A well-formed request whose params the method cannot take is answered -32602, then served on."""
    server.send(INITIALIZE)
    assert server.answer()["id"] == "init"
    server.send(INITIALIZED)
    server.send(b'{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":5}}')
    _error(server.answer(), -32602, 12)
    server.send(b'{"jsonrpc":"2.0","id":13,"method":"tools/list"}')
    assert server.answer()["id"] == 13


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    line=st.binary(min_size=1, max_size=80).filter(lambda b: b"\n" not in b and b"\r" not in b and b.strip())
)
def test_any_line_of_bytes_gets_one_answer_and_the_server_serves_on(server, line):
    """Arbitrary bytes: one error object (or a ping's answer), then a ping is still answered."""
    server.send(line)
    answer = server.answer()
    assert answer.get("jsonrpc") == "2.0" and ("error" in answer) != ("result" in answer)
    if "error" in answer:
        assert answer["error"]["code"] in (-32700, -32600, -32601, -32602)
    server.send(b'{"jsonrpc":"2.0","id":"ping","method":"ping"}')
    assert server.answer() == {"jsonrpc": "2.0", "id": "ping", "result": {}}


def test_a_notification_with_an_id_in_its_params_is_still_a_notification(server):
    """Only a message's own ``id`` makes it a bad request; one in ``params`` is the method's business."""
    server.send(b'{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3,"id":4}}')
    server.send(b'{"jsonrpc":"2.0","id":"after","method":"ping"}')
    assert server.answer() == {"jsonrpc": "2.0", "id": "after", "result": {}}
    # NaN and Infinity as words in a string are text, not JSON's missing constants
    server.send(b'{"jsonrpc":"2.0","id":"words","method":"ping","params":{"_meta":{"x":"NaN Infinity"}}}')
    assert server.answer() == {"jsonrpc": "2.0", "id": "words", "result": {}}


ODD_IDS = st.one_of(
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ident=ODD_IDS, method=st.sampled_from(["ping", "tools/list", "resources/list"]))
def test_a_request_with_an_id_of_any_other_type_is_answered(server, ident, method):
    """An id that is not a string or an integer gets -32600 (id null) rather than silence."""
    server.send(json.dumps({"jsonrpc": "2.0", "id": ident, "method": method}).encode())
    assert "'id'" in _error(server.answer(), -32600)
    server.send(b'{"jsonrpc":"2.0","id":"ping","method":"ping"}')
    assert server.answer() == {"jsonrpc": "2.0", "id": "ping", "result": {}}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ident=st.integers(-(2**31), 2**31) | st.text(st.characters(codec="utf-8"), max_size=8),
    key=st.text(st.characters(codec="utf-8"), max_size=5),
    before=st.text(st.characters(codec="utf-8"), max_size=5),
    surrogate=st.integers(0xD800, 0xDFFF),
)
def test_any_request_with_an_escaped_lone_surrogate_in_its_params_gets_its_id(
    server, ident, key, before, surrogate
):
    """Wherever a lone surrogate escape sits in the params, the answer carries the request's id."""
    params = json.dumps({key: before + "\x00"})  # a NUL, escaped as \u0000, marks where the surrogate goes
    params = params.replace("\\u0000", f"\\u{surrogate:04x}")
    raw = f'{{"jsonrpc":"2.0","id":{json.dumps(ident)},"method":"tools/call","params":{params}}}'
    _error(server.answer_to(raw.encode()), -32602, ident)


def _deep(depth: int, shape: str = "array") -> bytes:
    """A JSON value of arrays (or objects) nested ``depth`` levels deep."""
    if shape == "array":
        return b"[" * depth + b"]" * depth
    return b'{"a":' * depth + b"1" + b"}" * depth


def _deep_call(depth: int, ident: int) -> bytes:
    """A valid ``tools/call`` whose argument ``id`` is ``depth`` levels of arrays."""
    return (
        b'{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"get","arguments":{"id":' % ident
        + _deep(depth)
        + b"}}}"
    )


def _python_reads(line: bytes) -> bool:
    """Whether this Python's ``json`` reads the line."""
    try:
        json.loads(line)
    except RecursionError:
        return False
    return True


def _deepest_read() -> int:
    """How deep a ``_deep_call`` this Python's ``json`` reads, found when the module loads.

    The limit differs by version: 3.10 and 3.11 stop at the recursion limit
    (about 1,000 levels), 3.12 reads 1,100 levels and 3.13 5,000, stopping
    at their C stack limits.  It is found at import, not inside a test,
    because Hypothesis raises the recursion limit while its tests run.
    """
    low, high = 1, 200_000  # reads ``low`` levels; does not read ``high``
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if _python_reads(_deep_call(middle, 0)) else (low, middle)
    return low


DEEPEST_READ = _deepest_read()


def _ids_allowed(depth: int, ident: int) -> set[int | None]:
    """The ids an answer to ``_deep_call(depth, ident)`` may carry.

    The request's id when Python's json reads the line, else null.  The
    server reads in a stack of its own, so within 200 levels of the depth
    this module's Python reads either id is right.
    """
    if depth + 200 <= DEEPEST_READ:
        return {ident}
    if depth - 200 > DEEPEST_READ:
        return {None}
    return {ident, None}


DEEP = [
    # (line, ids the answer may carry): past what Python's json reads nothing of the line is read, so
    # its id is null; past only the SDK's own limit (about 200) the request's id is kept
    (_deep(1_100), {None}),
    (_deep(100_000), {None}),
    (_deep(5_000, "object"), {None}),
    (_deep_call(1_100, 5), _ids_allowed(1_100, 5)),
    (_deep_call(100_000, 7), {None}),
    (_deep_call(300, 6), {6}),
    (_deep(300, "object"), {None}),
]


@pytest.mark.parametrize(("line", "ids"), DEEP)
def test_a_line_nested_too_deep_is_a_parse_error_between_answered_requests(line, ids):
    """``initialize``, a deeply nested line, ``ping``: each is answered, and the server keeps serving.

    A line nested deeper than the recursion limit stopped the server with
    "internal error" (exit 70), and the answer to the request before it was
    never written.
    """
    server = Server()
    try:
        server.send(INITIALIZE)
        server.send(line)
        server.send(b'{"jsonrpc":"2.0","id":"after","method":"ping"}')
        initialized = server.answer()
        assert initialized["id"] == "init" and initialized["result"]["serverInfo"]["name"] == "kzrights"
        answer = server.answer()
        assert answer.get("id") in ids, answer
        message = _error(answer, -32700, answer["id"])
        assert message.startswith("Parse error: arrays or objects nested"), message
        assert server.answer() == {"jsonrpc": "2.0", "id": "after", "result": {}}
    finally:
        log = server.close()
    assert server.process.returncode == 0, log
    assert "internal error" not in log and "Traceback" not in log


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    depth=st.integers(1, 3_000),
    shape=st.sampled_from(["array", "object", "call"]),
)
def test_a_line_nested_to_any_depth_gets_one_answer_and_the_server_serves_on(server, depth, shape):
    """Any depth of nesting, bare or in a tool's arguments: one answer, never a dead server."""
    line = _deep_call(depth, 9) if shape == "call" else _deep(depth, shape)
    answer = server.answer_to(line)
    assert answer.get("jsonrpc") == "2.0" and ("error" in answer) != ("result" in answer), answer
    if "error" in answer:  # -32602 from the SDK: a tool call before initialize (a shared server)
        assert answer["error"]["code"] in (-32700, -32600, -32602), answer
        # the id is kept exactly when Python's json reads the line (a limit that differs by version)
        assert answer["id"] in (_ids_allowed(depth, 9) if shape == "call" else {None}), answer
    else:  # a shallow call reaches the tool, which refuses an array for an id
        assert shape == "call" and answer["result"]["isError"], answer
    assert server.answer_to(b'{"jsonrpc":"2.0","id":"ping","method":"ping"}') == {
        "jsonrpc": "2.0",
        "id": "ping",
        "result": {},
    }
