"""The stored full-mode results of 14_initialization_regularization meet the course's targets.

The notebook prints one line per dataset after its final run, e.g.
``final MNIST test accuracy: 99.27% | train time 6m12s (372 s) | epochs 30 | device cpu``.
These tests read the committed outputs (a full-mode refresh, see the README), so they fail when a
refresh that missed a target, took longer than the budget or ran in FAST mode is committed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from course_utils import settings

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "14_initialization_regularization.ipynb"
FINAL_LINE = re.compile(
    r"^final (?P<dataset>\S+) test accuracy: (?P<acc>\d+\.\d\d)% \| train time (?P<m>\d+)m(?P<s>\d\d)s "
    r"\((?P<seconds>\d+) s\) \| epochs (?P<epochs>\d+) \| device (?P<device>[a-z]+)$",
    re.M,
)
TARGETS = {"MNIST": 99.2, "CIFAR-10": 63.0}  # test accuracy in %, from the syllabus
EPOCH_KEYS = {"MNIST": "reg_final_mnist", "CIFAR-10": "reg_final_cifar10"}
MAX_SECONDS = 600  # each final run trains in at most 10 minutes on a 2-core CPU


def stored_text(path: Path = NOTEBOOK) -> str:
    """Every stream output of the notebook's code cells, joined."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "".join(
        "".join(out.get("text", ""))
        for cell in nb["cells"]
        if cell["cell_type"] == "code"
        for out in cell["outputs"]
        if out.get("output_type") == "stream"
    )


def final_results(text: str) -> dict[str, re.Match]:
    """The ``final ...`` line of each dataset; a dataset reported twice is an error."""
    found: dict[str, re.Match] = {}
    for match in FINAL_LINE.finditer(text):
        assert match["dataset"] not in found, f"two final lines for {match['dataset']}"
        found[match["dataset"]] = match
    return found


@pytest.fixture(scope="module")
def results() -> dict[str, re.Match]:
    return final_results(stored_text())


def result_of(results: dict[str, re.Match], dataset: str) -> re.Match:
    """The stored final line of ``dataset``, or a failure that says how to produce it."""
    if dataset not in results:
        pytest.fail(
            f"no stored 'final {dataset} test accuracy: ...' line in {NOTEBOOK.name}: refresh it in full mode "
            f"(COURSE_DATA_MIRROR=... make refresh NOTEBOOKS=notebooks/{NOTEBOOK.name}) and commit the outputs"
        )
    return results[dataset]


def test_one_final_line_per_dataset(results):
    assert sorted(results) == sorted(TARGETS), f"stored final lines: {sorted(results)}; expected {sorted(TARGETS)}"


@pytest.mark.parametrize("dataset", sorted(TARGETS))
def test_final_accuracy_meets_the_target(results, dataset):
    accuracy = float(result_of(results, dataset)["acc"])
    assert accuracy >= TARGETS[dataset], f"{dataset} test accuracy {accuracy}% is under the target {TARGETS[dataset]}%"


@pytest.mark.parametrize("dataset", sorted(TARGETS))
def test_final_run_fits_the_time_budget(results, dataset):
    match = result_of(results, dataset)
    seconds = int(match["seconds"])
    assert seconds <= MAX_SECONDS, f"{dataset} trained for {seconds} s, over the {MAX_SECONDS} s budget"
    assert abs(int(match["m"]) * 60 + int(match["s"]) - seconds) <= 1, f"minutes and seconds disagree: {match[0]}"


@pytest.mark.parametrize("dataset", sorted(TARGETS))
def test_final_run_used_the_full_mode_epochs(results, dataset):
    full_epochs, _fast = settings.EPOCHS[EPOCH_KEYS[dataset]]
    epochs = int(result_of(results, dataset)["epochs"])
    assert epochs == full_epochs, f"stored result trained {epochs} epochs, the full-mode recipe {full_epochs}"


def test_the_line_format_is_parsed():
    text = (
        "epoch 30/30 | train loss 0.5\n"
        "final MNIST test accuracy: 99.27% | train time 6m12s (372 s) | epochs 30 | device cpu\n"
        "final CIFAR-10 test accuracy: 62.99% | train time 10m01s (601 s) | epochs 20 | device cuda\n"
    )
    found = final_results(text)
    assert float(found["MNIST"]["acc"]) == 99.27 and int(found["MNIST"]["seconds"]) == 372
    assert float(found["CIFAR-10"]["acc"]) < TARGETS["CIFAR-10"] and int(found["CIFAR-10"]["seconds"]) > MAX_SECONDS
    with pytest.raises(AssertionError, match="two final lines"):
        final_results(text + text)
