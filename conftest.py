"""Test-suite defaults: FAST mode, one torch thread per process, a short download timeout.

They are set before any notebook kernel starts, so nbval's kernels inherit them. Values
already in the environment win (CI or a maintainer may set them explicitly).
"""

import os

os.environ.setdefault("COURSE_FAST", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("COURSE_DOWNLOAD_TIMEOUT", "5")
os.environ.setdefault("MPLBACKEND", "Agg")


# --------------------------------------------------------------------------------------------------
# The reference solutions, run in each notebook's own nbval kernel after its last cell.
#
# nbval executes the notebook top to bottom with its blank exercise stubs (a learner's Run All). The
# exercise section is the notebook's last code, so right after nbval's last cell the kernel holds
# exactly the state a solved copy would have there. One more item per notebook then runs every
# reference solution with its check and requires ✔, without a second kernel and a second FAST run.


def _exercise_cell_sources(nb_path) -> list[tuple[str, str]]:
    """(exercise id, solved cell source) for each exercise of the notebook at ``nb_path``."""
    from course_utils import exercises

    return [(e.id, e.cell_source(solved=True)) for e in exercises.notebook_exercises(nb_path.name[:2])]


def _run_in_kernel(kernel, source: str, timeout: float) -> tuple[str, list[str]]:
    """Execute ``source`` in an nbval kernel; return its printed text and any error lines."""
    msg_id = kernel.execute_cell_input(source, allow_stdin=False)
    kernel.await_reply(msg_id, timeout=timeout)
    text, errors = [], []
    while True:
        msg = kernel.get_message(stream="iopub", timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "status" and content["execution_state"] == "idle":
            return "".join(text), errors
        if kind == "stream":
            (errors if content["name"] == "stderr" else text).append(content["text"])
        elif kind == "error":
            errors.append(f"{content['ename']}: {content['evalue']}")


def failing_solutions(kernel, nb_path, timeout: float = 600) -> dict[str, str]:
    """Run each reference solution of the notebook at ``nb_path`` in ``kernel``; {id: what it printed} for
    every exercise whose check did not print ✔ (or that raised or wrote to stderr)."""
    failed = {}
    for exercise_id, source in _exercise_cell_sources(nb_path):
        text, errors = _run_in_kernel(kernel, source, timeout)
        lines = text.strip().splitlines()
        if errors or not lines or not lines[-1].startswith(f"✔ [{exercise_id}]"):
            failed[exercise_id] = "\n".join([*lines[-1:], *errors]) or "(no output)"
    return failed


# --------------------------------------------------------------------------------------------------
# Scheduling. The suite runs on two workers, one file per worker at a time, in the order below
# (course.py passes --no-loadscope-reorder so that xdist keeps it): the longest files first, so that
# the many quick unit tests at the end fill the gaps instead of one long file running alone at the
# end. The browser tests are two files (rendering, Run All) so that both workers start with one and
# neither ends alone with all of them. Measured on 2 cores: rendering about 135 s, Run All 75 s,
# slide decks 30 s, each notebook 9-35 s (later notebooks train more), the rest a few seconds each.
# Before this order the suite took 315-360 s; after it 252-272 s, and 290-305 s on a clean clone's first
# run, which also decodes the data mirror into data/ (three workers: 243-297 s, no clear gain).
LONG_FIRST = ("tests/test_browser.py", "tests/test_browser_run.py", "tests/test_slides.py")
KERNELS_NEXT = ("tests/test_data.py", "tests/test_colab.py", "tests/test_exercises.py")


def schedule_rank(relpath: str) -> tuple[int, str]:
    """Sort key of a test file (path relative to the repository, with '/'): smaller runs earlier."""
    if relpath in LONG_FIRST:
        return LONG_FIRST.index(relpath), ""
    if relpath.startswith("notebooks/"):
        return len(LONG_FIRST), f"{99 - int(relpath[len('notebooks/'):][:2]):02d}"  # 14 before 13 ...
    if relpath in KERNELS_NEXT:
        return len(LONG_FIRST) + 1 + KERNELS_NEXT.index(relpath), ""
    return len(LONG_FIRST) + 1 + len(KERNELS_NEXT), relpath


def in_schedule_order(items: list, root) -> list:
    """``items`` with whole files moved into :func:`schedule_rank` order (the order inside a file kept)."""
    files: dict[str, list] = {}
    for item in items:
        files.setdefault(item.path.relative_to(root).as_posix(), []).append(item)
    return [item for name in sorted(files, key=schedule_rank) for item in files[name]]


def pytest_collection_modifyitems(session, config, items):
    """After each notebook's last nbval cell, add an item that runs its reference solutions; then put the
    files in schedule order."""
    import pytest
    from nbval.plugin import IPyNbCell

    class SolutionsItem(pytest.Item):
        def runtest(self) -> None:
            kernel = self.parent.kernel
            if kernel is None or not kernel.is_alive():
                raise RuntimeError("the notebook's kernel is not running (a cell before this one failed badly)")
            failed = failing_solutions(kernel, self.path)
            assert not failed, f"reference solutions that do not pass in the notebook's kernel: {failed}"

        def reportinfo(self):
            return self.path, None, f"{self.path.name}: reference solutions in the notebook's kernel"

    result = []
    for index, item in enumerate(items):
        result.append(item)
        is_last = index + 1 == len(items) or items[index + 1].parent is not item.parent
        last_cell = isinstance(item, IPyNbCell) and is_last
        if last_cell and _exercise_cell_sources(item.path):
            result.append(SolutionsItem.from_parent(item.parent, name="reference solutions"))
    items[:] = in_schedule_order(result, config.rootpath)
