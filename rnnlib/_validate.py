"""Input checks shared by every public function.

Every error names the argument, what was expected and what was given, so that a
student never has to decode a numpy broadcasting message.
"""

from __future__ import annotations

import numbers

import numpy as np

PARAM_SHAPES = {
    "W_xh": "(H, D)",
    "W_hh": "(H, H)",
    "b_h": "(H,)",
    "W_hy": "(O, H)",
    "b_y": "(O,)",
}
PARAM_NAMES = tuple(PARAM_SHAPES)


def describe(value) -> str:
    """A short description of a value for error messages."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}"[:120]


def as_real_array(value, name: str) -> np.ndarray:
    """``value`` as an array of real numbers (or booleans), in its own dtype."""
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged nested lists, exotic objects
        raise TypeError(f"{name} must be array-like, got {describe(value)}") from exc
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must be a numeric array, got {describe(value)}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real, got complex dtype {arr.dtype}")
    return arr


def as_float_array(value, name: str, dtype=None) -> np.ndarray:
    """Convert ``value`` to a floating array (integers and booleans are cast)."""
    arr = as_real_array(value, name)
    if dtype is None:
        dtype = arr.dtype if np.issubdtype(arr.dtype, np.floating) else np.float64
    with np.errstate(over="ignore"):
        out = arr.astype(dtype, copy=False)
    if out is not arr and arr.dtype.kind == "f" and arr.itemsize > out.itemsize:
        too_big = np.isinf(out) & np.isfinite(arr)  # finite, but beyond the narrower dtype
        if too_big.any():
            i = tuple(int(j) for j in np.argwhere(too_big)[0])
            raise ValueError(
                f"{name}[{', '.join(map(str, i))}] = {arr[i]} does not fit the parameters' "
                f"dtype {out.dtype} (largest {np.finfo(out.dtype).max:.3g})"
            )
    return out


def check_finite(arr: np.ndarray, name: str) -> None:
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(
            f"{name} must contain only finite numbers, but {name}[{', '.join(map(str, bad))}]"
            f" = {arr[tuple(bad)]}"
        )


def check_int(value, name: str, expected: str = "an integer") -> int:
    """An integer (Python's or numpy's, never a bool) as an int; else a TypeError that
    says what was ``expected``. Ranges are the caller's to check."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {expected}, got {describe(value)}")
    return int(value)


def check_bool(value, name: str) -> bool:
    """True or False (numpy's bools included); not a number, string or array that
    merely looks true or false."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {describe(value)}")
    return bool(value)


def check_positive_int(value, name: str) -> int:
    value = check_int(value, name, "a positive integer")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer (>= 1), got {value}")
    return int(value)


def check_int_in(value, name: str, low: int, high: int | None = None) -> int:
    """An integer in low..high (high=None: no upper bound)."""
    expected = f"an integer in {low}..{high}" if high is not None else f"an integer >= {low}"
    value = check_int(value, name, expected)
    if value < low or (high is not None and value > high):
        raise ValueError(f"{name} must be {expected}, got {value}")
    return value


def check_real(
    value,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """A finite real number within optional bounds; return it as a float.

    TypeError for anything that is not a real number (strings, None, booleans, arrays,
    complex numbers); ValueError for NaN, infinities and values outside the bounds.
    """
    if low == 0 and high is None:
        expected = "a positive finite number" if low_open else "a finite number >= 0"
    elif low is not None and high is not None:
        expected = (
            f"a number in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        )
    elif low is not None:
        expected = f"a finite number {'>' if low_open else '>='} {low:g}"
    elif high is not None:
        expected = f"a finite number {'<' if high_open else '<='} {high:g}"
    else:
        expected = "a finite number"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {expected}, got {describe(value)}")
    v = float(value)
    bad = not np.isfinite(v)
    if low is not None:
        bad |= v <= low if low_open else v < low
    if high is not None:
        bad |= v >= high if high_open else v > high
    if bad:
        raise ValueError(f"{name} must be {expected}, got {describe(value)}")
    return v


def check_real_pair(value, name: str, what: str) -> tuple[float, float]:
    """Two finite real numbers, e.g. a point (w0, b0) or a range (lo, hi)."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 2:
        raise TypeError(f"{name} must be a pair {what} of numbers, got {describe(value)}")
    return check_real(value[0], f"{name}[0]"), check_real(value[1], f"{name}[1]")


