"""JupyterLab as learners meet it, in a real browser (Chromium driven by Playwright).

Rendering, every notebook opened with its stored outputs: no markdown syntax left visible or turned into
unintended formatting, no LaTeX errors, no broken image (the page is offline, so only the Colab badge may be
missing), every stored figure displayed, Hangul drawn with a Korean font. The menu bar is Korean. A full-length
screenshot of each notebook goes to build/screenshots/<notebook>.png (git-ignored).

Running, as a learner does: clear the outputs, Run All in FAST mode, wait, look at the results. Completion is
judged from the notebook model (every non-empty code cell has an execution count and the kernel is idle), not from
the status bar, and errors and stderr are counted from the model too (Lab does not attach off-screen cells). A
notebook that trains with tqdm must show its progress bars as widgets while it runs. Nothing is ever saved: the
page must make no write request and the file must not change (when someone else edits it during the run, it must
at least not contain this run's FAST-mode outputs). Screenshot of a progress bar: run-<notebook>-progress.png.

Without Chromium the module is skipped with one line that says how to get it (a failure under CI=true).
Fixtures and page helpers: tests/browser_support.py and tests/browser_support.js.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

import pytest
from browser_support import (  # noqa: F401  (browser and lab are fixtures)
    ENABLE_HINT,
    HANGUL,
    NOTEBOOK_DIR,
    REPO,
    SCREENSHOTS,
    browser,
    browser_available,
    course,
    current_kernel_id,
    hangul_font_problem,
    inspect_rendering,
    korean_font_families,
    lab,
    open_lab_page,
    open_notebook,
    screenshot_notebook,
    skip_or_fail,
)

if not browser_available():
    skip_or_fail(ENABLE_HINT, module=True)

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
KOREAN = korean_font_families()


@pytest.fixture(scope="module")
def page(browser, lab):  # noqa: F811
    """One page for the module (Lab loads once). Rendering opens every notebook on one shared kernel; each
    Run All gets a kernel of its own, shut down after it."""
    with open_lab_page(browser, lab) as shared:
        shared.kernel_id = None
        yield shared


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_renders_cleanly(page: object, path: Path):
    open_notebook(page, path.name, page.kernel_id)
    if page.kernel_id is None:
        page.kernel_id = current_kernel_id(page)
    findings = inspect_rendering(page, KOREAN)
    shot = screenshot_notebook(page, SCREENSHOTS / f"{path.stem}.png")
    page.evaluate("() => window.courseTest.closeWithoutSaving()")
    assert not page.writes, f"the page tried to change files: {page.writes}"
    report = "\n".join(f"  {finding}" for finding in findings)
    assert not findings, f"{path.name}: {len(findings)} rendering problems (see {shot.relative_to(REPO)}):\n{report}"


def test_menu_bar_is_korean(page: object):
    """The course venv's JupyterLab starts in Korean (course.py install writes the default into the venv)."""
    override = course.locale_override_path(Path(sys.prefix))
    assert override.is_file(), f"{override} is missing: run `python course.py install` to make Korean the default"
    labels = page.eval_on_selector_all("#jp-MainMenu .lm-MenuBar-itemLabel", "els => els.map(e => e.textContent)")
    assert labels[:2] == ["파일", "편집"], f"menu bar: {labels}"
    assert all(HANGUL.search(label) for label in labels), f"menu labels not in Korean: {labels}"
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "#jp-MainMenu .lm-MenuBar-itemLabel"})
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
    finally:
        cdp.detach()
    assert hangul_font_problem(labels[0], fonts, KOREAN) is None, hangul_font_problem(labels[0], fonts, KOREAN)


FAULTY_MARKDOWN = r"""## 검사기 자체 시험

**로짓(logit)**은 굵게 보이지 않고 별표가 남습니다.

픽셀은 0~255 정수이고, 정규화하면 0~1 범위가 됩니다.

분수 $\frac{1}{2$ 는 중괄호가 닫히지 않았습니다.

$\undefinedcommand x$ 는 없는 명령이고, $\begin{aligned} a \end{align}$ 는 짝이 맞지 않습니다.

##제목처럼 보이는 줄

곱셈 a*b*c 를 코드 밖에 썼습니다.

첫 줄
2. 문단에 붙은 번호 목록

![없는 그림](no-such-figure.png)
"""
EXPECTED = {
    "bold markers (** or __) shown as text",
    "strikethrough",
    "LaTeX error",
    "LaTeX error (an unknown command",
    "a $ shown as text",
    "heading marks (#) shown as text",
    "italics inside a word",
    "list items shown as one paragraph",
    "broken image",
}


def test_rendering_check_catches_known_faults(page: object):
    """The check is not blind: markdown with one fault of each kind, put into a cell in memory (never saved)."""
    open_notebook(page, NOTEBOOKS[0].name, page.kernel_id)
    assert not inspect_rendering(page, KOREAN), "the notebook must be clean before the faults go in"
    page.evaluate(
        """(text) => {
          const cell = window.courseTest.panel().content.widgets.find(c => c.model.type === 'markdown');
          cell.model.sharedModel.setSource(text);
          cell.rendered = false;
          cell.rendered = true;
        }""",
        FAULTY_MARKDOWN,
    )
    page.wait_for_timeout(500)
    found = {finding.what for finding in inspect_rendering(page, KOREAN)}
    page.evaluate("() => window.courseTest.closeWithoutSaving()")
    missed = {kind for kind in EXPECTED if not any(what.startswith(kind) for what in found)}
    assert not missed, f"the rendering check missed {sorted(missed)}; it found {sorted(found)}"
    assert not page.writes, f"the page tried to change files: {page.writes}"


# --------------------------------------------------------------------------- Run All

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
