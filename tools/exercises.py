"""Generate the exercise cells of the course notebooks and the solution notebooks from one source.

usage: python tools/exercises.py [sync|solutions|check] [NOTEBOOK ...]   (default: every notebook with exercises)

- ``sync`` writes each notebook's ``## 연습 문제`` section (just before ``## 요약``) from the
  records in ``course_utils/exercises/nbNN.py``. A cell whose text did not change keeps its
  outputs; a changed cell loses them, so run ``make refresh NOTEBOOKS=...`` afterwards.
- ``solutions`` writes ``solutions/NN_name.ipynb``: the notebook's Colab and set-up cells, then
  every exercise with its reference solution, executed so the ✔ lines are stored.
- ``check`` exits 1 if a notebook or solution notebook is out of date (what the tests assert).

The exercises, their checks, hints, wrong answers and solutions live only in ``course_utils``;
never edit the generated cells by hand.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tools")]

from course_utils.exercises import Exercise, notebook_exercises  # noqa: E402

NOTEBOOKS = REPO / "notebooks"
SOLUTIONS = REPO / "solutions"
SECTION = "## 연습 문제"
SUMMARY = "## 요약"
CHECK_TAG = "nbval-check-output"
KEY = "exercise"  # cell metadata key that marks generated cells


def number(path: Path) -> str:
    """``"03"`` for ``notebooks/03_tensors.ipynb``."""
    return path.name[:2]


def _meta(part: str, slide: str, exercise_id: str | None = None) -> dict:
    tag = {"part": part} if exercise_id is None else {"part": part, "id": exercise_id}
    return {KEY: tag, "slideshow": {"slide_type": slide}}


def intro_markdown(nb_number: str, stem: str) -> str:
    """The text that opens the section: how to answer, check, get a hint and see a solution."""
    first = f"{nb_number}-1"
    return (
        f"{SECTION}\n\n"
        "각 문제의 코드 셀에서 `...`를 채우고 셀을 실행하면 바로 아래에 결과가 한 줄로 나옵니다: "
        "✔ 정답, ✘ 무엇이 다른지, … 아직 답을 쓰지 않음. 답을 쓰지 않고 모두 실행해도 멈추지 않습니다.\n\n"
        f'막히면 새 셀에서 `cu.hint("{first}")`로 첫 힌트를, `cu.hint("{first}", 2)`로 다음 힌트를 보고, '
        f'그래도 막히면 `cu.solution("{first}")`로 풀이를 보세요. 모든 풀이는 '
        f"[solutions/{stem}.ipynb](../solutions/{stem}.ipynb)에도 있습니다."
    )


def notes_markdown(exercises: list[Exercise]) -> str:
    """Speaker notes for the section: the realistic mistakes each check is built to catch."""
    lines = [
        "강사 노트: 각 문제의 check가 잡아내는 흔한 실수입니다. 학생이 막히면 먼저 피드백 문장을 소리 내어 읽게 하세요."
    ]
    for ex in exercises:
        mistakes = "; ".join(m.why for m in ex.mistakes)
        lines.append(f"- {ex.id} {ex.title}: {mistakes}")
    return "\n".join(lines)


def task_markdown(ex: Exercise) -> str:
    return f"### 연습 {ex.id}. {ex.title}\n\n{ex.task}"


def exercise_cells(path: Path) -> list[nbformat.NotebookNode]:
    """The generated ``## 연습 문제`` cells for the notebook at ``path`` (empty if it has no exercises)."""
    exercises = notebook_exercises(number(path))
    if not exercises:
        return []
    nb_number = number(path)
    cells = [
        new_markdown_cell(
            intro_markdown(nb_number, path.stem), id=f"ex{nb_number}-intro", metadata=_meta("intro", "slide")
        ),
        new_markdown_cell(notes_markdown(exercises), id=f"ex{nb_number}-notes", metadata=_meta("notes", "notes")),
    ]
    for ex in exercises:
        cells.append(
            new_markdown_cell(task_markdown(ex), id=f"ex{ex.id}-task", metadata=_meta("task", "subslide", ex.id))
        )
        code_meta = _meta("code", "-", ex.id)
        code_meta["tags"] = [CHECK_TAG]
        cells.append(new_code_cell(ex.cell_source(), id=f"ex{ex.id}-code", metadata=code_meta))
    return cells


def _is_generated(cell: nbformat.NotebookNode) -> bool:
    return KEY in cell.get("metadata", {})


def _starts_with(cell: nbformat.NotebookNode, heading: str) -> bool:
    return cell.cell_type == "markdown" and cell.source.lstrip().startswith(heading)


def _same(old: nbformat.NotebookNode, new: nbformat.NotebookNode) -> bool:
    return old.cell_type == new.cell_type and old.source == new.source and old.metadata.get(KEY) == new.metadata[KEY]


