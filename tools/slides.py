"""Slides from the course notebooks: check their slide metadata, set its mechanical defaults, build static decks.

usage:
    python tools/slides.py check [NOTEBOOK ...]      slide rules of CONTRIBUTING.md ("## Slides"); exit 1 on a problem
    python tools/slides.py defaults NOTEBOOK ...     set the mechanical slide types where a cell has none
    python tools/slides.py build [NOTEBOOK ...] [--out build/slides]
                                                     one reveal.js deck per notebook, from the stored outputs

(default NOTEBOOK list: every notebooks/NN_*.ipynb)

A deck opens offline from the file system: reveal.js comes from ``tools/reveal.js`` (a vendored
subset, MIT), MathJax 2 from the ``jupyter-server-mathjax`` package and the Korean font from
``koreanize-matplotlib``; all three are copied into ``<out>/_static`` next to the decks. No cell is
executed and no notebook is written by ``check`` or ``build``; ``defaults`` only adds missing
``metadata.slideshow.slide_type`` entries (sources and outputs are left as they are).
"""

from __future__ import annotations

import argparse
import base64
import html
import importlib.util
import json
import math
import re
import shutil
import struct
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
REVEAL_DIR = Path(__file__).resolve().parent / "reveal.js"
DEFAULT_OUT = REPO / "build" / "slides"

SLIDE_TYPES = ("slide", "subslide", "fragment", "-", "skip", "notes")
# A slide is a "slide" or "subslide" cell plus the "-" and "fragment" cells after it (fragments are
# revealed step by step but take their place on the slide from the start).
CONTINUES = ("-", "fragment")
COLAB_MARKER = '"google.colab" in sys.modules'
SETUP_MARKER = "import course_utils"

# The deck's logical slide size: reveal.js lays every slide out at this size and scales it to the
# window, so a slide that fits here fits any 16:9 screen (a 1280x720 projector at scale 1).
SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720

# The size budget of one slide, in pixels of the 1280x720 deck: the estimate of a slide (the sum of
# cell_px over its cells) must stay at or under it. CONTRIBUTING.md ("## Slides") has the measurement.
BUDGET_PX = 680  # 720 less the largest underestimate measured (38 px), rounded up


# --------------------------------------------------------------------------------------------------
# Reading cells


def source(cell: dict) -> str:
    """A cell's source as one string (notebook files store a list of lines)."""
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def slide_type(cell: dict) -> str | None:
    """``metadata.slideshow.slide_type`` of a cell, or None when it has none."""
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type")


def heading_level(cell: dict) -> int:
    """1, 2 or 3 when a markdown cell starts with ``# ``, ``## `` or ``### ``; else 0."""
    if cell.get("cell_type") != "markdown":
        return 0
    match = re.match(r"(#{1,3}) ", source(cell))
    return len(match.group(1)) if match else 0


def inner_headings(cell: dict) -> list[str]:
    """``#``/``##``/``###`` heading lines after the first line of a markdown cell (outside code fences)."""
    if cell.get("cell_type") != "markdown":
        return []
    found, fenced = [], False
    for line in source(cell).splitlines()[1:]:
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and re.match(r"#{1,3} ", line):
            found.append(line)
    return found


def colab_and_setup_cells(cells: Sequence[dict]) -> tuple[int | None, int | None]:
    """Indices of the Colab cell (first code cell with the Colab check) and the set-up cell (first code
    cell that imports course_utils), or None for a missing one."""
    colab = next((i for i, c in enumerate(cells) if c["cell_type"] == "code" and COLAB_MARKER in source(c)), None)
    setup = next((i for i, c in enumerate(cells) if c["cell_type"] == "code" and SETUP_MARKER in source(c)), None)
    return colab, setup


# --------------------------------------------------------------------------------------------------
# Slide size estimate: what a cell's parts cost in pixels of the 1280x720 deck (fitted to Chromium
# measurements of every cell of the course, see CONTRIBUTING.md "## Slides")

