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
from concurrent.futures import ThreadPoolExecutor
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
    # every page computes, not only the one in front (the tests use several at once)
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
]
NEEDED = pytest.StashKey()  # notebooks the selected tests use, in test order
SLIDES_BUILD = pytest.StashKey()  # (the build_slides process started at collection, its log)
VIEWPORT = {"width": 1280, "height": 720}  # the projector the course is presented on

# User settings for the test server: no autosave (the copy stays as it was) and every cell
# kept in the DOM (no virtual scrolling) so outputs can be inspected. The course's own
# settings (no news pop-up, ...) come from tools/jupyterlab/overrides.json, which the
# launcher installs, as for `make lab`. The deck is recorded as left open, as after a
# lecture whose tab was closed while presenting: the launcher must switch it off.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "jupyterlab-slideshow/plugin": {"active": True},
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
    # the static slides build in the background while JupyterLab is tested
    if any(item.path.name == "test_slides.py" for item in items):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        log = open(ARTIFACTS / "build_slides.log", "w")  # noqa: SIM115 (closed by the fixture)
        config.stash[SLIDES_BUILD] = (
            subprocess.Popen(
                [sys.executable, str(ROOT / "tools" / "build_slides.py")],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            ),
            log,
        )


@pytest.fixture(scope="session")
def slides_build(request):
    """build/slides/, built by the process started when the tests were collected."""
    process, log = request.config.stash[SLIDES_BUILD]
    code = process.wait(timeout=600)
    log.close()
    output = (ARTIFACTS / "build_slides.log").read_text()
    assert code == 0, f"tools/build_slides.py failed:\n{output[-3000:]}"
    return ROOT / "build" / "slides"


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
    """A running JupyterLab server: its URL, token, notebook and settings directories."""

    def __init__(self, url, token, root, settings):
        self.url, self.token, self.root, self.settings = url, token, root, settings

    def tree(self, notebook):
        # a workspace of its own per notebook, emptied first (?reset): pages open side by
        # side do not share their layout, and a page reloaded later shows its notebook
        workspace = notebook.split(".")[0]
        return f"{self.url}/lab/workspaces/{workspace}/tree/{notebook}?reset&token={self.token}"

    def api(self, path, method="GET"):
        req = urllib.request.Request(
            f"{self.url}/api/{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read()
        return json.loads(body) if body else None

    def settings_api(self, plugin):
        """A plugin's settings as the server gives them (schema with the defaults of this
        environment, and the user's raw settings)."""
        req = urllib.request.Request(
            f"{self.url}/lab/api/settings/{plugin}",
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def shutdown_kernels(self):
        """Stop every kernel (each test's notebook starts its own), all at once: the
        server waits for each kernel to exit before it answers."""
        sessions = self.api("sessions")
        with ThreadPoolExecutor(max_workers=max(1, len(sessions))) as pool:
            list(pool.map(lambda s: self.api(f"sessions/{s['id']}", method="DELETE"), sessions))


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    python = ROOT / ".venv" / "bin" / "python"
    if not python.exists():
        pytest.skip("no .venv/bin/python (run `make test` to set up the venv)")
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "notebooks"
    shutil.copytree(NOTEBOOKS, root, ignore=shutil.ignore_patterns("py", ".ipynb_checkpoints"))
    _write_settings(tmp / "settings")
    port, token = _free_port(), secrets.token_hex(16)
    log = open(tmp / "lab.log", "w")  # noqa: SIM115 (open for the server's lifetime)
    # started as `make lab` starts it (tools/lab.py: --allow-root as root, the course's
    # settings, a deck left open switched off), with extra arguments as ARGS would pass them
    proc = subprocess.Popen(
        [
            str(python),
            str(ROOT / "tools" / "lab.py"),
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: run commands by id
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=root,
        start_new_session=True,
        env={
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(tmp / "config"),
            "JUPYTERLAB_SETTINGS_DIR": str(tmp / "settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "ws"),
        },
    )
    server = Lab(f"http://127.0.0.1:{port}", token, root, tmp / "settings")
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
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # it had exited already
        log.close()
        print(f"JupyterLab log: {tmp / 'lab.log'}", file=sys.stderr)


# ---------------------------------------------------------------------------- page helpers

KERNEL_IDLE = "Python 3 (ipykernel) | Idle"


def start_opening(browser, lab, notebook):
    """A new 1280x720 page that has started loading `notebook` (see `finish_opening`)."""
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(60_000)
    page.goto(lab.tree(notebook), wait_until="commit")
    return page


def open_notebook(browser, lab, notebook):
    """A new 1280x720 page with `notebook` open and its kernel idle."""
    return finish_opening(start_opening(browser, lab, notebook), notebook)


def finish_opening(page, notebook):
    """Wait until the page shows `notebook` with its kernel idle and extensions loaded."""
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


#: true once Run All has finished: every code cell has an execution count
EXECUTED = """() => {
    const nb = window.jupyterapp.shell.currentWidget;
    const kernel = nb.sessionContext.session.kernel;
    const cells = nb.content.widgets.filter(c => c.model.type === 'code');
    const prompts = [...document.querySelectorAll('.jp-InputPrompt')];
    return kernel.status === 'idle' &&
           cells.every(c => c.model.executionCount !== null) &&
           !prompts.some(p => p.textContent.includes('*'));
}"""

#: "ready" once the notebook is shown, its kernel idle and the widget manager active;
#: "dialog" while a "Select Kernel" dialog waits; otherwise "loading"
READY = f"""() => {{
    const app = window.jupyterapp;
    if (!app || !document.querySelector('.jp-Notebook .jp-Cell')) return 'loading';
    if ([...document.querySelectorAll('.jp-Dialog')]
        .some(d => d.textContent.includes('Select Kernel'))) return 'dialog';
    const idle = [...document.querySelectorAll('.jp-StatusBar-Widget')]
        .some(w => w.textContent.includes({json.dumps(KERNEL_IDLE)}));
    const widgets = app.isPluginActivated('@jupyter-widgets/jupyterlab-manager:plugin');
    return idle && widgets ? 'ready' : 'loading';
}}"""


#: per cell stored collapsed (presenter notes, answers): [index, its slide type or tags,
#: its input hidden on the page, the height of its rendered text]
COLLAPSED_SHOWN = """() => {
    const nb = window.jupyterapp.shell.currentWidget.content;
    return nb.widgets
        .map((cell, i) => [cell, i])
        .filter(([cell]) => (cell.model.getMetadata('jupyter') || {}).source_hidden)
        .map(([cell, i]) => {
            const text = cell.node.querySelector('.jp-MarkdownOutput, .jp-InputArea-editor');
            const kind = (cell.model.getMetadata('slideshow') || {}).slide_type === 'notes'
                ? 'notes' : (cell.model.getMetadata('tags') || []).join(',');
            return [i, kind, cell.inputHidden,
                    text ? Math.round(text.getBoundingClientRect().height) : 0];
        });
}"""


def wait_executed(page, timeout=90_000):
    """Wait until Run All has finished: every code cell has an execution count."""
    page.wait_for_function(EXECUTED, timeout=timeout, polling=200)


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


def widget_outputs(page):
    """The outputs that hold a widget, as the page shows them: for each, the id of its
    node, the MIME type JupyterLab chose to render and the text it shows."""
    return page.evaluate(
        """() => {
        const nb = window.jupyterapp.shell.currentWidget.content;
        const found = [];
        nb.widgets.forEach((cell, i) => {
            if (cell.model.type !== 'code') return;
            const outputs = cell.model.outputs.toJSON();
            outputs.forEach((output, j) => {
                const data = output.data || {};
                if (!data['application/vnd.jupyter.widget-view+json']) return;
                const node = cell.outputArea.node.querySelectorAll('.jp-OutputArea-output')[j];
                if (!node) return;
                node.id = node.id || `widget-output-${i}-${j}`;
                found.push({id: node.id, cell: i, mime: node.dataset.mimeType || null,
                            text: node.innerText.slice(0, 300),
                            code: cell.model.sharedModel.getSource().slice(0, 300)});
            });
        });
        return found;
    }"""
    )


#: roughly how long Run All takes, by notebook number (docs/authoring.md's budgets)
RUN_SECONDS = {"05": 30, "09": 30, "10": 60}


class Notebooks:
    """Notebook pages shared by the tests, each executed once (Run All) in its own kernel.

    Every notebook the selected tests need starts loading at once; whenever the tests
    wait, each page whose kernel has become idle starts Run All (the longest-running
    notebooks were opened first), so the kernels compute side by side while the tests
    check the pages that are done. Before Run All, what each page shows of its widget
    outputs is recorded (``unrun``), with a screenshot, and how it shows its collapsed
    cells (``collapsed_unrun``).
    """

    def __init__(self, browser, lab, needed):
        self.browser, self.lab = browser, lab
        self.unrun = {}  # name: the widget outputs as shown before Run All
        self.collapsed_unrun = {}  # name: its collapsed cells as shown before Run All
        self.pages = {}  # name: page whose Run All has started
        order = sorted(needed, key=lambda n: -RUN_SECONDS.get(n[:2], 0))
        self.loading = {name: start_opening(browser, lab, f"{name}.ipynb") for name in order}
        self.since = time.monotonic()

    def _pump(self):
        """Start Run All in every page that has become ready."""
        for name, page in list(self.loading.items()):
            state = page.evaluate(READY)
            if state == "dialog":
                page.locator(".jp-Dialog .jp-mod-accept").click()
            elif state == "ready":
                del self.loading[name]
                self._run(name, page)
            elif time.monotonic() - self.since > 180:
                raise AssertionError(f"{name} never showed '{KERNEL_IDLE}' with widgets loaded")

    def _run(self, name, page):
        self.unrun[name] = widget_outputs(page)
        self.collapsed_unrun[name] = page.evaluate(COLLAPSED_SHOWN)
        if self.unrun[name]:
            page.locator(f"#{self.unrun[name][0]['id']}").scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / f"lab_{name}_unrun.png"))
        run_command(page, "notebook:run-all-cells")
        self.pages[name] = page

    def page(self, name, timeout=240):
        if name not in self.pages and name not in self.loading:  # not needed, or taken
            self.loading[name] = start_opening(self.browser, self.lab, f"{name}.ipynb")
            self.since = time.monotonic()
        deadline = time.monotonic() + timeout
        while name not in self.pages or not self.pages[name].evaluate(EXECUTED):
            if time.monotonic() > deadline:
                raise AssertionError(f"{name}: Run All did not finish within {timeout} s")
            self._pump()
            time.sleep(0.2)
        page = self.pages[name]
        page.bring_to_front()
        return page

    def take(self, name):
        """The executed page of `name`, for a test that changes it for good (reloads
        it, ...): later tests that ask for `name` get a new page."""
        page = self.page(name)
        del self.pages[name]
        return page

    def close(self):
        for page in [*self.pages.values(), *self.loading.values()]:
            page.close()
        self.lab.shutdown_kernels()


@pytest.fixture(scope="session")
def notebooks(browser, lab, artifacts, request):
    """`notebooks.page("06_vanishing_and_exploding")`: that notebook open and executed."""
    shared = Notebooks(browser, lab, request.config.stash.get(NEEDED, []))
    yield shared
    shared.close()
