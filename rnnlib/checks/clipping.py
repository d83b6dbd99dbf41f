"""Checker for notebook 07's exercise: gradient clipping by (global) norm.

The student writes ``clip_by_norm(grads, threshold)``: grads is a dict of arrays; if the
global norm ||g|| = sqrt(sum of all squared entries) exceeds the threshold, every array is
multiplied by threshold / ||g||; otherwise the gradients are returned unchanged. The
checker says whether the *norm* or the *direction* of the result is wrong, and names the
usual mistakes (per-parameter norms, clipping by value, changing small gradients, editing
the input in place).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..clip import clip_by_norm, clip_by_value, global_norm, gradient_vector
from .framework import CheckResult


def _cases():
    rng = np.random.default_rng(7)
    big = {
        "W_hh": rng.normal(0, 4, (3, 3)),
        "b_h": rng.normal(0, 0.1, 3),
        "W_hy": rng.normal(0, 1, (1, 3)),
    }
    small = {k: v / (10 * global_norm(big)) for k, v in big.items()}  # norm 0.1
    return [(big, 1.0), (big, 5.0), (small, 1.0)]


def clip_each_parameter(grads: Mapping[str, np.ndarray], threshold: float) -> dict:
    """The classic mistake: every gradient array clipped by its own norm,
    g_k <- threshold g_k / ||g_k|| when ||g_k|| > threshold, instead of one global norm."""
    return {k: clip_by_norm({k: v}, threshold)[0][k] for k, v in grads.items()}


def check_clip_by_norm(student_fn, quiet=False) -> CheckResult:
    """Check ``student_fn(grads, threshold) -> dict`` against rnnlib.clip_by_norm."""
    result = CheckResult("clip_by_norm", True)

    def fail(msg):
        result.passed = False
        result.messages.append(msg)

    for n, (grads, threshold) in enumerate(_cases(), start=1):
        keys = list(grads)
        original = {k: v.copy() for k, v in grads.items()}
        expected, norm = clip_by_norm(grads, threshold)
        try:
            got = student_fn(grads, threshold)
        except NotImplementedError:
            fail("not implemented yet: replace the `raise NotImplementedError`")
            break
        except Exception as exc:  # report, never crash the notebook
            fail(f"case {n}: raised {type(exc).__name__}: {exc}")
            break
        if any(not np.array_equal(grads[k], original[k]) for k in keys):
            fail(
                f"case {n}: you changed the input gradients in place; return new arrays "
                "(e.g. {k: v * scale for k, v in grads.items()})"
            )
            break
        if not isinstance(got, dict) or set(got) != set(keys):
            fail(
                f"case {n}: expected a dict with keys {sorted(keys)}, got "
                + (f"keys {sorted(got)}" if isinstance(got, dict) else type(got).__name__)
            )
            break
        if any(np.shape(got[k]) != np.shape(grads[k]) for k in keys):
            fail(f"case {n}: every clipped array must keep its shape")
            break
        g, e, o = (
            gradient_vector(got, keys),
            gradient_vector(expected, keys),
            gradient_vector(grads, keys),
        )
        if not np.all(np.isfinite(g)):
            fail(f"case {n}: the result contains NaN or inf")
            break
        if np.allclose(g, e, rtol=1e-9, atol=1e-12):
            continue
        got_norm, want_norm = np.linalg.norm(g), min(norm, threshold)
        cosine = float(g @ o / (np.linalg.norm(g) * np.linalg.norm(o) + 1e-300))
        head = f"case {n} (||g|| = {norm:.3g}, threshold {threshold:g}): "
        if norm <= threshold:
            fail(
                head + f"the gradient is already below the threshold and must come back "
                f"unchanged; the norm is wrong: got {got_norm:.4g}, expected {want_norm:.4g}"
            )
        elif not np.isclose(cosine, 1.0, atol=1e-9):
            hint = ""
            if np.allclose(g, gradient_vector(clip_each_parameter(grads, threshold), keys)):
                hint = (
                    "you clipped each parameter by its own norm: use ONE global norm over "
                    "all parameters and the same factor for every array"
                )
            elif np.allclose(g, gradient_vector(clip_by_value(grads, threshold), keys)):
                hint = "this is clipping by value (np.clip); clipping by norm rescales instead"
            else:
                hint = "multiply every entry by the same factor threshold / ||g||"
            fail(
                head + f"the direction is wrong: cosine with the original gradient "
                f"{cosine:.4f}, expected 1; " + hint
            )
        else:
            hint = ""
            if np.isclose(got_norm, threshold * threshold / norm):
                hint = " (did you divide by ||g||^2 or multiply the factor twice?)"
            elif np.isclose(got_norm, 1.0):
                hint = " (you normalised to length 1: multiply by the threshold too)"
            fail(
                head + f"the direction is right but the norm is wrong: got {got_norm:.4g}, "
                f"expected {want_norm:.4g} = the threshold" + hint
            )
        break
    return result.report(quiet)
