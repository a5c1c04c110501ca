import io
import logging
import warnings

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from course_utils import plots


@pytest.fixture(autouse=True)
def korean_font(monkeypatch):
    monkeypatch.delenv(plots.PLOTS_ENV, raising=False)
    saved = matplotlib.rcParams.copy()
    plots.setup_plots()
    yield
    matplotlib.rcParams.update(saved)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render(fig: Figure) -> list[str]:
    """Draw ``fig`` to PNG; return every warning, including the ones matplotlib logs (mathtext glyphs)."""
    handler = _Records()
    logger = logging.getLogger("matplotlib")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig.savefig(io.BytesIO(), format="png")
    finally:
        logger.removeHandler(handler)
    return [str(w.message) for w in caught] + handler.messages


def test_korean_text_and_minus_sign_render_without_missing_glyphs():
    fig = Figure()
    ax = fig.subplots()
    ax.plot(np.linspace(-3, 3, 5), np.linspace(-2, 2, 5))
    ax.set_title("손실 함수와 경사 하강 −1.5")
    ax.set_xlabel("에폭 (epoch)")
    assert render(fig) == []
    assert plots.KOREAN_FONT in matplotlib.rcParams["font.family"]


def test_log_axis_minus_and_symbols_render():
    """Log-axis ticks use mathtext (10^-1), which has no font fallback; arrows and ⊃ must not be blank."""
    fig = Figure()
    ax = fig.subplots()
    ax.plot([1e-3, 1e-1, 1], [1e-2, 2, 3])
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_title("AI ⊃ ML ⊃ DL → 학습률 × 10")
    assert render(fig) == []
    # NanumGothic has arrows and set symbols, but they draw tiny; DejaVu Sans must come first.
    assert matplotlib.rcParams["font.family"][0] == plots.BASE_FONT


def test_without_the_korean_font_the_check_would_fail():
    """Guards the test above: DejaVu Sans alone has no Hangul, so the same title warns."""
    matplotlib.rcParams["font.family"] = ["DejaVu Sans"]
    fig = Figure()
    fig.subplots().set_title("손실")
    assert any("missing from font" in message for message in render(fig))


def test_korean_font_comes_from_the_installed_package():
    files = plots.korean_font_files()
    assert any(path.name == "NanumGothic.ttf" for path in files)


def test_show_images_accepts_tensors_arrays_and_pil():
    batch = torch.rand(5, 3, 8, 8)
    grey = torch.rand(3, 1, 28, 28)
    pil = [Image.new("RGB", (10, 10), "blue")] * 2
    for images, n in [(batch, 5), (grey, 3), (pil, 2), (torch.randint(0, 255, (2, 28, 28), dtype=torch.uint8), 2)]:
        fig = plots.show_images(images, labels=[f"고양이 {i}" for i in range(n)], ncols=4)
        assert isinstance(fig, Figure) and render(fig) == []


def test_show_images_undoes_normalize_and_leaves_input_alone():
    mean, std = (0.5, 0.5, 0.5), (0.25, 0.25, 0.25)
    original = torch.full((1, 3, 4, 4), 0.6)
    normalized = (original - 0.5) / 0.25
    kept = normalized.clone()
    fig = plots.show_images(normalized, mean=mean, std=std)
    shown = fig.axes[0].images[0].get_array()
    np.testing.assert_allclose(np.asarray(shown), 0.6, rtol=1e-6)
    assert torch.equal(normalized, kept)


def test_show_images_marks_mistakes_in_red():
    fig = plots.show_images(torch.rand(2, 1, 4, 4), labels=["7", "1"], wrong=[False, True])
    colours = [ax.title.get_color() for ax in fig.axes[:2]]
    assert colours == ["black", "red"]


def test_show_images_rejects_bad_input():
    with pytest.raises(ValueError, match="no images"):
        plots.show_images([])
    with pytest.raises(ValueError, match="3 images but 2 labels"):
        plots.show_images(torch.rand(3, 1, 4, 4), labels=["a", "b"])


