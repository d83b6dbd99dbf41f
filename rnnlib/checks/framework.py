"""Checkers for the "your turn" exercises.

A checker runs the student's function on a few cases, compares every output with the
reference, and prints what is wrong precisely: which output, which time step (for
arrays whose first axis is time), which entry, and by how much. It never raises on a
wrong or unfinished answer, so a notebook always runs top to bottom; it returns a
``CheckResult`` whose ``passed`` is True only for a correct answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class CheckResult:
    name: str
    passed: bool
    messages: list = field(default_factory=list)

    def fail(self, messages) -> bool:
        """Record the non-empty messages as failures; True if there was any."""
        messages = [m for m in messages if m]
        if messages:
            self.passed = False
            self.messages.extend(messages)
        return bool(messages)

    def report(self, quiet=False):
        """Print the verdict (unless quiet) and return self."""
        if not quiet:
            print(self)
        return self

    def __str__(self):
        head = f"{self.name}: " + ("correct" if self.passed else "not correct yet")
        return "\n".join([head] + ["  - " + m for m in self.messages])

    def _repr_pretty_(self, p, cycle):  # pragma: no cover - display only
        p.text(str(self))


def describe_difference(label, got, expected, *, time_axis=False, rtol=1e-6, atol=1e-9):
    """Return None when ``got`` matches ``expected``, else a one-line explanation.

    time_axis: the first axis of the arrays is time, indexed t = 1..T.
    """
    if got is None:
        return f"{label}: got None (did you forget to return it?)"
    try:
        g = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"{label}: expected an array, got {type(got).__name__}"
    e = np.asarray(expected, dtype=float)
    if g.shape != e.shape:
        return f"{label}: shape {g.shape}, expected {e.shape}"
    if not np.all(np.isfinite(g)):
        return f"{label}: contains NaN or inf"
    bad = ~np.isclose(g, e, rtol=rtol, atol=atol)
    if not bad.any():
        return None
    err = np.abs(g - e)
    idx = np.unravel_index(np.argmax(np.where(bad, err, -1)), g.shape)
    where = ""
    if time_axis and g.ndim >= 1:
        where = f" at time step t = {idx[0] + 1}"
        rest = idx[1:]
    else:
        rest = idx
    entry = f", entry [{', '.join(map(str, rest))}]" if len(rest) else ""
    return (
        f"{label} differs{where}{entry}: got {g[idx]:.6g}, expected {e[idx]:.6g} "
        f"(max abs error {err.max():.3g}; {int(bad.sum())} of {bad.size} entries wrong)"
    )


def check(name, student_fn, cases, *, time_axis=(), quiet=False) -> CheckResult:
    """Run ``student_fn(*args)`` for each (args, expected) in cases and compare.

    ``expected`` may be an array, a tuple of arrays or a dict of arrays; the student's
    result must have the same structure. ``time_axis`` lists the output labels whose
    first axis is time. Prints the verdict (unless quiet) and returns a CheckResult.
    """
    result = CheckResult(name, True)
    for n, (args, expected) in enumerate(cases, start=1):
        ok, got = run_student(result, n, student_fn, *args)
        if not ok:
            break
        if isinstance(expected, dict):
            if not isinstance(got, dict):
                msgs = [f"expected a dict with keys {sorted(expected)}, got {type(got).__name__}"]
            else:
                msgs = [
                    describe_difference(k, got.get(k), v, time_axis=k in time_axis)
                    for k, v in expected.items()
                ]
        elif isinstance(expected, tuple):
            if not isinstance(got, tuple) or len(got) != len(expected):
                msgs = [f"expected a tuple of {len(expected)} values, got {type(got).__name__}"]
            else:
                msgs = [
                    describe_difference(f"output {i}", g, e, time_axis=i in time_axis)
                    for i, (g, e) in enumerate(zip(got, expected, strict=True))
                ]
        else:
            msgs = [describe_difference("result", got, expected, time_axis="result" in time_axis)]
        if result.fail(f"case {n}: {m}" for m in msgs if m):
            break
    return result.report(quiet)


def run_student(result, n, fn, *args):
    """Call fn(*args) for case n; record NotImplementedError or any exception in result
    instead of raising (a notebook must run top to bottom). Returns (ok, value)."""
    try:
        with np.errstate(all="ignore"):
            return True, fn(*args)
    except NotImplementedError:
        result.fail(["not implemented yet: replace the `raise NotImplementedError`"])
    except Exception as exc:  # report, never crash the notebook
        result.fail([f"case {n}: raised {type(exc).__name__}: {exc}"])
    return False, None
