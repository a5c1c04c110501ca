"""Each notebook's first cell as Colab meets it, run in a real kernel.

Colab is imitated by a fake ``google.colab`` module in the kernel; ``COURSE_PACKAGE_SOURCE`` (which the cell honours)
points the pip install at a copy of this checkout's package instead of the git URL, and ``/content/data`` is
replaced by a stand-in folder. The kernel runs in a throw-away venv that sees the course venv's libraries (torch
is "already there", as on Colab) through a .pth line but not its editable install of course_utils, so pip really
installs the package, into the throw-away venv and nowhere else. The same cell outside Colab must do nothing.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CONTENT_DATA = '"/content/data"'
FAKE_COLAB = "import sys, types\nsys.modules['google.colab'] = types.ModuleType('google.colab')"
REPORT = """import json, os, course_utils
print(json.dumps({"file": course_utils.__file__, "env": os.environ.get("COURSE_DATA_DIR"),
                  "root": str(course_utils.data_root())}))"""


def first_code_cell(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return next("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def distinct_first_cells() -> dict[str, list[str]]:
    """Each distinct first code cell and the notebooks that have it (one entry while they are all identical)."""
    cells: dict[str, list[str]] = {}
    for path in NOTEBOOKS:
        cells.setdefault(first_code_cell(path), []).append(path.stem)
    return cells


CELLS = distinct_first_cells()
IDS = [f"{stems[0]}..{stems[-1]}({len(stems)})" if len(stems) > 1 else stems[0] for stems in CELLS.values()]


def package_copy(target: Path) -> Path:
    """What `pip install git+https://github.com/...` would build: the project files of this checkout."""
    target.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, target / name)
    shutil.copytree(REPO / "course_utils", target / "course_utils", ignore=shutil.ignore_patterns("__pycache__"))
    return target


def throwaway_venv(path: Path) -> Path:
    """A venv without pip or packages whose .pth line shows it the course venv's libraries; returns its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True, timeout=120)
    python = path / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    own_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # A plain path line: the course venv's .pth files (its editable course_utils finder) are not processed.
    Path(own_site, "course_venv.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    return python


class Kernel:
    """A kernel on a given interpreter, with a helper that runs code and collects its outputs."""

    def __init__(self, python: Path, cwd: Path, env: dict[str, str], spec_dir: Path) -> None:
        spec = spec_dir / "colab-test"
        spec.mkdir(parents=True)
        argv = [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        (spec / "kernel.json").write_text(
            json.dumps({"argv": argv, "display_name": "colab test", "language": "python"})
        )
        self.manager = KernelManager(
            kernel_name="colab-test", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec_dir)])
        )
        self.manager.start_kernel(cwd=str(cwd), env=env)
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=120)

    def run(self, code: str, timeout: float = 300) -> list[dict]:
        outputs: list[dict] = []

        def keep(message: dict) -> None:
            if message["msg_type"] in {"stream", "error", "display_data", "execute_result"}:
                outputs.append({"type": message["msg_type"], **message["content"]})

        try:
            self.client.execute_interactive(code, output_hook=keep, timeout=timeout)
        except queue.Empty:
            pytest.fail(f"the cell did not finish within {timeout} s")
        return outputs

    def stop(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


@pytest.fixture
def kernel_setup(tmp_path: Path):
    """A throw-away venv, the package copy and the kernel's environment (COURSE_DATA_DIR unset, as on Colab)."""
    python = throwaway_venv(tmp_path / "venv")
    package = package_copy(tmp_path / "checkout")
    env = {k: v for k, v in os.environ.items() if k not in {"COURSE_DATA_DIR", "PYTHONPATH"}}
    env.update(COURSE_PACKAGE_SOURCE=package.as_uri(), PIP_NO_DEPS="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    return python, env, tmp_path


def installed(venv: Path) -> list[str]:
    site_packages = next(venv.glob("lib/python3*/site-packages"), None) or venv / "Lib" / "site-packages"
    return sorted(p.name for p in site_packages.iterdir() if p.name != "course_venv.pth")


@pytest.mark.parametrize("source", list(CELLS), ids=IDS)
def test_first_cell_in_colab_installs_the_package_and_keeps_data_in_content(kernel_setup, source: str):
    python, env, tmp = kernel_setup
    stand_in = tmp / "content" / "data"
    assert source.count(CONTENT_DATA) == 1, "the Colab cell must set the data folder to /content/data"
    colab_source = source.replace(CONTENT_DATA, json.dumps(str(stand_in)))
    kernel = Kernel(python, tmp, env, tmp / "kernels")
    try:
        fake = kernel.run(FAKE_COLAB)
        outputs = kernel.run(colab_source)
        report_outputs = kernel.run(REPORT)
    finally:
        kernel.stop()
    assert not fake
    problems = [o for o in outputs if o["type"] == "error" or o.get("name") == "stderr"]
    assert not problems, f"the Colab cell failed: {problems}"
    assert [name for name in installed(tmp / "venv") if name.startswith("course_utils")], installed(tmp / "venv")
    texts = [o["text"] for o in report_outputs if o["type"] == "stream" and o["name"] == "stdout"]
    assert texts, f"course_utils did not import: {report_outputs}"
    report = json.loads(texts[-1])
    assert Path(report["file"]).is_relative_to(tmp / "venv"), f"course_utils came from {report['file']}"
    assert report["env"] == str(stand_in) and Path(report["root"]) == stand_in.resolve() and stand_in.is_dir()


@pytest.mark.parametrize("source", list(CELLS), ids=IDS)
def test_first_cell_outside_colab_does_nothing(kernel_setup, source: str):
    python, env, tmp = kernel_setup
    kernel = Kernel(python, tmp, env, tmp / "kernels")
    try:
        outputs = kernel.run(source)
        state = kernel.run("import os, sys; print(os.environ.get('COURSE_DATA_DIR'), 'google.colab' in sys.modules)")
    finally:
        kernel.stop()
    assert outputs == [], f"outside Colab the cell must print nothing: {outputs}"
    assert installed(tmp / "venv") == [], f"outside Colab nothing may be installed: {installed(tmp / 'venv')}"
    assert [o["text"] for o in state] == ["None False\n"], state
