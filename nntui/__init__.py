"""nntui: learn how a neural network works by building one from scratch in NumPy."""

__version__ = "0.1.0"
