"""Build offline reveal.js slides for every notebook into build/slides/.

    python tools/build_slides.py                 # every notebooks/*.ipynb, plus index.html
    python tools/build_slides.py 06_vanishing_and_exploding   # one deck (and the index)

The slides come from the executed notebooks as stored (outputs and widget state
included). nbconvert's default HTML loads reveal.js, require.js, jQuery, MathJax and the
widget renderer from CDNs; here every script, stylesheet and font is a local file in
build/slides/_vendor/. The first build fetches the five packages those files come from,
one tarball each, from the npm registry (`npm pack`: about 28 MB, no dependencies, no
install scripts) and keeps only the files the decks use (about 6 MB); later builds
reuse them and need no network.
The template (tools/slides/index.html.j2) removes the mermaid import, adds
tools/slides/course.css (sizes for a 1280x720 projector) and fits each slide to it.
"""

from __future__ import annotations

import fnmatch
import html
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
OUT = ROOT / "build" / "slides"
VENDOR = OUT / "_vendor"
TEMPLATE_DIR = Path(__file__).resolve().parent / "slides"

#: npm package -> (exact version, the files the decks load from it); the versions are
#: those nbconvert's reveal template expects from its CDNs
VENDORED = {
    "reveal.js": (
        "4.0.2",
        [
            "LICENSE",
            "dist/reveal.js",
            "dist/reveal.css",
            "dist/theme/white.css",
            "dist/theme/fonts/source-sans-pro/source-sans-pro.css",
            "dist/theme/fonts/source-sans-pro/*.woff",
            "plugin/notes/notes.js",  # the speaker view (S), its page included
        ],
    ),
    "requirejs": ("2.1.10", ["LICENSE", "require.js"]),
    "jquery": ("2.2.4", ["LICENSE.txt", "dist/jquery.min.js"]),
    "@jupyter-widgets/html-manager": ("1.0.15", ["LICENSE", "dist/embed-amd.js"]),
    "mathjax": (
        "2.7.7",
        [
            "LICENSE",
            "MathJax.js",
            "config/TeX-AMS_CHTML-full.js",
            "config/Safe.js",
            "extensions/*.js",
            "extensions/TeX/*.js",  # loaded on demand by the TeX input
            "jax/input/TeX/*",
            "jax/element/mml/*",
            "jax/element/mml/optable/*",
            "jax/output/CommonHTML/*",
            "jax/output/CommonHTML/autoload/*",
            "jax/output/CommonHTML/fonts/TeX/*",
            "fonts/HTML-CSS/TeX/woff/*",
        ],
    ),
}

#: the size the slides are laid out for (reveal.js scales it to the screen)
WIDTH, HEIGHT = 1280, 720

# Paths relative to a deck in build/slides/ (decks and _vendor sit side by side).
REVEAL_PREFIX = "_vendor/reveal.js"
REQUIRE_JS = "_vendor/requirejs/require.js"
JQUERY = "_vendor/jquery/dist/jquery.min.js"
WIDGET_RENDERER = "_vendor/@jupyter-widgets/html-manager/dist/embed-amd.js"
MATHJAX = "_vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"

# Anything that still points at the network after conversion is an error.
REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']\s*(?:https?:)?//""", re.I)


def _wanted(path: str, patterns: list[str]) -> bool:
    """Whether a file of a package (path inside it) is one the decks use; a "*" pattern
    matches the files of one directory, not of its subdirectories."""
    return any(
        fnmatch.fnmatch(path, pattern) and path.count("/") == pattern.count("/")
        for pattern in patterns
    )


def _unpack(tarball: Path, target: Path, patterns: list[str]) -> int:
    """Extract the wanted files of an npm tarball (whose files sit under package/)."""
    count = 0
    with tarfile.open(tarball) as tar:
        for member in tar.getmembers():
            name = member.name.removeprefix("package/")
            if member.isfile() and _wanted(name, patterns):
                dest = target / name
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(tar.extractfile(member).read())
                count += 1
    return count


def vendor() -> None:
    """Fetch the front-end files once; later builds reuse them (no network)."""
    stamp = VENDOR / "vendored.json"
    wanted = json.dumps(VENDORED, sort_keys=True)
    needed = [REVEAL_PREFIX + "/dist/reveal.js", REQUIRE_JS, JQUERY, WIDGET_RENDERER]
    needed.append(MATHJAX.split("?")[0])
    if stamp.exists() and stamp.read_text() == wanted and all((OUT / p).exists() for p in needed):
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit(
            "build_slides: npm is needed once, to fetch reveal.js, require.js, jQuery, "
            "MathJax and the widget renderer from the npm registry (apt-get install npm)"
        )
    specs = [f"{name}@{version}" for name, (version, _) in VENDORED.items()]
    print("build_slides: fetching", " ".join(specs), "from the npm registry (once)")
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            [npm, "pack", "--json", "--pack-destination", tmp, "--loglevel=error", *specs],
            check=True,
            capture_output=True,
            text=True,
        )
        tarballs = {
            info["name"]: Path(tmp) / info["filename"] for info in json.loads(result.stdout)
        }
        total = 0
        for name, (_, patterns) in VENDORED.items():
            count = _unpack(tarballs[name], VENDOR / name, patterns)
            if count == 0:
                sys.exit(f"build_slides: nothing unpacked from {tarballs[name].name}")
            total += count
    missing = [p for p in needed if not (OUT / p).exists()]
    if missing:
        sys.exit(f"build_slides: the fetched packages do not provide {missing}")
    stamp.write_text(wanted)
    size = sum(f.stat().st_size for f in VENDOR.rglob("*") if f.is_file())
    print(f"build_slides: kept {total} files ({size / 1e6:.1f} MB) in {VENDOR.relative_to(ROOT)}")


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
        "course_js": (TEMPLATE_DIR / "course.js").read_text(),
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


def index_entry(name: str, title: str) -> str:
    """The index line of a deck: its title, numbered once (the titles of lessons start
    with their number, "01 · Forward pass and unrolling"; the others get it in front)."""
    number = name[:2]
    text = title if title.startswith(number) else f"{number} · {title}"
    return f'<li><a href="{html.escape(name)}">{html.escape(text)}</a></li>'


def write_index(decks: list[tuple[str, str]], out: Path = OUT) -> None:
    rows = "\n".join(index_entry(name, title) for name, title in decks)
    (out / "index.html").write_text(
        f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>BPTT, interactively: slides</title>
<style>
body {{ font-family: sans-serif; max-width: 44em; margin: 3em auto; line-height: 1.5;
       color: #222; }}
ul.decks {{ list-style: none; padding-left: 0; }}
ul.decks li {{ margin: 0.3em 0; font-size: 1.2em; }}
kbd {{ border: 1px solid #aaa; border-radius: 3px; padding: 0 0.3em; }}
</style>
</head>
<body>
<h1>BPTT, interactively: slides</h1>
<ul class="decks">
{rows}
</ul>
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
