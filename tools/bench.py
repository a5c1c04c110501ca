"""Benchmark for this machine: MNIST data-path throughput against the model's compute floor, and notebook run times.

usage: python tools/bench.py [--samples N] [--epochs N] [--no-notebooks] [--final-runs] [--update-readme]

Prints a compact table:
- samples/s of one training epoch (784-128-64-10 MLP, SGD, batch 64) through the naive
  per-sample pipeline (DataLoader over torchvision's MNIST with ToTensor + Normalize per item)
  and through the fast path (normalised once into a tensor, sliced with a random permutation:
  ``cu.TensorBatches``), both trained with ``cu.train_epoch``;
- the compute floor: forward, backward and step on batches that are already in memory;
- the ratios (the fast path should reach at least 80 % of the floor);
- each notebook's FAST-mode run time (every notebooks/NN_*.ipynb executed with nbclient; nothing
  is written back);
- with ``--final-runs``: 14_initialization_regularization executed once in FULL mode (about 20-30
  minutes; nothing is written back) and its ``final <dataset> test accuracy: ...`` lines, i.e. the
  best MLPs' test accuracy and training time on this machine. The recipe lives in the notebook only.

This is a measurement, not a test: it reports, it does not fail on slow numbers. Run it alone
(e.g. ``flock /tmp/course-cpu.lock make bench``) so that other jobs do not distort it.
``--update-readme`` also writes the output into README.md between ``<!-- bench:start -->`` and
``<!-- bench:end -->``.
"""

from __future__ import annotations

import argparse
import copy
import io
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from contextlib import redirect_stdout
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
README = REPO / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
FLOOR_TARGET = 0.80
BATCH_SIZE = 64


def _sync(device) -> None:
    import torch

    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


def _median_seconds(run_epoch: Callable[[], None], epochs: int, device) -> float:
    """Median wall time of ``epochs`` calls of ``run_epoch`` after one warm-up call."""
    run_epoch()
    _sync(device)
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        run_epoch()
        _sync(device)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure_pipelines(samples: int, epochs: int) -> tuple[list[str], dict[str, float]]:
    """Time the naive and fast MNIST pipelines and the compute floor; return report lines and samples/s."""
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, Subset
    from torchvision import datasets, transforms

    sys.path.insert(0, str(REPO))
    import course_utils as cu

    device = cu.get_device()
    with redirect_stdout(io.StringIO()):
        root, source = cu.prepare_mnist()
    mean, std = (0.1307,), (0.3081,)
    per_sample = transforms.Compose([transforms.ToTensor(), transforms.Normalize(mean, std)])
    mnist = datasets.MNIST(root, train=True, transform=per_sample)
    n = min(samples, len(mnist))

    naive_loader = DataLoader(
        Subset(mnist, range(n)), batch_size=BATCH_SIZE, shuffle=True, generator=torch.Generator().manual_seed(0)
    )
    fast_x = transforms.Normalize(mean, std)(mnist.data[:n].unsqueeze(1).float().div(255))
    fast_y = mnist.targets[:n]
    fast_loader = cu.TensorBatches(fast_x, fast_y, BATCH_SIZE, shuffle=True, generator=torch.Generator().manual_seed(0))
    in_memory = [(x.to(device), y.to(device)) for x, y in fast_loader]

    torch.manual_seed(0)
    start_model = nn.Sequential(
        nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10)
    ).to(device)
    loss_fn = nn.CrossEntropyLoss()

    def trainer(batches: Iterable) -> Callable[[], None]:
        model = copy.deepcopy(start_model)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        return lambda: cu.train_epoch(model, batches, loss_fn, optimizer, device)

    def floor() -> Callable[[], None]:
        model = copy.deepcopy(start_model)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

        def run() -> None:
            model.train()
            for x, y in in_memory:
                optimizer.zero_grad()
                loss_fn(model(x), y).backward()
                optimizer.step()

        return run

    seconds = {
        "naive": _median_seconds(trainer(naive_loader), epochs, device),
        "fast": _median_seconds(trainer(fast_loader), epochs, device),
        "floor": _median_seconds(floor(), epochs, device),
    }
    rate = {key: n / s for key, s in seconds.items()}
    labels = {
        "naive": "naive: per-sample PIL pipeline + DataLoader",
        "fast": "fast: normalised tensor + randperm slices",
        "floor": "floor: compute only, batches in memory",
    }
    kind = "real" if not source.is_standin else "STAND-IN"
    lines = [
        f"MNIST data paths: {n:,} {kind} digits, batch {BATCH_SIZE}, 784-128-64-10 MLP, SGD; "
        f"median of {epochs} epochs after a warm-up",
        f"  {'path':<46}{'samples/s':>11}{'s/epoch':>9}{'of floor':>10}",
    ]
    for key in ("naive", "fast", "floor"):
        share = rate[key] / rate["floor"]
        lines.append(f"  {labels[key]:<46}{rate[key]:>11,.0f}{seconds[key]:>9.3f}{share:>10.0%}")
    reached = rate["fast"] / rate["floor"]
    verdict = "met" if reached >= FLOOR_TARGET else "NOT met"
    lines.append(
        f"  fast / naive: {rate['fast'] / rate['naive']:.1f}x | fast reaches {reached:.0%} of the floor "
        f"(target >= {FLOOR_TARGET:.0%}: {verdict})"
    )
    return lines, rate


