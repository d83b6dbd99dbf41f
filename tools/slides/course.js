/* Course slides on a 1280x720 projector (inlined into every deck by build_slides.py).

   1. Fit: course.css sets sizes readable from the back of a room. A slide whose content
      is taller than the frame first gets smaller figures (down to FIGURE_MIN px high),
      then is zoomed out as a whole, never below MIN_ZOOM; tests/browser/test_slides.py
      checks that every slide then fits and that no text is smaller than it allows.
   2. Speaker view (S): reveal.js copies a slide's notes as HTML into a separate window;
      that window gets MathJax's style sheets, so typeset maths (fraction bars, roots,
      sizes) looks as it does on the slide. */
(function () {
  "use strict";
  const FIGURE_MAX = 560; // px: a figure's largest height on a slide
  const FIGURE_MIN = 300; // px: the smallest a figure is made before the text shrinks
  const UPSCALE = 1.6; // a figure is shown at most this much larger than its pixels
  const MIN_ZOOM = 0.7; // the smallest zoom of a whole slide (text no smaller than 19.6 px)

  function leafSlides(Reveal) {
    return Array.from(Reveal.getSlidesElement().querySelectorAll("section")).filter(
      (s) => !s.querySelector("section")
    );
  }

  /* Wrap a slide's content once, so that zooming it changes the height reveal.js sees. */
  function content(slide) {
    let box = slide.querySelector(":scope > .course-fit");
    if (!box) {
      box = document.createElement("div");
      box.className = "course-fit";
      Array.from(slide.childNodes)
        .filter((n) => !(n.nodeType === 1 && n.matches("aside.notes")))
        .forEach((n) => box.appendChild(n));
      slide.insertBefore(box, slide.firstChild);
    }
    return box;
  }

  function figures(box) {
    return Array.from(box.querySelectorAll(".jp-RenderedImage img, img.rnnlib-explorer-image"));
  }

  /* Width and height both set, in proportion: a height alone lets a width-limited image
     (max-width) or a stretched widget image (the explorers' flex box) lose its aspect. */
  function sizeFigures(box, limit) {
    for (const img of figures(box)) {
      if (!img.naturalHeight) continue; // not decoded yet: sized again on load
      const ratio = img.naturalWidth / img.naturalHeight;
      const room = img.parentElement.clientWidth || img.naturalWidth * UPSCALE;
      const height = Math.min(img.naturalHeight * UPSCALE, limit, room / ratio);
      img.style.height = height + "px";
      img.style.width = height * ratio + "px";
      img.style.maxWidth = "none";
      img.style.alignSelf = "flex-start";
    }
  }

  function tooTall(slide, box, height) {
    return box.getBoundingClientRect().height / slideScale(slide) > height;
  }

  function slideScale(slide) {
    // reveal.js scales the whole frame to the window; measure in slide pixels
    const frame = slide.closest(".slides");
    return frame.getBoundingClientRect().width / frame.offsetWidth || 1;
  }

  function fit(Reveal, slide) {
    const height = Reveal.getConfig().height;
    const box = content(slide);
    box.style.zoom = "";
    sizeFigures(box, FIGURE_MAX);
    if (tooTall(slide, box, height) && figures(box).length) {
      let lo = FIGURE_MIN, hi = FIGURE_MAX;
      sizeFigures(box, lo);
      if (!tooTall(slide, box, height)) {
        for (let i = 0; i < 8; i++) {
          const mid = (lo + hi) / 2;
          sizeFigures(box, mid);
          if (tooTall(slide, box, height)) hi = mid;
          else lo = mid;
        }
      }
      sizeFigures(box, lo);
    }
    if (tooTall(slide, box, height)) {
      let lo = MIN_ZOOM, hi = 1;
      for (let i = 0; i < 8; i++) {
        const mid = (lo + hi) / 2;
        box.style.zoom = String(mid);
        if (tooTall(slide, box, height)) hi = mid;
        else lo = mid;
      }
      box.style.zoom = String(lo);
    }
    slide.dataset.courseZoom = box.style.zoom || "1";
  }

  function fitCurrent(Reveal) {
    const slide = Reveal.getCurrentSlide();
    if (slide) {
      fit(Reveal, slide);
      Reveal.layout();
    }
  }

  function speakerViewMaths() {
    const open = window.open;
    window.open = function () {
      const popup = open.apply(window, arguments);
      if (popup) {
        setTimeout(() => {
          const head = popup.document && popup.document.head;
          if (!head) return;
          document.querySelectorAll("style").forEach((style) => {
            if (/mjx|MathJax/.test(style.id + style.textContent.slice(0, 2000))) {
              head.appendChild(popup.document.importNode(style, true));
            }
          });
        }, 0);
      }
      return popup;
    };
  }

  window.courseSlides = function (Reveal) {
    speakerViewMaths();
    Reveal.on("ready", () => fitCurrent(Reveal));
    Reveal.on("slidechanged", () => fitCurrent(Reveal));
    // figures decode and maths is typeset after the first layout: fit again then
    document.addEventListener("load", (e) => {
      if (e.target.tagName === "IMG" && e.target.closest("section") === Reveal.getCurrentSlide()) {
        fitCurrent(Reveal);
      }
    }, true);
    if (window.MathJax && MathJax.Hub) MathJax.Hub.Queue(() => fitCurrent(Reveal));
    window.courseFit = (slide) => fit(Reveal, slide || Reveal.getCurrentSlide());
    window.courseLeafSlides = () => leafSlides(Reveal);
  };
})();
