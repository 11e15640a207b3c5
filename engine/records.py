"""What each field of a problem record must be: one table, for :meth:`Family.check
<gramgen.family.Family.check>` (which requires every field) and for the commands that
read problem files (:mod:`gramgen.datasets`, which check the fields they use)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

__all__ = ["RECORD_FIELDS", "field_problem", "short_repr"]


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_seed(v: Any) -> bool:  # (a run's file writes a 64-bit stream seed as text)
    return _is_int(v) or (isinstance(v, str) and v.isdigit())


def _is_number(v: Any) -> bool:
    return _is_int(v) or isinstance(v, float)


def _is_text(v: Any) -> bool:
    return isinstance(v, str)


def _is_path(v: Any) -> bool:
    return isinstance(v, list) and all(_is_int(c) and c >= 0 for c in v)


#: What each field of a record must be, as (test, what it must be); a dotted name is a
#: field of a field.
RECORD_FIELDS: Final[dict[str, tuple[Callable[[Any], bool], str]]] = {
    "id": (lambda v: isinstance(v, str) and v != "", "a non-empty string"),
    "question": (_is_text, "a string"),
    "answer": (_is_text, "a string"),
    "answer_type": (_is_text, "a string"),
    "answer_value": (lambda v: v is None or _is_number(v), "a number or null"),
    "answer_text": (_is_text, "a string"),
    "solvable": (lambda v: isinstance(v, bool), "true or false"),
    "steps": (lambda v: isinstance(v, list) and all(map(_is_text, v)), "a list of strings"),
    "trace": (_is_text, "a string"),
    "family": (lambda v: isinstance(v, str) and v != "", "a non-empty string"),
    "topic": (_is_text, "a string"),
    "difficulty": (_is_int, "an integer"),
    "provenance": (lambda v: isinstance(v, Mapping), "an object"),
    "provenance.grammar": (_is_text, "a string"),
    "provenance.grammar_sha256": (_is_text, "a string"),
    "provenance.path": (_is_path, "a list of whole numbers"),
    "provenance.seed": (_is_seed, "an integer (or its decimal text)"),
    "provenance.index": (_is_int, "an integer"),
    "provenance.gramgen": (_is_text, "a string"),
}


def short_repr(value: Any) -> str:
    """``repr(value)``, cut to 60 characters (for a message)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def field_problem(record: Mapping[str, Any], name: str, *, required: bool = True) -> str | None:
    """What is wrong with field ``name`` of ``record`` (:data:`RECORD_FIELDS`), or None.
    A field of a field (``provenance.path``) is looked at only where the outer field is
    an object (the outer field's own problem is told first)."""
    holder: Any = record
    *outer, key = name.split(".")
    for part in outer:
        holder = holder.get(part)
        if not isinstance(holder, Mapping):
            return None
    if key not in holder:
        return f"the record has no field {name!r}" if required else None
    test, kind = RECORD_FIELDS[name]
    if not test(holder[key]):
        return f"field {name!r} is {short_repr(holder[key])}, not {kind}"
    return None
