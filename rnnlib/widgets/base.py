"""The common shape of every interactive figure in the course.

An ``Explorer`` owns a matplotlib figure (created once, never rebuilt), a set of
controls (sliders, dropdowns) and an ``ipywidgets.Image`` that shows the figure as PNG.
Moving a control calls ``update(**values)``, which recomputes and changes the existing
artists (set_data, set_text, ...), then the figure is re-encoded into the image.
Subclasses implement ``draw()`` (build axes and artists once) and ``update(**values)``.

``set(name=value, ...)`` drives the controls from code exactly as a user would, which
is what tests and the latency benchmark use.
"""
from __future__ import annotations

import io

import ipywidgets as widgets
from matplotlib.figure import Figure

from ..viz.style import use_course_style


class Explorer:
    #: figure size in inches (at 100 dpi: 800 x 400 pixels fits a 1280x720 slide)
    figsize = (8.0, 4.0)
    dpi = 100

    def __init__(self, controls: dict):
        use_course_style()
        self.controls = dict(controls)
        # a figure that no pyplot backend displays: it is shown only through the image
        self.fig = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="auto"))
        self.image.add_class("rnnlib-explorer-image")
        self.draw()
        self.refresh()
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        box = widgets.HBox(list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap"))
        self.widget = widgets.VBox([box, self.image])
        self.widget.add_class("rnnlib-explorer")

    # subclass API ------------------------------------------------------------------
    def draw(self):  # pragma: no cover - abstract
        """Create axes and artists once."""
        raise NotImplementedError

    def update(self, **values):  # pragma: no cover - abstract
        """Recompute for the control values and update the artists in place."""
        raise NotImplementedError

    # machinery ---------------------------------------------------------------------
    def values(self) -> dict:
        return {name: c.value for name, c in self.controls.items()}

    def refresh(self):
        """Recompute for the current control values and re-encode the figure."""
        self.update(**self.values())
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=self.dpi)
        self.image.value = buf.getvalue()

    def _on_change(self, _change):
        self.refresh()

    def set(self, **values):
        """Move controls from code (as a user would); the figure follows."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(
                f"unknown control(s) {sorted(unknown)}; this explorer has {sorted(self.controls)}"
            )
        with self._hold():
            for name, value in values.items():
                self.controls[name].value = value
        self.refresh()

    class _Hold:
        def __init__(self, explorer):
            self.explorer = explorer

        def __enter__(self):
            for c in self.explorer.controls.values():
                c.unobserve(self.explorer._on_change, names="value")

        def __exit__(self, *exc):
            for c in self.explorer.controls.values():
                c.observe(self.explorer._on_change, names="value")

    def _hold(self):
        return Explorer._Hold(self)

    def _ipython_display_(self):  # pragma: no cover - display only
        from IPython.display import display

        display(self.widget)
