"""Checker for notebook 02: the gradient dL/dy_t of softmax cross-entropy.

The student writes, for one sequence of logits ys (T, O) and class indices (T,),

    softmax_ce_grad(ys, labels) -> dys (T, O),   L = -sum_t log softmax(y_t)[label_t]

and the checker compares with rnnlib.softmax_ce, naming the first time step whose
gradient is wrong.
"""

from __future__ import annotations

import numpy as np

from ..losses import softmax_ce
from ._steps import first_wrong_step, run_student
from .framework import CheckResult


def _cases():
    rng = np.random.default_rng(3)
    cases = []
    for T, O, scale in [
        (4, 3, 1.0),
        (5, 4, 3.0),
        (3, 5, 1000.0),
    ]:  # the last: logits in the thousands
        ys = rng.normal(0, scale, size=(T, O))
        labels = rng.integers(0, O, size=T)
        cases.append((ys, labels))
    return cases


def check_softmax_ce_grad(softmax_ce_grad, quiet=False) -> CheckResult:
    """Compare softmax_ce_grad(ys, labels) -> dL/dy (T, O) with rnnlib.softmax_ce.

    The last case has logits in the thousands: a naive exp() overflows there.
    """
    result = CheckResult("softmax cross-entropy dL/dy_t", True)
    for n, (ys, labels) in enumerate(_cases(), start=1):
        _, expected = softmax_ce(ys, labels)
        ok, got = run_student(result, n, softmax_ce_grad, ys.copy(), labels.copy())
        if not ok:
            break
        msg = first_wrong_step("dL/dy_t", got, expected, 1)
        if msg is not None:
            hint = ""
            if n == 3 and ("nan" in msg or "inf" in msg):
                hint = " (logits in the thousands: subtract max_j y_tj before exp)"
            result.passed = False
            result.messages.append(f"case {n}: {msg}{hint}")
            break
    return result.report(quiet)