MD_CHARS_PER_LINE = 58  # width of one line of prose, in Hangul syllables (a Latin letter or digit counts 1/2)
CODE_COLUMNS = 110  # a longer line of code or of text output wraps
MD_COST = {
    "cell": 24,  # margins of one markdown cell
    "h1_line": 125,  # one line of a '# ' title
    "h2_line": 72,  # one line of a '## ' heading
    "h3_line": 46,
    "block": 18,  # space around a paragraph, a list, a table, a fenced block
    "text_line": 28,  # one wrapped line of a paragraph or a list item
    "table_row": 44,
    "math": 56,  # a $$ formula on its own line
    "tall_math": 80,  # ... with a fraction, a sum or an integral
    "code_line": 23,  # a line inside a ``` fence
}
CODE_COST = {
    "cell": 36,  # padding and border of the code input
    "code_line": 23,  # one line of code (19 px monospace)
    "output": 14,  # padding of one output
    "text_line": 26,  # one line of printed text
    "table_row": 44,  # a row of an HTML table output (e.g. a DataFrame)
}
IMAGE_FACTOR = 1.15  # a PNG's height in pixels, times this for the space around it
IMAGE_WIDTH = SLIDE_WIDTH - 80  # a wider PNG is scaled down to the slide's text width


def png_size(data: str) -> tuple[int, int]:
    """(width, height) in pixels of a base64 PNG, read from its IHDR chunk."""
    head = base64.b64decode(data[:64])
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return struct.unpack(">II", head[16:24])


def width_units(text: str) -> float:
    """Width of prose in Hangul syllables: ASCII characters count one half; link targets are not shown."""
    visible = re.sub(r"\]\([^)]*\)", "]", text)
    return sum(0.5 if ord(ch) < 128 else 1.0 for ch in visible)


def wrapped_lines(text: str, per_line: float) -> int:
    """Lines that ``text`` (one paragraph or list item) takes at ``per_line`` units per line."""
    return max(1, math.ceil(width_units(text) / per_line))


def text_lines(text: str) -> int:
    """Rendered lines of monospace text (code, printed output): each line, wrapped at CODE_COLUMNS."""
    lines = text.rstrip("\n").split("\n") if text.strip() else []
    return sum(max(1, math.ceil(len(line) / CODE_COLUMNS)) for line in lines)


LIST_ITEM = re.compile(r"\s*([-*+]|\d+[.)])\s+")


def markdown_parts(text: str) -> dict[str, int]:
    """Count the parts of a markdown cell that take height on a slide (keys of MD_COST)."""
    parts = dict.fromkeys(MD_COST, 0)
    parts["cell"] = 1
    lines, i = text.splitlines(), 0
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            parts["block"] += 1
            parts["text_line"] += wrapped_lines(" ".join(paragraph), MD_CHARS_PER_LINE)
            paragraph.clear()

    while i < len(lines):
        line = lines[i].strip()
        i += 1
        heading = re.match(r"(#{1,6})\s+(.*)", line)
        if not line:
            flush()
        elif line.startswith(("```", "~~~")):
            flush()
            parts["block"] += 1
            while i < len(lines) and not lines[i].strip().startswith(("```", "~~~")):
                parts["code_line"] += 1
                i += 1
            i += 1
        elif heading:
            flush()
            level = min(len(heading.group(1)), 3)
            per_line = MD_CHARS_PER_LINE / {1: 2.0, 2: 1.6, 3: 1.25}[level]
            parts[f"h{level}_line"] += wrapped_lines(heading.group(2), per_line)
        elif line.startswith("$$"):
            flush()
            formula = [line]
            while not (len(formula[-1]) > 2 and formula[-1].endswith("$$")) and i < len(lines):
                formula.append(lines[i].strip())
                i += 1
            tall = re.search(r"\\(frac|sum|int|prod|begin|binom|dfrac)", " ".join(formula))
            parts["tall_math" if tall else "math"] += 1
        elif line.startswith("|"):
            flush()
            parts["block"] += 1
            while True:
                if not re.fullmatch(r"\|?[\s:|-]+\|?", line):
                    parts["table_row"] += 1
                if i >= len(lines) or not lines[i].strip().startswith("|"):
                    break
                line = lines[i].strip()
                i += 1
        elif LIST_ITEM.match(lines[i - 1]):
            flush()
            if i < 2 or not LIST_ITEM.match(lines[i - 2]):
                parts["block"] += 1
            item = [LIST_ITEM.sub("", lines[i - 1], count=1)]
            while i < len(lines) and lines[i].startswith("  ") and lines[i].strip() and not LIST_ITEM.match(lines[i]):
                item.append(lines[i].strip())
                i += 1
            parts["text_line"] += wrapped_lines(" ".join(item), MD_CHARS_PER_LINE - 2)
        else:
            paragraph.append(line.lstrip("> "))
    flush()
    return parts


