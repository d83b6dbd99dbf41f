"""The static slides (``make slides``) in a real browser: every deck renders as reveal.js
slides (not as a long page), loads nothing from the network, logs no console error,
typesets its maths, and no slide's content is taller than the 1280x720 slide.

Screenshots of a few slides per deck go to artifacts/browser/slides/.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SLIDES = ROOT / "build" / "slides"
DECKS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))

#: reveal.js is loaded by require.js, not as a global: fetch the module (once loaded)
GET_REVEAL = """() => { try {
  window.Reveal = require("_vendor/node_modules/reveal.js/dist/reveal.js");
  return Boolean(window.Reveal && Reveal.isReady());
} catch (e) { return false; } }"""

#: per slide: (h, v, content height in px, slide height in px); the content height is
#: the extent of the slide's visible blocks, in slide pixels (reveal.js scales the slide)
MEASURE_ALL = """() => {
  const out = [];
  const height = Reveal.getConfig().height;
  const extent = (s) => {
    const boxes = Array.from(s.children)
      .filter(c => getComputedStyle(c).display !== 'none')
      .map(c => c.getBoundingClientRect());
    if (!boxes.length) return 0;
    const top = Math.min(...boxes.map(b => b.top));
    const bottom = Math.max(...boxes.map(b => b.bottom));
    return (bottom - top) / Reveal.getScale();
  };
  const total = Reveal.getHorizontalSlides().length;
  for (let h = 0; h < total; h++) {
    const column = Reveal.getHorizontalSlides()[h];
    const nv = Math.max(1, column.querySelectorAll(':scope > section').length);
    for (let v = 0; v < nv; v++) {
      Reveal.slide(h, v, Number.MAX_SAFE_INTEGER);  // every fragment shown
      const s = Reveal.getCurrentSlide();
      out.push([h, v, Math.round(extent(s)), height]);
    }
  }
  Reveal.slide(0, 0, 0);
  return out;
}"""


@pytest.fixture(scope="session")
def slides_dir():
    """Build every deck once for this test session."""
    subprocess.run([sys.executable, str(ROOT / "tools" / "build_slides.py")], check=True, cwd=ROOT)
    return SLIDES


@pytest.fixture(scope="session")
def slide_shots(artifacts):
    path = artifacts / "slides"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("deck", DECKS)
def test_deck_renders_offline_as_slides(browser, slides_dir, slide_shots, deck):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    errors, remote = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "request",
        lambda r: (
            remote.append(r.url) if not r.url.startswith(("file:", "data:", "blob:")) else None
        ),
    )
    try:
        page.goto((slides_dir / f"{deck}.slides.html").as_uri())
        page.wait_for_function(GET_REVEAL, timeout=20_000)
        # reveal.js took over: one slide at a time, no long scrolling page
        assert (
            page.evaluate("document.querySelectorAll('.reveal .slides > section.present').length")
            == 1
        )
        assert page.evaluate("Reveal.getTotalSlides()") >= 5
        assert page.evaluate("document.scrollingElement.scrollHeight") <= 720 + 1
        page.wait_for_function(  # MathJax typeset the title slide's page
            "window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0 "
            "&& MathJax.Hub.queue.running === 0",
            timeout=20_000,
        )
        heights = page.evaluate(MEASURE_ALL)
        too_tall = [(h, v, c) for h, v, c, limit in heights if c > limit]
        n = len(heights)
        for h, v in {(0, 0), (heights[n // 2][0], heights[n // 2][1]), (heights[-1][0], 0)}:
            page.evaluate(f"Reveal.slide({h}, {v})")
            page.screenshot(path=str(slide_shots / f"{deck}_{h:02d}_{v}.png"))
        assert not too_tall, f"{deck}: slides taller than 720 px (h, v, px): {too_tall}"
        assert not remote, f"{deck}: requests to the network: {remote[:5]}"
        assert not errors, f"{deck}: console errors: {errors[:5]}"
        rendered_math = page.evaluate("document.querySelectorAll('.mjx-chtml').length")
        has_math = "$" in (ROOT / "notebooks" / "py" / f"{deck}.py").read_text()
        assert rendered_math > 0 or not has_math, f"{deck}: the maths was not typeset"
        doubled = page.evaluate(
            "Array.from(document.querySelectorAll('.mjx-chtml'))"
            ".filter(f => f.querySelectorAll(':scope > .mjx-math').length > 1).length"
        )
        assert doubled == 0, f"{deck}: {doubled} formulas are shown twice"
    finally:
        page.close()
