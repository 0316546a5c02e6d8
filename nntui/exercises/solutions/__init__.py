"""Reference solutions, one module per exercise, named like the learner's files.

They are shown to a learner only after the exercise passes, and they compute the expected
values of the checks for the pieces ``nntui.core`` does not provide in the same shape.
"""
