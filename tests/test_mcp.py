"""The assistant server, ``kzrights mcp``, driven as an MCP client drives it.

The end-to-end tests start the real command with the SDK's own client over
stdio (``mcp.client.stdio.stdio_client`` and ``ClientSession``), as Claude
Desktop or any client does; the property tests throw arbitrary arguments at
the tools' Python side, `kzrights.mcp_server.ToolBox`, which needs no SDK.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import kzrights
from kzrights._chars import strip_invisible
from kzrights.errors import (
    InputTooLongError,
    InputTooShortError,
    KzrightsError,
    ToolArgumentError,
    UnknownIdError,
)
from kzrights.mcp_server import MAX_ID_LENGTH, MAX_TEXT_LENGTH, TOOLS, ToolBox

from ._mcp_server import INITIALIZED, Server, initialize
from .conftest import ROOT, consumer

HOW_TO = ROOT / "docs" / "how-to" / "assistant-server.md"
KZRIGHTS = Path(sys.executable).with_name("kzrights")

CORRECT = (
    "peaceful activists seeking change to the political system "
    "are being targeted and harassed by the Government"
)
MISQUOTE = "peaceful activists seeking change are being targeted by the Government"
FABRICATED = "the Government of Kazakhstan has abolished every restriction on the press"


@pytest.fixture(scope="module")
def box() -> ToolBox:
    return ToolBox("1.1.0")


# ── the tools, in Python ───────────────────────────────────────────────────────


def test_every_answer_names_the_release_and_its_records(box):
    """Each tool's answer holds data_version, and the ids and IRIs of the records it comes from."""
    calls = {
        "search": {"query": "kettling"},
        "get": {"id": "recommendations.government.6"},
        "check_quote": {"quote": CORRECT},
        "cite": {"id": "conclusions.p12"},
        "annotate": {"text": "NUR OTAN met Токаев in Astana."},
        "recommendations": {"addressee": "international"},
    }
    assert set(calls) == set(TOOLS)
    for tool, arguments in calls.items():
        answer = box.call(tool, arguments)
        assert answer["data_version"] == "1.1.0", tool
        text = json.dumps(answer, ensure_ascii=False)
        assert re.search(r'"urn:kzrights:1\.1\.0:[a-z]', text), tool
        for uri in re.findall(r'"(urn:kzrights:[^"]+)"', text):
            version, record_id = kzrights.exports.parse_record_iri(uri)
            assert version == "1.1.0" and record_id in box.report


def test_check_quote_tells_a_quote_a_misquote_and_a_fabrication_apart(box):
    """A quote is exact and safe to print; a misquote altered, omissions listed; an invention not found."""
    exact = box.call("check_quote", {"quote": CORRECT})
    assert (exact["verdict"], exact["safe_to_print"]) == ("exact", True)
    assert exact["locations"][0]["id"] == "conclusions.p12"
    assert exact["citation"].endswith("[kzrights data 1.1.0, #conclusions.p12]")
    altered = box.call("check_quote", {"quote": MISQUOTE})
    assert (altered["verdict"], altered["safe_to_print"]) == ("altered", False)
    assert [d["text"] for d in altered["differences"]] == ["to the political system", "and harassed"]
    assert "[-and harassed-]" in altered["word_diff"]
    invented = box.call("check_quote", {"quote": FABRICATED})
    assert (invented["verdict"], invented["locations"], invented["citation"]) == ("not found", [], None)
    assert invented["closest"] and all(p["ids"] for p in invented["closest"])


