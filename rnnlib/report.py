"""Plain-text tables for notebooks: deterministic, readable on slides, no extra deps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ._validate import as_float_array, check_int_in, check_positive_int, describe

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
    if isinstance(headers, (str, bytes)) or not hasattr(headers, "__iter__"):
        raise TypeError(f"headers must be a list of column names, got {describe(headers)}")
    if isinstance(rows, (str, bytes)) or not hasattr(rows, "__iter__"):
        raise TypeError(f"rows must be a list of rows, each a list of cells, got {describe(rows)}")
    headers = [str(h) for h in headers]
    for i, row in enumerate(rows):
        if isinstance(row, (str, bytes)) or not hasattr(row, "__len__"):
            raise TypeError(f"row {i} must be a list of cells, got {describe(row)}")
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


def side_by_side(blocks: Mapping[str, Cell], digits: int = 4, gap: int = 4) -> str:
    """Matrices printed as matrices, next to each other, each under its label.

    blocks: {label: array}. A matrix shows its rows and columns; a vector prints as a
    column, as the course writes vectors; a number as itself, all with ``digits``
    decimals. Rows are aligned at the top, so that "which side the factor goes on" can
    be read off the printout.
    """
    digits = check_int_in(digits, "digits", 1, 17)  # float64 has 17 significant digits
    gap = check_positive_int(gap, "gap")
    if not isinstance(blocks, Mapping) or not blocks:
        raise TypeError(
            f"blocks must be a non-empty mapping {{label: array}}, got {describe(blocks)}"
        )
    rendered = []
    for label, value in blocks.items():
        arr = as_float_array(value, f"blocks[{label!r}]") + 0.0  # + 0.0: no "-0."
        if arr.ndim > 2:
            raise ValueError(
                f"blocks[{label!r}] must be a number, a vector or a matrix, got shape {arr.shape}"
            )
        if arr.ndim == 1:
            arr = arr[:, None]
        text = np.array2string(
            arr, precision=digits, floatmode="fixed", suppress_small=True, separator=" "
        )
        lines = text.splitlines()
        width = max(len(str(label)), *(len(line) for line in lines))
        rendered.append([str(label).ljust(width), *(line.ljust(width) for line in lines)])
    height = max(len(r) for r in rendered)
    for r in rendered:
        r.extend([" " * len(r[0])] * (height - len(r)))
    return "\n".join((" " * gap).join(parts).rstrip() for parts in zip(*rendered, strict=True))
