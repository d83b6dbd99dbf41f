"""The teaching conventions of docs/authoring.md, checked on every notebook.

* "Predict" cells are followed by their collapsed answer (tag ``answer``);
* every "Check your understanding" set is followed by its collapsed answers (``answers``);
* presenter notes are collapsed and say what they are;
* no cell text speaks of the test suite (its instructions are tags);
* every exercise (tag ``exercise``) has a checker call right after it and a reference
  solution (tag ``solution``) that defines ``<name>_reference``, never the student's
  name, and neither calls a checker nor prints a verdict;
* every reference solution passes its checker (run here, outside the notebook);
* every notebook but the last links to the next one (``[NN · Title](NN_name.ipynb)``).
"""

import ast
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CHECKED = NOTEBOOKS


def tags(cell):
    return cell.metadata.get("tags", [])


def slide_type(cell):
    return cell.metadata.get("slideshow", {}).get("slide_type")


def collapsed(cell):
    return bool(cell.metadata.get("jupyter", {}).get("source_hidden"))


def where(path, i, cell):
    first = cell.source.strip().splitlines()[0][:60] if cell.source.strip() else "(empty)"
    return f"{path.name}, cell {i} ({first!r})"


@pytest.fixture(params=CHECKED, ids=lambda p: p.stem)
def notebook(request):
    return request.param, nbformat.read(request.param, as_version=4)


def test_predictions_are_followed_by_their_collapsed_answer(notebook):
    path, nb = notebook
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("**Predict.**"):
            nxt = nb.cells[i + 1]
            assert "answer" in tags(nxt) and nxt.source.lstrip().startswith("**Answer.**"), (
                f"{where(path, i, cell)}: a prediction is followed by its answer cell"
            )
            assert nxt.source.lstrip().splitlines()[0].strip() == "**Answer.**", (
                f"{where(path, i + 1, nxt)}: '**Answer.**' stands alone on the first line, "
                "which is all JupyterLab shows of a collapsed cell"
            )
        if "answer" in tags(cell):
            assert cell.cell_type == "markdown" and collapsed(cell), (
                f"{where(path, i, cell)}: an answer is a collapsed markdown cell"
            )
            assert slide_type(cell) == "fragment", f"{where(path, i, cell)}: answers are fragments"
            assert nb.cells[i - 1].source.lstrip().startswith("**Predict.**"), (
                f"{where(path, i, cell)}: an answer follows its **Predict.** cell"
            )


def test_every_question_set_has_its_answers(notebook):
    path, nb = notebook
    sets = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and "Check your understanding" in cell.source:
            sets += 1
            nxt = nb.cells[i + 1] if i + 1 < len(nb.cells) else None
            assert nxt is not None and "answers" in tags(nxt), (
                f"{where(path, i, cell)}: the answers follow the questions (tag 'answers')"
            )
            assert nxt.cell_type == "markdown" and collapsed(nxt) and slide_type(nxt) == "skip"
            assert nxt.source.lstrip().splitlines()[0].strip() == "**Answers.**", (
                f"{where(path, i + 1, nxt)}: '**Answers.**' stands alone on the first line, "
                "which is all JupyterLab shows of a collapsed cell"
            )
            asked = re.findall(r"^\s*(\d+)\.", cell.source, flags=re.M)
            answered = re.findall(r"^\s*(\d+)\.", nxt.source, flags=re.M)
            assert asked and asked == answered, (
                f"{where(path, i, cell)}: questions {asked} but answers {answered}"
            )
    if not path.stem.startswith("00"):
        assert sets, f"{path.name}: no 'Check your understanding' set"


@pytest.mark.parametrize(
    "path, following", list(zip(NOTEBOOKS, NOTEBOOKS[1:], strict=False)), ids=lambda p: p.stem
)
def test_every_notebook_links_to_the_next(path, following):
    """A student who finishes a notebook finds the next one (09 once ended with "Next:
    gated cells" and no link)."""
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    link = re.search(rf"\[{following.stem[:2]} · [^\]]+\]\({following.name}\)", text)
    assert link, f"{path.name}: no link '[{following.stem[:2]} · ...]({following.name})'"


