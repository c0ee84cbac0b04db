"""The UI in a real browser: `newsdesk serve` on an empty library, driven by Debian chromium.

The browser steps live in tests/e2e/browser/ui.spec.mjs (playwright-core, no test runner): the empty
state, an upload (with an ask while it runs, a re-upload, a broken file), an HTML article with
hostile markup, cited answers, source cards and the reader page, filters and a bad date, a
conversation with a pronoun follow-up that survives a reload, renaming and deleting it (the
button shows only while a conversation is open, and asks first), the library, and a 390 px screen. Screenshots of each state go to tests/artifacts/screenshots. Needs /usr/bin/chromium and `npm install` in tests/e2e/browser; without
them the test skips (fails on CI).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, serve, stop

pytestmark = [pytest.mark.slow, pytest.mark.server, pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_DIR = ROOT / "tests" / "e2e" / "browser"
SPEC = BROWSER_DIR / "ui.spec.mjs"
PLAYWRIGHT = BROWSER_DIR / "node_modules" / "playwright-core"
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
SPEC_TIMEOUT = 600
STATES = ("empty", "uploading", "answer", "conflict", "error", "library", "narrow")


def _require(ok: bool, why: str) -> None:
    if ok:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser test cannot run on CI: {why}")
    pytest.skip(why)


def _tail(path: Path, limit: int = 4000) -> str:
    try:
        return path.read_text(errors="replace")[-limit:]
    except OSError as e:
        return f"(no server log: {e})"


def test_ui_in_a_real_browser(tmp_path: Path) -> None:
    _require(CHROMIUM.exists(), f"{CHROMIUM} not found (apt-get install chromium)")
    _require(PLAYWRIGHT.is_dir(), f"{PLAYWRIGHT} not found (run `npm install` in {BROWSER_DIR})")
    node = shutil.which("node")
    _require(node is not None, "node not found on PATH (Node 20+ is needed)")
    assert node is not None

    home = tmp_path / "browser-home"  # empty: the spec expects a library with 0 articles
    home.mkdir()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()

    log_path = tmp_path / "server.log"
    url, server = serve(home, log_path)
    try:
        started = time.monotonic()
        # own session, so a timeout can end node and the chromium it started, and nothing else
        spec = subprocess.Popen(
            [node, str(SPEC), url, str(SCREENSHOTS)],
            cwd=BROWSER_DIR,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            output, _ = spec.communicate(timeout=SPEC_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(spec.pid, signal.SIGKILL)
            output, _ = spec.communicate()
            pytest.fail(
                f"ui.spec.mjs did not finish within {SPEC_TIMEOUT}s\n--- output ---\n"
                f"{output.decode(errors='replace')}\n--- server log (tail) ---\n{_tail(log_path)}"
            )
        text = output.decode(errors="replace")
        print(text)
        print(f"browser spec took {time.monotonic() - started:.1f}s; screenshots in {SCREENSHOTS}")
        assert spec.returncode == 0, (
            f"ui.spec.mjs exited with {spec.returncode}\n--- output ---\n{text}\n"
            f"--- server log (tail) ---\n{_tail(log_path)}\n"
            f"screenshots: {SCREENSHOTS}"
        )
        assert "PASS all steps" in text
        taken = {p.stem.split("-", 1)[1] for p in SCREENSHOTS.glob("*.png")}
        assert set(STATES) <= taken, f"missing screenshots: {set(STATES) - taken}"
        # the conversation left open was saved in the home, where a restarted server finds it
        assert list((home / "conversations").glob("*.json"))
    finally:
        stop(server)
