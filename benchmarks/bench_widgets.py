"""Latency of every interactive explorer: how long one control change takes (compute +
redraw + image encoding), per widget and per control, against a 100 ms median budget.

    python benchmarks/bench_widgets.py              # all explorers, 3 passes
    python benchmarks/bench_widgets.py --repeat 5 --only vanishing

The settings are ``CASES`` below, one per explorer:

    (label, factory, {control_name: [value, value, ...], ...})

``factory()`` (no arguments) builds an explorer; ``control_name`` is a key of
``explorer.controls``. The benchmark builds each explorer once, then for each control
moves it through its values with ``explorer.set(name=value)`` (the way a student moves a
slider), ``--repeat`` times, and puts the control back to its first value before the next
control. It also checks that the figure is reused (same Figure, same number of axes)
rather than rebuilt. Explorer subclasses in rnnlib/widgets/ without a case are listed as
MISSING. Exit status: 1 if any widget FAILs (or, with --strict, is MISSING), else 0.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import statistics
import sys
import time
import warnings

import rnnlib.widgets
from rnnlib.data import sine_next_step
from rnnlib.params import init_params
from rnnlib.report import table
from rnnlib.text import Vocabulary
from rnnlib.widgets.base import Explorer
from rnnlib.widgets.charlm import SamplingExplorer
from rnnlib.widgets.clipping import ClippingExplorer
from rnnlib.widgets.training import LearningRateExplorer
from rnnlib.widgets.truncation import TruncationExplorer
from rnnlib.widgets.unroll import UnrollExplorer
from rnnlib.widgets.vanishing import ACTIVATIONS, VanishingExplorer

BUDGET_MS = 100.0


def _learning_rate_explorer():
    xs, targets = sine_next_step(T=20, n=8, seed=0)
    return LearningRateExplorer(xs, targets, steps=100, lr=0.1)


def _sampling_explorer():
    vocab = Vocabulary.from_text("The quick brown fox jumps over the lazy dog.\n")
    params = init_params(vocab.V, 128, vocab.V, seed=0, scheme="xavier", dtype="float32")
    return SamplingExplorer(params, vocab, prefix="The ", n=200)


#: (label, factory, {control: values}) for every explorer; the values reach each
#: control's extremes (where computing or drawing is slowest)
CASES = [
    (
        "unroll.UnrollExplorer",
        lambda: UnrollExplorer(T=3, T_max=10),
        {"T": [1, 4, 7, 10, 2, 9, 5], "outputs": ["last", "all"]},
    ),
    (
        "training.LearningRateExplorer",
        _learning_rate_explorer,
        {"lr": [0.001, 0.01, 0.1, 1.0, 10.0]},
    ),
    (
        "vanishing.VanishingExplorer",
        VanishingExplorer,
        {
            "T": [5, 25, 50, 75, 100],
            "scale": [0.1, 0.5, 1.0, 2.0, 3.0],
            "activation": list(ACTIVATIONS),
        },
    ),
    (
        "clipping.ClippingExplorer",
        ClippingExplorer,
        {"threshold": [0.01, 0.1, 0.5, 1.0, 5.0, 100.0]},
    ),
    ("truncation.TruncationExplorer", TruncationExplorer, {"k1": [1, 5, 13, 40]}),
    ("charlm.SamplingExplorer", _sampling_explorer, {"temperature": [0.2, 0.7, 1.0, 1.5]}),
]


def discover():
    """[(module name, [concrete Explorer subclasses defined there])] for rnnlib/widgets/."""
    found = []
    for info in sorted(pkgutil.iter_modules(rnnlib.widgets.__path__), key=lambda m: m.name):
        name = f"rnnlib.widgets.{info.name}"
        module = importlib.import_module(name)
        classes = [
            cls
            for _, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, Explorer)
            and cls.__module__ == name
            and "draw" in _overrides(cls)
            and "update" in _overrides(cls)
        ]
        found.append((name, classes))
    return found


def missing_cases(covered):
    """ "module.Class" of every explorer in rnnlib/widgets/ whose class is not in covered."""
    return [
        f"{module}.{cls.__name__}"
        for module, classes in discover()
        for cls in classes
        if cls not in covered
    ]


def _overrides(cls):
    """Names of the Explorer methods that cls (or a parent below Explorer) defines."""
    names = set()
    for klass in cls.__mro__:
        if klass is Explorer:
            break
        names |= set(vars(klass))
    return names


def _validate(label, explorer, sweeps):
    unknown = set(sweeps) - set(explorer.controls)
    if unknown:
        raise ValueError(
            f"{label}: its case names unknown controls {sorted(unknown)}; "
            f"the explorer has {sorted(explorer.controls)}"
        )


def bench_case(label, factory, sweeps, repeat):
    """Return (build seconds, rows [label, control, n, median ms, max ms, verdict], ok,
    the explorer's class)."""
    t0 = time.perf_counter()
    explorer = factory()
    build = time.perf_counter() - t0
    _validate(label, explorer, sweeps)
    fig, n_axes = explorer.fig, len(explorer.fig.axes)
    rows, ok = [], True
    for control, values in sweeps.items():
        start = explorer.controls[control].value
        times = []
        for _ in range(repeat):
            for value in values:
                t = time.perf_counter()
                explorer.set(**{control: value})
                times.append(1000 * (time.perf_counter() - t))
        explorer.set(**{control: start})
        median, worst = statistics.median(times), max(times)
        rebuilt = explorer.fig is not fig or len(explorer.fig.axes) != n_axes
        verdict = "PASS" if median <= BUDGET_MS and not rebuilt else "FAIL"
        if rebuilt:
            verdict += " (figure rebuilt)"
        ok &= verdict == "PASS"
        rows.append([label, control, len(times), median, worst, verdict])
    return build, rows, ok, type(explorer)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="passes over each control's values")
    parser.add_argument("--only", default="", help="benchmark only labels containing this text")
    parser.add_argument("--strict", action="store_true", help="an explorer without a case fails")
    args = parser.parse_args(argv)

    rows, builds, covered, all_ok = [], [], set(), True
    for label, factory, sweeps in CASES:
        if args.only not in label:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a widget must not spill warnings
            build, case_rows, ok, cls = bench_case(label, factory, sweeps, args.repeat)
        covered.add(cls)
        builds.append([label, 1000 * build])
        rows.extend(case_rows)
        all_ok &= ok
    missing = [] if args.only else missing_cases(covered)

    print(
        f"Widget latency: one control change = compute + redraw + image, "
        f"budget {BUDGET_MS:.0f} ms median\n"
    )
    print(table(rows, ["widget", "control", "n", "median ms", "max ms", "verdict"], digits=3))
    print()
    print(table(builds, ["widget", "build ms"], digits=4))
    for name in missing:
        print(f"MISSING  {name}: no entry in CASES (not measured)")
    print()
    failed = not all_ok or (args.strict and missing)
    print("overall:", "FAIL" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
