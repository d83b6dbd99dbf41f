"""Shared by the topic checkers: locate the time step where a sequence goes wrong."""

from __future__ import annotations

import numpy as np

from .framework import as_numbers, describe_difference, diagnose, run_student  # noqa: F401  (re-exported)

RTOL, ATOL = 1e-6, 1e-9


def first_wrong_step(label, got, expected, first_t=1, *, backward=False, mistakes=(), why=None):
    """None if got matches expected (arrays whose axis 0 is time), else a message.

    Index 0 of the arrays is time step ``first_t``. The message names the first wrong
    step in the order the computation runs: increasing t for a forward pass, decreasing
    t (from T down) for a backward pass (``backward=True``), because every later step
    inherits the error and the first one is where the bug is. ``mistakes`` and ``why``
    are those of ``describe_difference``: the hint of a known mistake that ``got``
    reproduces, and why ``expected`` has its shape.
    """
    msg = describe_difference(label, got, expected, mistakes=mistakes, why=why)
    if msg is None:
        return None
    g = as_numbers(got)
    if g is None:
        return msg
    e = np.asarray(expected, dtype=float)
    if g.shape != e.shape or g.ndim == 0:
        return msg
    with np.errstate(invalid="ignore"):
        bad = ~np.isclose(g, e, rtol=RTOL, atol=ATOL) | ~np.isfinite(g)
    per_step = bad.reshape(len(g), -1).any(axis=1)
    steps = np.flatnonzero(per_step)
    i = int(steps[-1] if backward else steps[0])
    j = int(np.argmax(bad[i].ravel()))
    t = i + first_t
    note = ""
    if backward and i < len(g) - 1:
        note = f" (BPTT runs from t = T down: the steps after t = {t} are right)"
    elif not backward and i > 0:
        note = f" (the steps before t = {t} are right)"
    hint = diagnose(g, mistakes, RTOL, ATOL)
    return (
        f"{label}: first wrong at time step t = {t}, entry [{j}]: got "
        f"{g[i].ravel()[j]:.6g}, expected {e[i].ravel()[j]:.6g}{note}"
    ) + (f". {hint}" if hint else "")