def code_parts(cell: dict) -> dict[str, int]:
    """Count the parts of a code cell and its stored outputs that take height on a slide (keys of CODE_COST),
    plus ``image_px``: the shown height of its PNG outputs."""
    parts = dict.fromkeys(CODE_COST, 0)
    parts.update(cell=1, code_line=text_lines(source(cell)), image_px=0)
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        parts["output"] += 1
        if "image/png" in data:
            width, height = png_size(data["image/png"])
            parts["image_px"] += math.ceil(IMAGE_FACTOR * height * min(1.0, IMAGE_WIDTH / width))
        elif output.get("output_type") == "stream":
            parts["text_line"] += text_lines(source({"source": output.get("text", "")}))
        elif "text/html" in data:
            parts["table_row"] += max(1, source({"source": data["text/html"]}).count("<tr"))
        elif "text/plain" in data:
            parts["text_line"] += text_lines(source({"source": data["text/plain"]}))
        elif output.get("output_type") == "error":
            parts["text_line"] += sum(text_lines(line) for line in output.get("traceback", []))
    return parts


def cell_px(cell: dict) -> int:
    """Estimated height in pixels of one cell (input and stored outputs) on a slide of the deck."""
    if cell["cell_type"] == "markdown":
        return sum(MD_COST[key] * n for key, n in markdown_parts(source(cell)).items())
    if cell["cell_type"] == "code":
        parts = code_parts(cell)
        return parts.pop("image_px") + sum(CODE_COST[key] * n for key, n in parts.items())
    return 0


@dataclass
class Slide:
    """One slide of the deck: the index of its first cell and the cells shown on it."""

    start: int
    cells: list[int] = field(default_factory=list)

    def height(self, nb: dict) -> int:
        return sum(cell_px(nb["cells"][i]) for i in self.cells)


def slides(nb: dict) -> list[Slide]:
    """Group the shown cells into slides: a "slide"/"subslide" cell starts one, "-"/"fragment" cells join it.

    Cells without a slide type count as "-" (as in RISE and nbconvert); "skip" and "notes" cells are
    not on any slide.
    """
    found: list[Slide] = []
    for i, cell in enumerate(nb["cells"]):
        kind = slide_type(cell) or "-"
        if kind in ("skip", "notes"):
            continue
        if kind in ("slide", "subslide") or not found:
            found.append(Slide(start=i))
        found[-1].cells.append(i)
    return found


# --------------------------------------------------------------------------------------------------
# The rules


