"""Checkers for the notebooks' "your turn" exercises, one module per topic.

They build on ``rnnlib.checks.framework.check``: run the student's function on a few cases,
compare with the reference, print precisely what differs, never raise on a wrong answer
(only on something that is not a function at all).
"""

# nothing at package level: import the checkers of a topic from its module, e.g.
# ``from rnnlib.checks.forward import check_step_forward``
__all__: list[str] = []
