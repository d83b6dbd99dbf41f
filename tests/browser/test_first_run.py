"""What a student sees in the first minutes, in a real JupyterLab started as `make lab`
starts it (tools/lab.py, here as root when the suite runs as root).

* No "Jupyter news" pop-up: the course's settings (tools/jupyterlab/overrides.json)
  turn it off. It would cover the presentation's on-screen remote.
* A presentation left open last time does not come back: the launcher switches off
  the flag the deck extension remembers (the test server starts with it set).

Screenshot: artifacts/browser/lab_first_start.png.
"""

import json

import pytest
from conftest import VIEWPORT


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
