"""Small tasks generated on the fly (the course needs no downloads).

All return time-major arrays: xs (T, B, D) and targets.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_float_array, check_positive_int, check_real, check_seed

#: MSE of always predicting E[a + b] = 1 on the adding problem: Var(a + b) = 2/12
ADDING_BASELINE_MSE = 1.0 / 6.0


def adding_problem(T: int, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The adding problem (Hochreiter & Schmidhuber 1997; Le et al. 2015).

    Each step t has two features: a value x_(t,1) ~ U[0, 1] and a marker x_(t,2) that is
    1 at exactly two steps t1 < t2 (one in the first half, one in the second). The
    target, read at the last step, is the sum x_(t1,1) + x_(t2,1) of the two marked
    values. Always answering 1 gives MSE 1/6.
    Returns xs (T, n, 2), targets (n, 1).
    """
    T = check_positive_int(T, "T")
    n = check_positive_int(n, "n")
    if T < 2:
        raise ValueError(f"the adding problem needs T >= 2, got T = {T}")
    rng = np.random.default_rng(check_seed(seed))
    values = rng.random((T, n))
    markers = np.zeros((T, n))
    half = T // 2
    i = rng.integers(0, half, n)
    j = rng.integers(half, T, n)
    markers[i, np.arange(n)] = 1.0
    markers[j, np.arange(n)] = 1.0
    xs = np.stack([values, markers], axis=-1)
    targets = (values[i, np.arange(n)] + values[j, np.arange(n)])[:, None]
    return xs, targets


def adding_marked_values(xs: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """The two marked values of each adding-problem sequence: (x_(t1,1), x_(t2,1)), each
    of shape (B,), from xs (T, B, 2) (values x_(t,1), markers x_(t,2)), t1 < t2 the two
    marked steps."""
    xs = as_float_array(xs, "xs", np.float64)
    if xs.ndim != 3 or xs.shape[2] != 2:
        raise ValueError(f"xs must be adding-problem inputs of shape (T, B, 2), got {xs.shape}")
    marked = xs[:, :, 1] > 0
    counts = marked.sum(axis=0)
    if not np.all(counts == 2):
        b = int(np.flatnonzero(counts != 2)[0])
        raise ValueError(
            "xs must mark exactly two steps of every sequence (x_(t,2) = 1), got "
            f"{int(counts[b])} marked steps in sequence {b}"
        )
    t1 = np.argmax(marked, axis=0)  # index t1 - 1 of the first marked step
    t2 = xs.shape[0] - 1 - np.argmax(marked[::-1], axis=0)  # and of the last
    b = np.arange(xs.shape[1])
    return xs[t1, b, 0], xs[t2, b, 0]


def sine_next_step(
    T: int, n: int, seed: int = 0, noise: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Predict the next value of sine waves with random phase and frequency.

    noise >= 0: standard deviation of Gaussian noise added to the wave.
    Returns xs (T, n, 1) = s_t and targets (T, n, 1) = s_{t+1} (many-to-many).
    """
    T = check_positive_int(T, "T")
    n = check_positive_int(n, "n")
    noise = check_real(noise, "noise", low=0)
    rng = np.random.default_rng(check_seed(seed))
    phase = rng.uniform(0, 2 * np.pi, n)
    freq = rng.uniform(0.1, 0.3, n)
    t = np.arange(T + 1)[:, None]
    s = np.sin(freq * t + phase) + noise * rng.normal(size=(T + 1, n))
    return s[:-1, :, None], s[1:, :, None]


def delayed_echo(T: int, n: int, delay: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Output at step t the input bit seen ``delay`` steps earlier (0 before that).

    A dependency of exactly ``delay`` steps (1 <= delay < T): truncation shorter than
    the delay cannot learn it. Returns xs (T, n, 1) of 0/1 bits and targets (T, n, 1).
    """
    T = check_positive_int(T, "T")
    n = check_positive_int(n, "n")
    delay = check_positive_int(delay, "delay")
    if delay >= T:
        raise ValueError(
            f"delay must be smaller than T (an echo inside the sequence), got delay = {delay}, "
            f"T = {T}: every target would be 0"
        )
    rng = np.random.default_rng(check_seed(seed))
    bits = rng.integers(0, 2, (T, n, 1)).astype(float)
    targets = np.zeros_like(bits)
    targets[delay:] = bits[:-delay]
    return bits, targets
