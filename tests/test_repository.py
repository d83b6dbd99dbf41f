"""The repository's maps stay true: every .PHONY target of the Makefile exists and
`make help` lists it; the README's module map names every module of rnnlib."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAKEFILE = (ROOT / "Makefile").read_text()


def _phony():
    lines = re.findall(r"^\.PHONY:(.*)$", MAKEFILE, flags=re.M)
    return [t for line in lines for t in line.split()]


def test_phony_targets_all_have_a_rule():
    rules = set(re.findall(r"^([A-Za-z][\w-]*):(?!=)", MAKEFILE, flags=re.M))
    assert {"help", "test", "lint", "unit"} <= set(_phony())
    assert [t for t in _phony() if t not in rules] == []


def test_make_help_lists_every_phony_target():
    out = subprocess.run(
        ["make", "-s", "--no-print-directory", "help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    listed = re.findall(r"^make (\S+)", out, flags=re.M)
    assert sorted(listed) == sorted(t for t in _phony() if t != "help")


def test_readme_module_map_names_every_module():
    readme = (ROOT / "README.md").read_text()
    modules = sorted(
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "rnnlib").rglob("*.py")
        if p.name != "__init__.py"
    )
    assert len(modules) > 30
    missing = [m for m in modules if f"| `{m}` |" not in readme]
    assert missing == [], f"add a line for each to the module map in README.md: {missing}"
    mapped = re.findall(r"^\| `(rnnlib/[\w/]+\.py)` \|", readme, flags=re.M)
    assert [m for m in mapped if m not in modules] == []  # no line for a module that is gone


def _words(text):
    return " ".join(text.replace("#", " ").replace(">", " ").split())


def test_the_instructors_notes_quote_notebook_00s_words_on_widgets_not_yet_run():
    """One explanation of the text shown where a widget will be (a cell not yet run),
    the same in the instructors' notes as in notebook 00."""
    docs = (ROOT / "docs" / "instructors.md").read_text()
    quote = re.search(r"Notebook 00 says\s+the same to students.*?\n\n((?:\s*>.*\n)+)", docs)
    assert quote, "docs/instructors.md no longer quotes notebook 00 on widgets not yet run"
    notebook = (ROOT / "notebooks" / "py" / "00_start_here.py").read_text()
    assert _words(quote.group(1)) in _words(notebook)
