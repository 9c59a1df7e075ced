"""The assistant server: what a tool call costs over MCP, against the same call in-process.

Usage (from the repository root, with ``pip install -e '.[mcp]'``)::

    python benchmarks/bench_mcp.py [--repeat 200]

A client (the MCP SDK's own ``ClientSession`` over ``stdio_client``) starts
``kzrights mcp --data-version 1.1.0`` and times, in one run: the start (spawn
to the ``initialize`` answer), then each tool on realistic input, call after
call, interleaved with the peer: the same answer from
``kzrights.mcp_server.ToolBox.call`` in this process, which is what the
server computes before the SDK encodes it.  The difference is the protocol:
JSON-RPC encoding, the pipe and the SDK's dispatch.  Medians in milliseconds;
the first call of each tool (which builds its index) is left out of both and
reported apart.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

CALLS: dict[str, dict[str, Any]] = {
    "search": {"query": "freedom of assembly protesters", "limit": 10},
    "get": {"id": "conclusions.p12"},
    "check_quote": {
        "quote": "peaceful activists seeking change are being targeted by the Government simply for "
        "membership of organisations that it has deemed extremist"
    },
    "cite": {"id": "recommendations.government.6", "format": "bibtex"},
    "annotate": {"text": "Kassym-Jomart Tokayev met the EBRD in Astana; Nur Otan and Max Bokayev. " * 20},
    "recommendations": {"addressee": "government"},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    repeat = parser.parse_args().repeat

    import anyio
    from mcp import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    from kzrights.mcp_server import ToolBox

    command = str(Path(sys.executable).with_name("kzrights"))
    params = StdioServerParameters(command=command, args=["mcp", "--data-version", "1.1.0"])
    box = ToolBox("1.1.0")
    wire: dict[str, list[float]] = {tool: [] for tool in CALLS}
    local: dict[str, list[float]] = {tool: [] for tool in CALLS}
    first: dict[str, float] = {}

    async def run() -> float:
        start = time.perf_counter()
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            started = time.perf_counter() - start
            for tool, arguments in CALLS.items():
                begin = time.perf_counter()
                await session.call_tool(tool, arguments)
                first[tool] = time.perf_counter() - begin
                box.call(tool, arguments)  # the in-process side builds its indexes too
            for _ in range(repeat):
                for tool, arguments in CALLS.items():
                    begin = time.perf_counter()
                    result = await session.call_tool(tool, arguments)
                    wire[tool].append(time.perf_counter() - begin)
                    assert not result.is_error
                    begin = time.perf_counter()
                    box.call(tool, arguments)
                    local[tool].append(time.perf_counter() - begin)
        return started

    started = anyio.run(run)
    print(f"kzrights mcp: spawn to the initialize answer {started * 1000:.0f} ms")
    print(f"{'tool':<16}{'first call':>12}{'over MCP':>12}{'in-process':>12}{'protocol':>12}")
    for tool in CALLS:
        over, inside = statistics.median(wire[tool]) * 1000, statistics.median(local[tool]) * 1000
        print(
            f"{tool:<16}{first[tool] * 1000:>10.1f}ms{over:>10.2f}ms{inside:>10.2f}ms{over - inside:>10.2f}ms"
        )


if __name__ == "__main__":
    main()
