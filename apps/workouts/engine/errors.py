"""The one exception type of the progression engine."""

from __future__ import annotations


class EngineError(ValueError):
    """Input the engine cannot work with; the message names the value and the rule it breaks.

    A subclass of ``ValueError`` so callers that already map ``ValueError`` to a 400 keep working.
    """
