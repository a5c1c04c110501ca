"""The maintainer command that re-executes notebooks in place (tools/refresh_notebooks.py)."""

import importlib.util
import os
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

REPO = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("refresh_notebooks", REPO / "tools" / "refresh_notebooks.py")
refresh_notebooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(refresh_notebooks)


def write_notebook(path: Path, *sources: str) -> None:
    nb = new_notebook(cells=[new_markdown_cell("# t"), *[new_code_cell(s) for s in sources]])
    nb.metadata["jupytext"] = {"formats": "ipynb,py:percent"}
    nbformat.write(nb, path)


def test_refresh_runs_in_place_with_clean_metadata(tmp_path):
    path = tmp_path / "ok.ipynb"
    write_notebook(path, "import os\nprint(os.environ['COURSE_FAST'])", "1 + 1")
    elapsed = refresh_notebooks.refresh(path, fast=False, timeout=60)
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == [1, 2]
    assert code[0].outputs[0]["text"] == "0\n", "full mode is forced"
    assert nb.metadata["kernelspec"]["name"] == "python3" and "jupytext" not in nb.metadata
    assert all("execution" not in c.metadata for c in code)
    assert elapsed > 0


def test_progress_bars_are_not_stored(tmp_path):
    path = tmp_path / "bar.ipynb"
    write_notebook(path, "from tqdm.auto import tqdm\nfor _ in tqdm(range(3)):\n    pass\nprint('done')")
    refresh_notebooks.refresh(path, fast=True, timeout=60)
    nb = nbformat.read(path, as_version=4)
    outputs = nb.cells[1].outputs
    assert [out.get("text") for out in outputs] == ["done\n"], outputs
    assert "widgets" not in nb.metadata


def test_a_failing_notebook_is_left_unchanged(tmp_path, capsys):
    path = tmp_path / "broken.ipynb"
    write_notebook(path, "raise RuntimeError('boom')")
    before = path.read_bytes()
    assert refresh_notebooks.main([str(path), "--fast"]) == 1
    assert path.read_bytes() == before
    assert "FAILED broken.ipynb" in capsys.readouterr().err


def test_a_refresh_never_stores_projector_figures(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PLOTS", "projector")
    path = tmp_path / "plots.ipynb"
    write_notebook(path, "import os\nprint(os.environ.get('COURSE_PLOTS', 'unset'))")
    refresh_notebooks.refresh(path, fast=True, timeout=60)
    assert nbformat.read(path, as_version=4).cells[1].outputs[0]["text"] == "unset\n"
    assert os.environ["COURSE_PLOTS"] == "projector", "the maintainer's environment is restored"
