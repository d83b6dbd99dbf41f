"""The unrolled computational graph of a simple RNN.

Column t holds x_t (bottom), h_t (middle) and y_t (top); column 0 holds the initial
state h_0. Every arrow carries the name of the matrix it multiplies by, and the same
matrix appears at every step: that is weight sharing, drawn.

    x_t --W_xh--> h_t,   h_{t-1} --W_hh--> h_t,   h_t --W_hy--> y_t

The drawing can also show values on it (e.g. gradient sizes ||dL/dh_t||): nodes are
shaded and edges thickened in proportion to the value. Node names are "x_1", "h_0",
"y_3"; edge names are (from, to) pairs such as ("h_1", "h_2"), or the matrix name
with a per-step array: edge_values={"W_hh": [v_1, ..., v_T]} (value of the edge into h_t).

``UnrolledGraph`` builds the artists once for up to ``T_max`` steps and shows the
first T columns (this is what the explorer uses); ``draw_unrolled(T)`` is the
one-call version that returns a figure.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.markers import MarkerStyle
from matplotlib.patches import FancyArrowPatch
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D, ScaledTranslation
from numpy.typing import ArrayLike

from .._validate import check_choice, check_positive_int, check_real
from .style import COLORS, use_course_style

ROW = {"x": 0.0, "h": 1.0, "y": 2.0}  # vertical position of each kind of node
EDGE_MATRIX = {("x", "h"): "W_xh", ("h", "h"): "W_hh", ("h", "y"): "W_hy"}
OUTPUTS = ("all", "last")
AXES_BOX = (0.0, 0.0, 1.0, 0.9)  # axes position in a figure of its own (title above)
NODE_SIZE = 30  # marker diameter in points
_WHITE = np.ones(3)

#: {"h_2": value} or {"h": values over steps}; {("h_1", "h_2"): value} or {"W_hh": values}
NodeValues = Mapping[str, float | ArrayLike]
EdgeValues = Mapping[str | tuple[str, str], float | ArrayLike]


@functools.lru_cache(maxsize=256)
def _centred_text_path(text):
    """The outline of ``text`` at font size 1, centred on (0, 0), with its width and height."""
    path = TextPath((0, 0), text, size=1)
    (x0, y0), (x1, y1) = path.get_extents().get_points()
    path = path.transformed(Affine2D().translate(-(x0 + x1) / 2, -(y0 + y1) / 2))
    return path, x1 - x0, y1 - y0


def _text_label(ax, xy, text, fontsize, color, offset=("center", 0)):
    """Draw ``text`` (mathtext allowed) centred at data point xy as a path marker.

    A marker's path is laid out once, here; matplotlib Text objects are laid out and
    rasterised again at every draw, which would make the explorer's redraws slow.
    offset: ("center", dy) moves the label up by dy points; ("right", gap) puts its
    left edge gap points right of xy.
    """
    path, w, h = _centred_text_path(text)
    kind, amount = offset
    dx, dy = (fontsize * w / 2 + amount, 0) if kind == "right" else (0, amount)
    shift = ScaledTranslation(dx / 72, dy / 72, ax.figure.dpi_scale_trans)
    (label,) = ax.plot(
        [xy[0]],
        [xy[1]],
        ls="none",
        marker=MarkerStyle(path),
        ms=fontsize * max(w, h),
        mfc=color,
        mec="none",
        zorder=4,
        transform=ax.transData + shift,
    )
    label.text = text  # what it says (for tests and readers of the figure)
    return label


def _node_name(kind, t):
    return f"{kind}_{t}"


def _split(name):
    kind, _, t = name.partition("_")
    return kind, int(t)


def _parse_node_values(node_values, T):
    """{"h_2": v} and/or {"h": [v_0..v_T], "x": [v_1..v_T], "y": [v_1..v_T]} -> {name: v}."""
    out = {}
    for key, value in (node_values or {}).items():
        if key in ROW:
            first = 0 if key == "h" else 1
            arr = np.asarray(value, dtype=float).ravel()
            expected = T + 1 - first
            if arr.size != expected:
                raise ValueError(
                    f"node_values[{key!r}] must have {expected} values "
                    f"({key}_{first}..{key}_{T}), got {arr.size}"
                )
            out.update({_node_name(key, first + i): float(v) for i, v in enumerate(arr)})
        else:
            out[str(key)] = float(value)
    return out


def _parse_edge_values(edge_values, T):
    """{("h_1", "h_2"): v} and/or {"W_hh": [v_1..v_T], ...} -> {(from, to): v}."""
    out = {}
    for key, value in (edge_values or {}).items():
        if isinstance(key, str):
            if key not in EDGE_MATRIX.values():
                raise ValueError(
                    f"edge_values keys must be (from, to) node pairs or one of "
                    f"'W_xh', 'W_hh', 'W_hy'; got {key!r}"
                )
            arr = np.asarray(value, dtype=float).ravel()
            if arr.size != T:
                raise ValueError(
                    f"edge_values[{key!r}] must have T = {T} values (steps 1..T), got {arr.size}"
                )
            for t, v in enumerate(arr, start=1):
                src = {"W_xh": ("x", t), "W_hh": ("h", t - 1), "W_hy": ("h", t)}[key]
                dst = ("y", t) if key == "W_hy" else ("h", t)
                out[(_node_name(*src), _node_name(*dst))] = float(v)
        else:
            a, b = key
            out[(str(a), str(b))] = float(value)
    return out


class UnrolledGraph:
    """Artists of the unrolled graph for up to T_max steps, drawn once on ``ax``.

    ``show(T, outputs)`` displays the first T steps ("all": an output y_t at every
    step, many-to-many; "last": only y_T, many-to-one). ``highlight(...)`` shades
    nodes and thickens edges by value; ``highlight()`` with no values clears it.
    """

    def __init__(self, ax: Axes, T_max: int = 10, *, edge_labels: bool = True):
        self.ax = ax
        self.T_max = check_positive_int(T_max, "T_max")
        self.nodes = {}  # name -> (circle Line2D, label Line2D)
        self.edges = {}  # (from, to) -> (FancyArrowPatch, label Line2D or None)
        self.T, self.outputs = T_max, "all"
        ax.set_axis_off()
        ax.set_autoscale_on(False)
        ax.set_ylim(-0.55, 2.55)
        for t in range(T_max + 1):
            kinds = ("h",) if t == 0 else ("x", "h", "y")
            for kind in kinds:
                self._add_node(kind, t)
        for t in range(1, T_max + 1):
            self._add_edge(("x", t), ("h", t), edge_labels)
            self._add_edge(("h", t - 1), ("h", t), edge_labels)
            self._add_edge(("h", t), ("y", t), edge_labels)
        self.show(T_max)

    # construction ---------------------------------------------------------------
    def _add_node(self, kind, t):
        name = _node_name(kind, t)
        (marker,) = self.ax.plot(
            [t],
            [ROW[kind]],
            "o",
            ms=NODE_SIZE,
            mfc="white",
            mec=COLORS[kind],
            mew=2.5,
            zorder=3,
        )
        label = _text_label(self.ax, (t, ROW[kind]), f"${kind}_{{{t}}}$", 15, "black")
        self.nodes[name] = (marker, label)

    def _add_edge(self, src, dst, with_label):
        matrix = EDGE_MATRIX[(src[0], dst[0])]
        # endpoints are set in show(): stopping short of the node markers by a fixed
        # number of points is computed there once, not by matplotlib at every draw
        arrow = FancyArrowPatch(
            (0, 0),
            (1, 1),
            arrowstyle="-|>",
            mutation_scale=14,
            lw=1.6,
            color=COLORS[matrix],
            shrinkA=0,
            shrinkB=0,
            zorder=2,
        )
        self.ax.add_patch(arrow)
        label = None
        if with_label:
            text = f"$W_{{{matrix[2:]}}}$"
            if matrix == "W_hh":  # above the middle of the horizontal arrow
                xy, offset = ((src[1] + dst[1]) / 2, ROW["h"]), ("center", 13)
            else:  # right of the middle of the vertical arrow
                xy, offset = (dst[1], (ROW[src[0]] + ROW[dst[0]]) / 2), ("right", 5)
            label = _text_label(self.ax, xy, text, 13, COLORS[matrix], offset)
        self.edges[(_node_name(*src), _node_name(*dst))] = (arrow, label)

    # display --------------------------------------------------------------------
    def visible(self, name: str) -> bool:
        """Whether node ``name`` ("x_1", "h_0", "y_3") is shown for the current T and outputs."""
        kind, t = _split(name)
        if t > self.T:
            return False
        return not (kind == "y" and self.outputs == "last" and t != self.T)

    def show(self, T: int, outputs: str = "all") -> None:
        """Show steps 1..T (T <= T_max); outputs "all" or "last"."""
        T = check_positive_int(T, "T")
        if self.T_max < T:
            raise ValueError(f"T must be at most T_max = {self.T_max}, got {T}")
        self.T, self.outputs = T, check_choice(outputs, "outputs", OUTPUTS)
        for name, artists in self.nodes.items():
            for a in artists:
                a.set_visible(self.visible(name))
        for (a, b), artists in self.edges.items():
            on = self.visible(a) and self.visible(b)
            for art in artists:
                if art is not None:
                    art.set_visible(on)
        # room for at least 4 steps, centred, so that a small T keeps the node spacing
        half = max(T, 4) / 2 + 0.55
        self.ax.set_xlim(T / 2 - half, T / 2 + half)
        self._place_arrows()
        return self

    def _place_arrows(self):
        """Set each visible arrow to run between the rims of its two node markers."""
        ax = self.ax
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        bbox = ax.get_position()  # axes size in figure fraction
        w_in, h_in = ax.figure.get_size_inches()
        # data units per point along x and y
        per_pt = np.array(
            [(x1 - x0) / (bbox.width * w_in * 72), (y1 - y0) / (bbox.height * h_in * 72)]
        )
        gap = NODE_SIZE / 2 + 2  # points from a node centre to the arrow's end
        for (a, b), (arrow, _) in self.edges.items():
            if not arrow.get_visible():
                continue
            (ka, ta), (kb, tb) = _split(a), _split(b)
            pa, pb = np.array([ta, ROW[ka]]), np.array([tb, ROW[kb]])
            d = (pb - pa) / per_pt
            step = gap * d / np.linalg.norm(d) * per_pt
            arrow.set_positions(tuple(pa + step), tuple(pb - step))

    def highlight(
        self,
        node_values: NodeValues | None = None,
        edge_values: EdgeValues | None = None,
        vmax: float | None = None,
        color: str | None = None,
        backward: bool = False,
    ) -> UnrolledGraph:
        """Shade nodes and thicken edges by |value| / vmax (vmax: the largest |value|).

        backward=True turns the arrowheads of the highlighted edges around, for
        quantities that flow backwards in time (gradients).
        """
        nodes = _parse_node_values(node_values, self.T)
        edges = _parse_edge_values(edge_values, self.T)
        for name in nodes:
            if name not in self.nodes:
                raise ValueError(f"node_values: unknown node {name!r} (names like 'h_2', 'x_1')")
        for key in edges:
            if key not in self.edges:
                raise ValueError(f"edge_values: unknown edge {key!r} (pairs like ('h_1', 'h_2'))")
        values = [abs(v) for v in [*nodes.values(), *edges.values()] if np.isfinite(v)]
        if vmax is None:
            vmax = max(values) if values else 1.0
        vmax = check_real(vmax, "vmax", low=0, low_open=True)
        rgb = np.array(to_rgb(color or COLORS["grad"]))
        for name, (marker, _) in self.nodes.items():
            if name in nodes:
                s = min(abs(nodes[name]) / vmax, 1.0) if np.isfinite(nodes[name]) else 1.0
                marker.set_markerfacecolor(tuple(_WHITE + s * (rgb - _WHITE)))
            else:
                marker.set_markerfacecolor("white")
        for key, (arrow, _) in self.edges.items():
            matrix = EDGE_MATRIX[(_split(key[0])[0], _split(key[1])[0])]
            if key in edges:
                s = min(abs(edges[key]) / vmax, 1.0) if np.isfinite(edges[key]) else 1.0
                arrow.set_color(tuple(rgb))
                arrow.set_linewidth(0.8 + 6.0 * s)
                arrow.set_alpha(0.35 + 0.65 * s)
                arrow.set_arrowstyle("<|-" if backward else "-|>")
            else:
                arrow.set_arrowstyle("-|>")
                arrow.set_color(COLORS[matrix])
                arrow.set_linewidth(1.6)
                arrow.set_alpha(1.0)
        return self


def draw_unrolled(
    T: int,
    *,
    outputs: str = "all",
    node_values: NodeValues | None = None,
    edge_values: EdgeValues | None = None,
    vmax: float | None = None,
    backward: bool = False,
    title: str | None = None,
    ax: Axes | None = None,
    figsize: tuple[float, float] = (9, 3.5),
) -> Figure:
    """Draw the RNN unrolled over T steps and return the figure.

    outputs: "all" (y_t at every step) or "last" (only y_T). node_values /
    edge_values (optional) shade nodes and thicken edges, e.g. gradient norms:
    node_values={"h": norms_of_dL_dh (T+1,)}, edge_values={"W_hh": (T,)};
    backward=True points the highlighted arrows backwards in time.
    """
    T = check_positive_int(T, "T")
    if ax is None:
        use_course_style()
        fig, ax = plt.subplots(figsize=figsize, layout="none")
        ax.set_position(AXES_BOX)
    else:
        fig = ax.figure
    graph = UnrolledGraph(ax, T_max=T)
    graph.show(T, outputs)
    if node_values is not None or edge_values is not None:
        graph.highlight(node_values, edge_values, vmax, backward=backward)
    if title is None:
        title = f"RNN unrolled over T = {T} steps: the same weights at every step"
    ax.set_title(title, y=1.0)  # fixed y: no automatic title placement at each draw
    ax.graph = graph  # keep the artists reachable (tests, explorers)
    return fig
