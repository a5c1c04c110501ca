"""JupyterLab as learners meet it, in a real browser (Chromium driven by Playwright).

Rendering, every notebook opened with its stored outputs: no markdown syntax left visible or turned into
unintended formatting, no LaTeX errors, no broken image (the page is offline, so only the Colab badge may be
missing), every stored figure displayed, Hangul drawn with a Korean font. The menu bar is Korean. A full-length
screenshot of each notebook goes to build/screenshots/<notebook>.png (git-ignored).

Running notebooks in the browser (Run All): tests/test_browser_run.py, a file of its own so that the two halves
run on two test workers at once.

Without Chromium the module is skipped with one line that says how to get it (a failure under CI=true).
Fixtures and page helpers: tests/browser_support.py and tests/browser_support.js.
"""

from __future__ import annotations

import sys
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
