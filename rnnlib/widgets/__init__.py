"""Interactive explorers (ipywidgets). Each topic module builds on ``Explorer``:
controls on top, one figure below that is redrawn in place when a control moves."""

from .base import Explorer, placeholder

__all__ = ["Explorer", "placeholder"]