def check(nb: dict, name: str = "notebook", budget: bool = True) -> list[str]:
    """Every broken slide rule of ``nb`` as a message that says what to change; [] when it follows them.

    ``budget=False`` leaves out rule 5 (the size of each slide), for :func:`oversized_slides` to report."""
    cells = nb["cells"]
    problems: list[str] = []

    def where(i: int) -> str:
        first = source(cells[i]).strip().splitlines()
        return f"{name} cell {i} ({cells[i]['cell_type']}: {first[0][:50] if first else 'empty'!r})"

    for i, cell in enumerate(cells):
        kind = slide_type(cell)
        if kind is None:
            problems.append(f"{where(i)}: no slide type; set metadata.slideshow.slide_type to one of {SLIDE_TYPES}")
        elif kind not in SLIDE_TYPES:
            problems.append(f"{where(i)}: slide type {kind!r} is not one of {SLIDE_TYPES}")
        if kind == "notes" and cell["cell_type"] != "markdown":
            problems.append(f"{where(i)}: speaker notes must be a markdown cell")
        level = heading_level(cell)
        if level in (1, 2) and kind != "slide":
            problems.append(f"{where(i)}: a '{'#' * level} ' heading starts a slide; set its slide type to 'slide'")
        if level == 3 and kind not in ("subslide", "-"):
            problems.append(f"{where(i)}: a '### ' heading is a 'subslide' (or '-' when short), not {kind or 'unset'}")
        for line in inner_headings(cell):
            problems.append(f"{where(i)}: heading {line[:40]!r} inside the cell; split the cell so that it starts one")
    if cells and heading_level(cells[0]) != 1:
        problems.append(f"{where(0)}: the first cell must be the '# ' title")
    colab, setup = colab_and_setup_cells(cells)
    for index, what in ((colab, "Colab cell"), (setup, "set-up cell")):
        if index is None:
            problems.append(f"{name}: no {what} found")
        elif slide_type(cells[index]) != "skip":
            problems.append(f"{where(index)}: the {what} is plumbing; set its slide type to 'skip'")
    problems += _check_notes(nb, name, where)
    for slide in oversized_slides(nb) if budget else []:
        parts = ", ".join(f"cell {i}: {cell_px(cells[i])} px" for i in slide.cells[:8])
        parts += ", ..." if len(slide.cells) > 8 else ""
        problems.append(
            f"{where(slide.start)}: the slide is about {slide.height(nb)} px tall, over the {BUDGET_PX} px of a "
            f"{SLIDE_WIDTH}x{SLIDE_HEIGHT} slide ({parts}); split a long cell, start a 'subslide', "
            "or make a plumbing cell 'skip'"
        )
    return problems


def oversized_slides(nb: dict) -> list[Slide]:
    """The slides of ``nb`` whose estimated height is over :data:`BUDGET_PX`."""
    return [slide for slide in slides(nb) if slide.height(nb) > BUDGET_PX]


def _check_notes(nb: dict, name: str, where) -> list[str]:
    """Every ``## `` section (a ``## `` cell up to the next one) holds a markdown "notes" cell."""
    problems = []
    starts = [i for i, c in enumerate(nb["cells"]) if heading_level(c) == 2]
    for start, end in zip(starts, [*starts[1:], len(nb["cells"])], strict=True):
        section = nb["cells"][start:end]
        if not any(slide_type(c) == "notes" and c["cell_type"] == "markdown" for c in section):
            problems.append(f"{where(start)}: this '## ' section has no speaker notes; add a markdown 'notes' cell")
    return problems


def set_defaults(nb: dict) -> int:
    """Set the mechanical slide types where a cell has none; return how many cells got one.

    Title and ``## `` cells become "slide", ``### `` cells "subslide", the Colab and set-up cells
    "skip", every other cell "-". A slide type already set is kept; sources and outputs are not touched.
    """
    colab, setup = colab_and_setup_cells(nb["cells"])
    changed = 0
    for i, cell in enumerate(nb["cells"]):
        if slide_type(cell) is not None:
            continue
        level = heading_level(cell)
        if i in (colab, setup):
            kind = "skip"
        elif level in (1, 2) or i == 0:
            kind = "slide"
        elif level == 3:
            kind = "subslide"
        else:
            kind = "-"
        cell.setdefault("metadata", {}).setdefault("slideshow", {})["slide_type"] = kind
        changed += 1
    return changed


# --------------------------------------------------------------------------------------------------
# Static decks

