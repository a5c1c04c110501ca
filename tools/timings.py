"""How long each notebook takes to run live: wall time of a top-to-bottom run in FAST and in full mode, as a table.

usage: python tools/timings.py [NOTEBOOK ...] [--modes fast,full] [--timeout S] [--update-guide]

Each notebook is copied into a temporary folder and executed there in a fresh kernel with
``tools/refresh_notebooks.execute`` (the run of `make refresh`); the notebook in the repository is
never written and its outputs are not kept. Prints a markdown table (one row per notebook, one
column per mode) for the instructor guide; ``--update-guide`` also writes it into
docs/instructor_guide.md between ``<!-- timings:start -->`` and ``<!-- timings:end -->``.

Point COURSE_DATA_MIRROR at the mirror first (as in class) and run it alone on the machine: every
other process on the same cores makes the numbers larger.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
GUIDE = REPO / "docs" / "instructor_guide.md"
START, END = "<!-- timings:start -->", "<!-- timings:end -->"
MODES = ("fast", "full")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from refresh_notebooks import execute  # noqa: E402  (the same kernel run as `make refresh`)


def run_copy(path: Path, fast: bool, timeout: int) -> float:
    """Execute a copy of the notebook at ``path`` in a temporary folder; return the wall time in seconds.

    Raises nbclient's CellExecutionError (or a timeout) if a cell fails. Nothing is written back."""
    import nbformat

    with tempfile.TemporaryDirectory(prefix="course-timings-") as folder:
        copy = Path(folder) / path.name
        shutil.copyfile(path, copy)
        return execute(nbformat.read(copy, as_version=4), Path(folder), fast=fast, timeout=timeout)


def duration(seconds: float | None) -> str:
    """``12 s`` or ``3 min 05 s``; "실패 (failed)" for a run that failed."""
    if seconds is None:
        return "실패 (failed)"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def header() -> str:
    """One line on where the numbers come from: machine, threads, device, data."""
    import torch

    sys.path.insert(0, str(REPO))
    import course_utils as cu

    data = "mirror (COURSE_DATA_MIRROR)" if os.environ.get("COURSE_DATA_MIRROR") else "data/ or download/stand-in"
    return (
        f"측정: {platform.machine()}, CPU {os.cpu_count()}코어, torch {torch.__version__}, "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '(unset)')}, 장치 {cu.get_device()}, 데이터 {data}"
    )


def table(rows: list[tuple[str, dict[str, float | None]]], modes: list[str]) -> str:
    """A markdown table: notebook, then one wall-time column per mode, then the total."""
    names = {"fast": "FAST 모드", "full": "full 모드"}
    lines = ["| 노트북 | " + " | ".join(names[m] for m in modes) + " |", "| --- |" + " ---: |" * len(modes)]
    for name, times in rows:
        lines.append(f"| `{name}` | " + " | ".join(duration(times.get(m)) for m in modes) + " |")
    totals = [sum(t[m] for _, t in rows if t.get(m) is not None) for m in modes]
    lines.append("| 합계 | " + " | ".join(duration(t) for t in totals) + " |")
    return "\n".join(lines)


def update_guide(text: str, guide: Path = GUIDE) -> bool:
    """Replace what is between the timing markers in ``guide`` with ``text``; False if the markers are absent."""
    if not guide.is_file():
        return False
    content = guide.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    if not pattern.search(content):
        return False
    guide.write_text(pattern.sub(lambda _: f"{START}\n{text.rstrip()}\n{END}", content, count=1), encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to time (default: every notebook)")
    parser.add_argument("--modes", default="fast,full", help="comma-separated: fast, full (default: both)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per cell (default 1800)")
    parser.add_argument("--update-guide", action="store_true", help=f"write the table into {GUIDE.relative_to(REPO)}")
    args = parser.parse_args(argv)
    modes = [m.strip().lower() for m in args.modes.split(",") if m.strip()]
    if not modes or set(modes) - set(MODES):
        parser.error(f"--modes takes a comma-separated list of {', '.join(MODES)}, e.g. --modes fast")
    paths = [p.resolve() for p in args.notebooks] or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        if not path.is_file():
            parser.error(f"no notebook at {path}; give paths like notebooks/03_tensors.ipynb")

    rows: list[tuple[str, dict[str, float | None]]] = []
    failed = 0
    for path in paths:
        times: dict[str, float | None] = {}
        for mode in modes:
            start = time.perf_counter()
            try:
                times[mode] = run_copy(path, fast=mode == "fast", timeout=args.timeout)
            except (CellExecutionError, CellTimeoutError) as exc:
                times[mode] = None
                failed += 1
                print(f"FAILED {path.name} ({mode}): {str(exc)[-600:]}", file=sys.stderr)
            # progress on stderr, so that stdout is only the table
            print(f"{path.name} {mode}: {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
        rows.append((path.name, times))
    text = f"{header()}\n\n{table(rows, modes)}"
    print(text)
    if args.update_guide:
        if update_guide(text):
            print(f"\nwrote the table into {GUIDE.relative_to(REPO)} between {START} and {END}")
        else:
            print(f"\n{GUIDE.relative_to(REPO)} has no {START} ... {END} markers; nothing written")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
