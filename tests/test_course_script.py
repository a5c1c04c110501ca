"""course.py, the two commands without make (Windows): its logic on this machine, and one real run end to end.

The install itself (a multi-gigabyte venv) is not repeated here: `make test` / `python course.py test` has just
done it. A fake venv whose interpreter records how it was called checks the commands course.py runs.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "course.py"
PYTEST = ["-m", "pytest", "-n", "2", "--dist", "loadfile", "--no-loadscope-reorder", "-rs"]  # course.test_command
spec = importlib.util.spec_from_file_location("course_script", SCRIPT)
course = importlib.util.module_from_spec(spec)
spec.loader.exec_module(course)

BADGE = re.compile(r"colab\.research\.google\.com/github/([^/\s\"')]+/[^/\s\"')]+)/blob/")
INSTALL = re.compile(r"git\+https://github\.com/([^\s\"'@#`]+/[^\s\"'@#`)]+?)(?:\.git)?[\s\"'@#`)]")
GITHUB = re.compile(r"https://github\.com/([^\s\"'/)]+/[^\s\"'/)#]+)")


# --------------------------------------------------------------------------- paths, versions, commands


@pytest.mark.parametrize(
    ("windows", "expected"), [(True, Path(".venv", "Scripts", "python.exe")), (False, Path(".venv", "bin", "python"))]
)
def test_venv_python_for_each_platform(windows: bool, expected: Path):
    assert course.venv_python(Path(".venv"), windows=windows) == expected


@pytest.mark.parametrize("version", [(3, 8, 10), (3, 9, 18), (2, 7, 18)])
def test_old_python_gets_a_clear_message(version: tuple):
    message = course.version_message(version)
    assert "Python 3.10 or newer is needed" in message and ".".join(map(str, version)) in message
    assert "python.org" in message and "course.py" in message


@pytest.mark.parametrize("version", [(3, 10, 0), (3, 11, 7), (3, 13, 1), (4, 0, 0)])
def test_supported_python_passes(version: tuple):
    assert course.version_message(version) is None


def test_old_python_stops_before_anything_else():
    """Run the script as Python 3.8 would see it: the message, exit code 1, nothing installed or started."""
    fake_old = (
        "import runpy, sys; sys.version_info = (3, 8, 10, 'final', 0); runpy.run_path(sys.argv[1], run_name='__main__')"
    )
    done = subprocess.run(
        [sys.executable, "-c", fake_old, str(SCRIPT), "test"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1 and "Python 3.10 or newer is needed; this is Python 3.8.10" in done.stderr
    assert "Installing" not in done.stdout


def test_script_parses_on_old_pythons():
    """Older Pythons must be able to read the file to reach the version check (no 3.8+ syntax before it)."""
    ast.parse(SCRIPT.read_text(encoding="utf-8"), feature_version=(3, 6))


def test_install_commands_create_then_install(tmp_path: Path):
    venv = tmp_path / "venv"
    commands = course.install_commands(venv, "/usr/bin/python3.12", windows=False)
    assert commands == [
        ["/usr/bin/python3.12", "-m", "venv", str(venv)],
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "-e", ".[lab,test]"],
    ]
    fake_python(venv / "Scripts" / "python.exe")
    commands = course.install_commands(venv, "py", windows=True)
    assert commands == [[str(venv / "Scripts" / "python.exe"), "-m", "pip", "install", "--quiet", "-e", ".[lab,test]"]]


def test_reinstall_when_pyproject_changes(tmp_path: Path):
    repo, venv = tmp_path / "repo", tmp_path / "venv"
    repo.mkdir()
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert course.needs_install(venv, repo, windows=False)  # no venv at all
    fake_python(venv / "bin" / "python")
    assert course.needs_install(venv, repo, windows=False)  # a venv, never installed
    (venv / course.STAMP_NAME).write_text(course.install_digest(repo), encoding="utf-8")
    assert not course.needs_install(venv, repo, windows=False)
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["torch"]\n', encoding="utf-8")
    assert course.needs_install(venv, repo, windows=False)


def test_lab_and_test_commands():
    python = Path("v", "bin", "python")
    assert course.lab_command(python, ["--port=8890"], root=False) == [
        str(python), "-m", "jupyterlab", "--notebook-dir=notebooks", "--port=8890"
    ]  # fmt: skip
    assert "--allow-root" in course.lab_command(python, [], root=True)
    assert course.test_command(python, ["-k", "hygiene"]) == [
        str(python), *PYTEST, "-k", "hygiene"
    ]  # fmt: skip
    env = course.test_environment({"PATH": "/bin", "OMP_NUM_THREADS": "4", "COURSE_FAST": "0"})
    assert env == {"PATH": "/bin", "OMP_NUM_THREADS": "4", "COURSE_FAST": "1"}
    assert course.test_environment({})["OMP_NUM_THREADS"] == "1"


def test_arguments_pass_through_unchanged(tmp_path: Path):
    venv = installed_fake_venv(tmp_path)
    calls = []
    code = course.main(
        ["--venv", str(venv), "test", "-k", "hygiene", "--co"], runner=lambda c, e: calls.append((c, e)) or 0
    )
    assert code == 0 and len(calls) == 1
    command, env = calls[0]
    assert command[1:] == [*PYTEST, "-k", "hygiene", "--co"]
    assert env["COURSE_FAST"] == "1"
    calls.clear()
    course.main(["--venv", str(venv), "lab", "--port=8890", "--no-browser"], runner=lambda c, e: calls.append(c) or 0)
    python = course.venv_python(venv)
    assert calls == [course.lab_command(python, ["--port=8890", "--no-browser"], course.is_root())]
    assert calls[0][-2:] == ["--port=8890", "--no-browser"]


def test_failed_install_stops_and_keeps_the_stamp_unwritten(tmp_path: Path):
    venv = tmp_path / "venv"
    calls = []
    code = course.main(["--venv", str(venv), "test"], runner=lambda c, e: calls.append(c) or 3)
    assert code == 3 and len(calls) == 1 and calls[0][1:3] == ["-m", "venv"]
    assert not (venv / course.STAMP_NAME).exists()


# --------------------------------------------------------------------------- the Korean UI default


def test_locale_override_added_and_merged(tmp_path: Path):
    path = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert "ko_KR" in course.add_locale_override(path)
    assert json.loads(path.read_text(encoding="utf-8")) == {course.LOCALE_PLUGIN: {"locale": "ko_KR"}}
    other = {"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}, course.LOCALE_PLUGIN: {"x": 1}}
    path.write_text(json.dumps(other), encoding="utf-8")
    course.add_locale_override(path)
    merged = json.loads(path.read_text(encoding="utf-8"))
    assert merged["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    assert merged[course.LOCALE_PLUGIN] == {"x": 1, "locale": "ko_KR"}


def test_locale_override_keeps_a_chosen_language_and_a_broken_file(tmp_path: Path):
    path = tmp_path / "overrides.json"
    english = json.dumps({course.LOCALE_PLUGIN: {"locale": "en"}})
    path.write_text(english, encoding="utf-8")
    assert course.add_locale_override(path) is None and path.read_text(encoding="utf-8") == english
    path.write_text("{not json", encoding="utf-8")
    assert "not valid JSON" in course.add_locale_override(path)
    assert path.read_text(encoding="utf-8") == "{not json"


def test_course_venv_has_the_korean_default():
    """The venv running these tests was installed by course.py, which wrote the override into it (not ~/.jupyter)."""
    override = course.locale_override_path(Path(sys.prefix))
    assert override.is_file(), f"{override} missing: run `python course.py install`"
    settings = json.loads(override.read_text(encoding="utf-8"))
    assert settings[course.LOCALE_PLUGIN]["locale"] in {"ko_KR", "en"}


# --------------------------------------------------------------------------- make aliases, a real run


def test_make_targets_are_aliases_of_course_py():
    if shutil.which("make") is None:
        pytest.skip("make is not installed (the course.py form is what Windows uses)")
    dry = subprocess.run(
        ["make", "-n", "--no-print-directory", "lab", "test"], cwd=REPO, capture_output=True, text=True
    )
    lines = [line.split() for line in dry.stdout.strip().splitlines()]
    assert lines == [["python3", "course.py", "--venv", ".venv", cmd] for cmd in ("lab", "test")], dry.stdout
    dry = subprocess.run(
        ["make", "-n", "--no-print-directory", "test", "JOBS=4"], cwd=REPO, capture_output=True, text=True
    )
    assert dry.stdout.split() == ["python3", "course.py", "--venv", ".venv", "test", "-n", "4"], dry.stdout


def test_end_to_end_with_a_recording_venv(tmp_path: Path):
    """`python course.py --venv V test -k hygiene` really runs: V's interpreter gets the pytest command and env."""
    if os.name == "nt":
        pytest.skip("the recording interpreter is a POSIX shell script")
    venv = installed_fake_venv(tmp_path, record=tmp_path / "called.txt")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--venv", str(venv), "test", "-k", "hygiene"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COURSE_FAST": "0"},
    )
    assert done.returncode == 0, done.stderr
    args, env = (tmp_path / "called.txt").read_text(encoding="utf-8").split("\n--env--\n")
    assert args.split() == [*PYTEST, "-k", "hygiene"]
    assert "COURSE_FAST=1" in env.splitlines() and "OMP_NUM_THREADS=" in env
    assert "ko_KR" in course.locale_override_path(venv).read_text(encoding="utf-8")
    assert (tmp_path / "cwd.txt").read_text(encoding="utf-8").strip() == str(REPO)


