"""Run settings: FAST mode and the data sizes and epoch counts it implies, in one place.

FAST mode is switched on with the environment variable ``COURSE_FAST=1`` (the test suite
and CI set it). It shrinks datasets and epochs so that every notebook runs in seconds;
full mode (the default for learners) uses the whole datasets and gives the real results.
"""

from __future__ import annotations

import os

FAST_ENV = "COURSE_FAST"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}

# name: (full mode, FAST mode). None means "the whole dataset".
SIZES: dict[str, tuple[int | None, int]] = {
    "mnist_train": (None, 2_000),
    "mnist_test": (None, 500),
    "cifar10_train": (None, 2_000),
    "cifar10_test": (None, 500),
    "cifar10_png": (5_000, 500),  # 04: CIFAR-10 test images written as PNG files for the folder Dataset
}

# name: (full mode, FAST mode). Each notebook that trains reads its epoch count here.
EPOCHS: dict[str, tuple[int, int]] = {
    "transforms_mlp": (2, 1),  # 05: small CIFAR-10 MLP that plays the model step of the pipeline
    "mlp_mnist": (20, 1),  # 07: the written-out loop, 784-128-64-10 MLP on the 90 % training split
    "mlp_cifar10_compare": (12, 1),  # 08: SGD vs Adam (and shuffled pixels) on 10,000 images, no augmentation
    "mlp_cifar10": (30, 2),  # 08: main run, whole training split with augmentation, Adam + cosine schedule
    "intro_fit": (1500, 300),  # 01: full-batch steps fitting a 1-D function
    "intro_circles": (300, 100),  # 01: full-batch steps of the circles MLP
    "workflow_overfit": (300, 150),  # 02: big MLP on a small diabetes training set
    "workflow_tuning": (300, 100),  # 02: each diabetes configuration in the tuning grid
    "loss_digits": (200, 50),  # 11: digits MLP with and without softmax before CrossEntropyLoss
    "gd_minibatch": (20, 5),  # 12: linear regression with batch sizes N, 10 and 1
    "act_xor": (300, 200),  # 13: full-batch steps of the linear model and the ReLU MLP on XOR
    "act_deep": (15, 3),  # 13: deep sigmoid vs ReLU MLPs on scikit-learn digits
    "kfold": (30, 3),  # 09: each fold of each breast-cancer configuration
    "kfold_noise": (60, 30),  # 09: leakage and weight-reuse demos on a tiny noise set
    "metrics_mlp": (5, 1),  # 10: the MNIST MLP whose predictions are evaluated
    "reg_zero_init": (3, 1),  # 14: 784-64-10 MLPs with zero / constant / default init on 10,000 digits
    "reg_early_stop": (20, 3),  # 14: at most this many epochs of the early-stopping demo (CIFAR-10, 10,000 images)
    "reg_augment": (10, 2),  # 14: with vs without augmentation, same init and order (CIFAR-10, 10,000 images)
    "reg_final_mnist": (30, 1),  # 14: final MNIST MLP (BN, dropout, AdamW + OneCycleLR, affine augmentation)
    "reg_final_cifar10": (22, 1),  # 14: final CIFAR-10 MLP (the same plus ZCA whitening, flip + crop)
    "reg_ablation": (4, 1),  # 14: each leave-one-out run of the CIFAR-10 ablation (8,000 images)
}


def is_fast() -> bool:
    """Return True when ``COURSE_FAST`` asks for FAST mode; raise on a value that is not a flag."""
    raw = os.environ.get(FAST_ENV, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(
        f"{FAST_ENV}={os.environ[FAST_ENV]!r} is not understood: use {FAST_ENV}=1 for FAST mode "
        f"or {FAST_ENV}=0 (or leave it unset) for full mode."
    )


def _lookup(table: dict[str, tuple], kind: str, name: str) -> tuple:
    try:
        return table[name]
    except KeyError:
        known = ", ".join(sorted(table))
        raise KeyError(f"unknown {kind} {name!r}; known names: {known} (add it in course_utils/settings.py)") from None


def size(name: str) -> int | None:
    """Number of samples to use for ``name`` in the current mode (None = all of them)."""
    full, fast = _lookup(SIZES, "size", name)
    return fast if is_fast() else full


def epochs(name: str) -> int:
    """Number of training epochs for ``name`` in the current mode."""
    full, fast = _lookup(EPOCHS, "epoch count", name)
    return fast if is_fast() else full


def mode_line() -> str:
    """One line that says which mode is active, for a notebook's set-up cell."""
    if is_fast():
        return f"FAST mode ({FAST_ENV}=1): small data and few epochs, results are not representative."
    return "full mode: whole datasets and full training (set COURSE_FAST=1 for a quick check)."
