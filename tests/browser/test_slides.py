"""The static slides (``make slides``) in a real browser: every deck renders as reveal.js
slides (not as a long page), loads nothing from the network, logs no console error,
typesets its maths, and no slide's content is taller than the 1280x720 slide, with text
readable from the back of a room: prose 28 px and code 22 px where the slide has room,
never under 19.5 px (prose) or 15 px (code, outputs, tables) after a dense slide was
fitted. The speaker view renders the maths of the notes; the index names each deck once.

Screenshots (every fragment shown) of a few slides per deck go to
artifacts/browser/slides/, the speaker view to artifacts/browser/slides/speaker_view.png.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SLIDES = ROOT / "build" / "slides"
DECKS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))

#: reveal.js is loaded by require.js, not as a global: fetch the module (once loaded)
GET_REVEAL = """() => { try {
  window.Reveal = require("_vendor/reveal.js/dist/reveal.js");
  return Boolean(window.Reveal && Reveal.isReady());
} catch (e) { return false; } }"""

#: the smallest text on a slide, in px on the 1280x720 slide: prose (paragraphs, lists) and
#: code (code, outputs, tables of numbers); course.css sets 28 and 22, course.js shrinks a
#: slide that is too tall to 70 % at most
PROSE_MIN_PX, CODE_MIN_PX = 19.5, 15

#: per slide: (h, v, content height in px, slide height in px, smallest prose and code
#: font size in px, the largest distortion of a figure's proportions); sizes are in slide pixels
#: (reveal.js scales the slide to the window), including the slide's fitting zoom
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
  const smallest = (s, selector) => {
    let least = null;
    for (const el of s.querySelectorAll(selector)) {
      if (!el.getClientRects().length || el.closest('aside.notes, .mjx-chtml')) continue;
      if (!el.textContent.trim()) continue;
      let zoom = 1;
      for (let e = el; e && e !== s.parentNode; e = e.parentElement) {
        zoom *= parseFloat(getComputedStyle(e).zoom || '1');
      }
      const px = parseFloat(getComputedStyle(el).fontSize) * zoom;
      if (least === null || px < least) least = px;
    }
    return least === null ? null : Math.round(least * 10) / 10;
  };
  // how far the most distorted figure's shown proportions are from its pixels' (0: none)
  const distortion = (s) => {
    let worst = 0;
    for (const img of s.querySelectorAll('img')) {
      if (!img.naturalHeight || !img.getClientRects().length) continue;
      const r = img.getBoundingClientRect();
      const shown = r.width / r.height, own = img.naturalWidth / img.naturalHeight;
      worst = Math.max(worst, Math.abs(shown / own - 1));
    }
    return Math.round(worst * 1000) / 1000;
  };
  const total = Reveal.getHorizontalSlides().length;
  for (let h = 0; h < total; h++) {
    const column = Reveal.getHorizontalSlides()[h];
    const nv = Math.max(1, column.querySelectorAll(':scope > section').length);
    for (let v = 0; v < nv; v++) {
      Reveal.slide(h, v, Number.MAX_SAFE_INTEGER);  // every fragment shown
      const s = Reveal.getCurrentSlide();
      out.push([h, v, Math.round(extent(s)), height,
                smallest(s, 'p, li'), smallest(s, 'pre, td, th'), distortion(s)]);
    }
  }
  Reveal.slide(0, 0, 0);
  return out;
}"""


@pytest.fixture(scope="session")
def slides_dir(slides_build):
    """Every deck, built once for this test session (started when the tests were collected)."""
    return slides_build


class Deck:
    """A deck's page, with the console errors and the network requests it made."""

    def __init__(self, browser, path):
        self.page = browser.new_page(viewport={"width": 1280, "height": 720})
        self.errors, self.remote = [], []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on(
            "request",
            lambda r: (
                self.remote.append(r.url)
                if not r.url.startswith(("file:", "data:", "blob:"))
                else None
            ),
        )
        self.page.goto(path.as_uri(), wait_until="commit")


class Decks(dict):
    """decks[name]: that deck's page; the next two decks start loading meanwhile, so
    that their maths is typeset while this one is checked."""

    AHEAD = 2

    def __init__(self, browser, slides_dir):
        super().__init__()
        self.browser, self.slides_dir = browser, slides_dir

    def __missing__(self, name):
        i = DECKS.index(name)
        for deck in DECKS[i : i + 1 + self.AHEAD]:
            if deck not in self.keys():
                self[deck] = Deck(self.browser, self.slides_dir / f"{deck}.slides.html")
        return self[name]

    def get_ahead(self, name):
        deck = self[name]
        i = DECKS.index(name)
        for ahead in DECKS[i + 1 : i + 1 + self.AHEAD]:
            if ahead not in self.keys():
                self[ahead] = Deck(self.browser, self.slides_dir / f"{ahead}.slides.html")
        return deck


@pytest.fixture(scope="session")
def decks(browser, slides_dir):
    opened = Decks(browser, slides_dir)
    yield opened
    for deck in opened.values():
        deck.page.close()


@pytest.fixture(scope="session")
def slide_shots(artifacts):
    path = artifacts / "slides"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("deck", DECKS)
