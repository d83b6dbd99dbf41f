"""Checker for notebook 07's exercise: gradient clipping by (global) norm.

The student writes ``clip_by_norm(grads, tau)``: grads is a dict of arrays; if the global
norm ||g|| = sqrt(sum of all squared entries) exceeds the threshold tau, every array is
multiplied by tau / ||g||; otherwise the gradients come back unchanged. The checker names
the taught mistakes in words (one norm per parameter instead of the global norm, clipping
by value when asked to clip by norm, rescaling a gradient that is already below tau,
forgetting tau, changing the input in place); for any other wrong answer it says whether
the *length* or the *direction* of the result is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..clip import clip_by_norm, clip_by_value, global_norm, gradient_vector
from ._steps import as_numbers
from .framework import CheckResult, check_student_fn, describe_difference, diagnose, run_student


def _cases():
    """(grads, tau): far above tau, above a larger tau, and below tau."""
    rng = np.random.default_rng(7)
    big = {
        "W_hh": rng.normal(0, 4, (3, 3)),
        "b_h": rng.normal(0, 0.1, 3),
        "W_hy": rng.normal(0, 1, (1, 3)),
    }
    small = {k: v / (10 * global_norm(big)) for k, v in big.items()}  # norm 0.1
    return [(big, 1.0), (big, 5.0), (small, 1.0)]


def clip_each_parameter(grads: Mapping[str, np.ndarray], tau: float) -> dict:
    """The classic mistake: every gradient array clipped by its own norm,
    g_k <- tau g_k / ||g_k|| when ||g_k|| > tau, instead of one global norm."""
    return {k: clip_by_norm({k: v}, tau)[0][k] for k, v in grads.items()}


def _mistakes(grads, tau, keys):
    """(flattened value, hint) of the taught mistakes, for these gradients."""
    g = gradient_vector(grads, keys)
    norm = np.linalg.norm(g)
    known = [
        (
            gradient_vector(clip_each_parameter(grads, tau), keys),
            "You clipped each parameter by its own norm. Clipping by norm uses ONE global "
            "norm over all parameters, ||g|| = sqrt(sum of every squared entry), and the "
            "same factor tau / ||g|| for every array, so that the direction of the whole "
            "step is kept",
        ),
        (
            gradient_vector(clip_by_value(grads, tau), keys),
            "This is clipping by value (every entry into [-tau, tau], np.clip), which turns "
            "the direction when some entries are large. Clipping by norm multiplies every "
            "entry by the same factor tau / ||g||",
        ),
        (
            g * tau / norm if norm <= tau else None,
            "You rescaled a gradient whose norm is already at most tau: clipping only ever "
            "shortens a gradient. Scale only when ||g|| > tau, otherwise return it unchanged",
        ),
        (
            g / norm,
            "You normalised g to length 1: multiply by tau too, g * tau / ||g||",
        ),
        (
            g * tau / norm**2,
            "You divided by ||g||^2 (or applied the factor 1 / ||g|| twice): the factor is "
            "tau / ||g||, which gives the clipped gradient length exactly tau",
        ),
        (
            g * norm / tau,
            "The factor is upside down: multiply by tau / ||g|| (below 1 when ||g|| > tau), "
            "not ||g|| / tau",
        ),
    ]
    return [(value, hint) for value, hint in known if value is not None]


def check_clip_by_norm(student_fn, quiet=False) -> CheckResult:
    """Check ``student_fn(grads, tau) -> dict`` against rnnlib.clip_by_norm."""
    check_student_fn(student_fn, "student_fn")
    result = CheckResult("clip_by_norm", True)
    for n, (grads, tau) in enumerate(_cases(), start=1):
        keys = list(grads)
        original = {k: v.copy() for k, v in grads.items()}
        expected, norm = clip_by_norm(grads, tau)
        ok, got = run_student(result, n, student_fn, grads, tau, inputs=grads)
        if not ok:
            break
        head = f"case {n} (||g|| = {norm:.3g}, tau = {tau:g}): "
        if any(not np.array_equal(grads[k], original[k]) for k in keys):
            result.fail(
                [
                    head + "you changed the input gradients in place; return new arrays "
                    "(e.g. {k: v * scale for k, v in grads.items()})"
                ]
            )
            break
        if not isinstance(got, dict) or set(got) != set(keys):
            kind = f"keys {sorted(got)}" if isinstance(got, dict) else type(got).__name__
            result.fail([head + f"expected a dict with keys {sorted(keys)}, got {kind}"])
            break
        shapes = {k: getattr(as_numbers(got[k]), "shape", None) for k in keys}
        bad_shapes = [k for k in keys if shapes[k] != np.shape(grads[k])]
        if bad_shapes:
            k = bad_shapes[0]
            result.fail(
                [
                    head + f"{k} has shape {shapes[k]}, expected {np.shape(grads[k])}: "
                    "clipping multiplies each array by a number, so every array keeps its shape"
                ]
            )
            break
        wrong = [(k, describe_difference(k, got[k], expected[k])) for k in keys]
        wrong = [(k, msg) for k, msg in wrong if msg]
        if not wrong:
            continue
        g = gradient_vector(got, keys)
        hint = diagnose(g, _mistakes(grads, tau, keys))
        if hint is None and np.all(np.isfinite(g)):
            hint = _length_or_direction(g, gradient_vector(grads, keys), norm, tau)
        result.fail([head + wrong[0][1] + (f". {hint}" if hint else "")])
        break
    return result.report(quiet)


def _length_or_direction(g, original, norm, tau):
    """Which of the two properties of clipping by norm the answer breaks."""
    length, want = np.linalg.norm(g), min(norm, tau)
    cosine = float(g @ original / (length * np.linalg.norm(original) + 1e-300))
    if not np.isclose(cosine, 1.0, atol=1e-9):
        return (
            f"The direction is wrong: the cosine with the original gradient is {cosine:.4f}, "
            "expected 1; multiply every entry by the same factor"
        )
    return f"The direction is right but the length is wrong: got {length:.4g}, expected {want:.4g}"
