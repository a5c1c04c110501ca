"""The data sources, each with the network unavailable, with and without a mirror, and with corrupt files.

Small fake datasets stand in for the real files; the expected checksums are patched to theirs,
so the same code paths run as with the real 60 MB of MNIST and 62 MB of CIFAR-10.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import pickle
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from torchvision import datasets, transforms

from course_utils import data

N_TRAIN, N_TEST = 30, 10


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    """An empty data root, no mirror, and a network that refuses every connection."""
    folder = tmp_path / "data"
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    monkeypatch.delenv("COURSE_DATA_MIRROR", raising=False)
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)

    def refuse(*args, **kwargs):
        raise OSError("network unavailable (test)")

    monkeypatch.setattr(socket, "create_connection", refuse)
    return folder


def fake_mnist() -> dict[str, bytes]:
    """Tiny MNIST in IDX form: 30 train and 10 test images, labels cycling 0..9."""
    rng = np.random.default_rng(0)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (N_TRAIN, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": (np.arange(N_TRAIN) % 10).astype(np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (N_TEST, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": (np.arange(N_TEST) % 10).astype(np.uint8),
    }
    return {name: data._idx_bytes(array) for name, array in arrays.items()}


@pytest.fixture
def mnist_files(monkeypatch) -> dict[str, bytes]:
    files = fake_mnist()
    table = {name: (hashlib.md5(content).hexdigest(), len(content)) for name, content in files.items()}
    monkeypatch.setattr(data, "MNIST_FILES", table)
    return files


@pytest.fixture
def mnist_mirror(tmp_path, monkeypatch, mnist_files) -> Path:
    mirror = tmp_path / "mirror"
    raw = mirror / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name, content in mnist_files.items():
        (raw / f"{name}.gz").write_bytes(gzip.compress(content))
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(mirror))
    return mirror


def write_mnist_root(root: Path, files: dict[str, bytes]) -> Path:
    """Put the IDX files where torchvision reads them (``<root>/MNIST/raw``) and return that folder."""
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name, content in files.items():
        (raw / name).write_bytes(content)
    return raw


def write_cifar_zip(path: Path, per_class: int = 2, classes: tuple[str, ...] = data.CIFAR10_CLASSES) -> None:
    """An ImageFolder zip like the mirror's: train/<class>/NNNN.jpg and test/<class>/NNNN.jpg."""
    with zipfile.ZipFile(path, "w") as zf:
        for split in ("train", "test"):
            for k, cls in enumerate(classes):
                for i in range(per_class):
                    buffer = io.BytesIO()
                    Image.new("RGB", (32, 32), (20 * k, 100, 10 * i)).save(buffer, format="JPEG")
                    zf.writestr(f"{split}/{cls}/{i:04d}.jpg", buffer.getvalue())


@pytest.fixture
def cifar_mirror(tmp_path, monkeypatch) -> Path:
    mirror = tmp_path / "mirror"
    mirror.mkdir(exist_ok=True)
    write_cifar_zip(mirror / data.MIRROR_CIFAR10_ZIP)
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(mirror))
    return mirror