DECK_TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{# nbconvert's reveal template without its CDN scripts: reveal.js, MathJax and the font come from _static. #}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{# Pygments already escapes the code it highlights; bleaching it again took a third of the build time. #}
{% block input %}
<div class="jp-CodeMirrorEditor jp-Editor jp-InputArea-editor" data-type="inline">
     <div class="cm-editor cm-s-jupyter">
{{ cell.source | highlight_code(metadata=cell.metadata) }}
     </div>
</div>
{%- endblock input %}
{%- block html_head_js_mathjax -%}
{{ mathjax(resources.mathjax_url) }}
{%- endblock html_head_js_mathjax -%}
{%- block html_head_css -%}
<style type="text/css">
@font-face { font-family: "NanumGothic"; font-weight: 400; src: url("_static/fonts/NanumGothic.ttf"); }
@font-face { font-family: "NanumGothic"; font-weight: 700; src: url("_static/fonts/NanumGothicBold.ttf"); }
html:root {  /* html:root outranks the theme's :root, which comes later */
  --r-main-font: Helvetica, Arial, "Liberation Sans", "NanumGothic", sans-serif;
  --r-heading-font: Helvetica, Arial, "Liberation Sans", "NanumGothic", sans-serif;
  --r-heading-text-transform: none;
  --jp-content-font-family: Helvetica, Arial, "Liberation Sans", "NanumGothic", sans-serif;
  --jp-ui-font-family: Helvetica, Arial, "Liberation Sans", "NanumGothic", sans-serif;
  --jp-code-font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace, "NanumGothic";
}
.reveal pre, .reveal code, div.output_area pre { font-family: var(--jp-code-font-family); }
.reveal h1 { font-size: 2.0em; } .reveal h2 { font-size: 1.6em; } .reveal h3 { font-size: 1.25em; }
/* a long line of code or output wraps (as the size estimate assumes) instead of being cut at the slide's edge */
.reveal section pre { white-space: pre-wrap; overflow-wrap: anywhere; }
</style>
{%- endblock html_head_css -%}
{% block footer_js %}
<script src="{{ resources.reveal.url_prefix }}/dist/reveal.js"></script>
<script src="{{ resources.reveal.url_prefix }}/plugin/notes/notes.js"></script>
<script>
Reveal.initialize({
  controls: true,
  progress: true,
  hash: true,
  slideNumber: "c/t",
  transition: "none",
  plugins: [RevealNotes],
  width: {{ resources.reveal.width }},
  height: {{ resources.reveal.height }},
});
Reveal.on("slidechanged", function () {
  if (window.MathJax && MathJax.Hub) { MathJax.Hub.Queue(["Rerender", MathJax.Hub, Reveal.getCurrentSlide()]); }
});
</script>
{% endblock footer_js %}
"""

MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe"


def _package_dir(name: str, hint: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{name} is not installed; {hint}")
    return Path(next(iter(spec.submodule_search_locations)))


def copy_static(out: Path) -> Path:
    """Copy reveal.js, MathJax and NanumGothic into ``out/_static`` (what the decks load); return that folder."""
    static = out / "_static"
    shutil.copytree(REVEAL_DIR, static / "reveal.js", dirs_exist_ok=True)
    mathjax = _package_dir("jupyter_server_mathjax", 'run `make install` (or pip install -e ".[lab]")') / "static"
    if not (static / "mathjax" / "MathJax.js").is_file():
        shutil.copytree(mathjax, static / "mathjax", dirs_exist_ok=True)
    fonts = _package_dir("koreanize_matplotlib", "run `pip install koreanize-matplotlib`") / "fonts"
    (static / "fonts").mkdir(parents=True, exist_ok=True)
    for name in ("NanumGothic.ttf", "NanumGothicBold.ttf"):
        target = static / "fonts" / name
        if not target.is_file() or target.stat().st_size != (fonts / name).stat().st_size:
            shutil.copyfile(fonts / name, target)
    return static


def deck_exporter():
    """An nbconvert SlidesExporter for offline decks (local reveal.js and MathJax, 1280x720 slides)."""
    from jinja2 import DictLoader
    from nbconvert import SlidesExporter

    return SlidesExporter(
        extra_loaders=[DictLoader({"course_deck.html.j2": DECK_TEMPLATE})],
        template_file="course_deck.html.j2",
        reveal_url_prefix="_static/reveal.js",
        reveal_theme="white",
        reveal_width=str(SLIDE_WIDTH),
        reveal_height=str(SLIDE_HEIGHT),
        mathjax_url=f"_static/mathjax/MathJax.js?config={MATHJAX_CONFIG}",
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def build_deck(path: Path, out: Path, exporter=None) -> Path:
    """Write ``out/<name>.slides.html`` for the notebook at ``path`` from its stored outputs; return its path.

    ``out/_static`` must hold the assets (``copy_static``). The notebook file is only read.
    """
    import nbformat

    exporter = exporter or deck_exporter()
    nb = nbformat.read(path, as_version=4)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
    target = out / f"{path.stem}.slides.html"
    target.write_text(body, encoding="utf-8")
    return target


def build_decks(paths: Iterable[Path], out: Path = DEFAULT_OUT) -> list[Path]:
    """One deck per notebook into ``out`` (created if needed), with the assets in ``out/_static``."""
    out.mkdir(parents=True, exist_ok=True)
    copy_static(out)
    exporter = deck_exporter()
    return [build_deck(path, out, exporter) for path in paths]


URL_ATTRIBUTE = re.compile(r"""<(script|link|iframe)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.I)
CSS_URL = re.compile(r"""(?:@import\s+(?:url\()?|url\()\s*["']?([^"')\s]+)""", re.I)


