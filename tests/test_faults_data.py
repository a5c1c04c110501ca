"""Faults a learner or a classroom meets in the data layer (issue 11): mirrors, folders, settings, zips.

Case 2: a mirror that does not hold the dataset says so (missing files, expected layout, where it
looked) instead of falling through to the stand-in with a wrong reason, and the environment report
says what will really be used. Case 3: a data root that cannot be written is reported with the
fix before any work is done. Case 4: COURSE_DOWNLOAD_TIMEOUT must be a positive finite number.
Case 6: CIFAR-10 zips with unexpected member names or non-image members name the member. The
rest comes from the fault-injection pass over every input the package reads.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import socket
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import course_utils as cu
from course_utils import data, device, report

N_TRAIN, N_TEST = 30, 10
UNWRITABLE = Path("/proc/self/fdinfo")  # a real folder that nobody, root included, can create files in


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    """An empty data root, no mirror, and a network that refuses every connection."""
    folder = tmp_path / "data"
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    monkeypatch.delenv("COURSE_DATA_MIRROR", raising=False)
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)
    monkeypatch.delenv("COURSE_DOWNLOAD_TIMEOUT", raising=False)

    def refuse(*args, **kwargs):
        raise OSError("network unavailable (test)")

    monkeypatch.setattr(socket, "create_connection", refuse)
    return folder


@pytest.fixture
def mnist_files(monkeypatch) -> dict[str, bytes]:
    """Tiny MNIST in IDX form, with the expected checksums patched to match it."""
    rng = np.random.default_rng(0)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (N_TRAIN, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": (np.arange(N_TRAIN) % 10).astype(np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (N_TEST, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": (np.arange(N_TEST) % 10).astype(np.uint8),
    }
    files = {name: data._idx_bytes(array) for name, array in arrays.items()}
    table = {name: (hashlib.md5(content).hexdigest(), len(content)) for name, content in files.items()}
    monkeypatch.setattr(data, "MNIST_FILES", table)
    return files


def write_mirror(folder: Path, files: dict[str, bytes], skip: tuple[str, ...] = ()) -> Path:
    raw = folder / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if name not in skip:
            (raw / f"{name}.gz").write_bytes(gzip.compress(content))
    return folder


def jpeg(color=(120, 60, 30), size=(32, 32)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG")
    return buffer.getvalue()


def cifar_zip(path: Path, extra: dict[str, bytes] | None = None, per_class: int = 2) -> Path:
    """An ImageFolder zip like the mirror's, plus ``extra`` members."""
    with zipfile.ZipFile(path, "w") as zf:
        for split in ("train", "test"):
            for cls in data.CIFAR10_CLASSES:
                for i in range(per_class):
                    zf.writestr(f"{split}/{cls}/{i:04d}.jpg", jpeg())
        for name, content in (extra or {}).items():
            zf.writestr(name, content)
    return path


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# --------------------------------------------------------------------------- case 2: broken mirror


def test_mirror_lacking_one_mnist_file_names_it_the_layout_and_where_it_looked(
    root, mnist_files, tmp_path, monkeypatch
):
    mirror = write_mirror(tmp_path / "mirror", mnist_files, skip=("t10k-labels-idx1-ubyte",))
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(mirror))
    with pytest.raises(data.DataSourceError) as err:
        data.load_mnist()
    message = str(err.value)
    assert "MNIST/raw/t10k-labels-idx1-ubyte.gz" in message
    assert str(mirror / "MNIST" / "raw") in message, "where it looked"
    assert "MNIST/raw/train-images-idx3-ubyte.gz" in message and "cifar10-jpeg.zip" in message, "the layout"
    assert "COURSE_OFFLINE" not in message and "reachable" not in message, "no wrong reason"
    assert "미러" in message
    assert not (root / "standin").exists(), "no silent fall-through to the stand-in"


def test_empty_mirror_lists_every_missing_file(root, mnist_files, tmp_path, monkeypatch):
    (tmp_path / "usb").mkdir()
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(tmp_path / "usb"))
    with pytest.raises(data.DataSourceError) as err:
        data.load_mnist()
    assert all(f"MNIST/raw/{name}.gz" in str(err.value) for name in mnist_files)
    assert "is empty" in str(err.value)
    with pytest.raises(data.DataSourceError, match=r"cifar10-jpeg\.zip"):
        data.load_cifar10()


@pytest.mark.parametrize("too_deep", ["MNIST/raw", "MNIST"])
def test_mirror_pointing_too_deep_suggests_the_right_folder(root, mnist_files, tmp_path, monkeypatch, too_deep):
    mirror = write_mirror(tmp_path / "mirror", mnist_files)
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(mirror / too_deep))
    with pytest.raises(data.DataSourceError) as err:
        data.load_mnist()
    assert f"COURSE_DATA_MIRROR={mirror}" in str(err.value)