def synced(nb: nbformat.NotebookNode, path: Path) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose exercise section is regenerated; unchanged cells keep outputs and extra metadata."""
    wanted = exercise_cells(path)
    old_cells = [c for c in nb.cells if _is_generated(c)]
    kept = [c for c in nb.cells if not _is_generated(c)]
    if any(_starts_with(c, SECTION) for c in kept):
        raise ValueError(
            f"{path.name}: a hand-written '{SECTION}' cell exists; move its content into the exercise records"
        )
    old_by_id = {c.get("id"): c for c in old_cells}
    merged = []
    for cell in wanted:
        old = old_by_id.get(cell.id)
        if old is not None and _same(old, cell):
            merged.append(old)
        else:
            if old is not None:  # keep metadata added by hand (e.g. slide type), refresh ours
                extra = {k: v for k, v in old.metadata.items() if k not in cell.metadata}
                cell.metadata.update(copy.deepcopy(extra))
            merged.append(cell)
    summary = next((i for i, c in enumerate(kept) if _starts_with(c, SUMMARY)), None)
    if merged and summary is None:
        raise ValueError(f"{path.name}: no '{SUMMARY}' cell to put the exercises before")
    out = copy.deepcopy(nb)
    out.cells = kept[:summary] + merged + kept[summary:] if merged else kept
    return out


def solved_copy(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` with every exercise stub replaced by its reference solution (outputs cleared)."""
    from course_utils.exercises import get

    out = copy.deepcopy(nb)
    for cell in out.cells:
        tag = cell.get("metadata", {}).get(KEY, {})
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            if tag.get("part") == "code":
                cell.source = get(tag["id"]).cell_source(solved=True)
    return out


def solutions_notebook(path: Path) -> nbformat.NotebookNode:
    """``solutions/NN_name.ipynb`` (not executed): the notebook's first two code cells, then each solution."""
    source = nbformat.read(path, as_version=4)
    exercises = notebook_exercises(number(path))
    title = source.cells[0].source.splitlines()[0].lstrip("# ").strip()
    code = [c for c in source.cells if c.cell_type == "code"][:2]  # the Colab cell and the set-up cell
    cells = [
        new_markdown_cell(
            f"# {title}: 연습 문제 풀이\n\n"
            f"[{path.stem}.ipynb](../notebooks/{path.name})의 `## 연습 문제` 풀이입니다. 위에서부터 차례로 실행하면 "
            "모든 check가 ✔를 출력합니다. 먼저 스스로 풀어 본 뒤에 보세요.\n\n"
            f"이 노트북은 `tools/exercises.py`가 `course_utils/exercises/nb{number(path)}.py`에서 만듭니다. "
            "고칠 곳은 그 파일입니다.",
            id="title",
        )
    ]
    cells += [new_code_cell(c.source, id=f"setup-{i}") for i, c in enumerate(code)]
    for ex in exercises:
        cells.append(new_markdown_cell(task_markdown(ex), id=f"ex{ex.id}-task"))
        cells.append(new_code_cell(ex.cell_source(solved=True), id=f"ex{ex.id}-solution"))
        notes = [ex.explanation] if ex.explanation else []
        notes.append("**흔한 실수**\n\n" + "\n".join(f"- {m.why}" for m in ex.mistakes))
        cells.append(new_markdown_cell("\n\n".join(notes), id=f"ex{ex.id}-why"))
    nb = new_notebook(cells=cells, metadata=copy.deepcopy(source.metadata))
    nb.metadata.pop("widgets", None)
    return nb


def solutions_path(path: Path) -> Path:
    return SOLUTIONS / path.name


def _sources(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source) for c in nb.cells]


def out_of_date(paths: list[Path]) -> list[str]:
    """Names of generated files that differ from what this tool would write now."""
    stale = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if _sources(synced(nb, path)) != _sources(nb):
            stale.append(f"{path.relative_to(REPO)} (run: python tools/exercises.py sync {path.relative_to(REPO)})")
        target = solutions_path(path)
        if notebook_exercises(number(path)):
            if not target.exists() or _sources(nbformat.read(target, as_version=4)) != _sources(
                solutions_notebook(path)
            ):
                stale.append(
                    f"{target.relative_to(REPO)} (run: python tools/exercises.py solutions {path.relative_to(REPO)})"
                )
    return stale


def _write(nb: nbformat.NotebookNode, path: Path) -> None:
    nbformat.validate(nb)
    tmp = path.with_name(f".{path.name}.tmp")
    nbformat.write(nb, tmp)
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["sync", "solutions", "check"])
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if args.command == "check":
        stale = out_of_date(paths)
        print("\n".join(stale) if stale else "exercise cells and solution notebooks are up to date")
        return 1 if stale else 0
    for path in paths:
        if args.command == "sync":
            nb = nbformat.read(path, as_version=4)
            new = synced(nb, path)
            if _sources(new) != _sources(nb):
                _write(new, path)
                print(f"{path.name}: exercise section rewritten; refresh its outputs (make refresh NOTEBOOKS=...)")
        elif notebook_exercises(number(path)):
            from refresh_notebooks import clean_metadata, execute

            SOLUTIONS.mkdir(exist_ok=True)
            nb = solutions_notebook(path)
            elapsed = execute(nb, SOLUTIONS, fast=False, timeout=600)
            clean_metadata(nb)
            _write(nb, solutions_path(path))
            print(f"{solutions_path(path).relative_to(REPO)}: written and executed in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
