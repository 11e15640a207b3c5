"""Filling a view's slots, compiled: one generated function per way of filling.

A view's slots (numbers, then names, pronouns, verbs, nouns, words and articles in
the order of their tokens) are the same for every problem of the view; only the
tokens' positions (``kept``), the numbers and the random draws differ. So the
dispatch on each slot's kind, the look-ups of its role and lexicon, and the errors
a binding can meet are settled once, and filling a problem is straight-line code:

* each number is written in its slot's style;
* a role is bound where it first appears: a person drawn from the names not yet
  taken in this problem, a word from its lexicon's words not yet taken;
* a pronoun or verb agrees with its person, a noun with its count, an article
  with its word;
* a word opening a sentence is capitalised;
* every text is checked to be a token of its terminal (``checked``).

The draws (``randrange`` calls and their order), the texts and the errors are
those of binding slot by slot. Views that fill alike share one function.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, MutableSequence, Sequence
from typing import Any

from .english import article, plural, verb_forms
from .errors import SemanticError
from .semantics import PRONOUNS, Slot, format_number

#: ``fill(out, kept, values, rng)``: fills ``out`` (the derivation's tokens, copied)
Tokens = MutableSequence[tuple[int, str]]
Fill = Callable[[Tokens, Sequence[int], Mapping[str, Any], random.Random], None]

# numbers whose text needs no call when they are whole, by style
_WHOLE = {"int": "str(v)", "decimal": "str(v)", "comma": 'f"{v:,}"'}


def fill_source(
    numbers: Sequence[Slot],
    others: Sequence[Slot],
    people: int,
    lexicons: Mapping[str, int],
    source: str,
) -> str:
    """The source of ``fill`` for slots ``numbers`` and ``others`` (in token order).

    ``people``: how many names there are to give; ``lexicons``: each lexicon's
    number of words. A binding that cannot be made (no names or words left, no such
    lexicon) becomes a ``raise`` of the SemanticError binding would raise, naming
    ``source``, where it would be met.
    """
    lines = ["def fill(out, kept, values, rng):", "    rb = rng.randrange"]
    add = lines.append
    for slot in numbers:
        add(f"    i = kept[{slot.index}]; s = out[i][0]; v = values[{slot.name!r}]")
        fast = _WHOLE.get(slot.style)
        slow = f"_format(v, {slot.style!r})"
        add(f"    t = {fast} if type(v) is int else {slow}" if fast else f"    t = {slow}")
        add("    out[i] = (s, t if lexes.get((s, t)) else checked(s, t))")
    persons: dict[str, str] = {}  # role -> local holding its (name, pronoun key)
    words: dict[str, str] = {}  # role -> local holding its word
    taken: dict[str, list[str]] = {}  # lexicon -> locals of the words drawn from it
    derived: dict[str, str] = {}  # an expression of those -> the local holding it

    def once(expr: str) -> str:
        """A local holding ``expr``, worked out where first needed."""
        local = derived.get(expr)
        if local is None:
            local = derived[expr] = f"d{len(derived)}"
            add(f"    {local} = {expr}")
        return local

    for slot in others:
        add(f"    i = kept[{slot.index}]; s, t = out[i]")
        if slot.kind in ("name", "pronoun", "verb"):
            p = persons.get(slot.role)
            if p is None:
                if len(persons) >= people:
                    add(f"    raise _Error({f'{source}: more people than names to give'!r})")
                    break
                p = persons[slot.role] = f"p{len(persons)}"
                add(f"    {p} = pool[rb({people})]")
                used = [f"{q}[0]" for q in persons.values() if q != p]
                if used:
                    add(f"    while {p}[0] in ({', '.join(used)},): {p} = pool[rb({people})]")
            if slot.kind == "name":
                add(f"    t = {p}[0]")
            elif slot.kind == "pronoun":
                add(f"    t = {once(f'_PRONOUNS[{p}[1]]')}[{slot.form!r}]")
            else:
                add(f"    b, th = _verb_forms(t.lower()); t = b if {p}[1] == 'they' else th")
        else:
            w = words.get(slot.role)
            if w is None:
                size = lexicons.get(slot.lexicon)
                if size is None:
                    msg = f"{source}: no lexicon {slot.lexicon!r} (has {sorted(lexicons)})"
                    add(f"    raise _Error({msg!r})")
                    break
                drawn = taken.setdefault(slot.lexicon, [])
                if len(drawn) >= size:
                    add(f"    raise _Error({f'{source}: lexicon {slot.lexicon!r} ran out'!r})")
                    break
                w = words[slot.role] = f"w{len(words)}"
                pick = f"{once(f'_lexicons[{slot.lexicon!r}]')}[rb({size})]"
                add(f"    {w} = {pick}")
                if drawn:
                    add(f"    while {w} in ({', '.join(drawn)},): {w} = {pick}")
                drawn.append(w)
            if slot.kind == "word":
                add(f"    t = {w}")
            elif slot.kind == "article":
                add(f"    t = {once(f'_article({w})')}")
            elif isinstance(slot.count, str):
                add(f"    t = {w} if values[{slot.count!r}] == 1 else {once(f'_plural({w})')}")
            else:
                add(f"    t = {w}" if slot.count == 1 else f"    t = {once(f'_plural({w})')}")
        # a word that opens a sentence (or the problem) is capitalised
        add("    prev = i and (out[i - 1][1] or _before(out, i))")
        add("    if not prev or prev[-1] in '.!?': t = t[:1].upper() + t[1:]")
        add("    out[i] = (s, t if lexes.get((s, t)) else checked(s, t))")
    return "\n".join(lines) + "\n"


def _before(out: Sequence[tuple[int, str]], i: int) -> str:
    """The last non-empty text before token ``i`` ("" if none)."""
    return next((t for _, t in reversed(out[:i]) if t), "")


def compile_fill(
    src: str,
    *,
    people: Sequence[tuple[str, str]],
    lexicons: Mapping[str, Sequence[str]],
    lexes: Mapping[tuple[int, str], bool],
    checked: Callable[[int, str], str],
    filename: str,
) -> Fill:
    """``src`` (from :func:`fill_source`) as a function drawing from ``people`` and
    ``lexicons``; ``lexes`` knows which texts are tokens of which terminals and
    ``checked`` finds out (raising for a text that is not)."""
    namespace: dict[str, Any] = {
        "pool": people,
        "_lexicons": lexicons,
        "lexes": lexes,
        "checked": checked,
        "_format": format_number,
        "_PRONOUNS": PRONOUNS,
        "_verb_forms": verb_forms,
        "_article": article,
        "_plural": plural,
        "_before": _before,
        "_Error": SemanticError,
    }
    exec(compile(src, f"<gramgen fill {filename}>", "exec"), namespace)
    fn: Fill = namespace["fill"]
    return fn
