"""Plain-text tables for notebooks: deterministic, readable on slides, no extra deps."""

from __future__ import annotations

import numpy as np


def fmt(value, digits=4) -> str:
    """Format a number or small array with a fixed number of significant digits."""
    if isinstance(value, str):
        return value
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        v = float(arr)
        if v == 0:
            return "0"
        if abs(v) < 1e-3 or abs(v) >= 1e5:
            return f"{v:.{digits - 1}e}"
        return f"{v:.{digits}g}"
    return "[" + ", ".join(fmt(v, digits) for v in arr.ravel()) + "]"


def table(rows, headers, digits=4) -> str:
    """Render rows (lists of numbers / strings / small arrays) as an aligned text table."""
    cells = [[fmt(c, digits) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    line = "  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))
    sep = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join([line, sep, *body])
