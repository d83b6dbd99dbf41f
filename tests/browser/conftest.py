"""Shared fixtures for the real-browser tests: one headless Chromium and one JupyterLab server.

Chromium is the system one (``$CHROMIUM``, default /usr/bin/chromium), driven by Playwright's
sync API; Playwright never downloads a browser here. JupyterLab runs from the project's venv
on a temporary copy of notebooks/, so saving or executing never touches the repository.
Screenshots go to artifacts/browser/ (git-ignored).
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NEEDED = pytest.StashKey()  # notebooks the selected tests use, in test order
VIEWPORT = {"width": 1280, "height": 720}  # the projector the course is presented on

# User settings for the test server: no autosave (the copy stays as it was), no news
# pop-up, and every cell kept in the DOM (no virtual scrolling) so outputs can be inspected.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "notebook(name): the test uses that notebook, run in JupyterLab"
    )


def pytest_collection_modifyitems(config, items):
    needed = []
    for item in items:
        item.add_marker(pytest.mark.browser)
        for mark in item.iter_markers("notebook"):
            if mark.args[0] not in needed:
                needed.append(mark.args[0])
    config.stash[NEEDED] = needed


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (set CHROMIUM or apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # launch() gives each run a fresh temporary profile (Playwright's own user-data-dir)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=30_000)
        yield browser
        browser.close()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_settings(settings_dir):
    for name, values in LAB_SETTINGS.items():
        path = settings_dir / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


class Lab:
    """A running JupyterLab server: its URL, token and notebook directory."""

    def __init__(self, url, token, root):
        self.url, self.token, self.root = url, token, root

    def tree(self, notebook):
        # ?reset starts from an empty workspace, so earlier tests' tabs do not reopen
        return f"{self.url}/lab/tree/{notebook}?reset&token={self.token}"

    def api(self, path, method="GET"):
        req = urllib.request.Request(
            f"{self.url}/api/{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self):
        """Stop every kernel (each test's notebook starts its own)."""
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", method="DELETE")


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    jupyter = ROOT / ".venv" / "bin" / "jupyter"
    if not jupyter.exists():
        pytest.skip("no .venv/bin/jupyter (run `make test` to set up the venv)")
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "notebooks"
    shutil.copytree(NOTEBOOKS, root, ignore=shutil.ignore_patterns("py", ".ipynb_checkpoints"))
    _write_settings(tmp / "settings")
    port, token = _free_port(), secrets.token_hex(16)
    log = open(tmp / "lab.log", "w")  # noqa: SIM115 (open for the server's lifetime)
    proc = subprocess.Popen(
        [
            str(jupyter),
            "lab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--ServerApp.token={token}",
            "--allow-root",
            f"--ServerApp.root_dir={root}",
            f"--LabApp.user_settings_dir={tmp / 'settings'}",
            f"--LabApp.workspaces_dir={tmp / 'ws'}",
            "--LabApp.expose_app_in_browser=True",
        ],  # window.jupyterapp: run commands by id
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=root,
        start_new_session=True,
        env={**os.environ, "JUPYTER_CONFIG_DIR": str(tmp / "config")},
    )
    server = Lab(f"http://127.0.0.1:{port}", token, root)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited: {(tmp / 'lab.log').read_text()[-2000:]}")
            try:
                server.api("status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not answer within 60 s") from None
                time.sleep(0.2)
        yield server
    finally:
        # the server runs in its own process group: stop it and the kernels it started
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        print(f"JupyterLab log: {tmp / 'lab.log'}", file=sys.stderr)


# ---------------------------------------------------------------------------- page helpers

KERNEL_IDLE = "Python 3 (ipykernel) | Idle"


def open_notebook(browser, lab, notebook):
    """A new 1280x720 page with `notebook` open and its kernel idle."""
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(60_000)
    page.goto(lab.tree(notebook))
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    # a "Select Kernel" dialog appears when the kernel cannot be chosen automatically
    deadline = time.monotonic() + 60
    status = page.locator(".jp-StatusBar-Widget", has_text="Python 3 (ipykernel)")
    while not status.filter(has_text=KERNEL_IDLE).count():
        dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
        if dialog.count():
            dialog.locator(".jp-mod-accept").click()
        if time.monotonic() > deadline:
            raise AssertionError(f"kernel never reported '{KERNEL_IDLE}' for {notebook}")
        page.wait_for_timeout(100)
    # widget manager and extensions load asynchronously: wait before executing anything
    page.wait_for_load_state("networkidle")
    return page


def run_command(page, command, args=None):
    page.evaluate("([c, a]) => window.jupyterapp.commands.execute(c, a || {})", [command, args])


def wait_executed(page, timeout=90_000):
    """Wait until Run All has finished: every code cell has an execution count."""
    page.wait_for_function(
        """() => {
            const nb = window.jupyterapp.shell.currentWidget;
            const kernel = nb.sessionContext.session.kernel;
            const cells = nb.content.widgets.filter(c => c.model.type === 'code');
            const prompts = [...document.querySelectorAll('.jp-InputPrompt')];
            return kernel.status === 'idle' &&
                   cells.every(c => c.model.executionCount !== null) &&
                   !prompts.some(p => p.textContent.includes('*'));
        }""",
        timeout=timeout,
        polling=200,
    )


def error_outputs(page):
    """Texts of error outputs (tracebacks) in the open notebook."""
    errors = page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']")
    stderr = page.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
        has_text="Traceback",
    )
    return [e.inner_text()[:2000] for e in errors.all() + stderr.all()]


def slider_handle(scope, description):
    """The draggable handle of the slider labelled `description` inside `scope`."""
    slider = scope.locator(f".widget-hslider:has(> .widget-label:text-is('{description}'))")
    return slider.locator(".noUi-handle")


def dropdown(scope, description):
    return scope.locator(f".widget-dropdown:has(> .widget-label:text-is('{description}')) select")


def wait_kernel_idle(page):
    """Wait until the kernel has handled every pending widget message and redrawn."""
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status"
        " === 'idle'",
        polling=100,
    )
    page.wait_for_load_state("networkidle")


class Notebooks:
    """Notebook pages shared by the tests, each executed once (Run All) in its own kernel.

    When a test asks for a notebook, the next one the selected tests need is opened and
    started too, so its kernel computes while this test checks its page.
    """

    def __init__(self, browser, lab, needed):
        self.browser, self.lab, self.needed, self.pages = browser, lab, needed, {}

    def _start(self, name):
        if name not in self.pages:
            page = open_notebook(self.browser, self.lab, f"{name}.ipynb")
            run_command(page, "notebook:run-all-cells")
            self.pages[name] = page

    def page(self, name):
        self._start(name)
        waiting = [n for n in self.needed if n not in self.pages]
        if waiting:
            self._start(waiting[0])
        page = self.pages[name]
        page.bring_to_front()
        wait_executed(page)
        return page

    def close(self):
        for page in self.pages.values():
            page.close()
        self.lab.shutdown_kernels()


@pytest.fixture(scope="session")
def notebooks(browser, lab, request):
    """`notebooks.page("06_vanishing_and_exploding")`: that notebook open and executed."""
    shared = Notebooks(browser, lab, request.config.stash.get(NEEDED, []))
    yield shared
    shared.close()
