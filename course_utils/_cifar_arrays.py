"""``CIFAR10FromArrays``: CIFAR-10 images held in memory (the JPEG mirror or the offline stand-in).

A module of its own so that ``import course_utils`` does not import torchvision (see ``data._ImportOnUse``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from torchvision import datasets
from torchvision.datasets.vision import VisionDataset

from .data import CIFAR10_CLASSES, Source


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