def test_presenter_notes_are_collapsed_and_say_what_they_are(notebook):
    path, nb = notebook
    for i, cell in enumerate(nb.cells):
        if slide_type(cell) == "notes":
            assert cell.cell_type == "markdown" and collapsed(cell), where(path, i, cell)
            assert cell.source.lstrip().startswith("**Presenter notes.**"), where(path, i, cell)


def test_no_cell_text_speaks_of_the_test_suite(notebook):
    path, nb = notebook
    for i, cell in enumerate(nb.cells):
        assert not re.search(r"nbval", cell.source, flags=re.I), (
            f"{where(path, i, cell)}: test-suite instructions belong in the cell's tags"
        )


def exercises(nb):
    """(index, student function name, checker name) of every exercise."""
    found = []
    for i, cell in enumerate(nb.cells):
        if "exercise" not in tags(cell):
            continue
        names = [n.name for n in ast.parse(cell.source).body if isinstance(n, ast.FunctionDef)]
        call = nb.cells[i + 1].source if i + 1 < len(nb.cells) else ""
        match = re.search(r"\b(check_\w+)\((\w+)\)", call)
        found.append((i, names, match.groups() if match else None))
    return found


def solutions(nb):
    return [(i, c) for i, c in enumerate(nb.cells) if "solution" in tags(c)]


def test_exercises_have_a_checker_and_a_reference(notebook):
    path, nb = notebook
    defined = set()
    for i, cell in solutions(nb):
        tree = ast.parse(cell.source)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                assert node.name.endswith("_reference"), (
                    f"{where(path, i, cell)}: a solution defines {node.name}_reference, never "
                    f"the student's {node.name} (it would replace the student's work)"
                )
                defined.add(node.name)
        calls = {
            n.func.id
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }
        assert not {c for c in calls if c.startswith("check_") or c == "print"}, (
            f"{where(path, i, cell)}: a solution neither runs a checker nor prints"
        )
        assert cell.cell_type == "code" and collapsed(cell) and slide_type(cell) == "skip"
    for i, names, call in exercises(nb):
        cell = nb.cells[i]
        assert "NotImplementedError" in cell.source, f"{where(path, i, cell)}: a stub to fill in"
        assert call, f"{where(path, i, cell)}: the next cell calls the checker: check_...(name)"
        assert call[1] in names, f"{where(path, i, cell)}: the checker is given {call[1]}"
        assert f"{call[1]}_reference" in defined, (
            f"{where(path, i, cell)}: no reference solution {call[1]}_reference"
        )


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_reference_solutions_pass_their_checkers(notebook, capsys):
    """Run the notebook's imports and its solution cells, then every checker on its
    reference: a wrong reference fails here, not in front of a student."""
    path, nb = notebook
    namespace = {"np": np}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.parse(cell.source).body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                exec(compile(ast.Module([node], []), str(path), "exec"), namespace)
    for _, cell in solutions(nb):
        exec(compile(cell.source, str(path), "exec"), namespace)
    for i, _, (checker, name) in exercises(nb):
        result = namespace[checker](namespace[f"{name}_reference"], quiet=True)
        assert result.passed, f"{where(path, i, nb.cells[i])}: the reference fails: {result}"
    capsys.readouterr()


def test_every_erratum_is_linked_once_where_it_is_taught():
    """A slip of the notes is told once, where the topic first arises: each entry of
    ERRATA.md is linked from exactly one notebook, the one its "taught in" column names."""
    errata = (ROOT / "ERRATA.md").read_text()
    entries = re.findall(r'<a id="erratum-(\d+)"></a>', errata)
    taught_in = dict(re.findall(r"^\| \[(\d+)\]\(#erratum-\d+\) \|.*\[(\d\d)\]", errata, re.M))
    assert entries and set(taught_in) == set(entries)
    links = {}
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for n in re.findall(r"ERRATA\.md#erratum-(\d+)", cell.source):
                links.setdefault(n, []).append(path.stem)
    for n in entries:
        assert len(links.get(n, [])) == 1, f"erratum {n} is linked from {links.get(n, [])}"
        assert links[n][0].startswith(taught_in[n]), (
            f"erratum {n} is linked from {links[n][0]}, but ERRATA.md says it is taught in "
            f"{taught_in[n]}"
        )
