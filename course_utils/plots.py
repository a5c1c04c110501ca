"""Plot helpers: Korean font set-up, image grids, training curves, confusion matrices.

Each plot helper builds and returns a new ``matplotlib.figure.Figure``; Jupyter shows it when
it is the last expression of a cell (or with ``display(fig)``). Helpers never move tensors
between devices, never change a model's train/eval mode and never keep figures open in pyplot.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib
import numpy as np
import torch
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from PIL import Image

KOREAN_FONT = "NanumGothic"
# matplotlib's own font comes first: it has the minus sign, arrows and math symbols (also for the
# mathtext tick labels of log axes, which do not fall back); Hangul falls back to NanumGothic.
BASE_FONT = "DejaVu Sans"


def korean_font_files() -> list[Path]:
    """The NanumGothic font files shipped in the ``koreanize-matplotlib`` package (found without importing it)."""
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "koreanize-matplotlib is not installed; run `pip install koreanize-matplotlib` for the Korean font."
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    files = sorted(folder.glob("NanumGothic*.ttf"))
    if not files:
        raise FileNotFoundError(f"no NanumGothic*.ttf under {folder}; reinstall koreanize-matplotlib.")
    return files


def use_korean_font() -> str:
    """Register NanumGothic with matplotlib so that Korean text renders, with DejaVu Sans for everything else.

    Returns the Korean font's family name. Safe to call more than once.
    """
    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    for path in korean_font_files():
        if str(path) not in known:
            font_manager.fontManager.addfont(str(path))
    matplotlib.rcParams["font.family"] = [BASE_FONT, KOREAN_FONT]
    matplotlib.rcParams["axes.unicode_minus"] = True  # the real minus sign (U+2212) comes from DejaVu Sans
    return KOREAN_FONT


def _enable_inline_display() -> None:
    """In Jupyter/Colab, switch on ``%matplotlib inline`` so returned figures render as images."""
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to display into
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "kernel"):
        shell.run_line_magic("matplotlib", "inline")


PLOT_PRESETS: dict[str, dict[str, object]] = {
    # What the committed outputs use: 80 dpi keeps the largest notebook (05, photos) under the hygiene
    # budget (300 KB per output, 2 MB per notebook); 12 pt text is 13 px, as large as JupyterLab's prose.
    "notebook": {
        "figure.dpi": 80,
        "savefig.dpi": 80,
        "font.size": 12.0,
        "lines.linewidth": 1.5,
        "lines.markersize": 6.0,
    },
    # Presenting live: 100 dpi and 14 pt text (19 px, the size of the slides' body text) with thicker
    # lines; a 6.4 x 4.0 in figure is 640 x 400 px and still leaves room on a 1280 x 720 slide.
    "projector": {
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "font.size": 14.0,
        "lines.linewidth": 2.5,
        "lines.markersize": 8.0,
    },
}
PLOTS_ENV = "COURSE_PLOTS"


def plot_preset(preset: str | None = None) -> str:
    """The preset name to use: ``preset`` if given, else the ``COURSE_PLOTS`` environment variable, else "notebook"."""
    name = (preset if preset is not None else os.environ.get(PLOTS_ENV, "")).strip().lower() or "notebook"
    if name not in PLOT_PRESETS:
        where = f"{PLOTS_ENV}={name!r}" if preset is None else f"preset={name!r}"
        raise ValueError(f"unknown plot preset {where}; use one of {sorted(PLOT_PRESETS)} (or unset {PLOTS_ENV})")
    return name


def setup_plots(preset: str | None = None, *, dpi: int | None = None) -> None:
    """Course plot style: inline figures in Jupyter, Korean font, and the sizes of a preset.

    ``preset`` is "notebook" (the default; small PNGs for the committed outputs) or "projector"
    (larger dpi, fonts and lines for presenting live); when it is None the ``COURSE_PLOTS``
    environment variable chooses, e.g. ``COURSE_PLOTS=projector make lab``. ``dpi`` overrides the
    preset's resolution. Changes only these matplotlib rcParams: ``font.family``,
    ``axes.unicode_minus`` (see ``use_korean_font``), ``figure.figsize``, and the preset's keys
    (``figure.dpi``, ``savefig.dpi``, ``font.size``, ``lines.linewidth``, ``lines.markersize``).
    """
    settings = dict(PLOT_PRESETS[plot_preset(preset)])
    if dpi is not None:
        settings["figure.dpi"] = settings["savefig.dpi"] = dpi
    _enable_inline_display()
    use_korean_font()
    matplotlib.rcParams.update(settings)
    matplotlib.rcParams["figure.figsize"] = (6.4, 4.0)


ImageLike = torch.Tensor | np.ndarray | Image.Image


def _to_hwc(image: ImageLike, mean: Sequence[float] | None, std: Sequence[float] | None) -> np.ndarray:
    """One image as a float HWC (or HW) array in [0, 1] for ``imshow``; undoes ``Normalize`` if given."""
    if isinstance(image, Image.Image):
        array = np.asarray(image, dtype=np.float32) / 255.0
        return array
    tensor = torch.as_tensor(image).detach().cpu()
    if tensor.dtype == torch.uint8:
        tensor = tensor.float() / 255.0
    tensor = tensor.float()
    if tensor.ndim == 3 and tensor.shape[0] in (1, 3):
        if mean is not None and std is not None:
            m = torch.tensor(mean, dtype=tensor.dtype).view(-1, 1, 1)
            s = torch.tensor(std, dtype=tensor.dtype).view(-1, 1, 1)
            tensor = tensor * s + m
        tensor = tensor.permute(1, 2, 0)
    elif mean is not None and std is not None and tensor.ndim == 2:
        tensor = tensor * float(std[0]) + float(mean[0])
    if tensor.ndim == 3 and tensor.shape[-1] == 1:
        tensor = tensor[..., 0]
    return tensor.clamp(0, 1).numpy()


def show_images(
    images: torch.Tensor | Sequence[ImageLike],
    labels: Sequence[str] | None = None,
    ncols: int = 8,
    mean: Sequence[float] | None = None,
    std: Sequence[float] | None = None,
    wrong: Sequence[bool] | None = None,
    title: str | None = None,
    size: float = 1.4,
) -> Figure:
    """Plot images (a CHW batch, HWC arrays or PIL images) in a grid, with an optional label under each.

    ``mean``/``std`` undo a ``Normalize`` for display; ``wrong[i]`` colours label ``i`` red (a mistake).
    """
    n = len(images)
    if n == 0:
        raise ValueError("show_images got no images")
    if labels is not None and len(labels) != n:
        raise ValueError(f"{n} images but {len(labels)} labels")
    ncols = max(1, min(ncols, n))
    nrows = (n + ncols - 1) // ncols
    fig = Figure(figsize=(size * ncols, size * nrows + (0.4 if title else 0.0)), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols)).ravel()
    for i, ax in enumerate(axes):
        ax.set_axis_off()
        if i >= n:
            continue
        array = _to_hwc(images[i], mean, std)
        ax.imshow(array, cmap="gray" if array.ndim == 2 else None, vmin=0, vmax=1)
        if labels is not None:
            colour = "red" if wrong is not None and wrong[i] else "black"
            ax.set_title(str(labels[i]), fontsize="small", color=colour)
    if title:
        fig.suptitle(title)
    return fig


def plot_history(history: Mapping[str, Sequence[float]], title: str | None = None) -> Figure:
    """Loss and accuracy per epoch from a history such as ``{"train_loss": [...], "val_acc": [...]}``.

    Keys ending in ``loss`` go to the left panel, keys ending in ``acc`` to the right one.
    """
    loss_keys = [k for k in history if k.endswith("loss")]
    acc_keys = [k for k in history if k.endswith("acc")]
    if not loss_keys and not acc_keys:
        raise ValueError(f"history has no '*loss' or '*acc' keys: {list(history)}")
    panels = [(keys, name) for keys, name in ((loss_keys, "손실 (loss)"), (acc_keys, "정확도 (accuracy)")) if keys]
    fig = Figure(figsize=(5.0 * len(panels), 3.4), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(panels)))
    for ax, (keys, name) in zip(axes, panels, strict=True):
        for key in keys:
            values = list(history[key])
            ax.plot(range(1, len(values) + 1), values, marker="o", markersize=3, label=key)
        ax.set_xlabel("에폭 (epoch)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(name)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    return fig


def plot_confusion_matrix(
    matrix: torch.Tensor | np.ndarray,
    class_names: Sequence[str],
    normalize: bool = False,
    title: str | None = None,
    cell_inches: float = 0.55,
) -> Figure:
    """Confusion matrix (rows = true class, columns = predicted class) with counts or row-normalised rates.

    ``cell_inches`` is the size of one matrix cell; a smaller value makes a 10-class matrix fit on a slide."""
    cm = torch.as_tensor(matrix).detach().cpu().numpy().astype(float)
    k = len(class_names)
    if cm.shape != (k, k):
        raise ValueError(f"confusion matrix has shape {cm.shape}, expected ({k}, {k}) for {k} class names")
    if normalize:
        cm = cm / np.clip(cm.sum(axis=1, keepdims=True), 1, None)
    if cell_inches <= 0:
        raise ValueError(f"cell_inches must be positive, got {cell_inches}")
    fig = Figure(figsize=(cell_inches * k + 2.2, cell_inches * k + 1.6), layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(cm, cmap="Blues")
    fig.colorbar(image, ax=ax, shrink=0.8)
    threshold = cm.max() / 2 if cm.size else 0
    for i in range(k):
        for j in range(k):
            text = f"{cm[i, j]:.2f}" if normalize else f"{int(cm[i, j])}"
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize="x-small",
                color="white" if cm[i, j] > threshold else "black",
            )
    ax.set_xticks(range(k), class_names, rotation=45, ha="right")
    ax.set_yticks(range(k), class_names)
    ax.set_xlabel("예측 (predicted)")
    ax.set_ylabel("정답 (true)")
    if title:
        ax.set_title(title)
    return fig
