"""Kivo's offsets (claims' ``output_start_offset``/``output_end_offset``, source
spans' ``start_offset``/``end_offset``) count UTF-16 code units, as JavaScript
strings do. Python indexes code points, so the two differ after any character
outside the Basic Multilingual Plane (most emoji, some CJK): ``"📦 60 days"``
has ``60`` at UTF-16 offset 3 but Python index 2. These helpers convert."""

from __future__ import annotations

__all__ = ["utf16_to_index", "index_to_utf16", "utf16_slice"]


def _units(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def utf16_to_index(text: str, offset: int) -> int:
    """The Python string index of UTF-16 ``offset`` in ``text``.

    Raises ValueError for an offset beyond the text or inside a surrogate pair
    (half a character), which no Kivo offset is.
    """
    if offset < 0:
        raise ValueError(f"negative UTF-16 offset {offset}")
    units = 0
    for index, char in enumerate(text):
        if units == offset:
            return index
        units += _units(char)
        if units > offset:
            raise ValueError(f"UTF-16 offset {offset} falls inside the character at index {index}")
    if units == offset:
        return len(text)
    raise ValueError(f"UTF-16 offset {offset} is past the end of the text ({units} code units)")


def index_to_utf16(text: str, index: int) -> int:
    """The UTF-16 offset of Python string ``index`` in ``text`` (for sending offsets back)."""
    if not 0 <= index <= len(text):
        raise ValueError(f"index {index} is outside the text (length {len(text)})")
    return sum(_units(char) for char in text[:index])


def utf16_slice(text: str, start: int, end: int) -> str:
    """``text`` between two UTF-16 offsets: the exact words a claim or evidence span covers."""
    return text[utf16_to_index(text, start) : utf16_to_index(text, end)]
