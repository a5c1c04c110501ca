"""Re-execute course notebooks in place, top to bottom in a fresh kernel, to refresh stored outputs.

usage: python tools/refresh_notebooks.py [NOTEBOOK ...]   (default: every notebooks/*.ipynb)

Runs in full mode (COURSE_FAST is forced off) unless --fast is given, from the notebooks/
folder as JupyterLab would, and prints each notebook's wall time. A notebook whose run fails
is left untouched on disk. Point COURSE_DATA_MIRROR at a mirror first so that the stored
outputs come from the real datasets.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def clean_metadata(nb: nbformat.NotebookNode) -> None:
    """Keep stored notebooks small and stable: python3 kernelspec, no per-cell timings, no widgets.

    Progress bars (tqdm widgets) only matter while a cell runs; stored, they are a frozen "0%"
    text fallback plus hundreds of KB of widget state, so their outputs and state are dropped.
    """
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.pop("jupytext", None)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = [out for out in cell.outputs if WIDGET_VIEW not in out.get("data", {})]


# What a stored (committed) run must not inherit from the maintainer's shell.
UNSET_FOR_RUNS = ("COURSE_PLOTS",)  # projector-size figures are for presenting, never for committed outputs


@contextmanager
def _run_environment(fast: bool) -> Iterator[None]:
    """COURSE_FAST set for ``fast`` and the presentation settings unset, restored afterwards."""
    saved = {name: os.environ.get(name) for name in ("COURSE_FAST", *UNSET_FOR_RUNS)}
    os.environ["COURSE_FAST"] = "1" if fast else "0"
    for name in UNSET_FOR_RUNS:
        os.environ.pop(name, None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def execute(nb: nbformat.NotebookNode, folder: Path, fast: bool, timeout: int) -> float:
    """Run ``nb`` top to bottom in a fresh python3 kernel started in ``folder``, with COURSE_FAST set
    for ``fast`` and COURSE_PLOTS unset; return the wall time in seconds. Raises if a cell fails; the
    environment is restored."""
    start = time.perf_counter()
    with _run_environment(fast):
        NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(folder)}},
            record_timing=False,
            store_widget_state=False,
        ).execute()
    return time.perf_counter() - start


def refresh(path: Path, fast: bool, timeout: int) -> float:
    """Execute ``path`` in place; return the wall time in seconds. Raises if a cell fails."""
    nb = nbformat.read(path, as_version=4)
    elapsed = execute(nb, path.parent, fast, timeout)
    clean_metadata(nb)
    nbformat.validate(nb)
    tmp = path.with_name(f".{path.name}.tmp")
    nbformat.write(nb, tmp)
    os.replace(tmp, path)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to refresh (default: all)")
    parser.add_argument("--fast", action="store_true", help="run in FAST mode (for a quick check; do not commit)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))
    if not os.environ.get("COURSE_DATA_MIRROR") and not args.fast:
        print("note: COURSE_DATA_MIRROR is not set; datasets not under data/ will be downloaded or stood in for.")
    failed = 0
    for path in paths:
        try:
            elapsed = refresh(path, args.fast, args.timeout)
        except CellExecutionError as exc:
            failed += 1
            print(f"FAILED {path.name}: left unchanged\n{str(exc)[-2000:]}", file=sys.stderr)
            continue
        print(f"{path.name}: {elapsed:6.1f} s ({'FAST' if args.fast else 'full'} mode)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
