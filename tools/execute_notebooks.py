"""Rebuild notebooks from their paired scripts, execute them and store the outputs.

    python tools/execute_notebooks.py                 # every notebooks/py/*.py
    python tools/execute_notebooks.py 03_bptt_by_hand # one (name without extension)
    python tools/execute_notebooks.py --scripts-only  # rewrite every script from its notebook

The script notebooks/py/NAME.py is the file to edit. This tool turns it into
notebooks/NAME.ipynb, formats its code cells with ruff, runs it on a fresh kernel from
notebooks/, stores the outputs (without timing metadata) and rewrites the script from the
notebook, so the pair is exactly in sync. It prints how long each notebook took.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def to_script(notebook: Path) -> str:
    """The percent script of a notebook, exactly as the sync test computes it."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "jupytext",
            "--quiet",
            "--to",
            "py:percent",
            "-o",
            "-",
            str(notebook),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout


def stable_ids(nb) -> None:
    """Cell ids derived from the cells' contents, so that re-running a notebook does not
    rewrite every id (jupytext draws random ones when it reads a script)."""
    seen = {}
    for cell in nb.cells:
        digest = hashlib.sha1((cell.cell_type + cell.source).encode()).hexdigest()[:8]
        seen[digest] = seen.get(digest, 0) + 1
        cell.id = digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"


def build(name: str) -> float:
    script = NB_DIR / "py" / f"{name}.py"
    target = NB_DIR / f"{name}.ipynb"
    nb = jupytext.read(script)
    nb.metadata.pop("jupytext", None)  # filters come from jupytext.toml
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata.setdefault("language_info", {"name": "python"})
    stable_ids(nb)
    nbformat.write(nb, target)
    ruff = Path(sys.executable).with_name("ruff")
    subprocess.run([str(ruff), "format", "--quiet", str(target)], check=True, cwd=ROOT)
    nb = nbformat.read(target, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(NB_DIR)}},
        record_timing=False,
    ).execute()
    elapsed = time.perf_counter() - start
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, target)
    script.write_text(to_script(target))
    return elapsed


def main(argv):
    if argv == ["--scripts-only"]:
        for notebook in sorted(NB_DIR.glob("*.ipynb")):
            (NB_DIR / "py" / f"{notebook.stem}.py").write_text(to_script(notebook))
        return
    names = argv or sorted(p.stem for p in (NB_DIR / "py").glob("*.py"))
    total = 0.0
    for name in names:
        name = Path(name).stem
        t = build(name)
        total += t
        print(f"{name:<40} {t:6.1f} s")
    print(f"{'total':<40} {total:6.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
