"""How values cross the pipe between the app and the sandboxed child: JSON with tagged arrays.

NumPy arrays, NumPy scalars and tuples survive the round trip; everything else must be
plain JSON (numbers, strings, lists, dicts with string keys, None, booleans).

Standalone (the standard library, and NumPy only when an array crosses): the sandboxed
child loads this very file. Decoding never trusts the sender's dtype beyond plain numbers.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["encode", "decode", "dumps", "loads"]


def encode(value: Any) -> Any:
    """A JSON-ready form of ``value``."""
    # numpy is only looked at when the value comes from it, so the parent need not import it.
    module = type(value).__module__
    if module == "numpy":
        import numpy as np

        if isinstance(value, np.ndarray):
            return {"__ndarray__": encode(value.tolist()), "dtype": str(value.dtype)}
        if isinstance(value, np.generic):
            return encode(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return {"__float__": repr(value)}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot send a {type(value).__name__} to the exercise process")


def decode(value: Any) -> Any:
    """Undo :func:`encode`."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if "__ndarray__" in value:
            import numpy as np

            return np.array(decode(value["__ndarray__"]), dtype=_number_dtype(value.get("dtype")))
        if "__tuple__" in value:
            return tuple(decode(v) for v in value["__tuple__"])
        if "__float__" in value:
            return float(value["__float__"])
        return {k: decode(v) for k, v in value.items()}
    return value


def _number_dtype(name):
    """The array's dtype if it is a plain number type (bool, int, float), else float64."""
    import numpy as np

    try:
        dtype = np.dtype(str(name))
    except (TypeError, ValueError):
        return np.float64
    return dtype if dtype.kind in "biuf" and dtype.itemsize <= 16 else np.float64


def dumps(value: Any) -> str:
    """One line of JSON for ``value``."""
    return json.dumps(encode(value), separators=(",", ":"))


def loads(line: str) -> Any:
    """Parse one line written by :func:`dumps`."""
    return decode(json.loads(line))
