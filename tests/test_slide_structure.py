"""Every notebook is also a slide deck: its structure is checked here, not left to habit.

Rules (see docs/instructors.md):
* the first cell is the title slide: markdown starting with "# ", slide type "slide",
  saying what the lesson teaches and how long it takes;
* every cell has a slide type; "## " headings open a slide, "### " headings a subslide;
* solutions (tag "solution") are skipped on slides;
* a slide whose prose (markdown shown on the slide, without the maths) is long carries
  speaker notes (a "notes" cell);
* the deck ends with a summary and "Check your understanding" questions.
"""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
LESSONS = [p for p in NOTEBOOKS if not p.stem.startswith("00")]  # 00 is the index
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}
#: a slide with more words of prose than this needs speaker notes
LONG_PROSE_WORDS = 100


def slide_type(cell):
    return cell.metadata.get("slideshow", {}).get("slide_type")


def where(nb_path, i, cell):
    first = cell.source.strip().splitlines()[0][:60] if cell.source.strip() else "(empty)"
    return f"{nb_path.name}, cell {i} ({first!r})"


def prose_words(source):
    text = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " ", source, flags=re.S)  # maths is not prose
    return len(text.split())


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.stem)
def notebook(request):
    return request.param, nbformat.read(request.param, as_version=4)


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 10


def test_title_slide(notebook):
    path, nb = notebook
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), (
        f"{path.name}: the first cell must be a markdown title ('# ...')"
    )
    assert slide_type(first) == "slide", f"{path.name}: the title cell must be a 'slide'"
    assert re.search(r"\bminutes?\b", first.source), (
        f"{path.name}: the title slide must say how long the lesson takes"
    )


def test_every_cell_has_a_known_slide_type(notebook):
    path, nb = notebook
    for i, cell in enumerate(nb.cells):
        assert slide_type(cell) in SLIDE_TYPES, (
            f"{where(path, i, cell)}: slide type {slide_type(cell)!r}, expected one of "
            f"{sorted(SLIDE_TYPES)}"
        )


def test_headings_map_to_slide_types(notebook):
    path, nb = notebook
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        src = cell.source.lstrip()
        if src.startswith("## "):
            assert slide_type(cell) == "slide", f"{where(path, i, cell)}: '## ' must open a slide"
        elif src.startswith("### "):
            assert slide_type(cell) == "subslide", (
                f"{where(path, i, cell)}: '### ' must open a subslide"
            )
        elif slide_type(cell) in ("slide", "subslide") and i > 0:
            pytest.fail(
                f"{where(path, i, cell)}: a new slide must start with a '##' or '###' heading"
            )


def test_solutions_are_skipped_and_collapsed(notebook):
    path, nb = notebook
    for i, cell in enumerate(nb.cells):
        if "solution" in cell.metadata.get("tags", []):
            assert slide_type(cell) == "skip", f"{where(path, i, cell)}: solutions are 'skip'"
            assert cell.metadata.get("jupyter", {}).get("source_hidden"), (
                f"{where(path, i, cell)}: solutions are collapsed (jupyter.source_hidden)"
            )


def test_long_prose_has_speaker_notes(notebook):
    path, nb = notebook
    start, words, notes = None, 0, False
    for i, cell in enumerate(nb.cells + [None]):
        if cell is None or slide_type(cell) in ("slide", "subslide"):
            if start is not None:
                assert words <= LONG_PROSE_WORDS or notes, (
                    f"{where(path, start, nb.cells[start])}: {words} words of prose on one "
                    f"slide; shorten it or add a speaker-notes cell"
                )
            if cell is None:
                break
            start, words, notes = i, 0, False
        if slide_type(cell) == "notes":
            notes = True
        elif cell.cell_type == "markdown" and slide_type(cell) != "skip":
            words += prose_words(cell.source)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_ends_with_summary_and_questions(path):
    nb = nbformat.read(path, as_version=4)
    headings = [
        c.source.lstrip().splitlines()[0]
        for c in nb.cells
        if c.cell_type == "markdown" and c.source.lstrip().startswith("#")
    ]
    assert any("Summary" in h for h in headings), f"{path.name}: no 'Summary' slide"
    assert any("Check your understanding" in h for h in headings), (
        f"{path.name}: no 'Check your understanding' slide"
    )
