"""Checkers for the "your turn" exercises.

A checker runs the student's function on a few cases, compares every output with the
reference, and prints what is wrong precisely: which output, which time step (for
arrays whose first axis is time), which entry, and by how much. It never raises on a
wrong or unfinished answer, so a notebook always runs top to bottom; it returns a
``CheckResult`` whose ``passed`` is True only for a correct answer. Only something that
is not a function at all is refused, with a TypeError (``check_student_fn``).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .._validate import as_real_array, check_bool, check_callable, describe

WIDTH = 88  # feedback is wrapped at word boundaries to this many characters

#: (value, hint): what a function with a known mistake returns, and the mistake in words
Mistake = tuple[Any, str]


@dataclass
class CheckResult:
    name: str
    passed: bool
    messages: list[str] = field(default_factory=list)

    def fail(self, messages: Iterable[str | None]) -> bool:
        """Record the non-empty messages as failures; True if there was any."""
        messages = [m for m in messages if m]
        if messages:
            self.passed = False
            self.messages.extend(messages)
        return bool(messages)

    def report(self, quiet: bool = False) -> CheckResult:
        """Print the verdict (unless quiet) and return self."""
        if not check_bool(quiet, "quiet"):
            print(self)
        return self

    def __str__(self):
        head = f"{self.name}: " + ("correct" if self.passed else "not correct yet")
        items = [
            textwrap.fill(
                m,
                WIDTH,
                initial_indent="  - ",
                subsequent_indent="    ",
                break_long_words=False,
                break_on_hyphens=False,
            )
            for m in self.messages
        ]
        return "\n".join([head, *items])

    def _repr_pretty_(self, p, cycle):  # pragma: no cover - display only
        p.text(str(self))


def check_student_fn(fn: Any, name: str) -> Callable:
    """The function a checker was given: a TypeError when it is not a function (say, the
    value the function returns was passed instead), since there is nothing to check."""
    return check_callable(fn, name, "a function (pass your function itself, not what it returns)")


def as_numbers(got: Any) -> np.ndarray | None:
    """What a student's function returned as a float array, or None when it is not real
    numbers (a string, None, a ragged list, complex numbers: their imaginary part would
    otherwise be dropped silently)."""
    try:
        return as_real_array(got, "result").astype(float)
    except TypeError:
        return None


def matches(got: Any, expected: ArrayLike, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """True when ``got`` is an array of the shape of ``expected`` and equal to it."""
    g = as_numbers(got)
    if g is None:
        return False
    e = np.asarray(expected, dtype=float)
    return g.shape == e.shape and bool(np.allclose(g, e, rtol=rtol, atol=atol))


def diagnose(
    got: Any, mistakes: Iterable[Mistake], rtol: float = 1e-6, atol: float = 1e-9
) -> str | None:
    """The hint of the first known mistake that ``got`` reproduces, else None.

    mistakes: (value, hint) pairs, where value is what a function with that mistake
    returns (computed by the checker from the same inputs) and hint says in words what
    went wrong and why. A checker calls this once an output is known to be wrong, so
    that the student reads "you used W_hh where its transpose belongs" rather than only
    "differs at entry [2]".
    """
    for value, hint in mistakes:
        if matches(got, value, rtol, atol):
            return hint
    return None


def mistakes_for(*candidates: tuple[Callable[[], Any], str]) -> list[tuple[Any, str]]:
    """(value, hint) pairs for ``diagnose`` from (compute, hint) pairs.

    compute() returns what a function with that mistake would return for the case at
    hand; a mistake that cannot even be computed for these inputs (a product whose
    shapes only fit when D = H, say) is left out: the student's code fails on them too,
    and ``run_student`` then lists the shapes.
    """
    pairs = []
    for compute, hint in candidates:
        try:
            with np.errstate(all="ignore"):
                pairs.append((compute(), hint))
        except (ValueError, IndexError):
            continue
    return pairs


def describe_difference(
    label: str,
    got: Any,
    expected: ArrayLike,
    *,
    time_axis: bool = False,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    mistakes: Iterable[Mistake] = (),
    why: str | None = None,
) -> str | None:
    """Return None when ``got`` matches ``expected``, else a one-line explanation.

    time_axis: the first axis of the arrays is time, indexed t = 1..T.
    mistakes: (value, hint) pairs of known mistakes (see ``diagnose``); when ``got``
    reproduces one, its hint is added to the message.
    why: why ``expected`` has its shape (e.g. "dW_hh has the shape of W_hh, (H, H)"),
    added to the message when the shapes differ.
    """
    if got is None:
        return f"{label}: got None (did you forget to return it?)"
    g = as_numbers(got)
    if g is None:
        return f"{label}: expected an array of real numbers, got {describe(got)}"
    e = np.asarray(expected, dtype=float)
    hint = diagnose(g, mistakes, rtol, atol)
    if g.shape != e.shape:
        because = f": {why}" if why else ""
        return f"{label}: shape {g.shape}, expected {e.shape}{because}" + (
            f". {hint}" if hint else ""
        )
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
        + (f". {hint}" if hint else "")
    )


def describe_shapes(inputs: Mapping[str, Any]) -> str:
    """'x (3,), h_prev (4,), W_hh (4, 4)': the shapes of the arrays a student received."""
    parts = []
    for name, value in inputs.items():
        shape = np.shape(value) if isinstance(value, (np.ndarray, list, tuple)) else None
        if shape is not None:
            parts.append(f"{name} {shape}")
    return ", ".join(parts)


def check(
    name: str,
    student_fn: Callable,
    cases: Iterable[tuple[tuple, Any]],
    *,
    time_axis: Container[str | int] = (),
    quiet: bool = False,
) -> CheckResult:
    """Run ``student_fn(*args)`` for each (args, expected) in cases and compare.

    ``expected`` may be an array, a tuple of arrays or a dict of arrays; the student's
    result must have the same structure. ``time_axis`` lists the output labels whose
    first axis is time. Prints the verdict (unless quiet) and returns a CheckResult.
    """
    check_student_fn(student_fn, "student_fn")
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


def _plain(exc: Exception) -> str:
    """numpy's message, with a mismatched matrix product said in words."""
    text = str(exc)
    m = re.search(r"matmul: Input operand 1 .* \(size (\d+) is different from (\d+)\)", text)
    if m:
        return f"a matrix product A @ B does not fit: A has {m[2]} columns but B has {m[1]} rows"
    return text


def run_student(
    result: CheckResult,
    n: int | str,
    fn: Callable,
    *args,
    inputs: Mapping[str, Any] | None = None,
) -> tuple[bool, Any]:
    """Call fn(*args) for case n; record NotImplementedError or any exception in result
    instead of raising (a notebook must run top to bottom). Returns (ok, value).

    inputs: {name: array} of what the student's function was given (cache entries
    included); when the function fails on mismatched shapes, the message lists them, so
    that the student sees which product does not fit.
    """
    try:
        with np.errstate(all="ignore"):
            return True, fn(*args)
    except NotImplementedError:
        result.fail(["not implemented yet: replace the `raise NotImplementedError`"])
    except Exception as exc:  # report, never crash the notebook
        message = f"case {n}: your function raised {type(exc).__name__}: {_plain(exc)}"
        if isinstance(exc, (ValueError, IndexError)) and inputs:
            message += (
                f". It was given {describe_shapes(inputs)}: check that every product pairs "
                "an (m, n) matrix with an n-vector, and transpose where the shapes ask for it"
            )
        result.fail([message])
    return False, None