def test_cite_matches_the_command_line_and_the_bibtex_export(box):
    """The text citation is what `kzrights cite` prints; the BibTeX one parses and pins the record."""
    out = subprocess.run(
        [sys.executable, "-m", "kzrights", "--data-version", "1.1.0", "cite", "conclusions.p12", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert box.call("cite", {"id": "conclusions.p12"})["citation"] == json.loads(out.stdout)["citation"]
    import bibtexparser

    bib = box.call("cite", {"id": "recommendations.government.6", "format": "bibtex"})["citation"]
    [entry] = bibtexparser.parse_string(bib).entries
    assert entry.key == "hug-2021-retreating-rights-kazakhstan"
    assert "Recommendation 6 to the Government of Kazakhstan" in entry["note"]
    assert "1.1.0" in entry["note"]
    csl = box.call("cite", {"id": "footnotes.3", "format": "csl-json"})["citation"]
    assert (csl["label"], csl["locator"]) == ("note", "3")
    assert csl["item"]["note"] == "kzrights data 1.1.0, #footnotes.3"


def test_recommendations_filter_by_addressee_and_theme(box):
    """Filters narrow the list; every recommendation keeps its themes and evidence."""
    everything = box.call("recommendations", {})["recommendations"]
    assert len(everything) == 15
    on_theme = box.call("recommendations", {"theme": "themes.freedom-of-assembly"})["recommendations"]
    assert on_theme and all("themes.freedom-of-assembly" in r["theme_ids"] for r in on_theme)
    both = box.call("recommendations", {"addressee": "international", "theme": "themes.freedom-of-assembly"})
    assert both["recommendations"] == []


@pytest.mark.parametrize(
    ("tool", "arguments", "error", "words"),
    [
        ("search", {}, ToolArgumentError, "argument 'query' of search: is required"),
        ("search", {"query": 5}, ToolArgumentError, "must be a string, not an integer"),
        ("search", {"query": "x", "limit": 0}, ToolArgumentError, "must be from 1 to 50"),
        ("search", {"query": "x", "limit": True}, ToolArgumentError, "must be an integer, not a boolean"),
        ("search", {"query": "x", "kinds": ["para"]}, ToolArgumentError, "must be one of paragraph"),
        ("search", {"query": "x", "kinds": ["item", "item"]}, ToolArgumentError, "names a value twice"),
        ("get", {"id": {"conclusions.p1"}}, ToolArgumentError, "must be a string, not set"),
        ("search", {"query": "x", "theme": "themes.nope"}, UnknownIdError, "themes.nope"),
        ("search", {"query": "x" * 10_001}, InputTooLongError, "limit is 10,000"),
        ("search", {"query": "x", "colour": "red"}, ToolArgumentError, "unknown argument 'colour'"),
        ("get", {"id": "conclusions.p99"}, UnknownIdError, "did you mean 'conclusions.p9'"),
        ("get", {"id": "x" * 1_000_000}, InputTooLongError, "1,000,000 characters"),
        ("get", ["conclusions.p1"], ToolArgumentError, "must be an object, not an array"),
        ("get", {"id": "\ud800"}, ToolArgumentError, "U+D800 is a lone surrogate"),
        ("check_quote", {"quote": ""}, ToolArgumentError, "is empty"),
        ("check_quote", {"quote": " \n\t"}, ToolArgumentError, "quote is empty"),
        ("search", {"query": "   "}, ToolArgumentError, "query is empty"),
        ("check_quote", {"quote": "x" * 20_000}, InputTooLongError, "20,000 characters"),
        ("check_quote", {"quote": "x" * 4_001}, InputTooLongError, "limit is 4,000: a quotation is found in"),
        ("cite", {"id": "entities.ebrd"}, ToolArgumentError, "no text record but an entity"),
        ("cite", {"id": "conclusions.p1", "format": "mla"}, ToolArgumentError, "text, bibtex, csl-json"),
        ("annotate", {"text": "x" * (MAX_TEXT_LENGTH + 1)}, InputTooLongError, "100,001"),
        ("annotate", {"text": None}, ToolArgumentError, "must be a string, not null"),
        ("recommendations", {"addressee": "EU"}, ToolArgumentError, "government, international"),
        ("nope", {}, UnknownIdError, "unknown tool 'nope'"),
    ],
)
def test_bad_arguments_give_a_clear_kzrights_error(box, tool, arguments, error, words):
    """Each bad call raises kzrights' own error, whose one-line message says what is wrong, briefly."""
    with pytest.raises(error) as raised:
        box.call(tool, arguments)
    message = str(raised.value)
    assert words in message
    assert len(message) < 300 and "\n" not in message


def _nested(depth: int, innermost: object = "conclusions.p1") -> object:
    """``innermost`` inside ``depth`` arrays, built without recursion."""
    value = innermost
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("depth", [101, 5_000, 200_000])
def test_arguments_nested_too_deep_are_a_tool_argument_error(box, depth):
    """A deeply nested argument from Python: ToolArgumentError, not the schema check's RecursionError."""
    with pytest.raises(ToolArgumentError, match=f"nested {depth + 1} deep; no tool takes more than 100"):
        box.call("get", {"id": _nested(depth)})


def test_arguments_nested_within_the_limit_get_the_schema_s_error(box):
    """100 levels: the schema check names the argument and its type, as for any array."""
    with pytest.raises(ToolArgumentError, match="argument 'id' of get: must be a string, not an array"):
        box.call("get", {"id": _nested(99)})


def test_release_1_0_0_has_no_entities_and_says_so():
    """Entities and themes came with 1.1.0: the 1.0.0 server answers those tools with an error."""
    old = ToolBox("1.0.0")
    assert old.call("check_quote", {"quote": CORRECT})["data_version"] == "1.0.0"
    with pytest.raises(KzrightsError, match="no entity registry"):
        old.call("annotate", {"text": "NUR OTAN"})
    with pytest.raises(KzrightsError, match="no themes"):
        old.call("recommendations", {"theme": "themes.freedom-of-assembly"})


def test_an_unknown_release_is_refused_at_once():
    """A server cannot be pinned to a release this package does not ship."""
    with pytest.raises(kzrights.UnknownVersionError):
        ToolBox("9.9.9")


def test_the_tool_error_pickles():
    """ToolArgumentError crosses process boundaries with its attributes, as every kzrights error does."""
    error = ToolArgumentError("search", "query", "is required")
    again = pickle.loads(pickle.dumps(error))
    assert (again.tool, again.argument, again.reason, str(again)) == (
        "search",
        "query",
        "is required",
        str(error),
    )


# ── property tests: arbitrary arguments ────────────────────────────────────────

_TEXT = st.text(
    st.characters(codec=None) | st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), max_size=40
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=8,
)


@st.composite
def _calls(draw: st.DrawFn) -> tuple[str, Any]:
    tool = draw(st.sampled_from([*TOOLS, "nope"]))
    names = list(TOOLS.get(tool, {"inputSchema": {"properties": {"x": None}}})["inputSchema"]["properties"])
    keys = st.sampled_from(names) | _TEXT
    arguments = draw(st.dictionaries(keys, _JSON | _TEXT, max_size=4) | _JSON)
    return tool, arguments


@settings(max_examples=300)
@given(call=_calls())
def test_any_arguments_give_an_answer_or_a_kzrights_error(box, call):
    """Whatever the arguments, a tool answers (JSON, UTF-8, with the release) or raises a KzrightsError."""
    tool, arguments = call
    try:
        answer = box.call(tool, arguments)
    except KzrightsError as error:
        message = str(error)
    else:
        assert answer["data_version"] == "1.1.0"
        json.dumps(answer, ensure_ascii=False).encode("utf-8")
        return
    assert "\n" not in message and len(message) < 400


@settings(max_examples=100)
@given(quote=st.text(min_size=1, max_size=300))
@example(quote="\u00ad")  # a soft hyphen alone: blank, as the library reads it
def test_any_quotation_gets_a_verdict(box, quote):
    """check_quote gives a verdict (located when found) for any text but blanks and single letters."""
    # blank: whitespace or invisible characters only (a soft hyphen alone is no quotation)
    if not strip_invisible(quote).strip():
        with pytest.raises(ToolArgumentError, match="check_quote: quote is empty"):
            box.call("check_quote", {"quote": quote})
        return
    if len(re.findall(r"[^\W_]", quote)) < 2:  # one letter, or marks alone: no quotation
        with pytest.raises(InputTooShortError, match="a quotation needs at least 2"):
            box.call("check_quote", {"quote": quote})
        return
    answer = box.call("check_quote", {"quote": quote})
    assert answer["verdict"] in ("exact", "equivalent", "altered", "not found")
    assert bool(answer["locations"]) == (answer["verdict"] != "not found")
    assert answer["safe_to_print"] == (answer["verdict"] in ("exact", "equivalent"))


@settings(max_examples=100)
@given(text=st.text(max_size=300))
def test_annotate_offsets_point_at_the_mentions(box, text):
    """Each mention's offsets slice the text it was found in."""
    for mention in box.call("annotate", {"text": text})["mentions"]:
        assert text[mention["start"] : mention["end"]] == mention["text"]


@settings(max_examples=200)
@given(uri=st.one_of(_TEXT, st.builds("urn:kzrights:{}:{}".format, _TEXT, _TEXT), _JSON))
def test_any_resource_iri_gives_the_record_or_a_kzrights_error(box, uri):
    """Any value read as a resource IRI gives a record of the served release, or a one-line KzrightsError."""
    try:
        record = box.read(uri)
    except KzrightsError as error:
        message = str(error)
    else:
        assert record["data_version"] == "1.1.0" and record["id"] in box.report
        return
    assert "\n" not in message and len(message) < 400


# ── the how-to page stays true ─────────────────────────────────────────────────

_DOCUMENTED = re.compile(r"<!-- mcp-call: (\w+) (\{[^\n]*\}) -->\n```json\n(.*?)\n```", re.S)


def test_the_how_to_shows_real_answers(box):
    """Every answer the how-to shows is what the tool gives for the arguments it names, value for value."""
    found = _DOCUMENTED.findall(HOW_TO.read_text(encoding="utf-8"))
    assert {tool for tool, _, _ in found} == set(TOOLS)
    for tool, arguments, shown in found:
        answer = json.loads(json.dumps(box.call(tool, json.loads(arguments))))  # as JSON carries it
        assert json.loads(shown) == answer, (tool, arguments)


def test_the_how_to_lists_every_tool_and_its_arguments():
    """The tools table names each tool and every argument of its schema."""
    page = HOW_TO.read_text(encoding="utf-8")
    for tool, spec in TOOLS.items():
        [row] = [line for line in page.splitlines() if line.startswith(f"| `{tool}` |")]
        for argument in spec["inputSchema"]["properties"]:
            assert f"`{argument}`" in row, (tool, argument)


# ── end to end: the real command, the SDK's own client, over stdio ────────────


def _documented_config() -> dict[str, Any]:
    text = HOW_TO.read_text(encoding="utf-8")
    block = re.search(r"<!-- mcp-config -->\n```json\n(.*?)\n```", text, re.S)
    assert block is not None
    server: dict[str, Any] = json.loads(block.group(1))["mcpServers"]["kzrights"]
    return server


def _session(errlog: Path) -> dict[str, Any]:
    """Run one client session against ``kzrights mcp`` as the how-to registers it; return what it saw."""
    mcp = consumer("mcp")
    import anyio
    from mcp.client.stdio import StdioServerParameters, stdio_client

    config = _documented_config()
    assert config["command"] == "kzrights"
    # the command the snippet names, from this environment (a client finds it on PATH)
    params = StdioServerParameters(command=str(KZRIGHTS), args=config["args"], env=dict(os.environ))
    seen: dict[str, Any] = {}

    async def call(session: Any, tool: str, arguments: Any) -> Any:
        return await session.call_tool(tool, arguments)

    async def run() -> None:
        with errlog.open("w", encoding="utf-8") as stderr:
            async with (
                stdio_client(params, errlog=stderr) as (read, write),
                mcp.ClientSession(read, write) as session,
            ):
                seen["initialize"] = await session.initialize()
                seen["tools"] = (await session.list_tools()).tools
                seen["resources"] = (await session.list_resources()).resources
                seen["read"] = await session.read_resource("urn:kzrights:1.1.0:recommendations.government.6")
                seen["stderr before tools"] = errlog.read_text(encoding="utf-8")
                good = {
                    "search": {"query": "kettling", "limit": 3},
                    "get": {"id": "conclusions.p12"},
                    "check_quote": {"quote": CORRECT},
                    "cite": {"id": "conclusions.p12", "format": "bibtex"},
                    "annotate": {"text": "Токаев met the EBRD in Astana."},
                    "recommendations": {"addressee": "government"},
                }
                seen["good"] = {tool: await call(session, tool, args) for tool, args in good.items()}
                bad = {
                    "search": {"query": 42},
                    "get": {"id": "conclusions.p99"},
                    "check_quote": {"quote": "x" * 50_000},
                    "cite": {"id": "themes.anti-corruption"},
                    "annotate": {"text": ["not", "a", "text"]},
                    "recommendations": {"theme": "\u202eevil\u0000"},
                    "no_such_tool": {},
                }
                seen["bad"] = {tool: await call(session, tool, args) for tool, args in bad.items()}
                seen["misquote"] = await call(session, "check_quote", {"quote": MISQUOTE})
                seen["fabricated"] = await call(session, "check_quote", {"quote": FABRICATED})
                seen["across"] = await call(session, "check_quote", {"quote": ACROSS})
                try:
                    await session.read_resource("urn:kzrights:1.1.0:")
                except Exception as error:  # noqa: BLE001 - the SDK's MCPError, checked below
                    seen["no id"] = error
                try:
                    await session.read_resource("urn:kzrights:1.1.0:conclusions.p99")
                except Exception as error:  # noqa: BLE001 - the SDK's MCPError, checked below
                    seen["unknown resource"] = error
                try:
                    await session.read_resource("urn:kzrights:1.0.0:conclusions.p1")
                except Exception as error:  # noqa: BLE001
                    seen["other release"] = error
                # the server still answers after all that
                seen["after"] = await call(session, "get", {"id": "footnotes.3"})

    anyio.run(run)
    seen["stderr"] = errlog.read_text(encoding="utf-8")
    return seen


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _session(tmp_path_factory.mktemp("mcp") / "stderr.txt")


def test_the_server_introduces_itself_and_lists_its_tools(session):
    """Initialization names the server and the release; tools/list gives the six tools and their schemas."""
    init = session["initialize"]
    assert init.server_info.name == "kzrights"
    assert "data release 1.1.0" in init.instructions
    tools = {tool.name: tool for tool in session["tools"]}
    assert set(tools) == set(TOOLS)
    for name, tool in tools.items():
        assert tool.input_schema == TOOLS[name]["inputSchema"]
        assert tool.input_schema["additionalProperties"] is False


def test_every_record_is_a_resource_at_its_iri(session):
    """resources/list names every id at urn:kzrights:1.1.0:<id>; reading one gives the record."""
    report = kzrights.load("1.1.0")
    uris = [resource.uri for resource in session["resources"]]
    assert uris == [kzrights.exports.record_iri("1.1.0", record_id) for record_id in report.ids()]
    [content] = session["read"].contents
    assert content.mime_type == "application/json"
    record = json.loads(content.text)
    assert record["data_version"] == "1.1.0"
    assert record["text"] == report.get("recommendations.government.6").text


def test_an_unknown_resource_is_a_clear_error(session):
    """An unknown IRI, or one of another release, is an MCP error naming what is wrong."""
    unknown = session["unknown resource"]
    assert unknown.code == -32002
    assert "did you mean 'urn:kzrights:1.1.0:conclusions.p9'" in str(unknown)
    assert "serves data release 1.1.0 only" in str(session["other release"])


def test_every_tool_answers_good_input(session):
    """Each tool's result is structured JSON (the same as its text), with the release, not an error."""
    for tool, result in session["good"].items():
        assert not result.is_error, (tool, result.content)
        assert result.structured_content["data_version"] == "1.1.0"
        assert json.loads(result.content[0].text) == result.structured_content
    assert session["good"]["search"].structured_content["hits"][0]["id"] == "recommendations.government.6"
    assert session["good"]["check_quote"].structured_content["verdict"] == "exact"
    assert "#conclusions.p12" in session["good"]["cite"].structured_content["citation"]
    mentions = session["good"]["annotate"].structured_content["mentions"]
    assert [m["entity_id"] for m in mentions] == ["entities.kassym-jomart-tokayev", "entities.ebrd"]


def test_every_tool_answers_bad_input_with_a_tool_error(session):
    """Bad arguments give isError and one clear line; the server goes on serving."""
    expected = {
        "search": "argument 'query' of search: must be a string, not an integer",
        "get": "unknown id 'conclusions.p99'",
        "check_quote": "the quote is 50,000 characters long; the limit is 4,000: a quotation is found",
        "cite": "no text record but a theme",
        "annotate": "argument 'text' of annotate: must be a string, not an array",
        "recommendations": "unknown theme",
        "no_such_tool": "unknown tool 'no_such_tool'",
    }
    for tool, result in session["bad"].items():
        assert result.is_error, tool
        [content] = result.content
        assert content.text.startswith("error: ") and expected[tool] in content.text, content.text
        assert "\n" not in content.text and "Traceback" not in content.text
    assert not session["after"].is_error


def test_a_misquote_and_a_fabricated_quote_over_the_wire(session):
    """The misquote is altered with its omissions; the fabricated one is not found, with nearest passages."""
    misquote = session["misquote"].structured_content
    assert misquote["verdict"] == "altered" and misquote["locations"][0]["id"] == "conclusions.p12"
    assert {d["kind"] for d in misquote["differences"]} == {"omitted"}
    fabricated = session["fabricated"].structured_content
    assert fabricated["verdict"] == "not found" and fabricated["closest"]


def test_startup_is_lazy(session):
    """No index is built to answer initialize, tools/list, resources/list and a read; search builds its own.

    The server says on stderr when it loads the release and builds each index
    (see the how-to); what it said before the first tool call is kept apart.
    """
    before = session["stderr before tools"]
    assert "serving data release 1.1.0 on stdio" in before
    assert "loaded data release 1.1.0" in before  # resources/list needs the records
    assert "built" not in before
    after = session["stderr"]
    assert "built the search index" in after and "built the quotation index" in after
    assert "built the entity matcher" in after


def test_the_server_shuts_down_cleanly(session):
    """When the client closes stdin the server stops by itself, and stderr holds no traceback."""
    stderr = session["stderr"]
    assert stderr.rstrip().endswith("kzrights mcp: stdin closed: stopped")
    assert "Traceback" not in stderr and "Error" not in stderr


# ── the command itself ─────────────────────────────────────────────────────────


def _command(*args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "kzrights", *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


def test_an_unknown_release_stops_the_command_with_one_line():
    """The command `kzrights mcp --data-version 9.9.9` exits 1 with one line, before it serves anything."""
    out = _command("mcp", "--data-version", "9.9.9")
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and "no data release '9.9.9'" in out.stderr


def test_json_is_refused():
    """--json has no meaning for a server that speaks JSON-RPC: a usage error, in one line (exit 2)."""
    out = _command("mcp", "--json")
    assert out.returncode == 2 and "mcp takes no --json" in out.stderr


def test_without_the_sdk_the_command_names_the_extra():
    """Without the mcp package, kzrights mcp exits 1 with one line naming kzrights[mcp]."""
    code = (
        "import sys; sys.modules['mcp'] = None\nfrom kzrights.cli import main\nsys.exit(main(sys.argv[1:]))"
    )
    out = _command("mcp", code=code)
    assert out.returncode == 1, out.stderr
    assert out.stderr.strip() == "kzrights: error: kzrights mcp needs mcp: pip install 'kzrights[mcp]'"


def test_a_closed_stdin_stops_the_server_at_once():
    """Started with nothing on stdin (a client that went away), the server stops by itself, status 0."""
    consumer("mcp")
    out = _command("mcp")
    assert out.returncode == 0, out.stderr
    assert out.stdout == "" and "Traceback" not in out.stderr


def test_lines_that_are_no_json_rpc_leave_the_server_serving():
    """Lines no client should send leave the server serving: the next request is answered.

    No JSON, a lone surrogate escape (answered with its request's id),
    arguments that are no object, a 3-million-character quotation.
    """
    lines = [
        initialize(client="raw"),
        INITIALIZED,
        b"this is not json",
        b'{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get","arguments":{"id":"\\ud800"}}}',
        b'{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get","arguments":["x"]}}',
        json.dumps({"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {
            "name": "check_quote", "arguments": {"quote": "\u202e" * 3_000_000}}}).encode(),
        json.dumps({"jsonrpc": "2.0", "id": 4, "method": "tools/call",
                    "params": {"name": "get", "arguments": {"id": "conclusions.p1"}}}).encode(),
    ]  # fmt: skip
    server = Server(command=[str(KZRIGHTS)])
    try:
        for line in lines:
            server.send(line)
        answers: dict[Any, Any] = {}
        while 4 not in answers or 5 not in answers:
            message = server.answer()  # the test fails if the server stops answering
            answers[message.get("id")] = message
    finally:
        stderr = server.close()
    status = server.process.returncode
    assert answers[3]["error"]["code"] == -32602  # the SDK refuses arguments that are no object
    assert answers[5]["result"]["isError"] and "limit is 4,000" in answers[5]["result"]["content"][0]["text"]
    assert json.loads(answers[4]["result"]["content"][0]["text"])["id"] == "conclusions.p1"
    # JSON escaping a lone surrogate: answered with its own id (issue 11, M1), not -32700 with id null
    assert answers[2]["error"]["code"] == -32602 and "lone surrogate" in answers[2]["error"]["message"]
    assert status == 0 and "Traceback" not in stderr


def test_the_input_schemas_state_the_librarys_own_limits():
    """The longest quotation and query the schemas allow are the ones the library takes, no more."""
    from kzrights.search import MAX_QUERY_LENGTH
    from kzrights.search.quotes import MAX_CHECK_LENGTH

    assert TOOLS["check_quote"]["inputSchema"]["properties"]["quote"]["maxLength"] == MAX_CHECK_LENGTH
    assert TOOLS["search"]["inputSchema"]["properties"]["query"]["maxLength"] == MAX_QUERY_LENGTH


# ── the fresh tester's findings (issue 16) ────────────────────────────────────

ACROSS = "the Government of Kazakhstan should: Stop targeting NGOs"  # a lead-in and its recommendation


def test_a_quotation_across_two_records_is_cited_with_both(session):
    """The citation of a quotation that runs across a boundary names every record it stands in."""
    answer = session["across"].structured_content
    ids = [place["id"] for place in answer["locations"]]
    assert ids == ["recommendations.p1", "recommendations.government.1"]
    assert answer["citation"].endswith(
        "[kzrights data 1.1.0, #recommendations.p1, #recommendations.government.1]"
    )
    assert "recommendation 1 to the Government of Kazakhstan" in answer["citation"]


def test_suggestions_for_a_malformed_iri_come_from_the_served_release(session):
    """`urn:kzrights:1.1.0:` (no id) on a 1.1.0 server suggests 1.1.0 IRIs, never another release's."""
    message = str(session["no id"])
    assert "did you mean" in message and "urn:kzrights:1.1.0:" in message
    assert not re.search(r"urn:kzrights:(?!1\.1\.0:)\d", message)


def test_parse_record_iri_suggests_iris_of_the_release_it_names():
    from kzrights.exports.iri import parse_record_iri

    with pytest.raises(UnknownIdError) as raised:
        parse_record_iri("urn:kzrights:1.1.0:")
    assert "urn:kzrights:1.1.0:" in str(raised.value) and "1.3.0" not in str(raised.value)


def test_recommendations_carry_their_sdg_targets_from_release_1_3_0():
    """On a release with SDG links the tool gives each recommendation's targets; before it, no such key."""
    answer = ToolBox("1.3.0").call("recommendations", {})
    report = kzrights.load("1.3.0")
    for item in answer["recommendations"]:
        assert item["sdg_target_ids"] == list(report.get(item["id"]).sdg_target_ids)
    assert any(item["sdg_target_ids"] for item in answer["recommendations"])
    assert all(
        "sdg_target_ids" not in item
        for item in ToolBox("1.1.0").call("recommendations", {})["recommendations"]
    )


def test_a_theme_has_one_length_limit_in_every_tool(box):
    """The theme argument of search and recommendations takes the same length, stated in both schemas."""
    limits = {
        tool: TOOLS[tool]["inputSchema"]["properties"]["theme"]["maxLength"]
        for tool in ("search", "recommendations")
    }
    assert set(limits.values()) == {MAX_ID_LENGTH}, limits
    too_long = "themes." + "x" * (MAX_ID_LENGTH - len("themes.") + 1)
    for tool, arguments in (("search", {"query": "kettling"}), ("recommendations", {})):
        with pytest.raises(InputTooLongError) as raised:
            box.call(tool, {**arguments, "theme": too_long})
        assert f"limit is {MAX_ID_LENGTH}" in str(raised.value), (tool, str(raised.value))
        with pytest.raises(UnknownIdError):  # at the limit: looked up, and not found
            box.call(tool, {**arguments, "theme": too_long[:-1]})


def test_requests_read_before_the_end_of_input_are_all_answered_in_order():
    """``printf ... | kzrights mcp``: every request sent before stdin closes gets its answer, then status 0.

    The SDK cancels requests still being served when its input ends; here the
    server answers them first (issue 11, tester finding 2: the last was lost).
    """
    calls = [
        ("search", {"query": "rights"}),
        ("get", {"id": "footnotes.3"}),
        ("check_quote", {"quote": "a listening state"}),
        ("annotate", {"text": "Токаев met the EBRD in Astana. " * 200}),
        ("get", {"id": "conclusions.p1"}),
        ("check_quote", {"quote": CORRECT}),
    ]
    lines = [
        initialize(client="pipe"),
        INITIALIZED,
        b'{"jsonrpc": "2.0", "id": 2, "method": "ping"}',
        b"not json",  # answered by kzrights itself, in its place
        *(
            json.dumps({"jsonrpc": "2.0", "id": 7 + n, "method": "tools/call",
                        "params": {"name": name, "arguments": arguments}}).encode()
            for n, (name, arguments) in enumerate(calls)
        ),
    ]  # fmt: skip
    server = Server(command=[str(KZRIGHTS)])
    for line in lines:
        server.send(line)
    stderr = server.close()  # stdin closes once every line is written, as a pipe's does
    assert server.process.returncode == 0 and "Traceback" not in stderr, stderr
    answers = server.unread()
    assert [a.get("id") for a in answers] == [1, 2, None, 7, 8, 9, 10, 11, 12]
    assert all("result" in a for a in answers if a["id"] is not None)
    assert answers[2]["error"]["code"] == -32700
    last = json.loads(answers[-1]["result"]["content"][0]["text"])
    assert last["verdict"] == "exact"


_HELLO = initialize().decode()


def _hello_into(stdout: Any) -> subprocess.CompletedProcess[str]:
    """``kzrights mcp`` sent one ``initialize`` and its input closed, writing to ``stdout``; stderr kept."""
    consumer("mcp")
    return subprocess.run(
        [str(KZRIGHTS), "mcp", "--data-version", "1.1.0"],
        input=_HELLO + "\n",
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
    )


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
def test_ctrl_c_stops_a_server_waiting_for_input():
    """Ctrl-C (SIGINT) stops a server idle on an open stdin at once: one line, status 130.

    Tester finding N1 (session 11): it waited for stdin to close, ignoring even a second Ctrl-C.
    """
    server = Server(command=[str(KZRIGHTS)])
    try:
        assert server.answer_to(_HELLO.encode())["id"] == 1  # served, now waiting on stdin
        status = server.interrupt()
    finally:
        stderr = server.close()
    assert status == 130, stderr
    assert stderr.splitlines()[-1] == "kzrights: interrupted", stderr
    assert "Traceback" not in stderr and "Error" not in stderr, stderr


def test_a_reader_gone_from_stdout_stops_the_server_quietly():
    """``kzrights mcp | head -c 10``: a server whose stdout is a closed pipe stops with one line, status 0.

    Tester finding N5 (session 11): "internal error ... ExceptionGroup", status 70.
    """
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first answer
    try:
        out = _hello_into(write_end)
    finally:
        os.close(write_end)
    assert out.returncode == 0, out.stderr
    assert out.stderr.splitlines()[-1] == "kzrights mcp: stdout closed: stopped", out.stderr
    assert "Traceback" not in out.stderr and "internal error" not in out.stderr, out.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_stdout_stops_the_server_with_an_error():
    """``kzrights mcp >/dev/full``: a full disk is an error: one line, status 1 (as for every command)."""
    with open("/dev/full", "w") as full:
        out = _hello_into(full)
    assert out.returncode == 1, out.stderr
    assert out.stderr.splitlines()[-1] == (
        "kzrights: error: cannot write the output: No space left on device"
    ), out.stderr
    assert "Traceback" not in out.stderr and "internal error" not in out.stderr, out.stderr


@settings(max_examples=40)
@given(
    data=st.lists(
        st.sampled_from([b"\n", b"{}", b"x" * 70_000, "é\u2028".encode(), b"\r\n", b"\xff"]), max_size=8
    ),
    piece=st.integers(min_value=1, max_value=100_000),
)
def test_stdin_is_read_as_its_lines_however_it_arrives(data: list[bytes], piece: int):
    """The server's stdin reader gives back exactly the bytes written, cut after each newline only.

    Any bytes (not UTF-8, CR, U+2028, lines longer than one read), written in pieces of any size.
    """
    consumer("mcp")
    import anyio
    from anyio.from_thread import BlockingPortal

    from kzrights.mcp_server import _StdinLines

    raw = b"".join(data)
    read_end, write_end = os.pipe()

    def write() -> None:
        with os.fdopen(write_end, "wb", buffering=0) as pipe:
            for start in range(0, len(raw), piece):
                pipe.write(raw[start : start + piece])

    async def read() -> list[bytes]:
        lines = _StdinLines(read_end)
        async with BlockingPortal() as portal:
            lines.start(portal)
            writer = threading.Thread(target=write)
            writer.start()
            got = [line async for line in lines]
            await portal.stop(cancel_remaining=True)
        lines.close()
        writer.join()
        return got

    import threading

    try:
        got = anyio.run(read)
    finally:
        os.close(read_end)
    assert b"".join(got) == raw
    assert all(line.endswith(b"\n") and line.count(b"\n") == 1 for line in got[:-1])
    assert b"" not in got and (not got or got[-1].count(b"\n") <= 1)