# --------------------------------------------------------------------------- the repository address


def addresses(repo: Path) -> dict[str, set[str]]:
    """Every course-repository address in the files set-repo maintains, by file."""
    found: dict[str, set[str]] = {}
    for path in course.repo_files(repo):
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(repo))
        if path.suffix == ".ipynb":
            cells = json.loads(text)["cells"]
            badge = "".join(cells[0]["source"])
            colab = next(("".join(c["source"]) for c in cells if c["cell_type"] == "code"), "")
            sources = "\n".join("".join(c["source"]) for c in cells)
            found[name] = set(BADGE.findall(sources)) | set(INSTALL.findall(sources))
            if path.parent.name == "notebooks":  # course notebooks: badge in the title cell, install in code cell 1
                assert BADGE.search(badge) and INSTALL.search(colab), f"{name}: badge or Colab install cell missing"
        elif path.name == "pyproject.toml":
            found[name] = set(GITHUB.findall(text)) | {course.repository(repo)}
        else:
            found[name] = set(BADGE.findall(text)) | set(INSTALL.findall(text))
    return found


def test_repository_address_is_one_setting():
    setting = course.repository()
    found = addresses(REPO)
    assert found["README.md"], "the README's Colab paragraph must name the repository"
    wrong = {name: sorted(repos) for name, repos in found.items() if repos - {setting}}
    assert not wrong, f"addresses that differ from [tool.course] repository = {setting!r}: {wrong}"


