"""A solved copy of each notebook (every stub replaced by its reference solution) runs top to bottom
in FAST mode, and each exercise's check prints ✔ there, in the context of the whole notebook."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest

from course_utils import exercises as ex

REPO = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("exercise_tool", REPO / "tools" / "exercises.py")
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)
refresh = importlib.import_module("refresh_notebooks")  # tools/ is on sys.path after loading the tool

NOTEBOOKS = [p for p in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")) if ex.notebook_exercises(p.name[:2])]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_solved_copy_runs_and_every_check_passes(path: Path):
    solved = tool.solved_copy(nbformat.read(path, as_version=4))
    refresh.execute(solved, path.parent, fast=True, timeout=600)
    results = {}
    for cell in solved.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.outputs:
            assert out.output_type != "error", f"{out.get('ename')}: {out.get('evalue')}"
        tag = cell.metadata.get("exercise", {})
        if tag.get("part") == "code":
            text = "".join(out.get("text", "") for out in cell.outputs)
            results[tag["id"]] = text.strip().splitlines()[-1] if text.strip() else "(no output)"
    expected = [e.id for e in ex.notebook_exercises(path.name[:2])]
    assert sorted(results) == sorted(expected)
    failed = {k: v for k, v in results.items() if not v.startswith(f"✔ [{k}]")}
    assert not failed, failed