def test_mirror_one_level_too_high_suggests_the_subfolder(root, mnist_files, tmp_path, monkeypatch):
    write_mirror(tmp_path / "share" / "data", mnist_files)
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(tmp_path / "share"))
    with pytest.raises(data.DataSourceError) as err:
        data.load_mnist()
    assert f"COURSE_DATA_MIRROR={tmp_path / 'share' / 'data'}" in str(err.value)


def test_report_says_what_a_broken_mirror_really_gives(root, mnist_files, tmp_path, monkeypatch):
    mirror = write_mirror(tmp_path / "mirror", mnist_files, skip=("train-images-idx3-ubyte",))
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(mirror))
    status = data.data_status()
    assert status["MNIST"] != "real, local mirror"
    assert "not usable" in status["MNIST"] and "MNIST/raw/train-images-idx3-ubyte.gz" in status["MNIST"]
    assert "not usable" in status["CIFAR-10"] and "cifar10-jpeg.zip" in status["CIFAR-10"]
    text = report.environment_report()
    assert "real, local mirror" not in text and str(tmp_path) not in text
    assert tree(root) == [], "the report writes nothing"


def test_report_does_not_crash_on_a_mirror_that_is_not_a_folder(root, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(tmp_path / "nowhere"))
    text = report.environment_report()
    assert "local mirror: not usable" in text and "not a folder" in text and str(tmp_path) not in text


def test_complete_mirror_is_reported_and_used(root, mnist_files, tmp_path, monkeypatch):
    mirror = write_mirror(tmp_path / "mirror", mnist_files)
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(mirror))
    assert data.data_status()["MNIST"] == "real, local mirror"
    assert data.load_mnist().source.kind == "local mirror"
    assert data.data_status()["MNIST"] == "real, data root"


def test_mirror_holding_uncompressed_idx_files_is_accepted(root, mnist_files, tmp_path, monkeypatch):
    """A copy of someone's data/ folder has MNIST/raw/*-ubyte without .gz: same data, so it is used."""
    raw = tmp_path / "copied-data" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name, content in mnist_files.items():
        (raw / name).write_bytes(content)
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(tmp_path / "copied-data"))
    assert data.data_status()["MNIST"] == "real, local mirror"
    dataset = data.load_mnist()
    assert dataset.source.kind == "local mirror" and len(dataset) == N_TRAIN


def test_broken_mirror_is_not_consulted_when_the_data_root_has_the_data(root, mnist_files, tmp_path, monkeypatch):
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name, content in mnist_files.items():
        (raw / name).write_bytes(content)
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(tmp_path / "empty"))
    assert data.load_mnist().source.kind == "data root"
    assert data.data_status()["MNIST"] == "real, data root"


# --------------------------------------------------------------------------- case 3: unwritable data root


needs_proc = pytest.mark.skipif(not UNWRITABLE.is_dir(), reason="needs Linux /proc")


@needs_proc
def test_unwritable_data_root_with_a_mirror_gives_the_fix_not_an_oserror(mnist_files, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(UNWRITABLE))
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(write_mirror(tmp_path / "mirror", mnist_files)))
    with pytest.raises(data.DataSourceError) as err:
        data.load_mnist()
    assert "COURSE_DATA_DIR" in str(err.value) and "writable" in str(err.value) and "쓰기" in str(err.value)


@needs_proc
def test_unwritable_data_root_is_reported_before_the_cifar_decode(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    cifar_zip(mirror / data.MIRROR_CIFAR10_ZIP)
    monkeypatch.setenv("COURSE_DATA_DIR", str(UNWRITABLE))
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(mirror))
    monkeypatch.setattr(data, "decode_cifar10_zip", lambda *a, **k: pytest.fail("decoded before the write check"))
    with pytest.raises(data.DataSourceError, match="COURSE_DATA_DIR"):
        data.load_cifar10()


@needs_proc
def test_unwritable_data_root_offline_mnist_standin_gives_the_fix(monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(UNWRITABLE))
    monkeypatch.delenv("COURSE_DATA_MIRROR", raising=False)
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    with pytest.raises(data.DataSourceError, match="COURSE_DATA_DIR"):
        data.load_mnist()
    status = data.data_status()
    assert "not writable" in status["MNIST"]
    assert "not writable" in report.environment_report()


