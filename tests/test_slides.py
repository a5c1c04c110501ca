"""Slides: the slide rules of CONTRIBUTING.md ("## Slides"), their checker and defaults command, and the static decks.

The rule checker is tested on small synthetic notebooks (each rule passes and fails when it should); every
course notebook must pass it. Decks are built for every notebook and must load
nothing from the network; one test opens a deck in Chromium.
"""

from __future__ import annotations

import base64
import copy
import io
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))
import slides  # noqa: E402

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
COLAB = (
    "# Colab only: install the course package\nimport os\nimport sys\n\n"
    'if "google.colab" in sys.modules:\n    os.environ.setdefault("COURSE_DATA_DIR", "/content/data")'
)
SETUP = "import torch\n\nimport course_utils as cu\n\ncu.setup_plots()\nprint(cu.mode_line())"


def cell(kind: str, text: str, slide: str | None, outputs: list | None = None) -> nbformat.NotebookNode:
    made = new_markdown_cell(text) if kind == "md" else new_code_cell(text)
    if kind == "code":
        made.outputs = outputs or []
    if slide is not None:
        made.metadata["slideshow"] = {"slide_type": slide}
    return made


def good_notebook() -> nbformat.NotebookNode:
    """A small notebook that follows every slide rule."""
    return new_notebook(
        cells=[
            cell("md", "# 03. PyTorch 기초: Tensor\n\n소개 한 줄.", "slide"),
            cell("md", "## 학습 목표\n- 하나\n- 둘\n- 셋", "slide"),
            cell("md", "학습 목표를 소리 내어 읽고, 오늘 끝날 때 확인하겠다고 말합니다.", "notes"),
            cell("code", COLAB, "skip"),
            cell("code", SETUP, "skip"),
            cell("md", "## 1. 만들기\n`torch.tensor`로 만듭니다.", "slide"),
            cell("code", "x = torch.zeros(2, 3)\nx.shape", "-"),
            cell("md", "자주 하는 실수: 모양(shape)을 거꾸로 적는 것.", "notes"),
            cell("md", "### 1-1. dtype\n기본은 float32입니다.", "subslide"),
            cell("code", "x.dtype", "fragment"),
            cell("md", "### 1-2. 짧은 소제목", "-"),
            cell("md", "## 요약\n- 끝", "slide"),
            cell("md", "요약을 다시 묻습니다.", "notes"),
        ]
    )


def problems_of(nb: nbformat.NotebookNode) -> list[str]:
    return slides.check(nb, "test.ipynb")


