"""English word forms for filling problems: plurals, singulars, verb agreement, a/an.

Backed by ``inflect`` (one shared engine, see ``_inflect``); every function is
cached, since a run asks for the same few hundred words again and again.
"""

from __future__ import annotations

import functools

from ._inflect import engine

__all__ = ["article", "is_singular", "plural", "singular", "verb_forms"]


@functools.cache
def plural(word: str) -> str:
    """The plural of the noun ``word`` ("apple" -> "apples")."""
    return str(engine().plural_noun(word))


@functools.cache
def singular(word: str) -> str:
    """The singular of the noun ``word``; ``word`` itself when it is not a plural."""
    got = engine().singular_noun(word)
    return word if got is False else str(got)


def is_singular(word: str) -> bool:
    """Whether the noun ``word`` is singular (inflect finds no singular of it)."""
    return singular(word) == word


@functools.cache
def verb_forms(text: str) -> tuple[str, str]:
    """(base, third person singular) of a present-tense verb (``picks up`` too)."""
    head, sep, rest = text.partition(" ")
    base = str(engine().plural_verb(head))
    irregular = {"have": "has", "are": "is", "were": "was"}
    if base in irregular:
        third = irregular[base]
    elif base.endswith(("s", "sh", "ch", "x", "z", "o")):
        third = base + "es"
    elif len(base) > 1 and base.endswith("y") and base[-2] not in "aeiou":
        third = base[:-1] + "ies"
    else:
        third = base + "s"
    return base + sep + rest, third + sep + rest


@functools.cache
def article(word: str) -> str:
    """ "a" or "an", as written before ``word``."""
    return str(engine().a(word)).split()[0]