def test_plot_history_draws_loss_and_accuracy_panels():
    history = {"train_loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "train_acc": [0.6, 0.8], "val_acc": [0.5, 0.7]}
    fig = plots.plot_history(history, title="학습 곡선")
    assert len(fig.axes) == 2
    assert [len(ax.lines) for ax in fig.axes] == [2, 2]
    assert render(fig) == []
    with pytest.raises(ValueError, match="no '\\*loss' or '\\*acc' keys"):
        plots.plot_history({"lr": [0.1]})


def test_plot_confusion_matrix_counts_and_rates():
    cm = torch.tensor([[5, 1], [2, 8]])
    fig = plots.plot_confusion_matrix(cm, ["고양이", "개"], title="혼동 행렬")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["5", "1", "2", "8"] and render(fig) == []
    rates = plots.plot_confusion_matrix(cm, ["cat", "dog"], normalize=True)
    assert [t.get_text() for t in rates.axes[0].texts] == ["0.83", "0.17", "0.20", "0.80"]
    with pytest.raises(ValueError, match=r"expected \(3, 3\)"):
        plots.plot_confusion_matrix(cm, ["a", "b", "c"])


def test_plot_helpers_leave_no_pyplot_figures_open():
    plt.close("all")
    plots.show_images(torch.rand(2, 3, 4, 4))
    plots.plot_history({"train_loss": [1.0]})
    plots.plot_confusion_matrix(np.eye(2), ["a", "b"])
    assert plt.get_fignums() == []


def png_pixels(fig: Figure) -> tuple[int, int]:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return Image.open(buffer).size


def test_notebook_preset_is_the_default_and_keeps_committed_figures_small():
    assert matplotlib.rcParams["figure.dpi"] == 80 and matplotlib.rcParams["savefig.dpi"] == 80
    assert matplotlib.rcParams["font.size"] == 12
    # 6.4 x 4.0 in at 80 dpi: the size the committed outputs' budget (300 KB per output) was measured with
    assert png_pixels(Figure(figsize=matplotlib.rcParams["figure.figsize"])) == (512, 320)


def test_projector_preset_by_argument_or_environment(monkeypatch):
    plots.setup_plots("projector")
    projector = {key: matplotlib.rcParams[key] for key in plots.PLOT_PRESETS["projector"]}
    assert projector == plots.PLOT_PRESETS["projector"]
    assert png_pixels(Figure(figsize=matplotlib.rcParams["figure.figsize"])) == (640, 400)
    plots.setup_plots()
    assert matplotlib.rcParams["figure.dpi"] == 80
    monkeypatch.setenv(plots.PLOTS_ENV, "Projector")
    plots.setup_plots()
    assert matplotlib.rcParams["figure.dpi"] == 100 and matplotlib.rcParams["font.size"] == 14
    plots.setup_plots("notebook")  # an explicit preset wins over the environment
    assert matplotlib.rcParams["font.size"] == 12


def test_projector_text_is_larger_on_the_figure():
    def title_height_px() -> float:
        fig = Figure()
        title = fig.subplots().set_title("손실 곡선")
        return title.get_window_extent(renderer=FigureCanvasAgg(fig).get_renderer()).height

    small = title_height_px()
    plots.setup_plots("projector")
    large = title_height_px()
    assert large > 1.4 * small  # 14 pt at 100 dpi vs 12 pt at 80 dpi: 1.46x


def test_dpi_overrides_the_preset():
    plots.setup_plots("projector", dpi=150)
    assert matplotlib.rcParams["figure.dpi"] == 150 and matplotlib.rcParams["font.size"] == 14


def test_unknown_preset_says_what_to_use(monkeypatch):
    with pytest.raises(ValueError, match=r"preset='slides'.*\['notebook', 'projector'\]"):
        plots.setup_plots("slides")
    monkeypatch.setenv(plots.PLOTS_ENV, "big")
    with pytest.raises(ValueError, match=r"COURSE_PLOTS='big'.*unset COURSE_PLOTS"):
        plots.setup_plots()


def test_setup_plots_changes_only_the_documented_rcparams():
    documented = {"font.family", "axes.unicode_minus", "figure.figsize"} | set(plots.PLOT_PRESETS["projector"])
    assert documented >= set(plots.PLOT_PRESETS["notebook"])
    for preset in ("notebook", "projector", "notebook"):
        before = matplotlib.rcParams.copy()
        plots.setup_plots(preset)
        changed = {key for key in before if before[key] != matplotlib.rcParams[key]}
        assert changed <= documented, changed - documented


def test_plot_confusion_matrix_cell_size():
    big = plots.plot_confusion_matrix(np.eye(10), [str(d) for d in range(10)])
    small = plots.plot_confusion_matrix(np.eye(10), [str(d) for d in range(10)], cell_inches=0.42)
    assert tuple(big.get_size_inches()) == pytest.approx((7.7, 7.1))
    assert tuple(small.get_size_inches()) == pytest.approx((6.4, 5.8))
    with pytest.raises(ValueError, match="cell_inches"):
        plots.plot_confusion_matrix(np.eye(2), ["a", "b"], cell_inches=0)
