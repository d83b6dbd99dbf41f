"""Explorer: the unrolled graph for a sequence length T chosen with a slider.

Moving "T" adds or removes steps of the unrolled network; the "outputs" dropdown
switches between an output at every step (many-to-many) and one at the last step
(many-to-one). The caption counts the parameters: they do not grow with T, while the
unrolled graph does (weight sharing).
"""

from __future__ import annotations

import ipywidgets as widgets

from .._validate import check_choice, check_int_in, check_positive_int
from ..params import n_parameters
from ..viz.graph import AXES_BOX, UnrolledGraph
from .base import Explorer

OUTPUT_CHOICES = (("every step (many-to-many)", "all"), ("last step only (many-to-one)", "last"))


class UnrollExplorer(Explorer):
    """Slider "T" (1..T_max) and dropdown "outputs" redraw the unrolled graph.

    D, H, O are only used for the caption's parameter count.
    """

    figsize = (9.0, 3.5)

    def __init__(
        self, T: int = 3, T_max: int = 10, outputs: str = "all", D: int = 3, H: int = 4, O: int = 1
    ):
        T_max = check_positive_int(T_max, "T_max")
        T = check_int_in(T, "T", 1, T_max)  # the slider's range
        check_choice(outputs, "outputs", tuple(value for _, value in OUTPUT_CHOICES))
        D, H, O = (check_positive_int(v, n) for v, n in ((D, "D"), (H, "H"), (O, "O")))
        self.sizes = (D, H, O)
        controls = {
            "T": widgets.IntSlider(
                value=T,
                min=1,
                max=T_max,
                step=1,
                description="T",
                continuous_update=False,
            ),
            "outputs": widgets.Dropdown(
                options=OUTPUT_CHOICES,
                value=outputs,
                description="outputs",
                layout=widgets.Layout(width="320px"),
            ),
        }
        self.T_max = T_max
        super().__init__(controls)
        # natural size (900 x 350 px): stretched to a slide's width it would not fit 720 px
        self.image.layout.max_width = f"{int(self.figsize[0] * self.dpi)}px"

    def draw(self) -> None:
        self.fig.set_layout_engine("none")  # fixed layout: nothing to recompute per frame
        ax = self.fig.add_axes(AXES_BOX)
        self.graph = UnrolledGraph(ax, T_max=self.T_max)
        self.title = ax.set_title("", y=1.0)

    def update(self, T: int, outputs: str) -> None:
        self.graph.show(T, outputs)
        D, H, O = self.sizes
        n_out = T if outputs == "all" else 1
        self.title.set_text(
            f"T = {T} step{'s' if T > 1 else ''}, {n_out} output{'s' if n_out > 1 else ''}: "
            f"{n_parameters(D, H, O)} parameters for any T (D={D}, H={H}, O={O})"
        )
