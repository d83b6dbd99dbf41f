"""Each notebook and its paired script must say the same thing (read-only check)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from execute_notebooks import to_script  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SCRIPTS = sorted((ROOT / "notebooks" / "py").glob("*.py"))


def test_every_notebook_has_a_script_and_back():
    assert NOTEBOOKS, "no notebooks found"
    assert {p.stem for p in NOTEBOOKS} == {p.stem for p in SCRIPTS}


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_script_matches_notebook(nb):
    script = ROOT / "notebooks" / "py" / f"{nb.stem}.py"
    out = to_script(nb)
    stored = script.read_text()
    assert out == stored, (
        f"{script.relative_to(ROOT)} is out of sync with {nb.name}: edit the script, then "
        f"run `make execute NB={nb.stem}`"
    )
