"""History CSV parsers (Strong, Hevy): pure Python, no Django, no database.

``parse_history(text, fmt=..., unit=..., tz=...)`` reads a whole file and returns every set it
could read (``ImportedSet``, load in kilograms) and every row it could not (``RowError``, with the
file's line number, counting the header as line 1). What to do with bad rows (import the good
ones or none) is the caller's decision: ``apps.workouts.services.imports``.
"""

from apps.workouts.importers.base import (
    MAX_FILE_BYTES,
    HistoryFormat,
    ImportedSet,
    ParsedHistory,
    RowError,
    parse_history,
)

__all__ = ["MAX_FILE_BYTES", "HistoryFormat", "ImportedSet", "ParsedHistory", "RowError", "parse_history"]
