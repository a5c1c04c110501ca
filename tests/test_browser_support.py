"""The browser tests' own logic, without a browser: which Chromium is used, skip on a learner's machine but fail in
CI, and how Hangul drawn as boxes is recognised from Chromium's font report."""

from __future__ import annotations

import json
from pathlib import Path

import browser_support
import pytest
from browser_support import ENABLE_HINT, chromium_executable, hangul_font_problem, skip_or_fail, write_test_settings


def fake_browser(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(0o755)
    return str(path)


def test_browser_choice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    system = fake_browser(tmp_path / "usr" / "lib" / "chromium" / "chromium")
    downloaded = fake_browser(tmp_path / "ms-playwright" / "chromium-1" / "chrome-linux" / "chrome")
    monkeypatch.delenv("COURSE_BROWSER", raising=False)
    monkeypatch.setattr(browser_support, "SYSTEM_BROWSERS", (str(tmp_path / "missing"), system))
    assert chromium_executable(None) == system
    assert chromium_executable(downloaded) == downloaded  # Playwright's own download comes first
    assert chromium_executable(str(tmp_path / "not-downloaded")) == system
    monkeypatch.setenv("COURSE_BROWSER", "/opt/my/chrome")
    assert chromium_executable(downloaded) == "/opt/my/chrome"  # an explicit choice wins
    monkeypatch.delenv("COURSE_BROWSER")
    monkeypatch.setattr(browser_support, "SYSTEM_BROWSERS", ())
    assert chromium_executable(None) is None


def test_playwright_download_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    assert browser_support.playwright_download() is None
    chrome = fake_browser(tmp_path / "chromium-1200" / "chrome-linux64" / "chrome")
    assert browser_support.playwright_download() == chrome


def test_no_browser_skips_for_learners_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium fonts-nanum"):
        skip_or_fail(ENABLE_HINT, module=True)
    assert "playwright install chromium" in ENABLE_HINT and "\n" not in ENABLE_HINT  # one line, two ways
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        skip_or_fail(ENABLE_HINT, module=True)


def test_hangul_check_reports_boxes():
    """Chromium counts a syllable no font can draw under the primary font; that must be reported."""
    korean = {"NanumGothic"}
    drawn = [{"familyName": "DejaVu Sans", "glyphCount": 3, "isCustomFont": False}]
    drawn.append({"familyName": "NanumGothic", "glyphCount": 4, "isCustomFont": False})
    assert hangul_font_problem("한글 글꼴 ok", drawn, korean) is None
    boxes = [{"familyName": "DejaVu Sans", "glyphCount": 9, "isCustomFont": False}]
    assert "4 Hangul characters but only 0 glyphs" in hangul_font_problem("한글 글꼴 ok", boxes, korean)


def test_test_settings_stay_in_the_temporary_folder(tmp_path: Path):
    """Windowing off, no autosave, no news: written as user settings of the test's own Lab only."""
    write_test_settings(tmp_path)
    tracker = tmp_path / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    docmanager = tmp_path / "@jupyterlab" / "docmanager-extension" / "plugin.jupyterlab-settings"
    assert json.loads(tracker.read_text(encoding="utf-8")) == {"windowingMode": "none"}
    assert json.loads(docmanager.read_text(encoding="utf-8")) == {"autosave": False}
    env = browser_support.lab_environment(tmp_path)
    assert env["JUPYTERLAB_SETTINGS_DIR"] == str(tmp_path / "settings") and env["COURSE_FAST"] == "1"
