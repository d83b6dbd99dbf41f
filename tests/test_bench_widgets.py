"""The widget latency benchmark finds every explorer and flags slow or rebuilt figures."""

import importlib.util
from pathlib import Path

import ipywidgets as widgets
from matplotlib.figure import Figure

from rnnlib.widgets.base import Explorer
from rnnlib.widgets.clipping import ClippingExplorer
from rnnlib.widgets.vanishing import VanishingExplorer

spec = importlib.util.spec_from_file_location(
    "bench_widgets", Path(__file__).resolve().parents[1] / "benchmarks" / "bench_widgets.py"
)
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def test_discovery_finds_the_explorers_and_their_cases():
    found = {module: (cases, classes) for module, cases, classes in bench.discover()}
    cases, classes = found["rnnlib.widgets.vanishing"]
    assert VanishingExplorer in classes and cases[0][1] is VanishingExplorer
    assert ClippingExplorer in found["rnnlib.widgets.clipping"][1]
    assert found["rnnlib.widgets.base"][1] == []  # the abstract base is not a widget


class Rebuilding(Explorer):
    """A bad explorer: builds a new figure at every update."""

    def __init__(self):
        super().__init__({"n": widgets.IntSlider(value=1, min=1, max=3, description="n")})

    def draw(self):
        self.fig.add_subplot().plot([0, 1])

    def update(self, n):
        self.fig = Figure(figsize=self.figsize)
        self.fig.add_subplot().plot(range(n))


def test_bench_case_measures_and_flags_a_rebuilt_figure():
    _, rows, ok, cls = bench.bench_case("clip", ClippingExplorer, {"threshold": [0.1, 1.0]}, 1)
    assert rows[0][:3] == ["clip", "threshold", 2] and rows[0][3] > 0 and cls is ClippingExplorer
    _, rows, ok, _ = bench.bench_case("bad", lambda: Rebuilding(), {"n": [2, 3]}, 1)
    assert not ok and "figure rebuilt" in rows[0][-1]
