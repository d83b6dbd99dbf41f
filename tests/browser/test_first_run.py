"""What a student sees in the first minutes, in a real JupyterLab started as `make lab`
starts it (tools/lab.py, here as root when the suite runs as root).

* A notebook opened but not yet run shows each explorer as a still image of its figure,
  never as its text repr (``VBox(children=...``): JupyterLab does not render the widget
  outputs of a notebook that was not run in this session (it is not trusted) and falls
  back to the image the explorer stores next to the widget (rnnlib.widgets.base).
* No "Jupyter news" pop-up: the course's settings (tools/jupyterlab/overrides.json)
  turn it off. It would cover the presentation's on-screen remote.
* A presentation left open last time does not come back: the launcher switches off
  the flag the deck extension remembers (the test server starts with it set).

Screenshots: artifacts/browser/lab_first_start.png, lab_<notebook>_unrun.png (before Run All).
"""

import json

import pytest
from conftest import NOTEBOOKS, VIEWPORT
from test_lab import NOTEBOOK_NAMES

EXPLORER_NOTEBOOKS = [
    n for n in NOTEBOOK_NAMES if "Explorer(" in (NOTEBOOKS / f"{n}.ipynb").read_text()
]


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.notebook(n)) for n in EXPLORER_NOTEBOOKS]
)
def test_explorers_show_a_still_image_before_the_notebook_runs(notebooks, name):
    notebooks.page(name)  # what the page showed before Run All was recorded
    shown = [o for o in notebooks.unrun[name] if "Explorer(" in o["code"]]
    assert shown, f"{name}: no explorer output stored in the notebook"
    for output in shown:
        where = f"{name}, cell {output['cell']}"
        assert "children=" not in output["text"], f"{where}: shows the widget's repr"
        assert output["mime"] in ("image/png", "image/jpeg"), (
            f"{where}: before running, JupyterLab shows {output['mime']!r} "
            f"({output['text'][:80]!r}), not the explorer's still image"
        )


@pytest.mark.notebook("00_start_here")
def test_jupyterlab_starts_without_news_and_without_an_old_deck(notebooks, lab, artifacts):
    page = notebooks.page("00_start_here")  # the first page of the session
    page.wait_for_timeout(500)  # the news question is asked right after start-up
    toasts = page.locator(".Toastify__toast").all_inner_texts()
    assert not [t for t in toasts if "news" in t.lower()], f"news pop-up shown: {toasts}"
    news = lab.settings_api("@jupyterlab/apputils-extension:notification")
    assert news["schema"]["properties"]["fetchNews"]["default"] == "false"
    # the test server started with the deck recorded as open (LAB_SETTINGS)
    assert page.evaluate("document.body.dataset.jpDeckMode") is None, "a deck reopened"
    assert page.locator("#jp-menu-panel").is_visible(), "the main menu is hidden"
    deck = json.loads(
        (lab.settings / "jupyterlab-slideshow" / "plugin.jupyterlab-settings").read_text()
    )
    assert deck["active"] is False
    assert page.viewport_size == VIEWPORT
    page.screenshot(path=str(artifacts / "lab_first_start.png"))


@pytest.mark.notebook("00_start_here")
def test_collapsed_cells_stay_collapsed_when_a_notebook_opens(notebooks):
    """Presenter notes and the answers to predictions open as one-line bars, out of the
    students' reading flow. (Run All expands them: JupyterLab shows a collapsed markdown
    cell again when it runs it; docs/instructors.md says so.)"""
    notebooks.page("00_start_here")  # what the page showed before Run All was recorded
    for name, cells in notebooks.collapsed_unrun.items():
        assert cells, f"{name}: no collapsed cells recorded"
        shown = [(i, kind, height) for i, kind, hidden, height in cells if not hidden or height]
        assert not shown, f"{name}: collapsed cells shown when the notebook opens: {shown}"