def tree(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` with its size and modification time."""
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()
    }


# --------------------------------------------------------------------------- locations


def test_data_root_does_not_depend_on_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    expected = Path(data.__file__).resolve().parents[1] / "data"
    monkeypatch.chdir(tmp_path)
    assert data.data_root() == expected
    monkeypatch.chdir(expected.parent / "notebooks")
    assert data.data_root() == expected


def test_data_root_env_override_is_created(root):
    assert data.data_root() == root.resolve()
    assert root.is_dir()


def test_missing_mirror_folder_says_what_to_do(root, monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(tmp_path / "nowhere"))
    with pytest.raises(data.DataSourceError, match="is not a folder"):
        data.load_mnist()


def test_printed_paths_are_machine_independent(root, mnist_mirror, capsys):
    data.load_mnist()
    line = capsys.readouterr().out
    assert str(root) not in line and str(mnist_mirror) not in line
    assert "$COURSE_DATA_MIRROR/MNIST/raw" in line


# --------------------------------------------------------------------------- MNIST


def test_mnist_from_mirror_then_from_data_root(root, mnist_mirror, capsys):
    before = tree(mnist_mirror)
    train = data.load_mnist(train=True)
    assert isinstance(train, datasets.MNIST)
    assert train.source.kind == "local mirror" and not train.source.is_standin
    assert len(train) == N_TRAIN
    assert (root / "MNIST" / "raw" / "train-images-idx3-ubyte").is_file()
    test = data.load_mnist(train=False)
    assert test.source.kind == "data root" and len(test) == N_TEST
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 2 and "local mirror" in out[0] and "data root" in out[1]
    assert tree(mnist_mirror) == before, "the mirror is read-only input"


def test_mnist_real_files_in_data_root_are_used_first(root, mnist_files):
    write_mnist_root(root, mnist_files)
    dataset = data.load_mnist(train=True, transform=transforms.ToTensor())
    image, label = dataset[3]
    assert dataset.source.kind == "data root"
    assert image.shape == (1, 28, 28) and image.dtype == torch.float32 and label == 3


def test_mnist_mirror_only_fills_missing_files(root, mnist_mirror, mnist_files):
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    kept = raw / "train-labels-idx1-ubyte"
    kept.write_bytes(mnist_files[kept.name])
    os.utime(kept, ns=(1_000_000_000, 1_000_000_000))
    data.load_mnist()
    assert kept.stat().st_mtime_ns == 1_000_000_000, "an existing file must not be rewritten"
    assert all((raw / name).is_file() for name in mnist_files)


def test_truncated_mnist_file_names_the_file_and_keeps_it(root, mnist_files):
    raw = write_mnist_root(root, mnist_files)
    broken = raw / "t10k-images-idx3-ubyte"
    broken.write_bytes(mnist_files[broken.name][:100])
    with pytest.raises(data.DataSourceError) as err:
        data.load_mnist(train=False)
    assert str(broken) in str(err.value) and "truncated" in str(err.value) and "Delete that file" in str(err.value)
    assert broken.stat().st_size == 100, "the corrupt file is reported, not deleted"


def test_corrupt_mnist_file_with_right_size_is_caught(root, mnist_files):
    raw = write_mnist_root(root, mnist_files)
    target = raw / "train-labels-idx1-ubyte"
    content = bytearray(mnist_files[target.name])
    content[-1] ^= 0xFF
    target.write_bytes(bytes(content))
    with pytest.raises(data.DataSourceError, match="wrong checksum"):
        data.load_mnist()


def test_truncated_mirror_archive_names_the_mirror_file(root, mnist_mirror):
    archive = mnist_mirror / "MNIST" / "raw" / "train-images-idx3-ubyte.gz"
    archive.write_bytes(archive.read_bytes()[:50])
    with pytest.raises(data.DataSourceError) as err:
        data.load_mnist()
    assert str(archive) in str(err.value) and "COURSE_DATA_MIRROR" in str(err.value)
    assert not (root / "MNIST" / "raw" / "train-images-idx3-ubyte").exists(), "nothing half-written"


def test_mirror_with_other_data_is_rejected(root, mnist_mirror, monkeypatch):
    name = "train-labels-idx1-ubyte"
    monkeypatch.setitem(data.MNIST_FILES, name, ("0" * 32, data.MNIST_FILES[name][1]))
    with pytest.raises(data.DataSourceError, match="checksum mismatch"):
        data.load_mnist()


def test_mnist_offline_without_mirror_uses_the_real_digit_standin(root, capsys):
    train = data.load_mnist(train=True)
    test = data.load_mnist(train=False)
    assert isinstance(train, datasets.MNIST)
    assert train.source.is_standin and "not reachable" in train.source.detail
    assert (len(train), len(test)) == (4_000, 1_000)
    assert np.bincount(test.targets.numpy(), minlength=10).tolist() == [100] * 10, "stratified split"
    assert train.data.dtype == torch.uint8 and int(train.data.max()) > 200, "real 0-255 digit images"
    assert not (root / "MNIST").exists(), "a stand-in is never written where real data belongs"
    assert (root / "standin" / "MNIST" / "raw" / "train-images-idx3-ubyte").is_file()
    assert "offline stand-in" in capsys.readouterr().out


def test_standin_does_not_block_a_later_real_copy(root, mnist_files, monkeypatch, tmp_path):
    assert data.load_mnist().source.is_standin
    mirror = tmp_path / "mirror"
    (mirror / "MNIST" / "raw").mkdir(parents=True)
    for name, content in mnist_files.items():
        (mirror / "MNIST" / "raw" / f"{name}.gz").write_bytes(gzip.compress(content))
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(mirror))
    dataset = data.load_mnist()
    assert dataset.source.kind == "local mirror" and len(dataset) == N_TRAIN


def test_failed_download_falls_back_with_the_reason(root, monkeypatch):
    """The download itself (against local servers) is tested in test_faults_download.py."""
    monkeypatch.setattr(data, "_reachable", lambda url, timeout: True)

    def failing_download(url, md5, size, folder, timeout):
        raise data._DownloadFailed("connection reset (test)")

    monkeypatch.setattr(data, "_download", failing_download)
    dataset = data.load_mnist()
    assert dataset.source.is_standin and "download failed (connection reset (test)" in dataset.source.detail
    assert not (root / "MNIST").exists()


def test_offline_flag_skips_the_download(root, monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setattr(data, "_reachable", lambda url, timeout: pytest.fail("must not probe the network"))
    assert "COURSE_OFFLINE is set" in data.load_mnist().source.detail


def test_a_hanging_network_is_given_up_after_the_timeout(monkeypatch):
    monkeypatch.setenv("COURSE_DOWNLOAD_TIMEOUT", "0.3")
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)

    def hang(*args, **kwargs):
        time.sleep(3)
        raise OSError("timed out (test)")

    monkeypatch.setattr(socket, "create_connection", hang)
    start = time.perf_counter()
    reason = data._offline_reason("https://example.invalid/x")
    assert "not reachable" in reason
    assert time.perf_counter() - start < 2


def test_bad_timeout_value_is_explained(monkeypatch):
    monkeypatch.setenv("COURSE_DOWNLOAD_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="number of seconds"):
        data.download_timeout()


def test_limit_keeps_the_interface(root, mnist_mirror):
    dataset = data.load_mnist(limit=7)
    assert len(dataset) == 7 and len(dataset.targets) == 7 and dataset.classes[0].startswith("0")


# --------------------------------------------------------------------------- CIFAR-10


def test_cifar_from_mirror_zip_behaves_like_torchvision(root, cifar_mirror):
    before = tree(cifar_mirror)
    dataset = data.load_cifar10(train=True, transform=transforms.ToTensor())
    assert isinstance(dataset, datasets.CIFAR10)
    assert dataset.source.kind == "local mirror" and not dataset.source.is_standin
    assert dataset.classes == list(data.CIFAR10_CLASSES) and dataset.class_to_idx["truck"] == 9
    assert dataset.data.shape == (20, 32, 32, 3) and dataset.data.dtype == np.uint8
    assert dataset.targets[:10] == list(range(10)), "classes are interleaved so any prefix is balanced"
    image, label = dataset[0]
    assert image.shape == (3, 32, 32) and label == 0
    assert tree(cifar_mirror) == before
    raw = data.load_cifar10(train=False)
    assert isinstance(raw[0][0], Image.Image) and raw.source.kind == "local mirror"


def test_cifar_cache_is_reused_as_data_root(root, cifar_mirror):
    first = data.load_cifar10(train=True)
    second = data.load_cifar10(train=True, limit=5)
    assert second.source.kind == "data root" and "decoded from the JPEG mirror" in second.source.detail
    assert np.array_equal(second.data, first.data[:5]) and len(second) == 5


def test_truncated_cifar_zip_names_the_file(root, cifar_mirror):
    archive = cifar_mirror / data.MIRROR_CIFAR10_ZIP
    archive.write_bytes(archive.read_bytes()[:300])
    with pytest.raises(data.DataSourceError) as err:
        data.load_cifar10()
    assert str(archive) in str(err.value) and "truncated or corrupt" in str(err.value)
    assert not data._cifar10_cache_file(root.resolve(), True).exists()


def test_cifar_zip_with_wrong_classes_is_rejected(root, cifar_mirror):
    write_cifar_zip(cifar_mirror / data.MIRROR_CIFAR10_ZIP, classes=("cat", "dog"))
    with pytest.raises(data.DataSourceError, match="expected the ten CIFAR-10"):
        data.load_cifar10()


def test_corrupt_cifar_cache_names_the_file(root, cifar_mirror):
    data.load_cifar10(train=True)
    cache = data._cifar10_cache_file(root.resolve(), True)
    cache.write_bytes(cache.read_bytes()[:64])
    with pytest.raises(data.DataSourceError) as err:
        data.load_cifar10(train=True)
    assert str(cache) in str(err.value) and "Delete it" in str(err.value)


def _write_torchvision_cifar(folder: Path, monkeypatch) -> None:
    """A miniature cifar-10-batches-py with the checksums torchvision expects patched to match."""
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    train_list, test_list = [], []
    for name, target in [*[(f"data_batch_{i}", train_list) for i in range(1, 6)], ("test_batch", test_list)]:
        batch = {"data": rng.integers(0, 256, (4, 3072), dtype=np.uint8), "labels": [0, 1, 2, 3]}
        blob = pickle.dumps(batch)
        (folder / name).write_bytes(blob)
        target.append([name, hashlib.md5(blob).hexdigest()])
    meta = pickle.dumps({"label_names": list(data.CIFAR10_CLASSES)})
    (folder / "batches.meta").write_bytes(meta)
    monkeypatch.setattr(datasets.CIFAR10, "train_list", train_list)
    monkeypatch.setattr(datasets.CIFAR10, "test_list", test_list)
    monkeypatch.setitem(datasets.CIFAR10.meta, "md5", hashlib.md5(meta).hexdigest())


def test_cifar_torchvision_layout_in_data_root_comes_first(root, cifar_mirror, monkeypatch):
    _write_torchvision_cifar(root / "cifar-10-batches-py", monkeypatch)
    dataset = data.load_cifar10(train=True)
    assert type(dataset) is datasets.CIFAR10 and dataset.source.kind == "data root" and len(dataset) == 20


def test_corrupt_torchvision_cifar_batch_names_the_file(root, monkeypatch):
    folder = root / "cifar-10-batches-py"
    _write_torchvision_cifar(folder, monkeypatch)
    (folder / "data_batch_3").write_bytes(b"oops")
    with pytest.raises(data.DataSourceError) as err:
        data.load_cifar10()
    assert str(folder / "data_batch_3") in str(err.value)
    assert (folder / "data_batch_3").read_bytes() == b"oops"


def test_cifar_offline_without_mirror_is_labelled_synthetic(root, capsys):
    dataset = data.load_cifar10(train=True)
    assert isinstance(dataset, datasets.CIFAR10) and dataset.source.is_standin
    assert "SYNTHETIC" in dataset.source.detail and "NOT real CIFAR-10" in capsys.readouterr().out
    assert "SYNTHETIC" in repr(dataset)
    assert len(dataset) == 5_000 and np.bincount(dataset.targets).tolist() == [500] * 10
    assert not (root / "cifar-10-batches-py").exists() and not (root / "cifar10-jpeg").exists()


def test_synthetic_cifar_is_learnable_but_not_trivial():
    from sklearn.linear_model import LogisticRegression

    x_train, y_train = data.synthetic_cifar10(2_000, seed=0)
    x_test, y_test = data.synthetic_cifar10(500, seed=1)
    model = LogisticRegression(max_iter=300).fit(x_train.reshape(len(x_train), -1) / 255.0, y_train)
    accuracy = model.score(x_test.reshape(len(x_test), -1) / 255.0, y_test)
    assert 0.6 < accuracy, f"a linear model should learn the synthetic classes, got {accuracy:.2f}"
    assert np.array_equal(data.synthetic_cifar10(10, seed=0)[0], data.synthetic_cifar10(10, seed=0)[0])


def test_cifar_arrays_reject_bad_shapes(root):
    source = data.Source("offline stand-in", "test")
    with pytest.raises(ValueError, match=r"uint8 \(N, 32, 32, 3\)"):
        data.CIFAR10FromArrays(root, np.zeros((2, 28, 28), np.uint8), [0, 1], True, source)
    with pytest.raises(ValueError, match="2 images but 3 labels"):
        data.CIFAR10FromArrays(root, np.zeros((2, 32, 32, 3), np.uint8), [0, 1, 2], True, source)


# --------------------------------------------------------------------------- photo and status


def test_sample_photo_ships_offline(root, capsys):
    photo = data.load_sample_photo()
    assert photo.mode == "RGB" and photo.size == (451, 300)
    assert "scikit-image" in capsys.readouterr().out


def test_own_photo_in_data_root_wins(root, capsys):
    (root / "photos").mkdir(parents=True)
    Image.new("RGB", (40, 20), "red").save(root / "photos" / "mycat.jpg")
    photo = data.load_sample_photo("mycat")
    assert photo.size == (40, 20) and "data root" in capsys.readouterr().out


def test_broken_photo_and_unknown_name_are_explained(root):
    (root / "photos").mkdir(parents=True)
    (root / "photos" / "bad.png").write_bytes(b"not an image")
    with pytest.raises(data.DataSourceError, match="not a readable image"):
        data.load_sample_photo("bad")
    with pytest.raises(ValueError, match=r"put nosuch\.jpg in"):
        data.load_sample_photo("nosuch")


def test_status_reports_without_writing(root, cifar_mirror):
    status = data.data_status()
    assert status["CIFAR-10"] == "real, local mirror"
    assert status["MNIST"].startswith("not usable: the local mirror lacks MNIST/raw/train-images-idx3-ubyte.gz")
    assert tree(root) == {}


def test_importing_the_package_leaves_torchvision_for_later():
    """torchvision costs about 3 s to import; notebooks that load no images (01, 02, 09, 11-13) skip it."""
    code = "import sys, course_utils; print('torchvision' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "False", "import course_utils imported torchvision: keep it behind _ImportOnUse"
    assert data.CIFAR10FromArrays.__mro__[1] is datasets.CIFAR10
    assert data.datasets.MNIST is datasets.MNIST
