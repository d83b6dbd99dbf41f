"""The widget latency benchmark: every explorer has a case that moves every control, and
the verdicts flag slow or rebuilt figures (the timings themselves are the benchmark's)."""

import importlib.util
from pathlib import Path

import ipywidgets as widgets
import pytest
from matplotlib.figure import Figure

from rnnlib.widgets.base import Explorer
from rnnlib.widgets.clipping import ClippingExplorer
from rnnlib.widgets.vanishing import VanishingExplorer

spec = importlib.util.spec_from_file_location(
    "bench_widgets", Path(__file__).resolve().parents[1] / "benchmarks" / "bench_widgets.py"
)
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


@pytest.fixture(scope="module")
def built():
    """{label: the explorer its case builds}."""
    return {label: factory() for label, factory, _ in bench.CASES}


def test_discovery_finds_the_explorers():
    found = dict(bench.discover())
    assert VanishingExplorer in found["rnnlib.widgets.vanishing"]
    assert ClippingExplorer in found["rnnlib.widgets.clipping"]
    assert found["rnnlib.widgets.base"] == []  # the abstract base is not a widget
    assert found["rnnlib.widgets.blit"] == []


def test_every_explorer_has_a_case(built):
    covered = {type(e) for e in built.values()}
    assert len(covered) == len(bench.CASES)  # one case per explorer
    assert bench.missing_cases(covered) == []
    assert bench.missing_cases(covered - {ClippingExplorer}) == [
        "rnnlib.widgets.clipping.ClippingExplorer"
    ]


@pytest.mark.parametrize("label", [case[0] for case in bench.CASES])
def test_each_case_moves_every_control_and_the_image_follows(built, label):
    sweeps = {lbl: s for lbl, _, s in bench.CASES}[label]
    e = built[label]
    assert set(sweeps) == set(e.controls)
    fig, n_axes = e.fig, len(e.fig.axes)
    for name, values in sweeps.items():
        assert len(set(map(str, values))) >= 2, f"{label}: {name} needs two values at least"
        images = set()
        for value in values:
            e.set(**{name: value})
            assert e.controls[name].value == pytest.approx(value)
            images.add(e.image.value)
        assert len(images) >= 2, f"{label}: moving {name} never changed the image"
    assert e.fig is fig and len(e.fig.axes) == n_axes  # redrawn in place, never rebuilt


class Rebuilding(Explorer):
    """A bad explorer: builds a new figure at every update."""

    def __init__(self):
        super().__init__({"n": widgets.IntSlider(value=1, min=1, max=3, description="n")})

    def draw(self):
        self.fig.add_subplot().plot([0, 1])

    def update(self, n):
        self.fig = Figure(figsize=self.figsize)
        self.fig.add_subplot().plot(range(n))


def test_bench_case_rows_and_verdicts(monkeypatch):
    monkeypatch.setattr(bench, "BUDGET_MS", float("inf"))  # any time passes: verdicts only
    build, rows, ok, cls = bench.bench_case("clip", ClippingExplorer, {"threshold": [0.1, 1.0]}, 2)
    assert ok and cls is ClippingExplorer and build > 0
    assert len(rows) == 1 and rows[0][:3] == ["clip", "threshold", 4]  # 2 passes x 2 values
    assert 0 < rows[0][3] <= rows[0][4] and rows[0][5] == "PASS"  # median <= max
    _, rows, ok, _ = bench.bench_case("bad", lambda: Rebuilding(), {"n": [2, 3]}, 1)
    assert not ok and rows[0][-1] == "FAIL (figure rebuilt)"
    monkeypatch.setattr(bench, "BUDGET_MS", 0.0)  # nothing is that fast: too slow
    _, rows, ok, _ = bench.bench_case("clip", ClippingExplorer, {"threshold": [0.1]}, 1)
    assert not ok and rows[0][-1] == "FAIL"


def test_unknown_control_in_a_case_is_named():
    with pytest.raises(ValueError, match="unknown controls \\['thresh'\\]"):
        bench.bench_case("clip", ClippingExplorer, {"thresh": [0.1]}, 1)
