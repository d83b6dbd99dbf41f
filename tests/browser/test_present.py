"""Live presentation inside JupyterLab keeps the widgets working.

The course presents with jupyterlab-slideshow (command "deck:start", the deck button of the
notebook toolbar): it shows the notebook itself slide by slide, so explorers stay connected
to the kernel. (jupyterlab-rise 0.43 cannot render ipywidgets 8 widgets.) The test opens
notebook 06, runs it, starts the deck on the title slide, presses Space until the explorer's
slide is on screen, moves the "W_hh scale" slider and checks that the figure is redrawn.
It also leaves a deck the ways docs/instructors.md describes.
Screenshots: artifacts/browser/present_06_title.png, present_06_explorer.png,
present_left_open_reloaded.png, present_left.png.
"""

import pytest
from conftest import VIEWPORT, run_command, slider_handle, wait_kernel_idle

NOTEBOOK = "06_vanishing_and_exploding"
ONSCREEN = "jp-deck-mod-onscreen"  # class the deck gives the cells of the current slide
#: the first cell active, the notebook in command mode with the keyboard
FIRST_CELL = """() => {
    const nb = window.jupyterapp.shell.currentWidget.content;
    nb.activeCellIndex = 0; nb.mode = 'command'; nb.node.focus();
}"""


def on_screen(locator):
    box = locator.bounding_box()
    return (
        box is not None
        and box["y"] >= 0
        and box["x"] >= 0
        and box["y"] + box["height"] <= VIEWPORT["height"]
        and box["x"] + box["width"] <= VIEWPORT["width"]
    )


@pytest.mark.notebook(NOTEBOOK)
def test_explorer_is_live_while_presenting(notebooks, artifacts):
    page = notebooks.page(NOTEBOOK)  # opened and executed with Run All
    try:
        # start presenting from the first cell, as an instructor would
        page.evaluate(FIRST_CELL)
        run_command(page, "deck:start")
        title = page.locator(".jp-Cell").first
        page.wait_for_function(
            f"el => el.classList.contains('{ONSCREEN}')", arg=title.element_handle(), timeout=10_000
        )
        assert page.locator(".jp-Cell." + ONSCREEN).count() < page.locator(".jp-Cell").count()
        page.screenshot(path=str(artifacts / "present_06_title.png"))

        cell = page.locator(".jp-Cell:has(.rnnlib-explorer)")
        assert cell.count() == 1
        for _ in range(60):  # Space: next fragment / subslide / slide
            if ONSCREEN in cell.get_attribute("class"):
                break
            page.keyboard.press("Space")
            page.wait_for_timeout(50)
        assert ONSCREEN in cell.get_attribute("class"), "Space never reached the explorer slide"
        assert not page.locator(".jp-Cell").first.evaluate(
            f"el => el.classList.contains('{ONSCREEN}')"
        ), "title slide still shown"

        image = cell.locator(".rnnlib-explorer-image")
        handle = slider_handle(cell, "W_hh scale")
        page.wait_for_function(
            "el => el.getBoundingClientRect().top >= 0", arg=handle.element_handle(), timeout=10_000
        )
        assert on_screen(handle), "the W_hh scale slider is not inside the 1280x720 slide"
        before, value = image.get_attribute("src"), handle.get_attribute("aria-valuenow")
        handle.focus()
        for _ in range(3):
            handle.press("ArrowRight")
        page.wait_for_function(
            "([el, old]) => el.getAttribute('src') !== old",
            arg=[image.element_handle(), before],
            timeout=15_000,
        )
        assert float(handle.get_attribute("aria-valuenow")) > float(value)
        wait_kernel_idle(page)
        page.screenshot(path=str(artifacts / "present_06_explorer.png"))
        assert ONSCREEN in cell.get_attribute("class"), "moving the slider left the slide"
    finally:
        run_command(page, "deck:stop")


def presenting(page):
    return page.evaluate("document.body.dataset.jpDeckMode") == "presenting"


def wait_presenting(page, state=True):
    page.wait_for_function(
        "want => (document.body.dataset.jpDeckMode === 'presenting') === want",
        arg=state,
        timeout=15_000,
    )


@pytest.mark.notebook("00_start_here")
def test_leaving_the_deck_as_docs_instructors_says(notebooks, lab, artifacts):
    """Esc after a click on the slide leaves the deck; a deck left open comes back on the
    next page load, and the on-screen remote's exit button leaves it."""
    page = notebooks.take("00_start_here")  # reloaded below: no other test gets it
    try:
        page.evaluate(FIRST_CELL)  # as docs/instructors.md says: the first cell, Esc
        run_command(page, "deck:start")
        wait_presenting(page)
        assert not page.locator("#jp-menu-panel").is_visible(), "menus shown while presenting"
        page.locator(".jp-Cell." + ONSCREEN).first.click()  # the slide has the keyboard
        page.keyboard.press("Escape")
        wait_presenting(page, False)
        assert page.locator("#jp-menu-panel").is_visible()

        run_command(page, "deck:start")  # present again, then "close the tab"
        wait_presenting(page)
        page.reload()
        page.wait_for_selector(".jp-Notebook .jp-Cell")
        wait_presenting(page)  # the deck came back, menus hidden, as documented
        page.screenshot(path=str(artifacts / "present_left_open_reloaded.png"))
        exit_button = page.locator(".jp-Deck-Remote button[title='Exit Deck']")
        assert exit_button.is_visible() and on_screen(exit_button)
        exit_button.click()
        wait_presenting(page, False)
        assert page.locator("#jp-menu-panel").is_visible()
        page.screenshot(path=str(artifacts / "present_left.png"))
        settings = lab.settings / "jupyterlab-slideshow" / "plugin.jupyterlab-settings"
        page.wait_for_timeout(500)  # the extension writes its flag asynchronously
        assert '"active": false' in settings.read_text()
    finally:
        page.close()
