"""Pretrained torchvision weights that never hang a notebook: use the torch hub cache, download only when reachable.

A torchvision model builder such as ``models.mobilenet_v3_small(weights=weights)`` reads its
weights from the torch hub cache (``torch.hub.get_dir()/checkpoints``) and, when they are not
there, downloads them with no overall time limit. :func:`weights_available` runs first and
makes sure the file is in the cache within a bounded time, or says why it is not; the notebook
then calls the builder itself, which reads the cached file without touching the network.

Sources, in order: the file already in the cache; a download from the weights' URL (skipped
when ``COURSE_OFFLINE`` is set or the host does not answer within ``COURSE_DOWNLOAD_TIMEOUT``
seconds), verified against the hash in its file name. A file already in the cache is never
overwritten or deleted.
"""

from __future__ import annotations

import hashlib
import os
import socket
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import torch
from torchvision.models import Weights, WeightsEnum

from .data import DEFAULT_TIMEOUT_S, OFFLINE_ENV, TIMEOUT_ENV, download_allowed

MAX_DOWNLOAD_S = 300.0  # the whole transfer gives up after this, however slowly the bytes keep coming
CHUNK = 1 << 16


def cached_weights_path(weights: WeightsEnum | Weights) -> Path:
    """The file torchvision reads ``weights`` from: ``<torch hub dir>/checkpoints/<file name of weights.url>``."""
    return Path(torch.hub.get_dir()) / "checkpoints" / Path(urlparse(weights.url).path).name


def _label(weights: WeightsEnum | Weights) -> str:
    """``MobileNet_V3_Small_Weights.IMAGENET1K_V1`` for an enum member, else the file name."""
    if isinstance(weights, WeightsEnum):
        return f"{type(weights).__name__}.{weights.name}"
    return Path(urlparse(weights.url).path).name


def _timeout() -> float:
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    try:
        return float(raw) if raw else DEFAULT_TIMEOUT_S
    except ValueError:
        raise ValueError(f"{TIMEOUT_ENV}={raw!r} is not a number of seconds.") from None


def _reachable(url: str, timeout: float) -> bool:
    """Whether a TCP connection to ``url``'s host opens within ``timeout`` s, name lookup included."""
    parsed = urlparse(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    result: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection((parsed.hostname, port), timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    worker = threading.Thread(target=probe, daemon=True)
    worker.start()
    worker.join(timeout)
    return bool(result and result[0])


def _readable(path: Path) -> str:
    """An empty string if ``path`` loads as a checkpoint, else what went wrong."""
    try:
        torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # a truncated zip, a pickle error, an HTML error page saved by hand, ...
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return ""


def _download(url: str, target: Path, timeout: float) -> None:
    """Fetch ``url`` into ``target`` through a temporary file; verify the hash prefix in the file name.

    Each wait for data is bounded by ``timeout`` and the whole transfer by ``MAX_DOWNLOAD_S``.
    Raises OSError or ValueError; nothing is left behind on failure.
    """
    match = torch.hub.HASH_REGEX.search(target.name)
    expected = match.group(1) if match else ""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.part")
    digest = hashlib.sha256()
    deadline = time.monotonic() + MAX_DOWNLOAD_S
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, tmp.open("wb") as out:
            while chunk := response.read(CHUNK):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"still downloading after {MAX_DOWNLOAD_S:.0f} s (too slow)")
                digest.update(chunk)
                out.write(chunk)
        if expected and not digest.hexdigest().startswith(expected):
            raise ValueError(f"the file's SHA-256 does not start with {expected}, as its name says: it is corrupt")
        if target.exists():  # someone else finished first: keep theirs
            return
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def weights_available(weights: WeightsEnum | Weights) -> bool:
    """Make sure ``weights`` (e.g. ``models.ResNet18_Weights.DEFAULT``) is in the torch hub cache; say where from.

    Prints one line naming the source: the cache, a download (only when ``COURSE_OFFLINE`` is not
    set and the host answers within ``COURSE_DOWNLOAD_TIMEOUT`` s), or why the weights are not
    available. Returns True when the model builder can now load them without the network.
    """
    label = _label(weights)
    path = cached_weights_path(weights)
    shown = f"checkpoints/{path.name}"
    if path.is_file():
        problem = _readable(path)
        if problem:
            print(
                f"{label}: the cached file {shown} in the torch hub cache is unreadable ({problem}). "
                f"Delete it (torch.hub.get_dir() shows where the cache is) and run this cell again to download it anew."
            )
            return False
        print(f"{label} <- torch hub cache: {shown} ({path.stat().st_size / 1e6:.1f} MB)")
        return True
    if not download_allowed():
        print(f"{label}: not in the torch hub cache, and {OFFLINE_ENV} is set, so nothing is downloaded.")
        return False
    timeout = _timeout()
    host = urlparse(weights.url).hostname
    if not _reachable(weights.url, timeout):
        print(f"{label}: not in the torch hub cache, and {host} is not reachable (offline?).")
        return False
    try:
        _download(weights.url, path, timeout)
    except (OSError, ValueError) as exc:  # URLError, timeouts and HTTP errors are OSErrors
        print(f"{label}: download from {host} failed ({type(exc).__name__}: {exc}).")
        return False
    print(f"{label} <- downloaded from {host} into the torch hub cache: {shown} ({path.stat().st_size / 1e6:.1f} MB)")
    return True
