"""Command 1 of the README (`make lab`) serves JupyterLab on notebooks/ with every notebook listed."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TOKEN = "course-test-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lab_command(port: int) -> list[str]:
    """`make lab` as the README states it when the Makefile's venv is installed, else the same server directly."""
    args = f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={TOKEN} --ServerApp.port_retries=0"
    if (REPO / ".venv" / ".course-installed").is_file() and Path(sys.prefix).resolve() == (REPO / ".venv").resolve():
        return ["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"]
    root = ["--allow-root"] if os.geteuid() == 0 else []
    return [sys.executable, "-m", "jupyterlab", "--notebook-dir=notebooks", *root, *args.split()]


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


def test_make_lab_serves_the_notebooks(tmp_path):
    port = free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg")}
    server = subprocess.Popen(
        lab_command(port), cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = get(f"{base}/api/contents?token={TOKEN}")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()[-2000:]
                assert time.monotonic() < deadline, "JupyterLab did not start within 60 s"
                time.sleep(0.5)
        listed = {item["name"] for item in json.loads(body)["content"]}
        expected = {p.name for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")}
        assert status == 200 and expected and expected <= listed
        status, page = get(f"{base}/lab?token={TOKEN}")
        assert status == 200 and b"JupyterLab" in page
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
