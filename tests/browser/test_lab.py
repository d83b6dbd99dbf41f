"""Every notebook with widgets runs in a real JupyterLab, and its widgets are live.

For each notebook whose code uses an explorer (``...Explorer(``) or ``interact``: open it,
Run All, check that no cell shows an error, that every explorer rendered as a widget (not as
its ``VBox(children=...`` text fallback), and that moving each key control redraws the figure
(the explorer's image changes) or, for ``interact``, the printed output.
Screenshots: artifacts/browser/lab_<notebook>_before.png and ..._after.png.
"""

import json
import re

import pytest
from conftest import (
    ARTIFACTS,
    NOTEBOOKS,
    dropdown,
    error_outputs,
    slider_handle,
    wait_kernel_idle,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeout

WIDGET_CODE = re.compile(r"Explorer\(|\binteract\b")


def code_of(path):
    cells = json.loads(path.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def widget_notebooks():
    """Notebooks with an explorer or `interact` in a code cell, by name."""
    return [
        p.stem
        for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
        if WIDGET_CODE.search(code_of(p))
    ]


# The key control(s) of each notebook's figure: (kind, description label).
CONTROLS = {
    "00_start_here": [("interact", "W_hh scale")],
    "01_forward_and_unrolling": [("slider", "T")],
    "05_training_with_gradient_descent": [("slider", "learning rate")],
    "06_vanishing_and_exploding": [
        ("slider", "T"),
        ("slider", "W_hh scale"),
        ("dropdown", "activation"),
    ],
    "07_gradient_clipping": [("slider", "clipping threshold")],
    "08_truncated_bptt": [("slider", "truncation length")],
    "10_character_language_model": [("slider", "temperature")],
}
NOTEBOOK_NAMES = widget_notebooks()


def test_discovery_finds_the_widget_notebooks():
    assert set(CONTROLS) <= set(NOTEBOOK_NAMES), sorted(set(CONTROLS) - set(NOTEBOOK_NAMES))


def move_slider(handle):
    """Three steps right with the keyboard (or three left when already at the maximum)."""
    now, top = handle.get_attribute("aria-valuenow"), handle.get_attribute("aria-valuemax")
    key = "ArrowLeft" if now is not None and float(now) >= float(top) else "ArrowRight"
    handle.focus()
    for _ in range(3):
        handle.press(key)


def pick_other_option(select):
    options = select.locator("option").all_inner_texts()
    current = select.evaluate("s => s.options[s.selectedIndex].text")
    select.select_option(label=next(o for o in options if o != current))


def wait_changed(page, locator, attribute, old):
    """Wait until `attribute` of the element (or its text, for None) differs from `old`."""
    handle = locator.element_handle()
    page.wait_for_function(
        "([el, attr, old]) => (attr ? el.getAttribute(attr) : el.textContent) !== old",
        arg=[handle, attribute, old],
        timeout=15_000,
        polling=100,
    )


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.notebook(n)) for n in NOTEBOOK_NAMES]
)
def test_notebook_widgets_live_in_jupyterlab(notebooks, artifacts, name):
    page = notebooks.page(name)  # opened and executed with Run All
    errors = error_outputs(page)
    assert not errors, f"{name}: error output(s):\n" + "\n---\n".join(errors)

    code = code_of(NOTEBOOKS / f"{name}.ipynb")
    outputs = page.locator(".jp-OutputArea-output")
    for fallback in ("interactive(children=", "VBox(children=", "HBox(children="):
        assert not outputs.filter(has_text=fallback).count(), (
            f"{name}: a widget rendered as text ({fallback}...): widget manager not active"
        )
    explorers = page.locator(".rnnlib-explorer")
    if "Explorer(" in code:
        assert explorers.count() >= 1, f"{name}: no explorer widget rendered"
        for image in explorers.locator(".rnnlib-explorer-image").all():
            assert image.get_attribute("src"), f"{name}: an explorer shows no image"
    if re.search(r"\binteract\b", code):
        assert page.locator(".widget-interact").count() >= 1, f"{name}: interact not rendered"

    first = explorers.first if explorers.count() else page.locator(".widget-interact").first
    first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"lab_{name}_before.png"))

    for kind, label in CONTROLS.get(name, []):
        if kind == "interact":
            box = page.locator(f".widget-interact:has(.widget-label:text-is('{label}'))")
            target, attribute = box.locator(".widget-output"), None
            control = slider_handle(box, label)
        else:
            has = (
                f".widget-hslider:has(> .widget-label:text-is('{label}'))"
                if kind == "slider"
                else f".widget-dropdown:has(> .widget-label:text-is('{label}'))"
            )
            box = page.locator(f".rnnlib-explorer:has({has})")
            assert box.count() == 1, f"{name}: {box.count()} explorers with a '{label}' control"
            target, attribute = box.locator(".rnnlib-explorer-image"), "src"
            control = slider_handle(box, label) if kind == "slider" else dropdown(box, label)
        assert control.count() == 1, f"{name}: no {kind} labelled '{label}'"
        box.scroll_into_view_if_needed()
        before = target.get_attribute(attribute) if attribute else target.text_content()
        assert before, f"{name}: nothing shown before moving '{label}'"
        if kind == "dropdown":
            pick_other_option(control)
        else:
            move_slider(control)
        wait_changed(page, target, attribute, before)
    wait_kernel_idle(page)  # the last key press is drawn, not an intermediate value
    page.screenshot(path=str(artifacts / f"lab_{name}_after.png"))
    assert not error_outputs(page), f"{name}: moving a control produced an error"