def time_notebooks(paths: list[Path], timeout: int) -> list[str]:
    """Execute each notebook in FAST mode (outputs are discarded); one line per notebook."""
    import nbformat
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    if str(Path(__file__).resolve().parent) not in sys.path:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
    from refresh_notebooks import execute  # the same kernel run as `make refresh`, in FAST mode

    lines = ["notebooks, FAST mode (COURSE_FAST=1), executed with nbclient"]
    if not paths:
        return [*lines, "  (no notebooks found)"]
    total = 0.0
    width = max(len(p.name) for p in paths)
    for path in paths:
        start = time.perf_counter()
        try:
            execute(nbformat.read(path, as_version=4), path.parent, fast=True, timeout=timeout)
            status = ""
        except (CellExecutionError, CellTimeoutError) as exc:
            status = f"  FAILED ({type(exc).__name__})"
        elapsed = time.perf_counter() - start
        total += elapsed
        lines.append(f"  {path.name:<{width}} {elapsed:7.1f} s{status}")
        print(lines[-1], file=sys.stderr, flush=True)  # progress while the benchmark runs
    lines.append(f"  {'total':<{width}} {total:7.1f} s")
    return lines


FINAL_NOTEBOOK = NOTEBOOKS / "14_initialization_regularization.ipynb"
FINAL_LINE = re.compile(r"^final .+ test accuracy: .+$", re.M)


def final_runs(path: Path, timeout: int) -> list[str]:
    """Execute ``path`` (notebook 14) in full mode, outputs discarded; return its ``final ...`` result lines."""
    import nbformat
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    if str(Path(__file__).resolve().parent) not in sys.path:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
    from refresh_notebooks import execute  # the same kernel run as `make refresh`

    lines = [f"{path.name}, full mode (final runs of the best MLPs), executed with nbclient"]
    if not path.is_file():
        return [*lines, f"  (no {path.name}: nothing to run)"]
    nb = nbformat.read(path, as_version=4)
    try:
        elapsed = execute(nb, path.parent, fast=False, timeout=timeout)
    except (CellExecutionError, CellTimeoutError) as exc:
        return [*lines, f"  FAILED ({type(exc).__name__}): {str(exc).strip().splitlines()[-1][:200]}"]
    texts = (
        "".join(out.get("text", ""))
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream"
    )
    found = [f"  {line}" for text in texts for line in FINAL_LINE.findall(text)]
    found = found or ["  (the notebook printed no final result line)"]
    return [*lines, *found, f"  whole notebook: {elapsed / 60:.1f} min"]


def header() -> str:
    import torch

    sys.path.insert(0, str(REPO))
    import course_utils as cu

    return (
        f"bench on {platform.machine()} with {os.cpu_count()} CPU cores | python {platform.python_version()} | "
        f"torch {torch.__version__} | torch threads {torch.get_num_threads()} | device {cu.get_device()}"
    )


def update_readme(text: str, readme: Path = README) -> bool:
    """Replace what is between the bench markers in ``readme`` with ``text`` (in a code block); False if absent."""
    if not readme.is_file():
        return False
    content = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    if not pattern.search(content):
        return False
    block = f"{START}\n```text\n{text.rstrip()}\n```\n{END}"
    readme.write_text(pattern.sub(lambda _: block, content, count=1), encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=4000, help="MNIST training digits per epoch (default 4000)")
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs per path, after a warm-up (default 3)")
    parser.add_argument("--no-notebooks", action="store_true", help="skip the notebook run times")
    parser.add_argument(
        "--final-runs", action="store_true", help=f"also run {FINAL_NOTEBOOK.name} in full mode (20-30 min)"
    )
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per notebook cell")
    parser.add_argument("--update-readme", action="store_true", help="write the output into README.md")
    args = parser.parse_args(argv)
    if args.samples < BATCH_SIZE or args.epochs < 1:
        parser.error(f"--samples must be at least {BATCH_SIZE} and --epochs at least 1")

    lines = [header(), ""]
    pipeline_lines, _ = measure_pipelines(args.samples, args.epochs)
    lines += pipeline_lines
    print("\n".join(lines), flush=True)
    if not args.no_notebooks:
        notebook_lines = time_notebooks(sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")), args.timeout)
        print("\n" + "\n".join(notebook_lines), flush=True)
        lines += ["", *notebook_lines]
    if args.final_runs:
        final_lines = final_runs(FINAL_NOTEBOOK, max(args.timeout, 1800))
        print("\n" + "\n".join(final_lines), flush=True)
        lines += ["", *final_lines]
    if args.update_readme:
        if update_readme("\n".join(lines)):
            print(f"\nwrote the output into {README.name} between {START} and {END}")
        else:
            print(f"\n{README.name} has no {START} ... {END} markers; nothing written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
