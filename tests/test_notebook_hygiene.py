"""Static checks of every course notebook: the template, one clean full-mode run, small portable outputs.

nbval re-executes the notebooks (see pyproject.toml); these tests read the committed files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
# The course in order (../shared/SYLLABUS.md); each notebook's 다음 단계 links the next one.
COURSE = [
    "00_setup_check",
    "01_what_is_deep_learning",
    "02_ml_workflow_basics",
    "03_tensors",
    "04_dataset_dataloader",
    "05_transforms",
    "06_neural_network",
    "07_mlp_mnist",
    "08_mlp_cifar10",
    "09_kfold_cross_validation",
    "10_metrics",
    "11_loss_functions",
    "12_gradient_descent",
    "13_activation_functions",
    "14_initialization_regularization",
]
# OWNER/NAME of the course on GitHub: one setting in pyproject.toml ([tool.course], rewritten by `course.py set-repo`).
GITHUB_REPO = re.search(
    r'^\[tool\.course\][^\[]*?^repository\s*=\s*"([^"]+)"',
    (REPO / "pyproject.toml").read_text(encoding="utf-8"),
    re.M | re.S,
).group(1)

MAX_OUTPUT_BYTES = 300_000  # one output (e.g. one PNG)
MAX_NOTEBOOK_BYTES = 2_000_000
ABSOLUTE_PATH = re.compile(r"""['"](/(?!content/)[A-Za-z_.-]+/|[A-Za-z]:\\)""")
MACHINE_PATH = re.compile(r"(/work/|/home/|/root/|/tmp/|/Users/|[A-Z]:\\Users)")
HARD_CODED_CUDA = re.compile(r"""['"]cuda(:\d+)?['"]""")
DEVICE_CHOICE = re.compile(r"is_available|\bif |device\s*==|\belse\b")  # "cuda" inside a device choice is fine


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def markdown(nb: dict) -> str:
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def section(md: str, heading: str) -> str:
    """Text under a ``## heading`` up to the next heading of level 1 or 2."""
    match = re.search(rf"^##\s*{heading}[^\n]*\n(.*?)(?=^#{{1,2}}\s|\Z)", md, re.M | re.S)
    assert match, f"no '## {heading}' section"
    return match.group(1)


def test_every_course_notebook_exists():
    assert [p.stem for p in NOTEBOOKS] == COURSE


@pytest.fixture(params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def nb_path(request) -> Path:
    return request.param


def test_title_badge_and_how_to_run(nb_path: Path):
    nb = load(nb_path)
    first = "".join(nb["cells"][0]["source"])
    assert nb["cells"][0]["cell_type"] == "markdown" and first.startswith("# "), "first cell must be the # title"
    badge = f"https://colab.research.google.com/github/{GITHUB_REPO}/blob/main/notebooks/{nb_path.name}"
    assert badge in first, f"Colab badge must link to this notebook: {badge}"
    assert "colab-badge.svg" in first
    assert "JupyterLab" in first and "Colab" in first, "one line on how to run it (JupyterLab or Colab)"


def test_learning_objectives(nb_path: Path):
    bullets = [ln for ln in section(markdown(load(nb_path)), "학습 목표").splitlines() if ln.lstrip().startswith("- ")]
    assert 3 <= len(bullets) <= 6, f"학습 목표 needs 3 to 6 bullets, found {len(bullets)}"


def test_summary_and_next_step(nb_path: Path):
    md = markdown(load(nb_path))
    assert [ln for ln in section(md, "요약").splitlines() if ln.lstrip().startswith("- ")], "요약 needs bullets"
    nxt = section(md, "다음 단계")
    position = COURSE.index(nb_path.stem)
    if position + 1 < len(COURSE):
        target = f"{COURSE[position + 1]}.ipynb"
        assert f"({target})" in nxt, f"다음 단계 must link the next notebook {target}"
    else:
        assert re.search(r"\]\([^)]+\)", nxt), "다음 단계 of the last notebook must link somewhere"


def test_colab_cell_then_setup_cell(nb_path: Path):
    cells = code_cells(load(nb_path))
    colab = "".join(cells[0]["source"])
    reference = "".join(code_cells(load(NOTEBOOKS[0]))[0]["source"])
    assert colab == reference, f"the Colab cell must be the same in every notebook: copy it from {NOTEBOOKS[0].name}"
    assert '"google.colab" in sys.modules' in colab and "%pip install" in colab, "first code cell: Colab install"
    assert f'"git+https://github.com/{GITHUB_REPO}"' in colab, f"the Colab cell must install from {GITHUB_REPO}"
    assert 'os.environ.get("COURSE_PACKAGE_SOURCE",' in colab, "COURSE_PACKAGE_SOURCE lets tests install a local copy"
    assert 'os.environ.setdefault("COURSE_DATA_DIR", "/content/data")' in colab
    # what the cell does when run is checked in tests/test_colab.py
    setup = "".join(cells[1]["source"])
    for call in ("import course_utils", "seed_everything(", "get_device()", "mode_line()"):
        assert call in setup, f"set-up cell (second code cell) must contain {call}"


def test_python3_kernel(nb_path: Path):
    assert load(nb_path)["metadata"]["kernelspec"]["name"] == "python3"


def test_outputs_from_one_clean_full_mode_run(nb_path: Path):
    cells = [c for c in code_cells(load(nb_path)) if "".join(c["source"]).strip()]
    counts = [c["execution_count"] for c in cells]
    assert counts == list(range(1, len(cells) + 1)), f"execution counts must be 1..{len(cells)}: {counts}"
    setup_text = json.dumps(cells[1]["outputs"], ensure_ascii=False)
    assert "full mode" in setup_text, "stored outputs must come from a full-mode run (make refresh)"


def test_no_errors_or_warnings_in_outputs(nb_path: Path):
    """No error outputs and nothing on stderr: warnings, logged messages (e.g. matplotlib's missing-glyph
    notices) and text progress bars all land there; fix their cause."""
    for i, cell in enumerate(code_cells(load(nb_path))):
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"code cell {i} has an error output"
            text = "".join(out.get("text", ""))
            assert out.get("name") != "stderr", f"code cell {i} writes to stderr: {text[:200]}"


def test_outputs_are_small_and_portable(nb_path: Path):
    assert nb_path.stat().st_size <= MAX_NOTEBOOK_BYTES, f"{nb_path.name} is over {MAX_NOTEBOOK_BYTES:,} bytes"
    nb = load(nb_path)
    assert "widgets" not in nb["metadata"], "stored widget state: re-run make refresh"
    for i, cell in enumerate(code_cells(nb)):
        for out in cell["outputs"]:
            assert "application/vnd.jupyter.widget-view+json" not in out.get("data", {}), f"code cell {i}: a widget"
            blob = json.dumps(out, ensure_ascii=False)
            assert len(blob) <= MAX_OUTPUT_BYTES, f"code cell {i}: an output of {len(blob):,} bytes"
            texts = [out.get("text", ""), out.get("data", {}).get("text/plain", "")]
            text = "".join("".join(t) for t in texts)
            assert not MACHINE_PATH.search(text), f"code cell {i} prints a machine path: {MACHINE_PATH.search(text)}"
            assert text.count("\n") <= 80, f"code cell {i} prints {text.count(chr(10))} lines (keep logs short)"


def test_no_hard_coded_device_or_absolute_path(nb_path: Path):
    for i, cell in enumerate(code_cells(load(nb_path))):
        src = "".join(cell["source"])
        for line in src.splitlines():
            if HARD_CODED_CUDA.search(line) and not DEVICE_CHOICE.search(line):
                pytest.fail(f"code cell {i} hard-codes a CUDA device: {line.strip()}")
        assert not ABSOLUTE_PATH.search(src), f"code cell {i} has an absolute path"


CHECK_TAG = "nbval-check-output"


def test_has_output_checked_cells(nb_path: Path):
    """Deterministic cells carry nbval's cell tag; learner-facing code carries no harness markers."""
    cells = code_cells(load(nb_path))
    marked = [c for c in cells if CHECK_TAG in c.get("metadata", {}).get("tags", [])]
    assert marked, f"tag the deterministic cells with {CHECK_TAG!r} so nbval compares their output"
    for cell in marked:
        assert cell["outputs"], f"a cell tagged {CHECK_TAG} must have an output to compare"
    for i, cell in enumerate(cells):
        source = "".join(cell["source"])
        assert "NBVAL_" not in source, f"code cell {i}: use the {CHECK_TAG} tag, not a # NBVAL_ comment"


COMMONMARK = MarkdownIt("commonmark").enable("table")


def test_bold_markers_render(nb_path: Path):
    """CommonMark (JupyterLab, GitHub) leaves ``**`` as literal asterisks when the closing one follows
    punctuation and a Hangul particle follows it: ``**로짓(logit)**은``. Write ``**로짓**(logit)은``."""
    for i, cell in enumerate(load(nb_path)["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        html = COMMONMARK.render("".join(cell["source"]))
        text = re.sub(r"<(code|pre)>.*?</\1>", "", html, flags=re.S)
        leftover = re.search(r".{0,30}\*\*.{0,30}", text)
        assert not leftover, f"markdown cell {i}: '**' does not render as bold near {leftover.group(0)!r}"


def test_readme_lists_every_notebook():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        assert f"notebooks/{path.name}" in readme, f"README does not list {path.name}"


NOTEBOOK_LINK = re.compile(r"\[([^\]]+)\]\((?:\.\./notebooks/)?(\d\d)_[a-z0-9_]+\.ipynb\)")


def test_one_numbering_scheme(nb_path: Path):
    """Titles start with the course number (the notebook number); links to a notebook say its number."""
    nb = load(nb_path)
    title = "".join(nb["cells"][0]["source"]).splitlines()[0]
    assert title.startswith(f"# {nb_path.name[:2]}. "), f"title must start with '# {nb_path.name[:2]}. ': {title}"
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        for text, number in NOTEBOOK_LINK.findall("".join(cell["source"])):
            assert text.startswith(f"{number}. ") or text.startswith(f"`{number}_"), (
                f"markdown cell {i}: a link to notebook {number} says '{text}'; write '[{number}. <title>](...)'"
            )


def test_exercise_section(nb_path: Path):
    """01 onwards end with 3 to 5 checked exercises before 요약; 00 has one warm-up."""
    cells = load(nb_path)["cells"]
    heads = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and "".join(c["source"]).startswith("## ")]
    titles = ["".join(cells[i]["source"]).splitlines()[0] for i in heads]
    assert "## 연습 문제" in titles, "no '## 연습 문제' section"
    assert titles.index("## 연습 문제") + 1 == titles.index("## 요약"), "연습 문제 comes right before 요약"
    check_call = re.compile(r'^cu\.check\("\d\d-\d+"', re.M)
    checks = [c for c in code_cells({"cells": cells}) if check_call.search("".join(c["source"]))]
    wanted = range(1, 2) if nb_path.name.startswith("00") else range(3, 6)
    assert len(checks) in wanted, f"{len(checks)} checked exercises; expected {wanted.start} to {wanted.stop - 1}"
    after = [c for c in cells[heads[titles.index("## 연습 문제")] :] if c["cell_type"] == "code"]
    assert all("exercise" in c.get("metadata", {}) for c in after), (
        "the exercises are the notebook's last code (conftest.py runs the solutions after nbval's last cell)"
    )


def lecture_sections(path: Path) -> dict[str, str]:
    """Notebook number -> lecture-notes section, from the rows `| NN | notebook | section | ...` of a markdown table."""
    text = path.read_text(encoding="utf-8")
    return {m.group(1): m.group(2).strip() for m in re.finditer(r"^\| (\d\d) \| [^|]+\| ([^|]+)\|", text, re.M)}


def test_readme_maps_every_notebook_to_its_lecture_section():
    rows = lecture_sections(REPO / "README.md")
    assert sorted(rows) == [p.name[:2] for p in NOTEBOOKS], "README table: one row per notebook, by number"
    assert all(rows.values()), "each row names its lecture-notes section"


def test_instructor_guide_uses_the_readme_lecture_mapping():
    """One numbering scheme: the guide's lesson plan names each notebook's lecture section exactly as the README."""
    in_readme = lecture_sections(REPO / "README.md")
    in_guide = lecture_sections(REPO / "docs" / "instructor_guide.md")
    assert sorted(in_guide) == sorted(in_readme), "the guide's lesson plan has one row per notebook"
    differ = {n: (in_guide[n], in_readme[n]) for n in in_readme if in_guide[n] != in_readme[n]}
    assert not differ, f"lecture sections differ between the guide and the README (guide, README): {differ}"


PLACEHOLDER = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|\{[a-z_]+\}|\bTODO\b|\bFIXME\b|\bXXX\b")


def test_prose_has_no_unfilled_placeholders(nb_path: Path):
    """Markdown outside code spans and fences holds no template placeholder (TIMING_RATIO, {value}, TODO)."""
    found = []
    for i, cell in enumerate(load(nb_path)["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        text = re.sub(r"```.*?```", "", "".join(cell["source"]), flags=re.S)
        text = re.sub(r"`[^`]*`|\$\$.*?\$\$|\$[^$]*\$", "", text, flags=re.S)
        found += [f"cell {i}: {m.group(0)}" for m in PLACEHOLDER.finditer(text)]
    assert not found, f"unfilled placeholders in prose: {found}"
