"""Checkers for the notebooks' "your turn" exercises, one module per topic.

They build on ``rnnlib.checks.framework.check``: run the student's function on a few cases,
compare with the reference, print precisely what differs, never raise.
"""
