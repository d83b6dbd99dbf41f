"""Figures of the course (matplotlib). Import the topic modules you need, e.g.
``from rnnlib.viz import graph``; ``use_course_style()`` sets projector-friendly defaults."""

from .style import COLORS, use_course_style

__all__ = ["COLORS", "use_course_style"]
