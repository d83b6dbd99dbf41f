"""Plain-text tables for notebooks: deterministic, readable on slides, no extra deps."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._validate import as_float_array, check_positive_int, describe

Cell = str | float | int | np.ndarray | Sequence[float]


def fmt(value: Cell, digits: int = 4) -> str:
    """A number (or a small array, as [a, b, ...]) with ``digits`` significant digits:
    Python's general format ``{v:.{digits}g}`` for 1e-3 <= |v| < 1e5, scientific
    notation with ``digits`` digits otherwise, "0" for zero; strings are returned as they
    are."""
    digits = check_positive_int(digits, "digits")
    if isinstance(value, str):
        return value
    try:
        arr = as_float_array(value, "a table cell")
    except TypeError:
        raise TypeError(
            f"a table cell must be a string, a number or an array of numbers, got {describe(value)}"
        ) from None
    if arr.ndim == 0:
        v = float(arr)
        if v == 0:
            return "0"
        if abs(v) < 1e-3 or abs(v) >= 1e5:
            return f"{v:.{digits - 1}e}"
        return f"{v:.{digits}g}"
    return "[" + ", ".join(fmt(v, digits) for v in arr.ravel()) + "]"


def table(rows: Sequence[Sequence[Cell]], headers: Sequence[str], digits: int = 4) -> str:
    """The rows (cells: numbers, strings, small arrays; see ``fmt``) under the headers as
    an aligned text table: every column right-aligned, a dashed line under the headers."""
    headers = [str(h) for h in headers]
    for i, row in enumerate(rows):
        if len(row) != len(headers):
            raise ValueError(
                f"row {i} has {len(row)} cells but there are {len(headers)} headers "
                f"({', '.join(headers)}): {list(row)!r}"[:300]
            )
    cells = [[fmt(c, digits) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    line = "  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))
    sep = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join([line, sep, *body])
