import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlib.viz.graph import UnrolledGraph, draw_unrolled  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def visible_labels(graph):
    labels = [lab for _, lab in [*graph.nodes.values(), *graph.edges.values()] if lab is not None]
    return sorted(lab.text for lab in labels if lab.get_visible())


@pytest.mark.parametrize("T", [1, 3, 10])
def test_nodes_and_edges_for_T(T):
    fig = draw_unrolled(T)
    graph = fig.axes[0].graph
    shown = [n for n in graph.nodes if graph.visible(n)]
    assert len(shown) == 3 * T + 1  # x_1..x_T, h_0..h_T, y_1..y_T
    edges = [e for e, (arrow, _) in graph.edges.items() if arrow.get_visible()]
    assert len(edges) == 3 * T
    labels = visible_labels(graph)
    for name in ("W_{xh}", "W_{hh}", "W_{hy}"):  # every edge labelled with its matrix
        assert sum(name in s for s in labels) == T
    assert "$h_{0}$" in labels and f"$x_{{{T}}}$" in labels


def test_many_to_one_shows_only_last_output():
    graph = draw_unrolled(4, outputs="last").axes[0].graph
    ys = [n for n in graph.nodes if n.startswith("y") and graph.visible(n)]
    assert ys == ["y_4"]


def test_show_hides_later_steps_and_arrows_end_at_node_rims():
    fig, ax = plt.subplots()
    graph = UnrolledGraph(ax, T_max=8).show(3)
    assert graph.visible("h_3") and not graph.visible("h_4")
    assert not graph.edges[("h_3", "h_4")][0].get_visible()
    arrow = graph.edges[("h_1", "h_2")][0]
    (xa, _), (xb, _) = arrow._posA_posB
    assert 1 < xa < xb < 2


def test_highlight_shades_nodes_and_thickens_edges():
    values = np.array([0.0, 0.5, 1.0, 2.0])
    fig = draw_unrolled(3, node_values={"h": values}, edge_values={"W_hh": [1.0, 2.0, 4.0]})
    graph = fig.axes[0].graph
    white = graph.nodes["h_0"][0].get_markerfacecolor()
    dark = graph.nodes["h_3"][0].get_markerfacecolor()
    assert white[:3] == (1.0, 1.0, 1.0) and dark[:3] != (1.0, 1.0, 1.0)
    widths = [graph.edges[(f"h_{t - 1}", f"h_{t}")][0].get_linewidth() for t in (1, 2, 3)]
    assert widths[0] < widths[1] < widths[2]
    # clearing restores the plain look
    graph.highlight()
    assert graph.nodes["h_3"][0].get_markerfacecolor() == "white"


def test_highlight_single_nodes_and_edge_pairs():
    graph = (
        draw_unrolled(2, node_values={"y_2": 1.0}, edge_values={("h_1", "y_1"): 1.0}).axes[0].graph
    )
    assert graph.nodes["y_2"][0].get_markerfacecolor() != "white"
    assert graph.edges[("h_1", "y_1")][0].get_linewidth() > 5


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(node_values={"h": [1, 2]}), "node_values\\['h'\\] must have 4 values"),
        (dict(edge_values={"W_hh": [1]}), "T = 3 values"),
        (dict(edge_values={"W_zz": [1, 2, 3]}), "W_xh"),
        (dict(node_values={"q_1": 1.0}), "unknown node"),
        (dict(outputs="some"), "outputs must be one of"),
        (dict(node_values={"h_1": 1.0}, vmax=0.0), "vmax must be a positive finite number"),
    ],
)
def test_bad_input_is_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        draw_unrolled(3, **kwargs)


def test_T_beyond_T_max_is_rejected():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="T_max = 4"):
        UnrolledGraph(ax, T_max=4).show(5)
    with pytest.raises(TypeError, match="T must be a positive integer"):
        draw_unrolled(2.5)


def test_backward_highlight_reverses_arrowheads():
    graph = draw_unrolled(3, edge_values={"W_hh": [1, 2, 3]}, backward=True).axes[0].graph
    assert graph.edges[("h_1", "h_2")][0].get_arrowstyle().__class__.__name__ == "CurveFilledA"
    assert graph.edges[("x_1", "h_1")][0].get_arrowstyle().__class__.__name__ == "CurveFilledB"
    graph.highlight()
    assert graph.edges[("h_1", "h_2")][0].get_arrowstyle().__class__.__name__ == "CurveFilledB"


def test_vmax_must_be_a_number():
    with pytest.raises(TypeError, match="vmax must be a positive finite number, got str"):
        draw_unrolled(3, node_values={"h_1": 1.0}, vmax="1")
