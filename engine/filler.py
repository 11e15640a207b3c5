"""Filling a view's slots: a plan made once per view, run by one loop per problem.

A view's slots (numbers, then names, pronouns, verbs, nouns, words and articles in
the order of their tokens) are the same for every problem of the view; only the
tokens' positions (``kept``), the numbers and the random draws differ. So the
plan settles once what each slot is, which slot binds each role (and which roles
its draw must differ from), and the errors a binding can meet; per problem:

* each number is written in its slot's style;
* a role is bound where it first appears: a person drawn from the names not yet
  taken in this problem, a word from its lexicon's words not yet taken;
* a pronoun or verb agrees with its person, a noun with its count, an article
  with its word;
* a word that opens a sentence is capitalised;
* every text is checked to be a token of its terminal (``checked``).

A plan, not generated code: views are many (thousands per family) and their slots
come in nearly as many orders, so compiling each would cost more than it saves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from .english import article, plural, verb_forms
from .errors import SemanticError
from .seeds import Rng, below
from .semantics import PRONOUNS, Slot, format_number, int_writer

#: ``fill(out, kept, values, rng)`` fills ``out`` (the derivation's tokens, copied);
#: a slot of the view is token ``kept[slot.index]``. (Lists, tuples and dicts, not
#: their abstract types: compiled, indexing them is a C call, not a Python one.)
Tokens = list[tuple[int, str]]
Fill = Callable[[Tokens, tuple[int, ...], dict[str, Any], Rng], None]
#: ``lexes[terminal][text]``: whether ``text`` is known to be a token of ``terminal``
Lexes = list[dict[str, bool]]

# what a slot writes: the person's name, pronoun or verb form; the word, its article,
# the noun in the number its quantity has, singular or plural; or a binding's error
# (Final: compiled, they are constants, not lookups in the module's dictionary)
_NAME: Final = 0
_PRONOUN: Final = 1
_VERB: Final = 2
_WORD: Final = 3
_ARTICLE: Final = 4
_COUNTED: Final = 5
_SINGULAR: Final = 6
_PLURAL: Final = 7
_ERROR: Final = 8


def plan_fill(
    numbers: Sequence[Slot],
    others: Sequence[Slot],
    *,
    people: Sequence[tuple[str, str]],
    lexicons: Mapping[str, Sequence[str]],
    lexes: Lexes,
    checked: Callable[[int, str], str],
    source: str,
) -> Fill:
    """The fill of slots ``numbers`` and ``others`` (in token order), drawing names
    from ``people`` and words from ``lexicons``. ``lexes`` knows which texts are
    tokens of which terminals and ``checked`` finds out (raising for one that is
    not). A binding that cannot be made (no names or words left, no such lexicon)
    raises, where it is met, the SemanticError naming ``source``."""
    # per number: its token, its quantity, its style and how that style writes an int
    nums = [(s.index, s.name, s.style, int_writer(s.style)) for s in numbers]
    # per slot: (token, what, person or word number, draw, argument); ``draw`` is
    # None, or the pool to draw from and the numbers of the bindings to differ from
    ops: list[tuple[int, int, int, Any, Any]] = []
    persons: dict[str, int] = {}
    words: dict[str, int] = {}
    taken: dict[str, list[int]] = {}
    for slot in others:
        draw: Any = None
        if slot.kind in ("name", "pronoun", "verb"):
            r = persons.get(slot.role)
            if r is None:
                if len(persons) >= len(people):
                    ops.append((slot.index, _ERROR, 0, None, "more people than names to give"))
                    break
                r = persons[slot.role] = len(persons)
                draw = (people, tuple(range(r)))
            what = {"name": _NAME, "pronoun": _PRONOUN, "verb": _VERB}[slot.kind]
            ops.append((slot.index, what, r, draw, slot.form))
            continue
        r = words.get(slot.role)
        if r is None:
            pool = lexicons.get(slot.lexicon)
            if pool is None:
                msg = f"no lexicon {slot.lexicon!r} (has {sorted(lexicons)})"
                ops.append((slot.index, _ERROR, 0, None, msg))
                break
            drawn = taken.setdefault(slot.lexicon, [])
            if len(drawn) >= len(pool):
                ops.append((slot.index, _ERROR, 0, None, f"lexicon {slot.lexicon!r} ran out"))
                break
            r = words[slot.role] = len(words)
            draw = (pool, tuple(drawn))
            drawn.append(r)
        if slot.kind == "word":
            what = _WORD
        elif slot.kind == "article":
            what = _ARTICLE
        elif isinstance(slot.count, str):
            what = _COUNTED
        else:
            what = _SINGULAR if slot.count == 1 else _PLURAL
        ops.append((slot.index, what, r, draw, slot.count))

    def fill(out: Tokens, kept: tuple[int, ...], values: dict[str, Any], rng: Rng) -> None:
        for k, name, style, whole in nums:
            i = kept[k]
            s = out[i][0]
            v = values[name]
            t = whole(v) if type(v) is int else format_number(v, style)
            out[i] = (s, t if lexes[s].get(t) else checked(s, t))
        if not ops:
            return
        rb = below(rng)
        bound_people: list[tuple[str, str]] = []
        bound_words: list[str] = []
        for k, what, r, draw, arg in ops:
            i = kept[k]
            s, t = out[i]
            if what <= _VERB:
                if draw is not None:
                    pool, others_ = draw
                    used = [bound_people[o][0] for o in others_]
                    p = pool[rb(len(pool))]
                    while p[0] in used:
                        p = pool[rb(len(pool))]
                    bound_people.append(p)
                p = bound_people[r]
                if what == _NAME:
                    t = p[0]
                elif what == _PRONOUN:
                    t = PRONOUNS[p[1]][arg]
                else:
                    base, third = verb_forms(t.lower())
                    t = base if p[1] == "they" else third
            elif what == _ERROR:
                raise SemanticError(f"{source}: {arg}")
            else:
                if draw is not None:
                    pool, others_ = draw
                    used = [bound_words[o] for o in others_]
                    w = pool[rb(len(pool))]
                    while w in used:
                        w = pool[rb(len(pool))]
                    bound_words.append(w)
                w = bound_words[r]
                if what in (_WORD, _SINGULAR):
                    t = w
                elif what == _ARTICLE:
                    t = article(w)
                elif what == _PLURAL or values[arg] != 1:
                    t = plural(w)
                else:
                    t = w
            # a word that opens a sentence (or the problem) is capitalised
            prev = i and (out[i - 1][1] or _before(out, i))
            if not prev or prev[-1] in ".!?":
                t = t[:1].upper() + t[1:]
            out[i] = (s, t if lexes[s].get(t) else checked(s, t))

    return fill


def _before(out: Sequence[tuple[int, str]], i: int) -> str:
    """The last non-empty text before token ``i`` ("" if none)."""
    return next((t for _, t in reversed(out[:i]) if t), "")
