"""Run time of every notebook on a fresh kernel, against the course's budgets.

    python benchmarks/notebook_times.py

Budgets: 15 s per notebook, 30 s for the two training-heavy ones (05, 09), 60 s for the
capstone (10, which trains a language model), 90 s for the series 00-09. Each notebook
is executed as CI does (fresh kernel, from notebooks/), without writing anything back.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
LONG = {
    "05_training_with_gradient_descent": 30.0,
    "09_long_term_dependencies": 30.0,
    "10_character_language_model": 60.0,
}
#: the notebooks the series budget covers (the capstone has a budget of its own)
SERIES = tuple(f"{n:02d}_" for n in range(10))
BUDGET, SERIES_BUDGET = 15.0, 90.0


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    return time.perf_counter() - start


def main():
    total, failed = 0.0, 0
    print(f"{'notebook':<40}{'seconds':>8}{'budget':>8}  verdict")
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        seconds = run(path)
        budget = LONG.get(path.stem, BUDGET)
        ok = seconds <= budget
        failed += not ok
        total += seconds if path.stem.startswith(SERIES) else 0.0
        print(f"{path.stem:<40}{seconds:>8.1f}{budget:>8.0f}  {'PASS' if ok else 'OVER'}")
    ok = total <= SERIES_BUDGET
    failed += not ok
    print(f"{'series 00-09':<40}{total:>8.1f}{SERIES_BUDGET:>8.0f}  {'PASS' if ok else 'OVER'}")
    print("all budgets met" if not failed else f"{failed} budget(s) exceeded")


if __name__ == "__main__":
    main()