def test_a_file_in_place_of_a_data_folder_gives_the_fix(root, mnist_files, tmp_path, monkeypatch):
    root.mkdir(parents=True)
    (root / "MNIST").write_text("a file where the MNIST folder belongs")
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(write_mirror(tmp_path / "mirror", mnist_files)))
    with pytest.raises(data.DataSourceError) as err:
        data.load_mnist()
    assert str(root / "MNIST") in str(err.value) and "COURSE_DATA_DIR" in str(err.value)
    assert (root / "MNIST").read_text().startswith("a file"), "the learner's file is left alone"


def test_data_dir_that_is_a_file_is_explained(tmp_path, monkeypatch):
    target = tmp_path / "data.txt"
    target.write_text("notes")
    monkeypatch.setenv("COURSE_DATA_DIR", str(target))
    with pytest.raises(data.DataSourceError, match="is a file"):
        data.data_root()


def test_relative_data_dir_and_mirror_are_rejected(monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", "data")
    with pytest.raises(data.DataSourceError, match="absolute path"):
        data.data_root()
    monkeypatch.delenv("COURSE_DATA_DIR")
    monkeypatch.setenv("COURSE_DATA_MIRROR", "../shared/data")
    with pytest.raises(data.DataSourceError, match="absolute path"):
        data.mirror_dir()


def test_written_files_keep_the_usual_permissions_for_a_shared_data_root(root, mnist_files, tmp_path, monkeypatch):
    """Files are written through temporary files, but they must not end up owner-only (0600) like mkstemp's."""
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(write_mirror(tmp_path / "mirror", mnist_files)))
    previous = os.umask(0o022)
    try:
        data.load_mnist()
    finally:
        os.umask(previous)
    modes = {name: (root / "MNIST" / "raw" / name).stat().st_mode & 0o777 for name in mnist_files}
    assert set(modes.values()) == {0o644}, modes


def test_a_read_only_data_root_that_already_holds_the_data_still_works(root, mnist_files, monkeypatch):
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name, content in mnist_files.items():
        (raw / name).write_bytes(content)
    monkeypatch.setattr(data, "_writable_error", lambda folder: pytest.fail("nothing to write, nothing to check"))
    assert data.load_mnist().source.kind == "data root"


# --------------------------------------------------------------------------- case 4: timeout values


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "-inf", "0.0"])
def test_download_timeout_must_be_a_positive_finite_number(root, value, monkeypatch):
    monkeypatch.setenv("COURSE_DOWNLOAD_TIMEOUT", value)
    crashed = []
    monkeypatch.setattr(threading, "excepthook", lambda args: crashed.append(args))
    with pytest.raises(ValueError, match="positive number of seconds") as err:
        data.load_mnist()
    assert "COURSE_DOWNLOAD_TIMEOUT" in str(err.value) and "COURSE_OFFLINE=1" in str(err.value)
    assert crashed == [], "no traceback from a probe thread"
    assert "not usable" in report.environment_report().split("downloads:")[1].splitlines()[0]


def test_valid_timeout_values(monkeypatch):
    for value, expected in [("", data.DEFAULT_TIMEOUT_S), ("2.5", 2.5), (" 30 ", 30.0)]:
        monkeypatch.setenv("COURSE_DOWNLOAD_TIMEOUT", value)
        assert data.download_timeout() == expected


# --------------------------------------------------------------------------- case 6: CIFAR-10 zip members


@pytest.fixture
def zip_mirror(root, tmp_path, monkeypatch) -> Path:
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(mirror))
    return mirror / data.MIRROR_CIFAR10_ZIP


@pytest.mark.parametrize("member", ["train/cat/0000 (1).jpg", "train/cat/sub/0001.jpg", "train/cat/cat_01.jpg"])
def test_unexpected_member_names_are_named_with_the_layout(zip_mirror, member):
    cifar_zip(zip_mirror, extra={member: jpeg()})
    with pytest.raises(data.DataSourceError) as err:
        data.load_cifar10()
    assert repr(member) in str(err.value) and "train/<class>/NNNN.jpg" in str(err.value)


def test_a_member_that_is_not_an_image_is_named(zip_mirror):
    cifar_zip(zip_mirror, extra={"train/cat/0007.jpg": b"this is not a JPEG"})
    with pytest.raises(data.DataSourceError) as err:
        data.load_cifar10()
    assert "'train/cat/0007.jpg'" in str(err.value) and "BytesIO" not in str(err.value)


def test_an_image_of_the_wrong_size_is_named(zip_mirror):
    cifar_zip(zip_mirror, extra={"train/dog/0009.jpg": jpeg(size=(64, 48))})
    with pytest.raises(data.DataSourceError, match=r"'train/dog/0009\.jpg' is 64x48"):
        data.load_cifar10()


