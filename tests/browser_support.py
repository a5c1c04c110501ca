"""Real-browser tests of JupyterLab: a Lab server started like `python course.py lab`, and Chromium via Playwright.

Use the fixtures from a test module with ``from browser_support import browser, lab, lab_page  # noqa: F401``
(``open_lab_page`` gives the same page for a module-scoped fixture):

- ``lab``: a JupyterLab server for the whole worker, started with course.py's own lab command (same venv, same
  options) plus a free port, a token, ``--expose-app-in-browser`` and temporary settings, workspace and runtime
  folders; its environment carries ``COURSE_FAST=1`` and ``OMP_NUM_THREADS=1``. Kernels and server are stopped after.
- ``browser``: Chromium for the whole worker. Without one the tests are skipped with one line that says how to get
  it, except under ``CI=true``, where that is a failure.
- ``lab_page``: a fresh page with JupyterLab loaded, the internet blocked (the Colab badge is the only image allowed
  to be missing) and a log of requests that would write to the notebooks.

Chromium is looked up in this order: ``COURSE_BROWSER`` (a path to the browser binary), Playwright's own download
(``python -m playwright install chromium``), Debian's ``chromium`` package, Google Chrome.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO / "notebooks"
SCREENSHOTS = REPO / "build" / "screenshots"  # git-ignored
TOKEN = "course-browser-test"
SYSTEM_BROWSERS = (
    "/usr/lib/chromium/chromium",  # Debian's package (/usr/bin/chromium is a shell wrapper)
    "/usr/lib/chromium-browser/chromium-browser",
    "/opt/google/chrome/chrome",  # Google Chrome (/usr/bin/google-chrome is a wrapper)
)
PAGE_SCRIPT = Path(__file__).with_name("browser_support.js")  # window.courseTest: open, settle, inspect, runState
# This machine's closed network refuses Chromium's background connections; they only slow it down anywhere.
BROWSER_ARGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
ENABLE_HINT = (
    "browser tests need Chromium: `sudo apt-get install chromium fonts-nanum` (Debian/Ubuntu) or "
    "`.venv/bin/python -m playwright install chromium` (Windows: .venv\\Scripts\\python -m playwright install "
    "chromium), or set COURSE_BROWSER=/path/to/chrome"
)
# Lab settings for the tests only (a temporary user-settings folder): every cell attached to the page so that the
# DOM can be inspected, no autosave (nothing may be written to the notebooks), no news pop-up in the screenshots.
TEST_SETTINGS = {
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}
# Families that draw Hangul, beyond what fontconfig reports as Korean-capable on this machine.
KOREAN_FONTS = {
    "NanumGothic",
    "NanumBarunGothic",
    "NanumMyeongjo",
    "Noto Sans CJK KR",
    "Noto Sans KR",
    "Noto Serif CJK KR",
    "Source Han Sans KR",
    "Malgun Gothic",
    "Apple SD Gothic Neo",
    "AppleGothic",
    "Gulim",
    "Dotum",
    "Batang",
    "UnDotum",
    "Baekmuk Gulim",
}
CHECKPOINT = re.compile(r"/api/contents/.+/checkpoints$")
FAKE_CHECKPOINT = json.dumps({"id": "checkpoint", "last_modified": "2024-01-01T00:00:00Z"})
_WORKSPACES = itertools.count()
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


def _load_course_script() -> Any:
    """course.py from the repository root, so the tests start JupyterLab with its very command."""
    spec = importlib.util.spec_from_file_location("course_script", REPO / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


course = _load_course_script()


def in_ci() -> bool:
    """True on a CI machine (CI=true), where a missing browser is a failure, not a skip."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str, module: bool = False) -> None:
    """Skip with `reason` on a learner's machine (the whole module when `module`); fail under CI=true."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: the browser tests must run)", pytrace=False)
    pytest.skip(reason, allow_module_level=module)


def playwright_download() -> str | None:
    """Chromium from `python -m playwright install chromium`, if there is one (found without starting Playwright)."""
    if os.environ.get("PLAYWRIGHT_BROWSERS_PATH"):
        base = Path(os.environ["PLAYWRIGHT_BROWSERS_PATH"])
    elif sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home())) / "ms-playwright"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches" / "ms-playwright"
    else:
        base = Path.home() / ".cache" / "ms-playwright"
    patterns = ("chromium-*/chrome-*/chrome", "chromium-*/chrome-*/chrome.exe", "chromium-*/chrome-mac*/*.app")
    found = sorted(str(p) for pattern in patterns for p in base.glob(pattern))
    return found[-1] if found else None


def browser_available() -> bool:
    """True when Playwright is installed and a Chromium to drive can be found."""
    return importlib.util.find_spec("playwright") is not None and chromium_executable(playwright_download()) is not None


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def chromium_executable(playwright_default: str | None) -> str | None:
    """The Chromium binary to drive: COURSE_BROWSER, Playwright's download, then the system's (never a wrapper)."""
    chosen = os.environ.get("COURSE_BROWSER", "").strip()
    if chosen:
        return chosen
    for candidate in (playwright_default, *SYSTEM_BROWSERS):
        if candidate and Path(candidate).exists() and os.access(candidate, os.X_OK):
            return candidate
    return None


def korean_font_families() -> set[str]:
    """Font families that can draw Hangul: a known list plus what fontconfig says supports Korean here."""
    families = set(KOREAN_FONTS)
    if shutil.which("fc-list"):
        listing = subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True, text=True, check=False).stdout
        for line in listing.splitlines():
            families.update(name.strip() for name in line.split(",") if name.strip())
    return families


def hangul_font_problem(text: str, fonts: list[dict], korean: set[str]) -> str | None:
    """Given CDP's platform fonts for the text of one element, say why its Hangul would not be drawn, or None.

    Chromium counts the glyphs it drew from each font. A syllable no font could draw is counted under the
    primary font as a missing-glyph box, so fewer glyphs from Korean-capable fonts than syllables means boxes.
    """
    syllables = len(HANGUL.findall(text))
    drawn = sum(f["glyphCount"] for f in fonts if f["familyName"] in korean)
    if syllables and drawn < syllables:
        used = ", ".join(f"{f['familyName']} ({f['glyphCount']})" for f in fonts) or "none"
        return f"{syllables} Hangul characters but only {drawn} glyphs from Korean fonts; fonts used: {used}"
    return None


# --------------------------------------------------------------------------- the JupyterLab server


@dataclass
class LabServer:
    """A running JupyterLab (see the module docstring); ``url(path)`` adds the token."""

    process: subprocess.Popen
    base: str
    root: Path
    log: Path
    requests: list[str] = field(default_factory=list)

    def url(self, path: str = "lab") -> str:
        return f"{self.base}/{path}?token={TOKEN}"

    def api(self, path: str, method: str = "GET") -> Any:
        request = urllib.request.Request(self.url(f"api/{path}"), method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]


def write_test_settings(settings_dir: Path) -> None:
    """User settings for the test Lab (a temporary folder; the learner's own settings are never read or written)."""
    for plugin, values in TEST_SETTINGS.items():
        extension, name = plugin.split(":")
        path = settings_dir / extension / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


def lab_environment(root: Path) -> dict[str, str]:
    """The server's environment: FAST mode, one torch thread, and Jupyter's folders inside `root`."""
    env = dict(os.environ)
    env.update(
        COURSE_FAST="1",
        OMP_NUM_THREADS="1",
        JUPYTER_CONFIG_DIR=str(root / "config"),
        JUPYTER_DATA_DIR=str(root / "data"),
        JUPYTER_RUNTIME_DIR=str(root / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(root / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(root / "workspaces"),
        IPYTHONDIR=str(root / "ipython"),
    )
    return env


def stop_process_tree(process: subprocess.Popen, timeout: float = 30) -> None:
    """Stop a process started in its own session together with everything it started."""
    if process.poll() is not None:
        return
    if os.name == "nt":
        subprocess.run(["taskkill", "/T", "/F", "/PID", str(process.pid)], capture_output=True, check=False)
        process.wait(timeout=timeout)
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)


def start_lab(root: Path, timeout: float = 120) -> LabServer:
    """Start JupyterLab with course.py's lab command and wait until it answers."""
    write_test_settings(root / "settings")
    port = free_port()
    options = [
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={TOKEN}",
        "--expose-app-in-browser",
    ]
    command = course.lab_command(sys.executable, options, course.is_root())
    log = root / "lab.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env=lab_environment(root),
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=os.name != "nt",
        )
    server = LabServer(process, f"http://127.0.0.1:{port}", root, log)
    deadline = time.monotonic() + timeout
    while True:
        try:
            server.api("status")
            return server
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                stop_process_tree(process)
                raise RuntimeError(f"JupyterLab did not start within {timeout:.0f} s:\n{server.log_tail()}") from None
            time.sleep(0.3)


def stop_lab(server: LabServer) -> None:
    """Shut the kernels down through the REST API, then stop the server and its children."""
    try:
        for kernel in server.api("kernels"):
            server.api(f"kernels/{kernel['id']}", method="DELETE")
    except OSError:
        pass
    stop_process_tree(server.process)


# --------------------------------------------------------------------------- fixtures


class _Shared:
    """One resource per worker process, however many test modules import the fixture (each module that imports
    a fixture gets its own session-scoped copy of it; two Playwright instances cannot share a thread)."""

    def __init__(self) -> None:
        self.users = 0
        self.value: Any = None
        self.stop: Any = None

    @contextmanager
    def use(self, start: Any) -> Iterator[Any]:
        if self.users == 0:
            self.value, self.stop = start()
        self.users += 1
        try:
            yield self.value
        finally:
            self.users -= 1
            if self.users == 0:
                stop, self.value, self.stop = self.stop, None, None
                stop()


_BROWSER = _Shared()
_LAB = _Shared()


def _start_browser() -> tuple[Any, Any]:
    """Start Playwright and Chromium; skip (fail under CI=true) with how to get a browser when there is none."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        skip_or_fail(f"playwright is not installed ({ENABLE_HINT})")
    playwright = sync_playwright().start()
    try:
        try:
            default = playwright.chromium.executable_path
        except Error:
            default = None
        executable = chromium_executable(default)
        if executable is None:
            skip_or_fail(ENABLE_HINT)
        root_args = ["--no-sandbox"] if course.is_root() else []
        chromium = playwright.chromium.launch(executable_path=executable, args=[*root_args, *BROWSER_ARGS])
    except BaseException:
        playwright.stop()
        raise

    def stop() -> None:
        try:
            chromium.close()
        finally:
            playwright.stop()

    return chromium, stop


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Chromium driven by Playwright, or a skip (a failure under CI=true) saying how to get it."""
    with _BROWSER.use(_start_browser) as chromium:
        yield chromium


@pytest.fixture(scope="session")
def lab(browser, tmp_path_factory) -> Iterator[LabServer]:
    """JupyterLab for this worker (started only when a browser is there to use it)."""

    def start() -> tuple[LabServer, Any]:
        server = start_lab(tmp_path_factory.mktemp("lab"))
        return server, lambda: stop_lab(server)

    with _LAB.use(start) as server:
        yield server


@contextmanager
def open_lab_page(browser: Any, lab: LabServer) -> Iterator[Any]:
    """A new page with JupyterLab loaded; external requests are refused and writes to notebooks are logged.

    ``page.writes`` lists every request that would change a file (PUT/PATCH/POST/DELETE on the contents API);
    the checkpoint copy Lab makes when it first opens a notebook is answered in the page and never written.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    context.add_init_script(path=str(PAGE_SCRIPT))
    page = context.new_page()
    writes: list[str] = []

    def route(request_route: Any) -> None:
        request = request_route.request
        if request.method == "POST" and CHECKPOINT.search(request.url.split("?")[0]):
            # Lab copies a notebook to .ipynb_checkpoints/ when it first opens it; the tests write nothing.
            request_route.fulfill(status=201, content_type="application/json", body=FAKE_CHECKPOINT)
        elif request.url.startswith(lab.base) or request.url.startswith("data:"):
            request_route.continue_()
        else:
            request_route.abort()

    def watch(request: Any) -> None:
        path = request.url.split("?")[0]
        checkpoint = request.method == "POST" and CHECKPOINT.search(path)
        if "/api/contents/" in path and request.method in {"PUT", "PATCH", "POST", "DELETE"} and not checkpoint:
            writes.append(f"{request.method} {request.url.split('?')[0]}")

    page.route("**/*", route)
    page.on("request", watch)
    page.writes = writes
    try:
        # a workspace of its own, reset: Lab must not reopen what an earlier page had open
        page.goto(lab.url(f"lab/workspaces/test-{next(_WORKSPACES)}") + "&reset")
        page.wait_for_function(
            "() => window.jupyterapp && document.querySelector('#jp-MainMenu .lm-MenuBar-item')", timeout=120_000
        )
        page.evaluate("() => window.jupyterapp.started")
        yield page
    finally:
        context.close()


@pytest.fixture
def lab_page(browser, lab: LabServer) -> Iterator[Any]:
    """A fresh page with JupyterLab loaded (see open_lab_page)."""
    with open_lab_page(browser, lab) as page:
        yield page


# --------------------------------------------------------------------------- notebooks in the page


@dataclass
class Finding:
    """One thing a reader sees wrong in a notebook."""

    cell: int
    what: str
    detail: str = ""

    def __str__(self) -> str:
        return f"cell {self.cell}: {self.what}" + (f": {self.detail}" if self.detail else "")


def open_notebook(page: Any, name: str, kernel_id: str | None = None) -> int:
    """Open notebooks/<name> in Lab (optionally on an existing kernel); return its number of cells."""
    return page.evaluate("([name, kernel]) => window.courseTest.openNotebook(name, kernel)", [name, kernel_id])


def current_kernel_id(page: Any, timeout: float = 60) -> str | None:
    """The id of the current notebook's kernel once it has one (None after `timeout` seconds)."""
    handle = page.wait_for_function("() => window.courseTest.kernelId()", timeout=timeout * 1000)
    return handle.json_value()


def inspect_rendering(page: Any, korean: set[str]) -> list[Finding]:
    """Every rendering problem of the current notebook (stored outputs), from the DOM and Chromium's fonts."""
    page.evaluate("(ms) => window.courseTest.settle(ms)", 20_000)
    result = page.evaluate("() => window.courseTest.inspect()")
    findings = [Finding(**f) for f in result["findings"]]
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        for item in result["marks"]:
            node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": f'[data-course-hangul="{item["mark"]}"]'})
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
            problem = hangul_font_problem(item["text"], fonts, korean)
            if problem:
                findings.append(Finding(item["cell"], "Hangul drawn as boxes (no Korean font)", problem))
    finally:
        cdp.detach()
    unique: dict[str, Finding] = {}
    for finding in findings:
        unique.setdefault(str(finding), finding)
    return list(unique.values())


def screenshot_notebook(page: Any, path: Path, max_height: int = 32_000) -> Path:
    """Save the whole current notebook (not only the visible part) as one PNG."""
    path.parent.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    scroller = "window.courseTest.panel().node.querySelector('.jp-WindowedPanel-outer')"  # the notebook's scroller
    total, visible = page.evaluate(f"() => [{scroller}.scrollHeight, {scroller}.clientHeight]")
    height = min(max_height, size["height"] - visible + total)
    page.set_viewport_size({"width": size["width"], "height": height})
    try:
        page.evaluate(f"() => {{ {scroller}.scrollTop = 0; }}")
        page.wait_for_timeout(300)
        page.screenshot(path=str(path))
    finally:
        page.set_viewport_size(size)
    return path
