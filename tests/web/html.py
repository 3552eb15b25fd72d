"""Small helpers to read rendered pages in tests without a full HTML parser."""

from __future__ import annotations

import html
import re
from typing import Any


def text(response: Any) -> str:
    return str(response.content.decode())


def ids_with_prefix(page: str, prefix: str) -> set[str]:
    """The ``data-testid`` values on the page starting with ``prefix``, prefix removed."""
    return set(re.findall(rf'data-testid="{re.escape(prefix)}([\w-]+)"', page))


def inner_text(page: str, testid: str) -> str:
    """The text (tags stripped, entities decoded, whitespace collapsed) of the first element with
    ``data-testid=testid``, up to the next closing tag of the same name."""
    match = re.search(rf'<(\w+)[^>]*data-testid="{re.escape(testid)}"[^>]*>(.*?)</\1>', page, re.S)
    assert match is not None, f"no element with data-testid={testid!r}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(2))).split())