def copy_of_repo(tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    for path in [SCRIPT, *course.repo_files(REPO)]:
        target = copy / path.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    return copy


def test_set_repo_rewrites_every_copy_and_back(tmp_path: Path):
    copy = copy_of_repo(tmp_path)
    original = {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()}
    old = course.repository(copy)

    done = subprocess.run([sys.executable, "course.py", "set-repo", "my-name/my-course"], cwd=copy, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    found = addresses(copy)
    assert all(repos == {"my-name/my-course"} for repos in found.values()), found
    for path in copy.glob("notebooks/*.ipynb"):
        json.loads(path.read_text(encoding="utf-8"))  # still valid JSON

    done = subprocess.run([sys.executable, "course.py", "set-repo", old], cwd=copy, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    assert {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()} == original


def test_set_repo_refuses_a_bad_name(tmp_path: Path):
    copy = copy_of_repo(tmp_path)
    done = subprocess.run(
        [sys.executable, "course.py", "set-repo", "not a repo"], cwd=copy, capture_output=True, text=True
    )
    assert done.returncode == 1 and "write it as OWNER/NAME" in done.stderr


# --------------------------------------------------------------------------- helpers


def fake_python(path: Path, body: str = "exit 0\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(0o755)
    return path


def installed_fake_venv(tmp_path: Path, record: Path | None = None) -> Path:
    """A venv that looks installed from this pyproject.toml; its python records its arguments, env and folder."""
    venv = tmp_path / "venv"
    body = "exit 0\n"
    if record is not None:
        body = f'echo "$@" > "{record}"\necho "--env--" >> "{record}"\nenv >> "{record}"\n'
        body += f'pwd > "{record.parent}/cwd.txt"\n'
    fake_python(course.venv_python(venv), body)
    (venv / course.STAMP_NAME).write_text(course.install_digest() + "\n", encoding="utf-8")
    return venv


def test_the_suite_starts_the_longest_files_first():
    """conftest.py orders the files (course.py keeps that order with --no-loadscope-reorder): with the browser
    tests last, one worker ran them alone for three minutes at the end of the run."""
    from conftest import KERNELS_NEXT, LONG_FIRST, in_schedule_order, schedule_rank

    repo = Path(course.REPO)
    for name in (*LONG_FIRST, *KERNELS_NEXT):
        assert (repo / name).is_file(), f"conftest.py names {name}, which does not exist"
    names = [
        "tests/test_lint.py", "notebooks/00_setup_check.ipynb", "tests/test_colab.py", "tests/test_slides.py",
        "notebooks/14_initialization_regularization.ipynb", "tests/test_browser.py", "tests/test_data.py",
    ]  # fmt: skip
    assert sorted(names, key=schedule_rank) == [
        "tests/test_browser.py", "tests/test_slides.py", "notebooks/14_initialization_regularization.ipynb",
        "notebooks/00_setup_check.ipynb", "tests/test_data.py", "tests/test_colab.py", "tests/test_lint.py",
    ]  # fmt: skip
    items = [SimpleNamespace(path=repo / path, n=n) for n, path in enumerate(names + names)]
    ordered = in_schedule_order(items, repo)
    assert [item.path.relative_to(repo).as_posix() for item in ordered[::2]] == sorted(names, key=schedule_rank)
    assert all(a.n < b.n for a, b in zip(ordered[::2], ordered[1::2], strict=True)), "the order inside a file must stay"
