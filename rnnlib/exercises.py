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
        try:
            got = student_fn(*args)
        except NotImplementedError:
            result.passed = False
            result.messages.append("not implemented yet: replace the `raise NotImplementedError`")
            break
        except Exception as exc:  # report, do not crash the notebook
            result.passed = False
            result.messages.append(f"case {n}: raised {type(exc).__name__}: {exc}")
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
                    for i, (g, e) in enumerate(zip(got, expected))
                ]
        else:
            msgs = [describe_difference("result", got, expected, time_axis="result" in time_axis)]
        msgs = [f"case {n}: {m}" for m in msgs if m]
        if msgs:
            result.passed = False
            result.messages.extend(msgs)
            break
    if not quiet:
        print(result)
    return result
