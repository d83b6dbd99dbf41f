"""The common shape of every interactive figure in the course.

An ``Explorer`` owns a matplotlib figure (created once, never rebuilt), a set of
controls (sliders, dropdowns) and an ``ipywidgets.Image`` that shows the figure as PNG.
Moving a control calls ``update(**values)``, which recomputes and changes the existing
artists (set_data, set_text, ...), then the figure is re-encoded into the image.
Subclasses implement ``draw()`` (build axes and artists once) and ``update(**values)``.

``set(name=value, ...)`` drives the controls from code exactly as a user would, which
is what tests and the latency benchmark use.

Before its cell has run (a notebook just opened in JupyterLab, or read on a site without
a kernel) an explorer cannot be live. Its output then shows a still image of the figure
with a line of text, never the widget's repr (``VBox(children=...``): JupyterLab renders
widgets only for outputs produced in the current session (or in a trusted notebook with
saved widget state) and otherwise shows the best fallback of the output. ``placeholder``
gives any other widget (for instance an ``interactive``) a fallback sentence.
"""

from __future__ import annotations

import base64
import io

import ipywidgets as widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from ..viz.style import use_course_style


def encode_canvas(canvas: FigureCanvasAgg, image_format: str = "png") -> bytes:
    """The pixels of a drawn Agg canvas as PNG (fast compression) or JPEG bytes."""
    rgb = Image.frombuffer(
        "RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1
    ).convert("RGB")
    buf = io.BytesIO()
    if image_format == "jpeg":
        rgb.save(buf, format="jpeg", quality=92)
    else:
        rgb.save(buf, format="png", compress_level=1)
    return buf.getvalue()


class Explorer:
    #: figure size in inches (at 100 dpi: 800 x 400 pixels fits a 1280x720 slide)
    figsize = (8.0, 4.0)
    dpi = 100
    #: "png" (lossless, best for lines and text) or "jpeg" (much faster to encode for
    #: figures dominated by colour maps)
    image_format = "png"

    def __init__(self, controls: dict[str, widgets.ValueWidget]):
        use_course_style()
        self.controls = dict(controls)
        # a figure that no pyplot backend displays: it is shown only through the image
        self.fig = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        FigureCanvasAgg(self.fig)  # draw with Agg, whatever the notebook's backend
        self.image = widgets.Image(format=self.image_format, layout=widgets.Layout(width="auto"))
        self.image.add_class("rnnlib-explorer-image")
        self.draw()
        self.refresh()
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        box = widgets.HBox(
            list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap")
        )
        self.widget = widgets.VBox([box, self.image])
        self.widget.add_class("rnnlib-explorer")

    # subclass API ------------------------------------------------------------------
    def draw(self) -> None:  # pragma: no cover - abstract
        """Create axes and artists once."""
        raise NotImplementedError

    def update(self, **values) -> None:  # pragma: no cover - abstract
        """Recompute for the control values and update the artists in place."""
        raise NotImplementedError

    # machinery ---------------------------------------------------------------------
    def values(self) -> dict[str, object]:
        """The current value of every control, by name."""
        return {name: c.value for name, c in self.controls.items()}

    def refresh(self) -> None:
        """Recompute for the current control values, draw once and re-encode the figure."""
        self.update(**self.values())
        canvas = self.fig.canvas
        if not isinstance(canvas, FigureCanvasAgg):  # a figure made elsewhere
            canvas = FigureCanvasAgg(self.fig)
        canvas.draw()
        self.image.value = encode_canvas(canvas, self.image_format)

    def _on_change(self, _change):
        self.refresh()

    def set(self, **values) -> None:
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

    # display -------------------------------------------------------------------------
    def placeholder_text(self) -> str:
        """What a viewer without the live widget shows in words."""
        values = ", ".join(
            f"{control.description or name} = {control.value}"
            for name, control in self.controls.items()
        )
        return f"{type(self).__name__} ({values}): run this cell to move its controls."

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, object]:
        """The live widget, a still image of the figure and a line of text: JupyterLab
        shows the widget once the cell has run, the image before (and on sites that
        render notebooks without a kernel), the text in a terminal."""
        bundle = placeholder(self.widget, self.placeholder_text())._repr_mimebundle_()
        bundle[f"image/{self.image_format}"] = base64.b64encode(self.image.value).decode()
        return bundle


def placeholder(widget: widgets.Widget, text: str) -> _Placeholder:
    """``widget``, displayed with ``text`` as its fallback instead of its repr.

    >>> placeholder(interactive(f, scale=slider), "The slider appears when this cell runs.")
    """
    return _Placeholder(widget, text)


class _Placeholder:
    def __init__(self, widget, text):
        self.widget, self.text = widget, text

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_()
        bundle["text/plain"] = self.text
        return bundle