def png(width: int, height: int) -> str:
    """A base64 PNG of the given size (only its header matters to the estimate)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


# ------------------------------------------------------------------------------------------ the rules


def test_a_notebook_that_follows_the_rules_passes():
    assert problems_of(good_notebook()) == []


@pytest.mark.parametrize(
    ("index", "slide", "expected"),
    [
        (6, None, "no slide type"),
        (6, "hidden", "'hidden' is not one of"),
        (0, "-", "'# ' heading starts a slide"),
        (5, "subslide", "'## ' heading starts a slide"),
        (8, "fragment", "'### ' heading is a 'subslide'"),
        (3, "-", "Colab cell is plumbing"),
        (4, "fragment", "set-up cell is plumbing"),
    ],
)
def test_each_slide_type_rule_fails_when_broken(index: int, slide: str | None, expected: str):
    nb = good_notebook()
    if slide is None:
        del nb.cells[index].metadata["slideshow"]
    else:
        nb.cells[index].metadata["slideshow"]["slide_type"] = slide
    found = problems_of(nb)
    assert len(found) == 1 and expected in found[0] and f"cell {index}" in found[0], found


def test_short_third_level_heading_may_stay_on_the_slide():
    nb = good_notebook()
    for slide in ("subslide", "-"):
        nb.cells[10].metadata["slideshow"]["slide_type"] = slide
        assert problems_of(nb) == []


def test_every_second_level_section_needs_speaker_notes():
    nb = good_notebook()
    nb.cells[7].metadata["slideshow"]["slide_type"] = "-"  # section "## 1." loses its notes
    found = problems_of(nb)
    assert len(found) == 1 and "cell 5" in found[0] and "no speaker notes" in found[0]
    nb = good_notebook()
    nb.cells[7] = cell("code", "# what to say", "notes")  # notes must be markdown
    found = problems_of(nb)
    assert any("speaker notes must be a markdown cell" in p for p in found)
    assert any("cell 5" in p and "no speaker notes" in p for p in found)


def test_headings_must_start_their_cell():
    nb = good_notebook()
    nb.cells[5].source += "\n### 1-0. 숨은 소제목\n본문"
    found = problems_of(nb)
    assert len(found) == 1 and "inside the cell" in found[0]
    nb = good_notebook()
    nb.cells[5].source += "\n```python\n## not a heading inside a code fence\n```"
    assert problems_of(nb) == []


def test_title_colab_and_setup_must_exist():
    nb = good_notebook()
    nb.cells[0].source = "제목 없는 첫 셀"
    assert any("first cell must be the '# ' title" in p for p in problems_of(nb))
    nb = good_notebook()
    del nb.cells[3:5]
    found = problems_of(nb)
    assert any("no Colab cell" in p for p in found) and any("no set-up cell" in p for p in found)


def test_long_markdown_overflows_until_it_is_split():
    nb = good_notebook()
    prose = "경사 하강은 손실의 기울기를 따라 파라미터를 조금씩 고치는 방법입니다. " * 50  # about 1,900 characters
    nb.cells[5].source += "\n\n" + prose
    found = problems_of(nb)
    assert len(found) == 1 and "px tall" in found[0] and "cell 5" in found[0], found
    first, second = prose[: len(prose) // 2], prose[len(prose) // 2 :]
    nb.cells[5].source = "## 1. 만들기\n\n" + first
    nb.cells.insert(6, cell("md", second, "subslide"))
    assert problems_of(nb) == []


def test_long_code_and_figures_overflow():
    nb = good_notebook()
    nb.cells[6].source = "\n".join(f"x{i} = torch.zeros({i})" for i in range(40))
    assert any("px tall" in p for p in problems_of(nb))
    nb = good_notebook()
    figure = new_output("display_data", data={"image/png": png(512, 330), "text/plain": "<Figure>"})
    nb.cells[6].outputs = [figure]
    assert problems_of(nb) == []  # heading, one line of code and one default-size figure fit
    nb.cells[6].outputs = [figure, copy.deepcopy(figure)]
    assert any("px tall" in p for p in problems_of(nb))  # two of them do not


def test_fragments_count_on_their_slide_and_notes_and_skips_do_not():
    nb = good_notebook()
    grouped = slides.slides(nb)
    assert [s.cells for s in grouped] == [[0], [1], [5, 6], [8, 9, 10], [11]]
    assert grouped[3].height(nb) == sum(slides.cell_px(nb.cells[i]) for i in (8, 9, 10))


def test_estimate_grows_with_content():
    short, long = cell("md", "짧은 문단.", "-"), cell("md", "긴 문단입니다. " * 40, "-")
    assert slides.cell_px(long) > slides.cell_px(short)
    code = [cell("code", "\n".join(["x = 1"] * n), "-") for n in (1, 10)]
    assert slides.cell_px(code[1]) - slides.cell_px(code[0]) == 9 * slides.CODE_COST["code_line"]
    wide = cell("code", "fig", "-", [new_output("display_data", data={"image/png": png(2400, 600)})])
    # a figure wider than the slide is shown narrowed, so its height shrinks with it
    assert slides.code_parts(wide)["image_px"] == round(slides.IMAGE_FACTOR * 600 * slides.IMAGE_WIDTH / 2400)


def test_defaults_set_the_mechanical_types_and_touch_nothing_else():
    nb = good_notebook()
    for c in nb.cells:
        del c.metadata["slideshow"]
    nb.cells[2].metadata["slideshow"] = {"slide_type": "notes"}  # an existing choice is kept
    nb.cells[6].outputs = [new_output("stream", text="torch.Size([2, 3])\n")]
    before = copy.deepcopy(nb)
    assert slides.set_defaults(nb) == len(nb.cells) - 1
    kinds = [slides.slide_type(c) for c in nb.cells]
    expected = "slide slide notes skip skip slide - - subslide - subslide slide -".split()
    assert kinds == expected
    for old, new in zip(before.cells, nb.cells, strict=True):
        assert old.source == new.source and old.get("outputs") == new.get("outputs")
    assert slides.set_defaults(nb) == 0  # nothing left to set


def test_command_line_check_and_defaults(tmp_path: Path):
    path = tmp_path / "demo.ipynb"
    nb = good_notebook()
    for c in nb.cells:
        del c.metadata["slideshow"]
    nbformat.write(nb, path)
    script = [sys.executable, str(REPO / "tools" / "slides.py")]
    failing = subprocess.run([*script, "check", str(path)], capture_output=True, text=True, check=False)
    assert failing.returncode == 1 and "no slide type" in failing.stdout
    done = subprocess.run([*script, "defaults", str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "slide type set on 13 cell(s)" in done.stdout
    written = nbformat.read(path, as_version=4)
    assert [c.source for c in written.cells] == [c.source for c in nb.cells]
    after = subprocess.run([*script, "check", str(path)], capture_output=True, text=True, check=False)
    # the defaults cannot write speaker notes: only those rules are left
    assert after.returncode == 1 and all("no speaker notes" in line for line in after.stdout.splitlines())
    missing = subprocess.run([*script, "check", str(tmp_path / "nope.ipynb")], capture_output=True, text=True)
    assert missing.returncode != 0 and "no notebook at" in missing.stderr


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_has_slide_types_headings_skips_and_speaker_notes(path: Path):
    problems = slides.check(nbformat.read(path, as_version=4), path.name, budget=False)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_slide_of_every_notebook_fits_the_budget(path: Path):
    """Rule 5 on the stored outputs: no slide is estimated over BUDGET_PX (a 1280x720 slide)."""
    nb = nbformat.read(path, as_version=4)
    over = [f"slide at cell {slide.start}: about {slide.height(nb)} px" for slide in slides.oversized_slides(nb)]
    assert over == [], f"over {slides.BUDGET_PX} px: " + "; ".join(over) + " (split a cell or start a 'subslide')"


# ------------------------------------------------------------------------------------------ static decks


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> dict[str, Path]:
    """A deck for every course notebook, built as `make slides` does (into a temporary folder)."""
    out = tmp_path_factory.mktemp("slides")
    return {path.stem: deck for path, deck in zip(NOTEBOOKS, slides.build_decks(NOTEBOOKS, out), strict=True)}


def test_a_deck_for_every_notebook_with_its_stored_outputs(decks: dict[str, Path]):
    assert set(decks) == {p.stem for p in NOTEBOOKS} and decks
    for name, deck in decks.items():
        text = deck.read_text(encoding="utf-8")
        assert text.count("<section") >= 1, name
        assert 'class="reveal"' in text and "Reveal.initialize" in text, name
    assert "data:image/png;base64," in decks["06_neural_network"].read_text(encoding="utf-8")  # a stored figure


def test_decks_load_nothing_from_the_network(decks: dict[str, Path]):
    for name, deck in decks.items():
        assert slides.network_references(deck) == [], name
        assert slides.missing_files(deck) == [], name
    static = next(iter(decks.values())).parent / "_static"
    for css in static.rglob("*.css"):
        assert not re.search(r"(@import|url\()\s*['\"]?(https?:)?//", css.read_text(encoding="utf-8")), css


def test_network_check_catches_cdn_scripts_and_styles(tmp_path: Path):
    (tmp_path / "local.css").write_text("@import url('https://fonts.example.org/a.css');", encoding="utf-8")
    deck = tmp_path / "deck.html"
    deck.write_text(
        '<script src="https://unpkg.com/reveal.js@4.0.2/dist/reveal.js"></script>'
        '<link rel="stylesheet" href="//cdn.example.org/theme.css">'
        '<link rel="stylesheet" href="local.css"><link rel="stylesheet" href="gone.css">'
        "<style>@font-face { src: url(http://fonts.example.org/x.woff) }</style>"
        "<script type=\"module\">import mermaid from 'https://cdn.example.org/mermaid.mjs';</script>",
        encoding="utf-8",
    )
    found = slides.network_references(deck)
    assert len(found) == 5, found
    assert slides.missing_files(deck) == ["gone.css"]


def built_deck(nb: nbformat.NotebookNode, path: Path) -> Path:
    """Write ``nb`` to ``path`` and build its deck beside it (with the deck's static files), as `make slides` does."""
    nbformat.write(nb, path)
    slides.copy_static(path.parent)
    return slides.build_deck(path, path.parent)


def test_deck_follows_the_slide_metadata(tmp_path: Path):
    text = built_deck(good_notebook(), tmp_path / "demo.ipynb").read_text(encoding="utf-8")
    body = text[text.index('<div class="slides">') :]
    assert body.count('<aside class="notes">') == 3
    assert "COURSE_DATA_DIR" not in body and "mode_line" not in body  # the skipped plumbing cells
    assert "학습 목표를 소리 내어 읽고" in body  # speaker notes are in the deck, shown in the speaker view


# ------------------------------------------------------------------------------------------ in a browser

try:  # the real-browser harness of the learner-environment tests, when it is there
    from browser_support import browser, hangul_font_problem, korean_font_families
except ImportError:  # a small launcher of its own: Debian's chromium, or Playwright's download
    import os

    BROWSER_ARGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync"]

    @pytest.fixture(scope="session")
    def browser() -> Iterator[Any]:
        playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
        executable = next((p for p in ("/usr/lib/chromium/chromium",) if Path(p).is_file()), None)
        with playwright_api.sync_playwright() as playwright:
            args = ["--no-sandbox", "--no-first-run", *BROWSER_ARGS] if os.geteuid() == 0 else BROWSER_ARGS
            chromium = playwright.chromium.launch(executable_path=executable, args=args)
            yield chromium
            chromium.close()

    def korean_font_families() -> set[str]:
        return {"NanumGothic", "NanumBarunGothic", "Noto Sans CJK KR", "Malgun Gothic", "Apple SD Gothic Neo"}

    def hangul_font_problem(text: str, fonts: list[dict], korean: set[str]) -> str | None:
        syllables = len(re.findall(r"[\uac00-\ud7a3]", text))
        drawn = sum(f["glyphCount"] for f in fonts if f["familyName"] in korean)
        return f"{syllables} Hangul, {drawn} Korean glyphs: {fonts}" if syllables and drawn < syllables else None


def open_deck(browser: Any, deck: Path) -> Any:
    """A 1280x720 page showing ``deck`` from the file system, the network refused, MathJax and fonts done."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    refused: list[str] = []

    def route(request_route: Any) -> None:
        refused.append(request_route.request.url)
        request_route.abort()

    page.route(re.compile(r"^https?://"), route)
    page.refused = refused
    page.goto(deck.as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    page.wait_for_function("new Promise((done) => MathJax.Hub.Queue(() => done(true)))")
    page.evaluate("document.fonts.ready.then(() => true)")
    return page


def test_deck_renders_slides_with_korean_text_in_a_korean_font(browser: Any, tmp_path: Path):
    """A course notebook with the default slide types (set on a copy) opens offline as many slides, in Hangul."""
    nb = nbformat.read(REPO / "notebooks" / "03_tensors.ipynb", as_version=4)
    slides.set_defaults(nb)
    page = open_deck(browser, built_deck(nb, tmp_path / "03_tensors.ipynb"))
    try:
        total = page.evaluate("Reveal.getTotalSlides()")
        assert total == len(slides.slides(nb)) and total > 8
        title = page.locator("section.present h1").first
        assert re.search(r"[\uac00-\ud7a3]", title.inner_text())
        cdp = page.context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        korean = korean_font_families()
        for selector in ("section.present h1", "section.present li"):  # the title, then a bullet of 학습 목표
            if selector.endswith("li"):
                page.keyboard.press("ArrowRight")
                page.wait_for_function("Reveal.getState().indexh === 1")
            root = cdp.send("DOM.getDocument")["root"]["nodeId"]
            node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
            text = page.locator(selector).first.inner_text()
            assert re.search(r"[\uac00-\ud7a3]", text), (selector, text)
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            assert hangul_font_problem(text, fonts, korean) is None, (selector, fonts)
            assert any(f["familyName"] == "NanumGothic" for f in fonts), fonts  # the deck's own font
        assert page.refused in ([], ["https://colab.research.google.com/assets/colab-badge.svg"]), page.refused
    finally:
        page.close()


def test_long_code_and_output_lines_wrap_on_the_slide_instead_of_being_cut(browser: Any, tmp_path: Path):
    """A 150-column line of code and of printed text stays inside the 1280x720 slide (the estimate counts it as
    two lines); nothing on the slide is cut off at the right edge or needs a horizontal scroll bar."""
    long_code = "result = " + " + ".join(f"torch.zeros({i}).sum()" for i in range(8))
    long_text = "학습 손실 0.123 | " * 12
    assert len(long_code) > 150 and len(long_text) > 150
    nb = new_notebook(
        cells=[
            cell("md", "# 긴 줄", "slide"),
            cell("code", long_code, "-", outputs=[new_output("stream", name="stdout", text=long_text + "\n")]),
        ]
    )
    page = open_deck(browser, built_deck(nb, tmp_path / "long.ipynb"))
    try:
        widths = page.evaluate(
            """() => Array.from(document.querySelectorAll('section.present pre')).map((pre) => {
                   const box = pre.getBoundingClientRect();
                   return [pre.innerText.length, pre.scrollWidth - pre.clientWidth, Math.round(box.right)];
               })"""
        )
        assert len(widths) == 2 and all(length > 150 for length, _, _ in widths), widths
        for _, hidden, right in widths:
            assert hidden <= 1 and right <= 1280, widths
    finally:
        page.close()


def test_static_deck_speaker_view_shows_the_notes(browser: Any, tmp_path: Path):
    """`S` in a deck opened from the file system opens reveal.js's speaker view with the slide's notes."""
    page = open_deck(browser, built_deck(good_notebook(), tmp_path / "demo.ipynb"))
    try:
        page.keyboard.press("ArrowRight")  # the 학습 목표 slide, whose notes cell follows it
        page.wait_for_function("Reveal.getState().indexh === 1")
        with page.context.expect_page(timeout=30_000) as popup:
            page.keyboard.press("s")
        speaker_view = popup.value
        shown = "(text) => (document.querySelector('.speaker-controls-notes')?.innerText || '').includes(text)"
        speaker_view.wait_for_function(shown, arg="학습 목표를 소리 내어 읽고", timeout=60_000)
        speaker_view.close()
    finally:
        page.close()


def test_the_size_budget_matches_what_overflows_in_the_browser(browser: Any, tmp_path: Path):
    """Slides at the edge of the budget: what the estimate passes fits 1280x720, what overflows is flagged."""
    prose = "신경망은 입력에 가중치를 곱하고 편향을 더한 뒤 활성 함수를 통과시키는 층을 쌓은 함수입니다. " * 40
    cases = {
        "prose 1,000 characters": ["## 3. 제목", prose[:1000]],
        "prose 1,400 characters": ["## 3. 제목", prose[:1400]],
        "code 22 lines": ["## 3. 제목", "\n".join(f"x{i} = torch.zeros({i}, 3)  # 모양" for i in range(22))],
        "code 30 lines": ["## 3. 제목", "\n".join(f"x{i} = torch.zeros({i}, 3)  # 모양" for i in range(30))],
    }
    cells = []
    for parts in cases.values():
        cells.append(cell("md", parts[0], "slide"))
        if parts[1].startswith("x0"):
            cells.append(cell("code", parts[1], "-"))
        else:
            cells.append(cell("md", "\n\n".join(parts[1][i : i + 200] for i in range(0, len(parts[1]), 200)), "-"))
    nb = new_notebook(cells=cells)
    page = open_deck(browser, built_deck(nb, tmp_path / "budget.ipynb"))
    try:
        heights = page.evaluate("Reveal.getSlides().map((s, i) => { Reveal.slide(i, 0); return s.scrollHeight; })")
    finally:
        page.close()
    estimates = [s.height(nb) for s in slides.slides(nb)]
    for name, measured, estimate in zip(cases, heights, estimates, strict=True):
        fits, passes = measured <= slides.SLIDE_HEIGHT, estimate <= slides.BUDGET_PX
        assert fits == passes, f"{name}: measured {measured} px, estimated {estimate} px"
        assert estimate >= measured, f"{name}: the estimate ({estimate} px) is below the measurement ({measured} px)"


# ------------------------------------------------------------------------------------------ timings (make timings)

import timings  # noqa: E402  (tools/ is on sys.path above)


def test_timings_table_and_guide_markers(tmp_path: Path):
    rows = [("03_tensors.ipynb", {"fast": 5.24, "full": 61.0}), ("07_mlp_mnist.ipynb", {"fast": 9.7, "full": None})]
    text = timings.table(rows, ["fast", "full"])
    assert text.splitlines()[2] == "| `03_tensors.ipynb` | 5 s | 1 min 01 s |"
    assert text.splitlines()[3] == "| `07_mlp_mnist.ipynb` | 10 s | 실패 (failed) |"
    assert text.splitlines()[-1] == "| 합계 | 15 s | 1 min 01 s |"
    guide = tmp_path / "guide.md"
    guide.write_text(f"before\n{timings.START}\nold\n{timings.END}\nafter\n", encoding="utf-8")
    assert timings.update_guide(text, guide)
    content = guide.read_text(encoding="utf-8")
    assert "old" not in content and text in content and content.startswith("before\n") and content.endswith("after\n")
    guide.write_text("no markers", encoding="utf-8")
    assert not timings.update_guide(text, guide) and guide.read_text(encoding="utf-8") == "no markers"


def test_the_guide_has_the_timing_markers():
    content = timings.GUIDE.read_text(encoding="utf-8")
    assert content.count(timings.START) == 1 and content.index(timings.START) < content.index(timings.END)


def test_timings_run_a_copy_and_leave_the_notebook_alone(tmp_path: Path):
    path = tmp_path / "tiny.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("import os\nopen('written_by_the_run.txt', 'w').close()")]), path)
    before = path.read_bytes()
    seconds = timings.run_copy(path, fast=True, timeout=120)
    assert seconds > 0
    assert path.read_bytes() == before and not (tmp_path / "written_by_the_run.txt").exists()
