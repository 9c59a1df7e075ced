"""``kzrights mcp`` in a subprocess, driven line by line as a client drives it.

Shared by the server tests of ``test_mcp.py`` and ``test_mcp_malformed.py``:
`Server` starts the command (skipping the test without the ``mcp`` extra),
writes raw lines to its stdin, and reads its stdout lines in a thread, with a
deadline on each answer, so that a silent or hung server fails the test
instead of blocking the run.
"""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from typing import Any

import pytest

from .conftest import consumer

WAIT = 60.0  # seconds for one answer: a loaded machine, never a silent server


def initialize(ident: object = 1, client: str = "t", protocol: str = "2025-11-25") -> bytes:
    """The line of an ``initialize`` request from the client ``client``."""
    params = {"protocolVersion": protocol, "capabilities": {}, "clientInfo": {"name": client, "version": "0"}}
    return json.dumps({"jsonrpc": "2.0", "id": ident, "method": "initialize", "params": params}).encode()


INITIALIZED = b'{"jsonrpc":"2.0","method":"notifications/initialized"}'
"""The notification a client sends once it has read the answer to ``initialize``."""


class Server:
    """``kzrights mcp --data-version 1.1.0`` in a subprocess, its stdout lines collected by a thread.

    ``command`` is how to start kzrights (default: ``python -m kzrights``).
    """

    def __init__(self, command: Sequence[str] = (sys.executable, "-m", "kzrights")) -> None:
        consumer("mcp")
        self.process = subprocess.Popen(
            [*command, "mcp", "--data-version", "1.1.0"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.lines: queue.Queue[bytes] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def send(self, raw: bytes) -> None:
        """Write one line of bytes to the server's stdin."""
        assert self.process.stdin is not None
        self.process.stdin.write(raw if raw.endswith(b"\n") else raw + b"\n")
        self.process.stdin.flush()

    def answer(self) -> dict[str, Any]:
        """The next line the server writes, as JSON; the test fails if none comes in time."""
        try:
            line = self.lines.get(timeout=WAIT)
        except queue.Empty:
            pytest.fail(f"no answer within {WAIT} s: the server is silent")
        value = json.loads(line)
        assert isinstance(value, dict)
        return value

    def answer_to(self, raw: bytes) -> dict[str, Any]:
        """Send one line and give the answer to it."""
        self.send(raw)
        return self.answer()

    def interrupt(self) -> int:
        """Send Ctrl-C (SIGINT) with stdin still open, and give the status the server stops with."""
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=10)  # stdin stays open: only Ctrl-C can stop it

    def close(self) -> str:
        """Close stdin, wait for the server to stop (killing one that does not), and give its stderr.

        The lines it wrote and nobody has read yet stay in `lines`.
        """
        assert self.process.stdin is not None and self.process.stderr is not None
        try:
            self.process.stdin.close()
            self.process.wait(timeout=WAIT)
        finally:
            if self.process.poll() is None:
                self.process.kill()  # a server that hangs fails the test, not the whole run
                self.process.wait()
        self.reader.join(timeout=WAIT)
        log = self.process.stderr.read().decode("utf-8", "replace")
        assert self.process.stdout is not None
        self.process.stdout.close()
        self.process.stderr.close()
        return log

    def unread(self) -> list[dict[str, Any]]:
        """The lines written and not read yet, as JSON (after `close`: all the rest)."""
        rest = []
        while not self.lines.empty():
            rest.append(json.loads(self.lines.get_nowait()))
        return rest
