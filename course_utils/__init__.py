"""Plumbing for the PyTorch course notebooks: settings, device and seed, data sources, plots, the training loop,
and the self-checking exercises (``check``, ``hint``, ``solution``).

Notebooks teach the PyTorch calls themselves; this package only keeps what would otherwise be
copied into every notebook.
"""

from .data import (
    CIFAR10_CLASSES,
    DataSourceError,
    data_root,
    load_cifar10,
    load_mnist,
    load_sample_photo,
    prepare_mnist,
)
from .device import get_device, seed_everything, seed_worker
from .exercises import check, hint, solution
from .plots import plot_confusion_matrix, plot_history, setup_plots, show_images
from .report import environment_report
from .settings import epochs, is_fast, mode_line, size
from .training import (
    EvalResult,
    FitResult,
    NonFiniteLossError,
    TensorBatches,
    check_outputs,
    checkpoint_path,
    evaluate,
    fit,
    train_epoch,
)

__all__ = [
    "CIFAR10_CLASSES",
    "DataSourceError",
    "EvalResult",
    "FitResult",
    "NonFiniteLossError",
    "TensorBatches",
    "check",
    "check_outputs",
    "checkpoint_path",
    "data_root",
    "environment_report",
    "epochs",
    "evaluate",
    "fit",
    "get_device",
    "hint",
    "is_fast",
    "load_cifar10",
    "load_mnist",
    "load_sample_photo",
    "mode_line",
    "plot_confusion_matrix",
    "plot_history",
    "prepare_mnist",
    "seed_everything",
    "seed_worker",
    "setup_plots",
    "show_images",
    "size",
    "solution",
    "train_epoch",
]