def network_references(deck: Path) -> list[str]:
    """Every http(s) or protocol-relative URL that ``deck`` loads as a script, style sheet, frame or font,
    including ``@import``/``url()`` in inline styles and in the local CSS files it links; [] when offline.

    Pictures are not counted: the Colab badge of a title cell is a remote image that shows its alt text offline."""
    text = deck.read_text(encoding="utf-8")
    found = [url for _, url in URL_ATTRIBUTE.findall(text)]
    found += CSS_URL.findall(" ".join(re.findall(r"<style[^>]*>(.*?)</style>", text, re.S | re.I)))
    scripts = " ".join(re.findall(r"<script[^>]*>(.*?)</script>", text, re.S | re.I))
    found += re.findall(r"""(?:\bfrom|\bimport)\s*\(?\s*["']([^"']+)["']""", scripts)  # ES module imports
    for tag, url in URL_ATTRIBUTE.findall(text):
        local = deck.parent / html.unescape(url).split("?")[0]
        if tag.lower() == "link" and url.endswith(".css") and local.is_file():
            found += CSS_URL.findall(local.read_text(encoding="utf-8"))
    return [url for url in found if re.match(r"(https?:)?//", url.strip(), re.I)]


def missing_files(deck: Path) -> list[str]:
    """Local scripts and style sheets that ``deck`` links but that do not exist next to it."""
    text = deck.read_text(encoding="utf-8")
    missing = []
    for tag, url in URL_ATTRIBUTE.findall(text):
        if tag.lower() in ("script", "link") and not re.match(r"([a-z]+:)?//|data:", url, re.I):
            if not (deck.parent / html.unescape(url).split("?")[0]).is_file():
                missing.append(url)
    return missing


# --------------------------------------------------------------------------------------------------
# Command line


def _paths(given: list[Path]) -> list[Path]:
    paths = [p.resolve() for p in given] or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        if not path.is_file():
            raise SystemExit(f"no notebook at {path}; give paths like notebooks/03_tensors.ipynb")
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("check", "check the slide rules (exit 1 on a problem)"),
        ("defaults", "add the mechanical slide types to cells that have none (writes the notebook)"),
        ("build", "write one static reveal.js deck per notebook"),
    ):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("notebooks", nargs="*" if name != "defaults" else "+", type=Path)
        if name == "build":
            sub.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    paths = _paths(args.notebooks)

    if args.command == "check":
        problems = []
        for path in paths:
            problems += check(json.loads(path.read_text(encoding="utf-8")), path.name)
        print("\n".join(problems) or f"slide rules: {len(paths)} notebook(s) OK")
        return 1 if problems else 0
    if args.command == "defaults":
        import nbformat

        for path in paths:
            nb = nbformat.read(path, as_version=4)
            changed = set_defaults(nb)
            if changed:
                tmp = path.with_name(f".{path.name}.tmp")
                nbformat.write(nb, tmp)
                tmp.replace(path)
            print(f"{path.name}: slide type set on {changed} cell(s)")
        return 0
    decks = build_decks(paths, args.out.resolve())
    for deck in decks:
        print(deck.relative_to(REPO) if deck.is_relative_to(REPO) else deck)
    print(f"{len(decks)} deck(s); open one in a browser (no server needed), press S for the speaker notes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
