#!/usr/bin/env python3
"""The course's two commands for any machine with Python 3.10+ (Windows needs no make):

    python course.py lab     create .venv if missing, install the course, open JupyterLab on notebooks/
    python course.py test    the same install step, then the whole test suite in FAST mode

Anything after the command goes to JupyterLab or pytest unchanged:

    python course.py lab --port=8890
    python course.py test -k hygiene

Maintainer commands:

    python course.py install               only the install step (what lab and test do first)
    python course.py set-repo OWNER/NAME   point the Colab badges, the Colab install cell, pyproject.toml
                                           and the README at another GitHub repository (a fork)

Options before the command: --venv DIR (default .venv). `make lab` / `make test` call this script.
Standard library only: it runs before anything is installed.
"""

import sys

MIN_PYTHON = (3, 10)


def version_message(version_info):
    """Return why this Python is too old for the course, or None. No annotations: it must run on any Python 3."""
    if tuple(version_info[:2]) >= MIN_PYTHON:
        return None
    found = ".".join(str(part) for part in version_info[:3])
    return (
        f"Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer is needed; this is Python {found} ({sys.executable}).\n"
        "Install a newer Python from https://www.python.org/downloads/ (on Windows tick 'Add python.exe to PATH'),\n"
        "then run this command again with it, e.g. `py -3.12 course.py lab` (Windows) or `python3.12 course.py lab`."
    )


# Checked before anything else is defined: the code below may use syntax or library calls that older Pythons lack.
_too_old = version_message(sys.version_info)
if _too_old:
    sys.exit(_too_old)

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
from collections.abc import Callable, Mapping, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parent
DEFAULT_VENV = ".venv"
EXTRAS = "lab,test"
STAMP_NAME = ".course-installed"
TEST_JOBS = "2"
LOCALE = "ko_KR"
LOCALE_PLUGIN = "@jupyterlab/translation-extension:plugin"
IS_WINDOWS = os.name == "nt"

# The GitHub repository (OWNER/NAME) lives in pyproject.toml under [tool.course]; set-repo rewrites every copy.
REPO_SETTING = re.compile(r'^(\[tool\.course\][^\[]*?^repository\s*=\s*")([^"]+)(")', re.M | re.S)
REPO_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
# Files that carry the repository address: badges, the Colab cell, project URLs and the README's Colab paragraph.
REPO_FILES = ("pyproject.toml", "README.md", "CONTRIBUTING.md", "notebooks/*.ipynb", "solutions/*.ipynb")

Runner = Callable[[Sequence[str], Mapping[str, str] | None], int]


# --------------------------------------------------------------------------- paths and commands


def venv_python(venv: Path, windows: bool = IS_WINDOWS) -> Path:
    """The virtual environment's interpreter: Scripts\\python.exe on Windows, bin/python elsewhere."""
    return venv / "Scripts" / "python.exe" if windows else venv / "bin" / "python"


def is_root() -> bool:
    """True when running as root on a POSIX system (JupyterLab then needs --allow-root)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def install_digest(repo: Path = REPO) -> str:
    """Fingerprint of what the install step depends on: the bytes of pyproject.toml."""
    return hashlib.sha256((repo / "pyproject.toml").read_bytes()).hexdigest()


def needs_install(venv: Path, repo: Path = REPO, windows: bool = IS_WINDOWS) -> bool:
    """True when the venv has no interpreter yet or was installed from a different pyproject.toml."""
    stamp = venv / STAMP_NAME
    if not venv_python(venv, windows).exists() or not stamp.is_file():
        return True
    return stamp.read_text(encoding="utf-8").strip() != install_digest(repo)


def install_commands(venv: Path, base_python: str, windows: bool = IS_WINDOWS) -> list[list[str]]:
    """Commands of the install step: create the venv when it has no interpreter, then install the course editable."""
    python = venv_python(venv, windows)
    commands = [] if python.exists() else [[base_python, "-m", "venv", str(venv)]]
    commands.append([str(python), "-m", "pip", "install", "--quiet", "-e", f".[{EXTRAS}]"])
    return commands


def lab_command(python: Path | str, args: Sequence[str], root: bool = False) -> list[str]:
    """Command 1: JupyterLab on notebooks/ with the given extra options."""
    return [str(python), "-m", "jupyterlab", "--notebook-dir=notebooks", *(["--allow-root"] if root else []), *args]


def test_command(python: Path | str, args: Sequence[str]) -> list[str]:
    """Command 2: the whole suite on two workers, one file per worker (notebooks must not be split), in the
    order conftest.py gives the files (longest first)."""
    return [str(python), "-m", "pytest", "-n", TEST_JOBS, "--dist", "loadfile", "--no-loadscope-reorder", "-rs", *args]


def test_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The test run's environment: FAST mode, and one torch thread per process unless set already."""
    env = dict(environ)
    env["COURSE_FAST"] = "1"
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


# --------------------------------------------------------------------------- Korean JupyterLab


