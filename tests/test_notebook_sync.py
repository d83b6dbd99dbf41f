"""Each notebook and its paired script say the same thing (a read-only check).

What is compared is the content, cell by cell: the cell type, the source, the tags and the
slide type. What JupyterLab changes in everyday use is not: outputs and execution counts
(running cells), a collapsed or expanded cell (``jupyter.source_hidden``), the widget
state and cell ids it saves, the JSON layout of the file. The script
(notebooks/py/NN_name.py) is the file authors edit; `make execute NB=NN_name` rebuilds
the notebook from it.
"""

import copy
import difflib
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SCRIPTS = sorted((ROOT / "notebooks" / "py").glob("*.py"))


def content(nb):
    """What a notebook says: per cell (type, source, sorted tags, slide type)."""
    return [
        (
            cell.cell_type,
            cell.source,
            tuple(sorted(cell.metadata.get("tags", []))),
            cell.metadata.get("slideshow", {}).get("slide_type"),
        )
        for cell in nb.cells
    ]


def differences(notebook, script):
    """Human-readable differences between a notebook and its script ([] when in sync)."""
    ours, theirs = content(notebook), content(script)
    found = []
    matcher = difflib.SequenceMatcher(a=ours, b=theirs, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                found.append(_cell_difference(i, ours[i], theirs[j]))
        else:
            for i in range(i1, i2):
                found.append(f"cell {i} ({_first_line(ours[i])}) is only in the notebook")
            for j in range(j1, j2):
                found.append(f"cell {j} ({_first_line(theirs[j])}) is only in the script")
    return found


def _first_line(cell):
    lines = cell[1].strip().splitlines()
    return repr(lines[0][:60]) if lines else "empty"


def _cell_difference(i, nb_cell, py_cell):
    what = []
    for name, a, b in zip(("type", "source", "tags", "slide type"), nb_cell, py_cell, strict=True):
        if a == b:
            continue
        if name == "source":
            diff = difflib.unified_diff(
                b.splitlines(), a.splitlines(), "script", "notebook", lineterm="", n=1
            )
            what.append("source:\n    " + "\n    ".join(list(diff)[2:12]))
        else:
            what.append(f"{name}: notebook {a!r}, script {b!r}")
    return f"cell {i} ({_first_line(nb_cell)}): " + "; ".join(what)


def test_every_notebook_has_a_script_and_back():
    assert NOTEBOOKS, "no notebooks found"
    assert {p.stem for p in NOTEBOOKS} == {p.stem for p in SCRIPTS}


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_script_matches_notebook(nb):
    script = ROOT / "notebooks" / "py" / f"{nb.stem}.py"
    found = differences(nbformat.read(nb, as_version=4), jupytext.read(script))
    assert not found, (
        f"{nb.relative_to(ROOT)} and {script.relative_to(ROOT)} differ in content:\n  "
        + "\n  ".join(found[:10])
        + f"\nAuthors: edit the script, then run `make execute NB={nb.stem}`. If you changed "
        f"the notebook in JupyterLab on purpose (an exercise, an experiment), "
        f"`git checkout {nb.relative_to(ROOT)}` restores the course's version."
    )


# ------------------------------------------------ the check itself, in both directions

SAMPLE = ROOT / "notebooks" / "06_vanishing_and_exploding.ipynb"


@pytest.fixture
def pair():
    """A notebook and its script as jupytext writes it (independent of the stored pair)."""
    nb = nbformat.read(SAMPLE, as_version=4)
    script = jupytext.reads(jupytext.writes(nb, fmt="py:percent"), fmt="py:percent")
    assert not differences(nb, script)
    return nb, script


def first(nb, cell_type):
    return next(c for c in nb.cells if c.cell_type == cell_type and c.source.strip())


def everyday(nb):
    """What opening, running, collapsing and saving in JupyterLab does to a notebook."""
    nb = copy.deepcopy(nb)
    for n, cell in enumerate(nb.cells):
        cell.id = f"lab{n}"
        if cell.cell_type == "code":
            cell.execution_count = 100 + n
            cell.outputs = []
            cell.metadata["scrolled"] = True
        cell.metadata.setdefault("jupyter", {})["source_hidden"] = n % 2 == 0
        cell.metadata["jupyter"]["outputs_hidden"] = n % 3 == 0
        cell.metadata.setdefault("tags", [])  # JupyterLab may write an empty list
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.2"}
    return nb


def test_everyday_use_in_jupyterlab_is_not_a_difference(pair, tmp_path):
    nb, script = pair
    saved = tmp_path / "saved.ipynb"
    nbformat.write(everyday(nb), saved)  # written and read back as a file
    assert differences(nbformat.read(saved, as_version=4), script) == []


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            lambda nb: setattr(first(nb, "code"), "source", first(nb, "code").source + "\nx = 1"),
            "source",
        ),
        (lambda nb: setattr(first(nb, "markdown"), "source", "# Another title"), "source"),
        (lambda nb: first(nb, "code").metadata.__setitem__("tags", ["solution"]), "tags"),
        (
            lambda nb: first(nb, "markdown").metadata.__setitem__(
                "slideshow", {"slide_type": "skip"}
            ),
            "slide type",
        ),
        (lambda nb: setattr(first(nb, "markdown"), "cell_type", "raw"), "type"),
        (lambda nb: nb.cells.pop(3), "only in the script"),
        (lambda nb: nb.cells.insert(2, nbformat.v4.new_code_cell("y = 2")), "only in the notebook"),
        (lambda nb: nb.cells.insert(5, nb.cells.pop(4)), "only in"),
    ],
    ids=["code", "markdown", "tags", "slide-type", "cell-type", "removed", "added", "moved"],
)
def test_a_content_difference_fails_either_way(pair, change, expected):
    nb, script = pair
    changed_nb = everyday(nb)
    change(changed_nb)
    found = differences(changed_nb, script)  # the notebook was changed
    assert found and expected in "\n".join(found), found
    changed_script = copy.deepcopy(script)
    change(changed_script)
    found = differences(nb, changed_script)  # the script was changed
    assert found, "a change in the script went unnoticed"


def test_the_message_names_the_cell_and_the_line(pair):
    nb, script = pair
    code = first(nb, "code")
    index = nb.cells.index(code)
    code.source = code.source.replace("import", "imports", 1)
    (message,) = differences(nb, script)
    assert message.startswith(f"cell {index} ") and "+" in message and "imports" in message