def check_seed(seed, name: str = "seed") -> int:
    """A seed for numpy's random generator: an integer >= 0."""
    seed = check_int(seed, name, "an integer >= 0 (it makes the draw reproducible)")
    if seed < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {seed}")
    return int(seed)


def check_choice(value, name: str, choices) -> str:
    # compared one by one and only with values of the choice's type: an array given
    # for a name is refused, not compared elementwise
    if not any(isinstance(value, type(c)) and value == c for c in choices):
        raise ValueError(
            f"{name} must be one of {', '.join(repr(c) for c in choices)}; got {value!r}"
        )
    return value


def check_callable(value, name: str, expected: str):
    """A function (anything callable); else a TypeError that says what was ``expected``,
    e.g. "a function ys -> (loss, dL/dys)"."""
    if not callable(value):
        raise TypeError(f"{name} must be {expected}, got {describe(value)}")
    return value


def check_positive_ints(values, name: str) -> tuple[int, ...]:
    """A collection of positive integers (a list, tuple, range or 1-D array) as a tuple."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{name} must be a list of positive integers, got {describe(values)}")
    if isinstance(values, np.ndarray) and values.ndim != 1:
        raise ValueError(f"{name} must be a list of positive integers, got {describe(values)}")
    return tuple(check_positive_int(v, f"each entry of {name}") for v in values)


def check_float_dtype(dtype, name: str = "dtype") -> np.dtype:
    """A floating-point numpy dtype (weights and inputs are real numbers)."""
    try:
        dt = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(
            f"{name} must be a floating-point dtype such as np.float64 or np.float32, "
            f"got {describe(dtype)}"
        ) from exc
    if dt.kind != "f":
        raise TypeError(
            f"{name} must be a floating-point dtype such as np.float64 or np.float32 "
            f"(weights are real numbers), got {dt}"
        )
    return dt


def check_params(params, finite: bool = True) -> dict:
    """Validate a parameter mapping; return a plain dict of float arrays.

    Expected keys and shapes (column-vector convention of the course):
    W_xh (H, D), W_hh (H, H), b_h (H,), W_hy (O, H), b_y (O,); every entry finite
    unless ``finite=False``.
    """
    if not hasattr(params, "keys") or not hasattr(params, "__getitem__"):
        raise TypeError(
            f"params must be a mapping with keys W_xh, W_hh, b_h, W_hy, b_y; got {describe(params)}"
        )
    missing = [k for k in PARAM_NAMES if k not in params]
    if missing:
        raise ValueError(
            f"params is missing {', '.join(missing)}; expected the keys "
            f"{', '.join(PARAM_NAMES)} (got {', '.join(map(str, params.keys())) or 'none'})"
        )
    out = {k: as_float_array(params[k], f"params['{k}']") for k in PARAM_NAMES}
    dtypes = {a.dtype for a in out.values()}
    dtype = np.result_type(*dtypes)
    out = {k: v.astype(dtype, copy=False) for k, v in out.items()}
    ranks = {"W_xh": 2, "W_hh": 2, "b_h": 1, "W_hy": 2, "b_y": 1}
    for k, r in ranks.items():
        if out[k].ndim != r:
            raise ValueError(
                f"params['{k}'] must have shape {PARAM_SHAPES[k]}, got shape {out[k].shape}"
            )
    H = out["W_hh"].shape[0]
    if out["W_hh"].shape != (H, H):
        raise ValueError(f"params['W_hh'] must be square (H, H), got shape {out['W_hh'].shape}")
    if out["W_xh"].shape[0] != H:
        raise ValueError(
            f"params['W_xh'] must have shape (H, D) with H = {H} rows (from W_hh), "
            f"got shape {out['W_xh'].shape}"
        )
    if out["b_h"].shape != (H,):
        raise ValueError(f"params['b_h'] must have shape (H,) = ({H},), got {out['b_h'].shape}")
    if out["W_hy"].shape[1] != H:
        raise ValueError(
            f"params['W_hy'] must have shape (O, H) with H = {H} columns, "
            f"got shape {out['W_hy'].shape}"
        )
    O = out["W_hy"].shape[0]
    if out["b_y"].shape != (O,):
        raise ValueError(f"params['b_y'] must have shape (O,) = ({O},), got {out['b_y'].shape}")
    for k, v in out.items():
        if finite:
            check_finite(v, f"params['{k}']")
    return out
