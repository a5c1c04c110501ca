"""Device choice, seeding and an environment report.

The device is CUDA if available, then Apple MPS, then CPU. ``COURSE_DEVICE`` (``cpu``,
``cuda``, ``cuda:1``, ``mps``) overrides the choice.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import random
import sys

import numpy as np
import torch

DEVICE_ENV = "COURSE_DEVICE"
TRAINING_DEVICES = ("cpu", "cuda", "mps")


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def get_device() -> torch.device:
    """Return the device to train on: ``COURSE_DEVICE`` if set, else CUDA, then MPS, then CPU."""
    wanted = os.environ.get(DEVICE_ENV, "").strip()
    if wanted:
        try:
            device = torch.device(wanted)
        except RuntimeError:
            raise ValueError(f"{DEVICE_ENV}={wanted!r} is not a device name; use cpu, cuda, cuda:0 or mps.") from None
        if device.type not in TRAINING_DEVICES:
            raise ValueError(
                f"{DEVICE_ENV}={wanted!r} is not a device the course trains on; use cpu, cuda, cuda:0 or mps."
            )
        if device.type == "cuda" and not torch.cuda.is_available():
            raise RuntimeError(f"{DEVICE_ENV}={wanted!r} but CUDA is not available here; unset it or use cpu.")
        if device.type == "cuda" and (device.index or 0) >= torch.cuda.device_count():
            raise RuntimeError(f"{DEVICE_ENV}={wanted!r} but only {torch.cuda.device_count()} CUDA device(s) exist.")
        if device.type == "mps" and not _mps_available():
            raise RuntimeError(f"{DEVICE_ENV}={wanted!r} but Apple MPS is not available here; unset it or use cpu.")
        return device
    if torch.cuda.is_available():
        return torch.device("cuda")
    if _mps_available():
        return torch.device("mps")
    return torch.device("cpu")


def seed_everything(seed: int = 42) -> torch.Generator:
    """Seed Python's ``random``, NumPy and torch (CPU and all GPUs).

    Returns a ``torch.Generator`` seeded with ``seed``: pass it to ``DataLoader(generator=...)``
    so that shuffling is reproducible too, with ``worker_init_fn=seed_worker`` when
    ``num_workers > 0``. GPU kernels may still be nondeterministic (see 00_setup_check).
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    return torch.Generator().manual_seed(seed)


def seed_worker(worker_id: int) -> None:
    """``DataLoader(worker_init_fn=...)``: seed NumPy and ``random`` in each worker from torch's seed."""
    worker_seed = torch.initial_seed() % 2**32
    np.random.seed(worker_seed)
    random.seed(worker_seed)


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


REPORTED_PACKAGES = ("torch", "torchvision", "torchinfo", "torchmetrics", "scikit-learn", "matplotlib", "numpy")


def package_versions() -> dict[str, str]:
    """Installed versions of Python and the course's main libraries."""
    versions = {"python": platform.python_version()}
    versions.update({name: _version(name) for name in REPORTED_PACKAGES})
    return versions


def device_lines(device: torch.device | None = None) -> list[str]:
    """Human-readable lines about the compute device (GPU name and CUDA version when there is one)."""
    device = device or get_device()
    lines = [f"device: {device}"]
    if device.type == "cuda":
        index = device.index or 0
        lines.append(f"GPU: {torch.cuda.get_device_name(index)} (CUDA {torch.version.cuda})")
    elif device.type == "mps":
        lines.append("GPU: Apple Silicon (MPS)")
    else:
        lines.append(f"CPU threads used by torch: {torch.get_num_threads()} (of {os.cpu_count()} cores)")
    if "google.colab" in sys.modules:
        lines.append("running on Google Colab")
    return lines
