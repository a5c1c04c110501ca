import random

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, Dataset

from course_utils import device as dev


def test_env_override_picks_cpu(monkeypatch):
    monkeypatch.setenv("COURSE_DEVICE", "cpu")
    assert dev.get_device() == torch.device("cpu")


def test_default_order_cuda_then_mps_then_cpu(monkeypatch):
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(dev, "_mps_available", lambda: False)
    assert dev.get_device().type == "cpu"
    monkeypatch.setattr(dev, "_mps_available", lambda: True)
    assert dev.get_device().type == "mps"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert dev.get_device().type == "cuda"


def test_bad_device_name_is_explained(monkeypatch):
    monkeypatch.setenv("COURSE_DEVICE", "gpu0")
    with pytest.raises(ValueError, match="not a device name"):
        dev.get_device()


def test_unavailable_cuda_is_explained(monkeypatch):
    monkeypatch.setenv("COURSE_DEVICE", "cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        dev.get_device()


def test_unavailable_mps_is_explained(monkeypatch):
    monkeypatch.setenv("COURSE_DEVICE", "mps")
    monkeypatch.setattr(dev, "_mps_available", lambda: False)
    with pytest.raises(RuntimeError, match="MPS is not available"):
        dev.get_device()


def _draw() -> tuple[float, float, torch.Tensor]:
    return random.random(), float(np.random.rand()), torch.rand(3)


def test_seed_everything_fixes_random_numpy_and_torch():
    dev.seed_everything(123)
    first = _draw()
    dev.seed_everything(123)
    second = _draw()
    assert first[:2] == second[:2]
    assert torch.equal(first[2], second[2])
    dev.seed_everything(124)
    assert not torch.equal(_draw()[2], first[2])


class _NumpyNoise(Dataset):
    """Each item is a draw from NumPy's global RNG, as augmentation code often does."""

    def __len__(self) -> int:
        return 8

    def __getitem__(self, index: int) -> float:
        return float(np.random.rand())


def _epoch(seed: int, workers: int) -> list[float]:
    generator = dev.seed_everything(seed)
    loader = DataLoader(
        _NumpyNoise(),
        batch_size=4,
        shuffle=True,
        num_workers=workers,
        worker_init_fn=dev.seed_worker,
        generator=generator,
    )
    return [x for batch in loader for x in batch.tolist()]


def test_dataloader_shuffle_and_workers_are_reproducible():
    assert _epoch(7, workers=2) == _epoch(7, workers=2)
    assert _epoch(7, workers=2) != _epoch(8, workers=2)
    workers_draws = _epoch(7, workers=2)
    assert len(set(workers_draws)) == len(workers_draws), "each worker must get its own NumPy seed"


def test_versions_and_device_lines():
    versions = dev.package_versions()
    assert versions["torch"].split("+")[0] == torch.__version__.split("+")[0]
    assert set(dev.REPORTED_PACKAGES) <= set(versions)
    lines = dev.device_lines(torch.device("cpu"))
    assert lines[0] == "device: cpu"