def test_deck_renders_offline_as_slides(decks, slide_shots, deck):
    opened = decks.get_ahead(deck)
    page, errors, remote = opened.page, opened.errors, opened.remote
    page.bring_to_front()
    page.wait_for_load_state("load")
    page.wait_for_function(GET_REVEAL, timeout=20_000)
    # reveal.js took over: one slide at a time, no long scrolling page
    assert (
        page.evaluate("document.querySelectorAll('.reveal .slides > section.present').length") == 1
    )
    assert page.evaluate("Reveal.getTotalSlides()") >= 5
    assert page.evaluate("document.scrollingElement.scrollHeight") <= 720 + 1
    page.wait_for_function(  # MathJax typeset the title slide's page
        "window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0 "
        "&& MathJax.Hub.queue.running === 0",
        timeout=20_000,
    )
    slides = page.evaluate(MEASURE_ALL)
    too_tall = [(h, v, c) for h, v, c, limit, *_ in slides if c > limit]
    stretched = [(h, v, d) for h, v, *_, d in slides if d > 0.02]
    small = [
        (h, v, prose, code)
        for h, v, _, _, prose, code, _ in slides
        if (prose or PROSE_MIN_PX) < PROSE_MIN_PX or (code or CODE_MIN_PX) < CODE_MIN_PX
    ]
    n = len(slides)
    for h, v in {(0, 0), (slides[n // 2][0], slides[n // 2][1]), (slides[-1][0], 0)}:
        page.evaluate(f"Reveal.slide({h}, {v}, Number.MAX_SAFE_INTEGER)")
        page.wait_for_timeout(300)  # fragments fade in
        page.screenshot(path=str(slide_shots / f"{deck}_{h:02d}_{v}.png"))
    assert not too_tall, (
        f"{deck}: slides taller than 720 px even at the smallest readable size (h, v, px): "
        f"{too_tall}; split them (a new '### ' subslide) or shorten their code"
    )
    assert not small, (
        f"{deck}: text smaller than {PROSE_MIN_PX} px (prose) or {CODE_MIN_PX} px (code) "
        f"(h, v, prose px, code px): {small}"
    )
    assert not stretched, (
        f"{deck}: figures shown out of proportion (h, v, relative distortion): {stretched}"
    )
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


def notes_with_a_fraction():
    """The first deck whose speaker notes hold a fraction (\\frac: the maths that lost its
    bar in the speaker view), or None."""
    for deck in DECKS:
        cells = json.loads((ROOT / "notebooks" / f"{deck}.ipynb").read_text())["cells"]
        for cell in cells:
            source = "".join(cell["source"])
            notes = cell["metadata"].get("slideshow", {}).get("slide_type") == "notes"
            if notes and re.search(r"\$[^$]*\\frac[^$]*\$", source):
                return deck
    return None


#: go to the slide (and fragment) whose notes hold a typeset fraction
GO_TO_NOTES = """() => {
  const a = Array.from(document.querySelectorAll('aside.notes'))
    .find(a => a.querySelector('.mjx-mfrac'));
  if (!a) return false;
  const fragment = a.closest('.fragment');
  const i = Reveal.getIndices(a.closest('section'));
  Reveal.slide(i.h, i.v || 0, fragment ? Number(fragment.dataset.fragmentIndex) : undefined);
  return Boolean(a.querySelector('.mjx-mfrac'));
}"""


def test_speaker_view_renders_the_maths_of_the_notes(decks, slide_shots):
    deck = notes_with_a_fraction()
    assert deck, (
        "no speaker notes with a fraction ($\\frac{..}{..}$) in any notebook: nothing to check"
    )
    page = decks[deck].page
    page.bring_to_front()
    page.wait_for_load_state("load")
    page.wait_for_function(GET_REVEAL, timeout=20_000)
    page.wait_for_function(
        "window.MathJax && MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0",
        timeout=20_000,
    )
    assert page.evaluate(GO_TO_NOTES), f"{deck}: the notes' fraction was not typeset"
    with page.expect_popup() as popup:
        page.keyboard.press("s")
    speaker = popup.value
    try:
        speaker.set_viewport_size({"width": 1100, "height": 700})
        notes = ".speaker-controls-notes .value"
        speaker.wait_for_selector(f"{notes} .mjx-chtml", timeout=15_000)
        styled = speaker.evaluate(
            f"getComputedStyle(document.querySelector('{notes} .mjx-chtml')).display"
        )
        assert styled == "inline-block", f"{deck}: the notes' maths has no MathJax styles"
        bars = speaker.evaluate(
            f"Array.from(document.querySelectorAll('{notes} .mjx-mfrac .mjx-line'))"
            ".map(l => l.getBoundingClientRect().height)"
        )
        assert bars and min(bars) > 0, f"{deck}: fraction bars missing in the notes: {bars}"
        speaker.wait_for_timeout(500)  # the slide previews settle
        speaker.screenshot(path=str(slide_shots / "speaker_view.png"))
    finally:
        speaker.close()


def test_the_index_names_each_deck_once(slides_dir):
    items = re.findall(
        r"<li><a href=\"([^\"]+)\">([^<]+)</a></li>", (slides_dir / "index.html").read_text()
    )
    assert [href for href, _ in items] == [f"{deck}.slides.html" for deck in DECKS]
    for href, text in items:
        number = href[:2]
        assert text.startswith(f"{number} · ") and text.count(number) == 1, text
