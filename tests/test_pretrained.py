"""course_utils.pretrained: weights come from the torch hub cache or a bounded, verified download, never a hang.

Every test uses its own empty torch hub cache (TORCH_HOME in tmp_path). Tests that must not touch
the network refuse every outgoing connection and assert that none was attempted; downloads are
tested against a small HTTP server on 127.0.0.1 run by the test itself.
"""

from __future__ import annotations

import hashlib
import io
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import torch
from torchvision import models
from torchvision.models import Weights

from course_utils import pretrained

TIMEOUT = 0.5  # COURSE_DOWNLOAD_TIMEOUT in these tests


@pytest.fixture(autouse=True)
def hub(tmp_path, monkeypatch) -> Path:
    """An empty torch hub cache for each test; the download timeout is short and downloads are allowed."""
    monkeypatch.setattr(torch.hub, "_hub_dir", None)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    monkeypatch.setenv("COURSE_DOWNLOAD_TIMEOUT", str(TIMEOUT))
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)
    return tmp_path / "torch" / "hub" / "checkpoints"


@pytest.fixture
def no_network(monkeypatch) -> list:
    """Refuse every outgoing connection; the list records each attempt."""
    attempts: list = []

    def refuse(address, *args, **kwargs):
        attempts.append(address)
        raise OSError("network refused by the test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: refuse(address))
    return attempts


def checkpoint_bytes(seed: int = 0) -> tuple[bytes, dict[str, torch.Tensor]]:
    """A small state_dict saved the way torchvision's weight files are."""
    state = {"weight": torch.randn(3, 2, generator=torch.Generator().manual_seed(seed)), "bias": torch.zeros(3)}
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue(), state


def named(content: bytes, base: str = "http://127.0.0.1:9/models") -> Weights:
    """Weights whose file name carries the SHA-256 prefix of ``content``, as torchvision's do."""
    prefix = hashlib.sha256(content).hexdigest()[:8]
    return Weights(url=f"{base}/tiny-{prefix}.pth", transforms=lambda: None, meta={})


class Server:
    """Serve ``files`` (path -> bytes) on 127.0.0.1; ``stall`` sends headers, then nothing."""

    def __init__(self, files: dict[str, bytes], stall: bool = False) -> None:
        self.requests: list[str] = []
        self.stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append(self.path)
                body = files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if stall:
                    server.stop.wait(5)
                    return
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(2)


@pytest.fixture
def serve() -> Iterator:
    servers: list[Server] = []

    def start(files: dict[str, bytes], stall: bool = False) -> Server:
        servers.append(Server(files, stall))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def test_cached_weights_are_used_without_any_network_attempt(hub, no_network, capsys):
    content, state = checkpoint_bytes()
    weights = named(content)
    hub.mkdir(parents=True)
    (hub / pretrained.cached_weights_path(weights).name).write_bytes(content)
    assert pretrained.weights_available(weights)
    out = capsys.readouterr().out
    assert "<- torch hub cache: checkpoints/tiny-" in out and out.count("\n") == 1
    loaded = torch.hub.load_state_dict_from_url(weights.url)  # what torchvision's builders call
    torch.testing.assert_close(loaded, state)
    assert no_network == []


def test_a_torchvision_builder_loads_the_cached_file_offline(hub, no_network, monkeypatch, capsys):
    """The real builder reads the cached file (here random weights under the real name) without the network."""
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    weights = models.MobileNet_V3_Small_Weights.DEFAULT
    path = pretrained.cached_weights_path(weights)
    assert path.parent == hub and path.name == Path(weights.url).name
    reference = models.mobilenet_v3_small(num_classes=len(weights.meta["categories"]))
    hub.mkdir(parents=True)
    torch.save(reference.state_dict(), path)
    assert pretrained.weights_available(weights)
    assert "MobileNet_V3_Small_Weights.IMAGENET1K_V1 <- torch hub cache" in capsys.readouterr().out
    model = models.mobilenet_v3_small(weights=weights)
    torch.testing.assert_close(model.state_dict(), reference.state_dict())
    assert no_network == []


def test_offline_setting_means_no_network_attempt(no_network, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    assert not pretrained.weights_available(named(b"anything"))
    assert "COURSE_OFFLINE is set" in capsys.readouterr().out
    assert no_network == []


def test_an_unreachable_host_gives_up_within_the_timeout(hub, no_network, capsys):
    start = time.monotonic()
    assert not pretrained.weights_available(named(b"anything"))
    assert time.monotonic() - start < TIMEOUT + 1
    assert "is not reachable (offline?)" in capsys.readouterr().out
    assert len(no_network) == 1, "one bounded probe, no download attempt"
    assert not hub.exists() or list(hub.iterdir()) == []


def test_a_download_is_verified_and_then_served_from_the_cache(hub, serve, capsys):
    content, state = checkpoint_bytes()
    name = Path(named(content).url).name
    server = serve({f"/models/{name}": content})
    weights = named(content, base=f"{server.url}/models")
    assert pretrained.weights_available(weights)
    assert "<- downloaded from 127.0.0.1 into the torch hub cache" in capsys.readouterr().out
    assert sorted(p.name for p in hub.iterdir()) == [Path(weights.url).name], "no temporary file left"
    torch.testing.assert_close(torch.hub.load_state_dict_from_url(weights.url), state)
    assert pretrained.weights_available(weights)
    assert "<- torch hub cache" in capsys.readouterr().out
    assert len(server.requests) == 1, "the second call used the cache"


def test_a_corrupt_download_is_rejected_and_leaves_nothing(hub, serve, capsys):
    content, _ = checkpoint_bytes()
    name = Path(named(content).url).name
    server = serve({f"/models/{name}": content[:-10] + b"0123456789"})
    weights = named(content, base=f"{server.url}/models")
    assert not pretrained.weights_available(weights)
    assert "download from 127.0.0.1 failed" in capsys.readouterr().out and server.requests
    assert not hub.exists() or list(hub.iterdir()) == []


def test_a_stalled_download_gives_up(hub, serve, capsys):
    content, _ = checkpoint_bytes()
    name = Path(named(content).url).name
    server = serve({f"/models/{name}": content}, stall=True)
    weights = named(content, base=f"{server.url}/models")
    start = time.monotonic()
    assert not pretrained.weights_available(weights)
    assert time.monotonic() - start < TIMEOUT * 2 + 1
    assert "failed" in capsys.readouterr().out
    assert not hub.exists() or list(hub.iterdir()) == []


def test_an_unreadable_cached_file_is_reported_and_kept(hub, no_network, capsys):
    content, _ = checkpoint_bytes()
    weights = named(content)
    hub.mkdir(parents=True)
    path = hub / Path(weights.url).name
    path.write_bytes(content[: len(content) // 2])
    assert not pretrained.weights_available(weights)
    out = capsys.readouterr().out
    assert "unreadable" in out and "Delete it" in out and "run this cell again" in out
    assert path.read_bytes() == content[: len(content) // 2], "the learner's file is left as it was"
    assert no_network == []
