"""Build offline reveal.js slides for every notebook into build/slides/.

    python tools/build_slides.py                 # every notebooks/*.ipynb, plus index.html
    python tools/build_slides.py 06_vanishing_and_exploding   # one deck (and the index)

The slides come from the executed notebooks as stored (outputs and widget state
included). nbconvert's default HTML loads reveal.js, require.js, jQuery, MathJax and the
widget renderer from CDNs; here every script, stylesheet and font is a local file: the
exact versions are installed once from the npm registry into build/slides/_vendor/
(cached: a rebuild does not touch the network) and nbconvert is pointed at them.
The template (tools/slides/index.html.j2) removes the mermaid import and adds
tools/slides/course.css (font sizes for a 1280x720 projector).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
OUT = ROOT / "build" / "slides"
VENDOR = OUT / "_vendor"
MODULES = VENDOR / "node_modules"
TEMPLATE_DIR = Path(__file__).resolve().parent / "slides"

#: npm packages matching what nbconvert's reveal template expects from its CDNs
NPM_PACKAGES = {
    "reveal.js": "4.0.2",
    "requirejs": "2.1.10",
    "jquery": "2",
    "@jupyter-widgets/html-manager": "1",
    "mathjax": "2.7.7",
}

#: the size the slides are laid out for (reveal.js scales it to the screen)
WIDTH, HEIGHT = 1280, 720

# Paths relative to a deck in build/slides/ (decks and _vendor sit side by side).
REVEAL_PREFIX = "_vendor/node_modules/reveal.js"
REQUIRE_JS = "_vendor/node_modules/requirejs/require.js"
JQUERY = "_vendor/node_modules/jquery/dist/jquery.min.js"
WIDGET_RENDERER = "_vendor/node_modules/@jupyter-widgets/html-manager/dist/embed-amd.js"
MATHJAX = "_vendor/node_modules/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"

# Anything that still points at the network after conversion is an error.
REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']\s*(?:https?:)?//""", re.I)


def vendor() -> None:
    """Install the front-end packages once; later builds reuse them."""
    stamp = VENDOR / "installed.json"
    wanted = json.dumps(NPM_PACKAGES, sort_keys=True)
    needed = [
        REVEAL_PREFIX + "/dist/reveal.js",
        REQUIRE_JS,
        JQUERY,
        WIDGET_RENDERER,
        MATHJAX.split("?")[0],
    ]
    if stamp.exists() and stamp.read_text() == wanted and all((OUT / p).exists() for p in needed):
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit(
            "build_slides: npm is needed once to fetch reveal.js, MathJax and the widget "
            "renderer from the npm registry (apt-get install npm)"
        )
    VENDOR.mkdir(parents=True, exist_ok=True)
    specs = [f"{name}@{version}" for name, version in NPM_PACKAGES.items()]
    print("build_slides: installing", " ".join(specs), "into", VENDOR.relative_to(ROOT))
    subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(VENDOR),
            "--no-audit",
            "--no-fund",
            "--no-save",
            "--loglevel=error",
            *specs,
        ],
        check=True,
    )
    missing = [p for p in needed if not (OUT / p).exists()]
    if missing:
        sys.exit(f"build_slides: npm install did not provide {missing}")
    stamp.write_text(wanted)


def exporter() -> SlidesExporter:
    c = Config()
    c.SlidesExporter.reveal_url_prefix = REVEAL_PREFIX
    c.SlidesExporter.require_js_url = REQUIRE_JS
    c.SlidesExporter.jquery_url = JQUERY
    c.SlidesExporter.widget_renderer_url = WIDGET_RENDERER
    c.SlidesExporter.mathjax_url = MATHJAX
    c.SlidesExporter.reveal_width = str(WIDTH)
    c.SlidesExporter.reveal_height = str(HEIGHT)
    c.SlidesExporter.reveal_number = "c/t"
    c.SlidesExporter.reveal_transition = "none"
    c.SlidesExporter.reveal_theme = (
        "white"  # local fonts (the default "simple" imports Google fonts)
    )
    c.SlidesExporter.exclude_input_prompt = True
    c.SlidesExporter.exclude_output_prompt = True
    c.SlidesExporter.extra_template_basedirs = [str(TEMPLATE_DIR.parent)]
    c.SlidesExporter.template_name = TEMPLATE_DIR.name
    return SlidesExporter(config=c)


def title_of(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def build_deck(path: Path, exp: SlidesExporter) -> tuple[str, str]:
    nb = nbformat.read(path, as_version=4)
    resources = {
        "metadata": {"name": path.stem, "path": str(path.parent)},
        "course_css": (TEMPLATE_DIR / "course.css").read_text(),
    }
    body, _ = exp.from_notebook_node(nb, resources=resources)
    # links between notebooks lead to the other decks
    body = re.sub(r'href="(\d\d_\w+)\.ipynb', r'href="\1.slides.html', body)
    remote = [m.group(0) for m in REMOTE.finditer(body)]
    if remote:
        raise SystemExit(f"build_slides: {path.name} still loads from the network: {remote[:3]}")
    target = OUT / f"{path.stem}.slides.html"
    target.write_text(body, encoding="utf-8")
    return target.name, title_of(nb)


def write_index(decks: list[tuple[str, str]]) -> None:
    rows = "\n".join(
        f'<li><a href="{html.escape(name)}">{html.escape(name.split(".")[0][:2])} · '
        f"{html.escape(title)}</a></li>"
        for name, title in decks
    )
    (OUT / "index.html").write_text(
        f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>BPTT, interactively: slides</title>
<style>
body {{ font-family: sans-serif; max-width: 44em; margin: 3em auto; line-height: 1.5;
       color: #222; }}
li {{ margin: 0.3em 0; font-size: 1.2em; }}
kbd {{ border: 1px solid #aaa; border-radius: 3px; padding: 0 0.3em; }}
</style>
</head>
<body>
<h1>BPTT, interactively: slides</h1>
<ol start="0">
{rows}
</ol>
<p>Keys: <kbd>→</kbd>/<kbd>Space</kbd> next, <kbd>←</kbd> back, <kbd>Esc</kbd> overview,
<kbd>S</kbd> speaker notes (separate window), <kbd>F</kbd> full screen.</p>
<p>These slides show the stored outputs; to move the sliders live, present the notebook
in JupyterLab (see docs/instructors.md).</p>
</body>
</html>
""",
        encoding="utf-8",
    )


def main(argv: list[str]) -> None:
    start = time.perf_counter()
    vendor()
    exp = exporter()
    selected = {Path(a).stem for a in argv}
    notebooks = sorted(NB_DIR.glob("*.ipynb"))
    if selected:
        unknown = selected - {p.stem for p in notebooks}
        if unknown:
            sys.exit(f"build_slides: no notebook named {sorted(unknown)} in notebooks/")
    decks = []
    for path in notebooks:
        if not selected or path.stem in selected:
            build_deck(path, exp)
        decks.append((f"{path.stem}.slides.html", title_of(nbformat.read(path, as_version=4))))
    write_index(decks)
    print(
        f"build_slides: {len(selected) or len(notebooks)} deck(s) + index.html in "
        f"{OUT.relative_to(ROOT)}/ ({time.perf_counter() - start:.1f} s)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
