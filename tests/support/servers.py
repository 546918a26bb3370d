"""Servers started in processes of their own, for tests and benchmarks: a free port, a server
for the length of a block, waiting until one answers."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def server(command: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    """Run ``command`` (a server on ``port``, its output in ``log``) until ``/healthz`` answers,
    then for the length of the block; its base URL."""
    url = f"http://127.0.0.1:{port}"
    with log.open("w") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        for _ in range(200):
            if process.poll() is not None:
                raise SystemExit(f"server stopped at start-up:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_until_answering(
    url: str, server: subprocess.Popen, log: Path, seconds: float = 60
) -> None:
    """Wait for a server started for the tests to answer ``url``; fail with its log if it stops
    or never answers."""
    import pytest  # here, not at the top: the benchmarks use this module without pytest

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server stopped at start-up:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the server did not answer {url}:\n{log.read_text(errors='replace')}")