def test_a_zip_of_the_folder_instead_of_its_contents_is_explained(zip_mirror, tmp_path):
    inner = tmp_path / "inner.zip"
    cifar_zip(inner)
    with zipfile.ZipFile(inner) as src, zipfile.ZipFile(zip_mirror, "w") as dst:
        for name in src.namelist():
            dst.writestr(f"cifar10-jpeg/{name}", src.read(name))
    with pytest.raises(data.DataSourceError, match="cifar10-jpeg/"):
        data.load_cifar10()


def test_junk_that_zip_tools_add_is_ignored(zip_mirror):
    junk = {
        "__MACOSX/train/cat/._0000.jpg": b"x",
        "train/cat/.DS_Store": b"x",
        "train/cat/Thumbs.db": b"x",
        "README.txt": b"CIFAR-10",
    }
    cifar_zip(zip_mirror, extra=junk)
    dataset = data.load_cifar10()
    assert dataset.source.kind == "local mirror" and len(dataset) == 20


def test_a_cache_with_labels_out_of_range_is_rejected(root, zip_mirror):
    cifar_zip(zip_mirror)
    data.load_cifar10()
    cache = data._cifar10_cache_file(root.resolve(), True)
    with np.load(cache) as archive:
        images = archive["images"]
    buffer = io.BytesIO()
    np.savez(buffer, images=images, labels=np.full(len(images), 12, dtype=np.uint8))
    cache.write_bytes(buffer.getvalue())
    with pytest.raises(data.DataSourceError, match="does not hold CIFAR-10"):
        data.load_cifar10()


def test_an_incomplete_torchvision_cifar_folder_is_mentioned_when_falling_back(root):
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    (folder / "data_batch_1").write_bytes(b"partial")
    dataset = data.load_cifar10()
    assert dataset.source.is_standin
    assert "cifar-10-batches-py is incomplete" in dataset.source.detail and "data_batch_2" in dataset.source.detail
    assert (folder / "data_batch_1").read_bytes() == b"partial"


# --------------------------------------------------------------------------- other settings


@pytest.mark.parametrize("limit", [-5, 0, 2.5, True])
def test_a_limit_that_is_not_a_positive_count_is_rejected(root, limit):
    with pytest.raises(ValueError, match="limit must be a positive number"):
        data.load_mnist(limit=limit)
    with pytest.raises(ValueError, match="limit must be a positive number"):
        data.load_cifar10(limit=limit)


@pytest.mark.parametrize("value", ["maybe", "2", "offline"])
def test_offline_flag_that_is_not_a_flag_is_rejected(root, monkeypatch, value):
    monkeypatch.setenv("COURSE_OFFLINE", value)
    with pytest.raises(ValueError, match="COURSE_OFFLINE=1"):
        data.load_mnist()
    assert "not usable" in report.environment_report()


@pytest.mark.parametrize(("value", "allowed"), [("0", True), ("no", True), ("", True), ("TRUE", False), ("on", False)])
def test_offline_flag_values(monkeypatch, value, allowed):
    monkeypatch.setenv("COURSE_OFFLINE", value)
    assert data.download_allowed() is allowed


@pytest.mark.parametrize("value", ["meta", "xla", "vulkan"])
def test_device_names_that_cannot_train_are_rejected(monkeypatch, value):
    monkeypatch.setenv("COURSE_DEVICE", value)
    with pytest.raises(ValueError, match="cpu, cuda"):
        device.get_device()


@pytest.mark.parametrize("name", ["download_all", "data_dir", "brain", "lfw_subset"])
def test_photo_names_that_are_not_offline_photos_are_rejected(root, name, monkeypatch):
    import skimage.data

    monkeypatch.setattr(skimage.data, "download_all", lambda *a, **k: pytest.fail("started a download"))
    with pytest.raises(ValueError, match="chelsea"):
        data.load_sample_photo(name)


def test_every_offered_photo_loads_offline(root):
    assert {"chelsea", "coffee", "astronaut"} <= set(data.SAMPLE_PHOTOS), "the photos notebook 05 uses"
    for name in data.SAMPLE_PHOTOS:
        photo = cu.load_sample_photo(name)
        assert photo.mode == "RGB" and min(photo.size) > 0


def test_mnist_archive_table_matches_torchvision():
    from torchvision import datasets

    assert {name: md5 for name, (md5, _size) in data.MNIST_ARCHIVES.items()} == dict(datasets.MNIST.resources)
    assert data.CIFAR10_ARCHIVE[:2] == (datasets.CIFAR10.filename, datasets.CIFAR10.tgz_md5)
