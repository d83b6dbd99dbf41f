"""Latency of every interactive explorer: how long one control change takes (compute +
redraw + image encoding), per widget and per control, against a 100 ms median budget.

    python benchmarks/bench_widgets.py              # all explorers, 3 passes
    python benchmarks/bench_widgets.py --repeat 5 --only vanishing

Convention (each module in rnnlib/widgets/ that defines an Explorer subclass):

    BENCH_CASES = [
        (label, factory, {control_name: [value, value, ...], ...}),
    ]

``factory()`` (no arguments) builds an explorer; ``control_name`` is a key of
``explorer.controls``. The benchmark builds each explorer once, then for each control
moves it through its values with ``explorer.set(name=value)`` (the way a student moves a
slider), ``--repeat`` times, and puts the control back to its first value before the next
control. It also checks that the figure is reused (same Figure, same number of axes)
rather than rebuilt. Explorer subclasses of modules without BENCH_CASES are listed as
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
from rnnlib.report import table
from rnnlib.widgets.base import Explorer

BUDGET_MS = 100.0


def discover():
    """[(module name, BENCH_CASES or None, [concrete Explorer subclasses defined there])]."""
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
        found.append((name, getattr(module, "BENCH_CASES", None), classes))
    return found


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
            f"{label}: BENCH_CASES names unknown controls {sorted(unknown)}; "
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
    parser.add_argument("--strict", action="store_true", help="a MISSING BENCH_CASES fails too")
    args = parser.parse_args(argv)

    rows, builds, missing, all_ok = [], [], [], True
    for module, cases, classes in discover():
        covered = set()
        for label, factory, sweeps in cases or []:
            if args.only not in label:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # a widget must not spill warnings
                build, case_rows, ok, cls = bench_case(label, factory, sweeps, args.repeat)
            covered.add(cls)
            builds.append([label, 1000 * build])
            rows.extend(case_rows)
            all_ok &= ok
        if not args.only:
            missing += [f"{module}.{c.__name__}" for c in classes if c not in covered]

    print(
        f"Widget latency: one control change = compute + redraw + image, "
        f"budget {BUDGET_MS:.0f} ms median\n"
    )
    print(table(rows, ["widget", "control", "n", "median ms", "max ms", "verdict"], digits=3))
    print()
    print(table(builds, ["widget", "build ms"], digits=4))
    for name in missing:
        print(f"MISSING  {name}: no BENCH_CASES entry in its module (not measured)")
    print()
    failed = not all_ok or (args.strict and missing)
    print("overall:", "FAIL" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
