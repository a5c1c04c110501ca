"""Running notebooks in JupyterLab as learners do, in a real browser (Chromium driven by Playwright).

Clear the outputs, Run All in FAST mode, wait, look at the results. Completion is judged from the notebook model
(every non-empty code cell has an execution count and the kernel is idle), not from the status bar, and errors and
stderr are counted from the model too (Lab does not attach off-screen cells). A notebook that trains with tqdm must
show its progress bars as widgets while it runs. Nothing is ever saved: the page must make no write request and the
file must not change (when someone else edits it during the run, it must at least not contain this run's FAST-mode
outputs). Screenshot of a progress bar: build/screenshots/run-<notebook>-progress.png (git-ignored).

Rendering of every notebook: tests/test_browser.py. Without Chromium the module is skipped with one line that says
how to get it (a failure under CI=true). Fixtures and page helpers: tests/browser_support.py and .js.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest
from browser_support import (  # noqa: F401  (browser and lab are fixtures)
    ENABLE_HINT,
    NOTEBOOK_DIR,
    SCREENSHOTS,
    browser,
    browser_available,
    current_kernel_id,
    lab,
    open_lab_page,
    open_notebook,
    skip_or_fail,
)

if not browser_available():
    skip_or_fail(ENABLE_HINT, module=True)


@pytest.fixture(scope="module")
def page(browser, lab):  # noqa: F811
    """One page for the module (Lab loads once); each Run All gets a kernel of its own, shut down after it."""
    with open_lab_page(browser, lab) as shared:
        yield shared


ALWAYS = ["00_setup_check", "03_tensors", "07_mlp_mnist"]
TIMEOUT = 300  # seconds for one notebook's Run All in FAST mode
FAST_LINE = "FAST mode (COURSE_FAST=1)"  # what the set-up cell prints in FAST mode; committed outputs are full mode
PROGRESS_CALLS = ("tqdm", "cu.fit(", "cu.train_epoch(", "cu.evaluate(")


def code_sources(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def has_exercises(path: Path) -> bool:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return any("exercise" in c.get("metadata", {}) for c in cells)


def notebooks_to_run() -> list[str]:
    """00, 03 and 07, plus the first notebook with exercises when none of those has them."""
    chosen = [stem for stem in ALWAYS if (NOTEBOOK_DIR / f"{stem}.ipynb").is_file()]
    if not any(has_exercises(NOTEBOOK_DIR / f"{stem}.ipynb") for stem in chosen):
        chosen += [p.stem for p in sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb")) if has_exercises(p)][:1]
    return chosen


def shows_progress_bars(path: Path) -> bool:
    """True when the notebook's code draws tqdm bars (directly or through the course's training loop)."""
    return any(call in source for source in code_sources(path) for call in PROGRESS_CALLS)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def wait_for_idle_kernel(page: object, timeout: float = 120) -> None:
    page.wait_for_function(
        "() => { const s = window.courseTest.panel().sessionContext.session;"
        " return s && s.kernel && s.kernel.status === 'idle'; }",
        timeout=timeout * 1000,
    )


def run_all(page: object, stem: str) -> dict:
    """Run All and wait for the model to say it is finished (or stuck after an error); return the last state."""
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); return true; }")
    deadline = time.monotonic() + TIMEOUT
    finished = 0
    progress_shot = SCREENSHOTS / f"run-{stem}-progress.png"
    progress_shot.unlink(missing_ok=True)
    while True:
        state = page.evaluate("() => window.courseTest.runState()")
        if state["progress"]["bars"] and not progress_shot.exists():
            progress_shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(progress_shot))
        idle = state["kernel"] == "idle"
        done = state["executed"] == state["total"] or bool(state["errors"])
        finished = finished + 1 if idle and done else 0
        if finished >= 3:  # idle on three polls in a row: Run All has nothing left to send
            return state
        assert time.monotonic() < deadline, f"Run All did not finish in {TIMEOUT} s: {state}"
        page.wait_for_timeout(250)


@pytest.mark.parametrize("stem", notebooks_to_run())
def test_run_all_in_fast_mode(page: object, lab: object, stem: str):  # noqa: F811
    path = NOTEBOOK_DIR / f"{stem}.ipynb"
    before = digest(path)
    open_notebook(page, path.name)
    kernel_id = current_kernel_id(page)
    try:
        wait_for_idle_kernel(page)
        page.evaluate("() => window.courseTest.watchProgress()")
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        cleared = page.evaluate("() => window.courseTest.runState()")
        assert cleared["outputs"] == 0 and cleared["executed"] == 0, f"outputs not cleared: {cleared}"

        state = run_all(page, stem)
    finally:
        lab.api(f"kernels/{kernel_id}", method="DELETE")
        page.evaluate("() => window.courseTest.closeWithoutSaving()")

    assert not state["errors"], f"{path.name}: error outputs {state['errors']}"
    assert not state["stderr"], f"{path.name}: stderr outputs {state['stderr']}"
    assert state["executed"] == state["total"], f"{path.name}: {state['executed']} of {state['total']} cells ran"
    assert FAST_LINE in state["text"], "the Lab server's kernels must run in FAST mode (COURSE_FAST=1)"
    assert not state["progress"]["widgetErrors"], f"widget errors: {state['progress']['widgetErrors']}"
    if shows_progress_bars(path):
        assert state["progress"]["bars"] > 0, f"{path.name}: no tqdm progress bar was drawn as a widget"
    assert not page.writes, f"the page tried to change files: {page.writes}"
    # Unchanged, or (in a checkout others edit at the same time) at least not holding this FAST-mode run.
    assert digest(path) == before or FAST_LINE not in path.read_text(encoding="utf-8"), f"{path.name} was saved"