# ------------------------------------------------------------------ every control's extremes

EXTREMES = ARTIFACTS / "extremes"


def _labels(box, kind):
    return box.locator(f".widget-{kind} > .widget-label").all_inner_texts()


def _slug(text):
    return re.sub(r"[^A-Za-z0-9.=-]+", "_", text).strip("_")


class Extremes:
    """Drive one explorer (or interact) through its extremes, a screenshot at each."""

    def __init__(self, page, name, box, target, attribute):
        self.page, self.name, self.box = page, name, box
        self.target, self.attribute = target, attribute
        self.shots = []

    def shown(self):
        return (
            self.target.get_attribute(self.attribute)
            if self.attribute
            else self.target.text_content()
        )

    def settle(self, before, what):
        """The figure (or printed output) changed for the new value, and the kernel is
        idle again (so the screenshot shows the last value); no error output."""
        try:
            wait_changed(self.page, self.target, self.attribute, before)
        except PlaywrightTimeout:
            pytest.fail(f"{self.name}: nothing redrawn after {what}")
        wait_kernel_idle(self.page)
        errors = error_outputs(self.page)
        assert not errors, f"{self.name}: {what} produced an error:\n" + "\n".join(errors)

    def shot(self, state):
        path = EXTREMES / f"{self.name}__{_slug(state)}.png"
        self.box.screenshot(path=str(path))
        self.shots.append(path)

    def slider(self, label, end, state):
        handle = slider_handle(self.box, label)
        value = handle.get_attribute(f"aria-value{'min' if end == 'min' else 'max'}")
        state = f"{state}{label}={end}"
        if float(handle.get_attribute("aria-valuenow")) != float(value):
            before = self.shown()
            handle.focus()
            handle.press("Home" if end == "min" else "End")
            self.settle(before, f"moving '{label}' to its {end} ({value})")
        assert float(handle.get_attribute("aria-valuenow")) == float(value)
        self.shot(state)

    def option(self, label, option):
        select = dropdown(self.box, label)
        current = select.evaluate("s => s.options[s.selectedIndex].text")
        if current != option:
            before = self.shown()
            select.select_option(label=option)
            self.settle(before, f"choosing '{option}' in '{label}'")
        return f"{label}={option}__"

    def restore(self, sliders, dropdowns):
        """Put every control back where it was (the page is shared with other tests)."""
        for label, option in dropdowns.items():
            self.option(label, option)
        for label, value in sliders.items():
            handle = slider_handle(self.box, label)
            if float(handle.get_attribute("aria-valuenow")) == value:
                continue
            handle.focus()
            handle.press("Home")
            for _ in range(200):
                now = float(handle.get_attribute("aria-valuenow"))
                if now >= value - 1e-6 * max(1, abs(value)):
                    break
                handle.press("ArrowRight")
            assert abs(float(handle.get_attribute("aria-valuenow")) - value) <= 1e-6 * max(
                1, abs(value)
            )
        wait_kernel_idle(self.page)

    def run(self):
        sliders, dropdowns = _labels(self.box, "hslider"), _labels(self.box, "dropdown")
        assert sliders or dropdowns, f"{self.name}: no controls found"
        initial = (
            {s: float(slider_handle(self.box, s).get_attribute("aria-valuenow")) for s in sliders},
            {
                d: dropdown(self.box, d).evaluate("s => s.options[s.selectedIndex].text")
                for d in dropdowns
            },
        )
        # each dropdown's every value in turn, and under each value every slider to its
        # minimum and its maximum
        choices = [
            (label, option)
            for label in dropdowns
            for option in dropdown(self.box, label).locator("option").all_inner_texts()
        ] or [("", None)]
        for label, option in choices:
            state = self.option(label, option) if label else ""
            if not sliders:
                self.shot(state.rstrip("_"))
            for slider in sliders:
                for end in ("min", "max"):
                    self.slider(slider, end, state)
        self.restore(*initial)
        return self.shots


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.notebook(n)) for n in NOTEBOOK_NAMES]
)
def test_every_control_at_its_extremes(notebooks, name):
    """Each slider at its minimum and maximum and every dropdown value (for each value of
    the dropdown, each slider at both ends): the figure redraws without an error.
    Screenshots: artifacts/browser/extremes/<notebook>__<control>=<value>....png."""
    page = notebooks.page(name)
    EXTREMES.mkdir(parents=True, exist_ok=True)
    for old in EXTREMES.glob(f"{name}__*.png"):
        old.unlink()
    shots = []
    for i, box in enumerate(page.locator(".rnnlib-explorer").all()):
        box.scroll_into_view_if_needed()
        explorer = f"{name}" if i == 0 else f"{name}_{i}"
        image = box.locator(".rnnlib-explorer-image")
        shots += Extremes(page, explorer, box, image, "src").run()
    for i, box in enumerate(page.locator(".widget-interact").all()):
        box.scroll_into_view_if_needed()
        explorer = f"{name}_interact" if i == 0 else f"{name}_interact{i}"
        shots += Extremes(page, explorer, box, box.locator(".widget-output"), None).run()
    assert shots, f"{name}: no explorer or interact found"