def locale_override_path(venv: Path) -> Path:
    """JupyterLab's settings overrides inside the venv (never the user's ~/.jupyter)."""
    return venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def add_locale_override(path: Path, locale: str = LOCALE) -> str | None:
    """Make `locale` the default UI language in the overrides file, keeping everything else in it.

    A language already chosen there is kept, and a file that is not valid JSON is left alone.
    Returns one line for the user when something changed or needs attention, else None.
    """
    settings: dict = {}
    if path.exists():
        try:
            settings = json.loads(path.read_text(encoding="utf-8") or "{}")
        except ValueError:
            return f"{path} is not valid JSON; left unchanged (fix it to get the Korean JupyterLab by default)."
        if not isinstance(settings, dict):
            return f"{path} does not hold a JSON object; left unchanged."
    plugin = settings.setdefault(LOCALE_PLUGIN, {})
    if not isinstance(plugin, dict) or "locale" in plugin:
        return None
    plugin["locale"] = locale
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return f"JupyterLab language: {locale} by default for this environment ({path})."


# --------------------------------------------------------------------------- running


def run(command: Sequence[str], env: Mapping[str, str] | None = None) -> int:
    """Run a command in the repository folder and return its exit code; Ctrl+C waits for it to finish."""
    print("+ " + subprocess.list2cmdline(list(command)), flush=True)
    process = subprocess.Popen(list(command), cwd=REPO, env=None if env is None else dict(env))
    if hasattr(signal, "SIGTERM") and not IS_WINDOWS:  # a plain `kill` of this script also stops JupyterLab
        signal.signal(signal.SIGTERM, lambda *_: process.terminate())
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:  # the child got the same Ctrl+C; JupyterLab asks before it stops
            continue


def ensure_installed(venv: Path, runner: Runner = run, base_python: str = sys.executable) -> int:
    """The install step: create the venv and install the course when pyproject.toml changed; Korean UI default."""
    if needs_install(venv):
        print(f"Installing the course into {venv} (the first time takes a few minutes) ...", flush=True)
        for command in install_commands(venv, base_python):
            code = runner(command, None)
            if code != 0:
                print(f"Install step failed (exit code {code}); see the messages above.", file=sys.stderr)
                return code
        (venv / STAMP_NAME).write_text(install_digest() + "\n", encoding="utf-8")
    message = add_locale_override(locale_override_path(venv))
    if message:
        print(message, flush=True)
    return 0


# --------------------------------------------------------------------------- the repository address


def repository(repo: Path = REPO) -> str:
    """The GitHub repository (OWNER/NAME) set in pyproject.toml under [tool.course]."""
    match = REPO_SETTING.search((repo / "pyproject.toml").read_text(encoding="utf-8"))
    if not match:
        raise SystemExit('pyproject.toml needs a [tool.course] table with repository = "OWNER/NAME".')
    return match.group(2)


def repo_files(repo: Path = REPO) -> list[Path]:
    """Every file that carries the repository address."""
    found: list[Path] = []
    for pattern in REPO_FILES:
        found.extend(sorted(repo.glob(pattern)))
    return found


def replace_repository(text: str, old: str, new: str) -> str:
    """Point GitHub and Colab addresses of `old` at `new` (whole OWNER/NAME only)."""
    pattern = re.compile(r"(github\.com/|colab\.research\.google\.com/github/)" + re.escape(old) + r"(?![A-Za-z0-9_-])")
    text = pattern.sub(lambda m: m.group(1) + new, text)
    return REPO_SETTING.sub(lambda m: m.group(1) + new + m.group(3), text)


def set_repo(new: str, repo: Path = REPO) -> list[Path]:
    """Rewrite the repository address everywhere it appears; return the files that changed."""
    if not REPO_NAME.match(new):
        raise SystemExit(
            f"{new!r} is not a GitHub repository name; write it as OWNER/NAME, e.g. my-name/pytorch-course-ko."
        )
    old = repository(repo)
    changed = []
    for path in repo_files(repo):
        text = path.read_text(encoding="utf-8")
        updated = replace_repository(text, old, new)
        if updated != text:
            path.write_bytes(updated.encode("utf-8"))
            changed.append(path)
    return changed


# --------------------------------------------------------------------------- command line


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python course.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--venv", default=DEFAULT_VENV, help="virtual environment folder (default: .venv)")
    parser.add_argument("command", choices=["lab", "test", "install", "set-repo"])
    parser.add_argument("args", nargs=argparse.REMAINDER, help="passed to JupyterLab or pytest")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None, runner: Runner = run) -> int:
    """Entry point; `runner` executes each command (tests pass a recorder)."""
    options = parse_args(sys.argv[1:] if argv is None else argv)
    venv = Path(options.venv)
    venv = venv if venv.is_absolute() else REPO / venv
    if options.command == "set-repo":
        if len(options.args) != 1:
            print("usage: python course.py set-repo OWNER/NAME", file=sys.stderr)
            return 2
        for path in set_repo(options.args[0]):
            print(f"updated {path.relative_to(REPO)}")
        print(f"repository: {repository()}")
        return 0
    code = ensure_installed(venv, runner)
    if code != 0 or options.command == "install":
        return code
    python = venv_python(venv)
    if options.command == "lab":
        return runner(lab_command(python, options.args, is_root()), None)
    return runner(test_command(python, options.args), test_environment(os.environ))


if __name__ == "__main__":
    sys.exit(main())
