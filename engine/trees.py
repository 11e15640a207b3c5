"""Derivations as the ``lark.Tree`` that Lark's own parser builds for the same text.

So that a ``lark.Transformer`` written for a grammar's parse trees runs unchanged
on generated derivations: rules named ``_x`` are inlined, ``?x`` rules with one
child are replaced by it, aliases name their node, template instances are named
after the template, groups, optionals and repetitions add no node, string
literals and ``_NAMES`` tokens are filtered out (unless ``!rule`` or
``keep_all_tokens``), and a skipped ``[x]`` gives ``None`` placeholders when
``maybe_placeholders`` is on (lark's default).

>>> from gramgen import Grammar, Sampler
>>> s = Sampler(Grammar.open("arith", parser="lalr"))
>>> d = next(iter(s.sample(1, seed=2))).derivation
>>> to_lark(s, d) == s.grammar.loaded.lark.parse(s.renderer.join(d.tokens))
True
"""

from __future__ import annotations

import weakref
from collections.abc import Hashable, Mapping
from typing import Any

from lark import Token, Transformer, Tree
from lark.exceptions import GrammarError, VisitError
from lark.visitors import Discard

from .derive import Derivation
from .grammar import Grammar, Kind, Symbol
from .sample import Sampler

__all__ = ["Views", "placeholders", "to_lark", "transform", "view"]

_Out = list[Any]

_new_str = str.__new__
_MISSING: Any = object()


def _token(type_: str, text: str, pos: int) -> Token:
    """``Token(type_, text, start_pos=pos)``, made without lark's constructor (two
    Python calls that cost more than the rest of a token's handling)."""
    t: Any = _new_str(Token, text)
    t.type, t.start_pos, t.value = type_, pos, text
    t.line = t.column = t.end_line = t.end_column = t.end_pos = None
    return t  # type: ignore[no-any-return]


def _call_token(transformer: Any, t: Token) -> Any:
    """``transformer._call_userfunc_token(t)`` as lark's ``Transformer`` has it, in
    place (one Python call fewer per token)."""
    fn = getattr(transformer, t.type, _MISSING)
    if fn is _MISSING:
        return transformer.__default_token__(t)
    try:
        return fn(t)
    except GrammarError:
        raise
    except Exception as e:
        raise VisitError(t.type, t, e)  # type: ignore[no-untyped-call]  # noqa: B904


def _call_rule(transformer: Any, name: str, children: _Out) -> Any:
    """``transformer._call_userfunc(Tree(name, children))`` as lark's ``Transformer``
    has it, in place: the tree is made only where lark's user would see it."""
    fn = getattr(transformer, name, _MISSING)
    if fn is _MISSING:
        return transformer.__default__(name, children, Tree(name, children).meta)
    try:
        wrapper = getattr(fn, "visit_wrapper", None)
        if wrapper is not None:
            return fn.visit_wrapper(fn, name, children, Tree(name, children).meta)
        return fn(children)
    except GrammarError:
        raise
    except Exception as e:
        raise VisitError(name, Tree(name, children), e)  # type: ignore[no-untyped-call]  # noqa: B904


def _keep_all(grammar: Grammar, sym: Symbol) -> bool:
    if grammar.loaded.lark.options.keep_all_tokens or sym.keep_all_tokens:
        return True
    return grammar.keeps_all_tokens(sym.rule)


class _Shape:
    """Per grammar: which symbols keep all their tokens, and each alternative's
    kept-children flags (what ``_keep_all`` and ``_child_flags`` compute), once."""

    def __init__(self, grammar: Grammar) -> None:
        syms = grammar.symbols
        self.keep = [_keep_all(grammar, s) for s in syms]
        self.alt_flags = [
            [[self.keep[s.id] or k for k in a.kept] for a in s.alts] if s.kind is Kind.RULE else []
            for s in syms
        ]
        self.inner_flag = [self.keep[s.id] or bool(s.inner_kept) for s in syms]
        # for :func:`view`'s stack, which holds ints, not tuples (one allocation fewer
        # for each node): each alternative's children last first, each as
        # ``child << 2 | flag << 1``, and the same of each optional's or repetition's
        # inner symbol (the low bit is for the caller's quiet flag)
        self.packed_children = [
            [tuple([c << 2 | f << 1 for c, f in zip(reversed(a.items), reversed(flags),
                                                    strict=True)])
             for a, flags in zip(s.alts, self.alt_flags[s.id], strict=True)]
            if s.kind is Kind.RULE else []
            for s in syms
        ]  # fmt: skip
        self.packed_inner = [
            s.inner << 2 | self.inner_flag[s.id] << 1 if s.kind in (Kind.OPT, Kind.REP) else 0
            for s in syms
        ]
        self.type_of = {s.id: s.terminal for s in syms if s.kind is Kind.TERM}
        self.grammar = grammar
        self._default_views: Views | None = None

    @property
    def views(self) -> Views:
        """The tables of :func:`view` that tell tokens apart by their type."""
        if self._default_views is None:
            self._default_views = Views(self.grammar)
        return self._default_views


class Views:
    """The tables of :func:`view`: ``silent[s]``, whether ``s`` never shows a transformer
    anything (only filtered-out tokens below it), and ``cls[s][a]``, an id per
    alternative that is the same for alternatives a transformer sees alike (the same
    node name, the same kept tokens and subtrees, in the same order).

    Kept tokens are told apart by their type, or by ``token_key[symbol]`` where given:
    a caller that knows two types make no difference to its transformer (their token
    callbacks do the same) gives them one key, and derivations differing only in them
    share a view.
    """

    def __init__(self, grammar: Grammar, token_key: Mapping[int, Hashable] | None = None) -> None:
        shape = _shape(grammar)
        syms = grammar.symbols
        keep, alt_flags, inner_flag = shape.keep, shape.alt_flags, shape.inner_flag
        type_of = shape.type_of
        placeholders_on = bool(grammar.loaded.lark.options.maybe_placeholders)

        def quiet_child(c: int, flag: bool) -> bool:
            if syms[c].kind is Kind.TERM:
                return not (flag or keep[c])
            return silent[c]

        # greatest fixpoint: assume silent, clear what shows something, until stable
        silent = [s.kind is not Kind.TERM and (s.kind is not Kind.RULE or s.is_group) for s in syms]
        changed = True
        while changed:
            changed = False
            for s in syms:
                if not silent[s.id]:
                    continue
                if s.kind is Kind.RULE:
                    quiet = all(
                        quiet_child(c, f)
                        for a, flags in zip(s.alts, alt_flags[s.id], strict=True)
                        for c, f in zip(a.items, flags, strict=True)
                    )
                else:
                    quiet = quiet_child(s.inner, inner_flag[s.id])
                    if s.kind is Kind.OPT and s.brackets and placeholders_on:
                        quiet = quiet and placeholders(grammar, s.inner, s.inner_kept) == 0
                if not quiet:
                    silent[s.id] = False
                    changed = True
        self.silent = silent
        ids: dict[Any, int] = {}
        descs: dict[int, Any] = {}

        def desc(c: int, flag: bool) -> Any:
            s = syms[c]
            if s.kind is Kind.TERM:
                if not (flag or keep[c]):
                    return None
                return ("T", type_of[c] if token_key is None else token_key.get(c, type_of[c]))
            if silent[c]:
                return None
            if s.kind is Kind.RULE and not s.is_group:
                return ("R", c)
            got = descs.get(c)
            if got is None:
                if s.kind is Kind.RULE:
                    got = ("G", tuple(alt_id(s, i) for i in range(len(s.alts))))
                else:
                    seen = placeholders(grammar, s.inner, s.inner_kept) if s.brackets else -1
                    inner = desc(s.inner, inner_flag[c])
                    got = ("O" if s.kind is Kind.OPT else "P", seen, inner)
                descs[c] = got
            return got

        def alt_id(s: Symbol, i: int) -> int:
            a = s.alts[i]
            if s.is_group:
                name: Any = None
            elif a.alias is not None:
                name = ("alias", a.alias)
            else:
                name = (s.template or s.name, s.expand1)
            flags = alt_flags[s.id][i]
            children = tuple(
                d for c, f in zip(a.items, flags, strict=True) if (d := desc(c, f)) is not None
            )
            return ids.setdefault((name, children), len(ids))

        self.cls = [
            [alt_id(s, i) for i in range(len(s.alts))] if s.kind is Kind.RULE else [] for s in syms
        ]


_SHAPES: weakref.WeakKeyDictionary[Grammar, _Shape] = weakref.WeakKeyDictionary()
# the grammar asked for last and its shape (a weak dictionary's lookup makes a weak
# reference each time: ~0.5% of a run whose problems often take new paths)
_LAST: list[tuple[weakref.ref[Grammar], _Shape]] = []


def _shape(grammar: Grammar) -> _Shape:
    if _LAST and _LAST[0][0]() is grammar:
        return _LAST[0][1]
    shape = _SHAPES.get(grammar)
    if shape is None:
        shape = _SHAPES[grammar] = _Shape(grammar)
    _LAST[:] = [(weakref.ref(grammar), shape)]
    return shape


def placeholders(grammar: Grammar, sym: int, kept: bool = True) -> int:
    """How many ``None``s lark puts for ``sym`` as the content of a skipped ``[...]``.

    Lark counts the children the content would have at most: a named rule one
    (none if its name starts with ``_``), a kept token one, a group its largest
    alternative, a repetition none (lark makes it a rule of its own).
    """
    syms = grammar.symbols
    s = syms[sym]
    if s.kind is Kind.TERM:
        return 1 if kept or _keep_all(grammar, s) else 0
    if s.kind is Kind.REP:
        if s.hi < 0:
            return 0
        return s.hi * placeholders(grammar, s.inner, s.inner_kept)
    if s.kind is Kind.OPT:
        return placeholders(grammar, s.inner, s.inner_kept)
    if not s.is_group:
        name = s.template or s.name
        return 0 if name.startswith("_") else 1
    keep = _keep_all(grammar, s)
    return max(
        (
            sum(placeholders(grammar, i, keep or k) for i, k in zip(a.items, a.kept, strict=True))
            for a in s.alts
        ),
        default=0,
    )


def to_lark(sampler: Sampler, derivation: Derivation) -> Tree[Token] | Token:
    """The derivation as the tree Lark's parser gives for its text.

    Each token's ``start_pos`` is its index in ``derivation.tokens``. Like lark,
    a start rule inlined by ``?`` down to one token gives the token.
    """
    result = _convert(sampler, derivation, None)
    if len(result) == 1 and isinstance(result[0], Tree | Token):
        one: Tree[Token] | Token = result[0]
        return one
    return Tree(sampler.grammar.symbols[derivation.start].name, result)


def transform(sampler: Sampler, derivation: Derivation, transformer: Transformer[Any, Any]) -> Any:
    """``transformer.transform(to_lark(sampler, derivation))``, in one pass.

    Each node is handed to the transformer as soon as its children are done,
    with no intermediate tree (the same calls, in the same order, with the same
    children, as lark's own ``Transformer.transform`` makes).
    """
    s = sampler.grammar.symbols[derivation.start]
    choice = derivation.path[0] if s.kind is Kind.RULE and len(s.alts) > 1 else 0
    name = s.alts[choice].alias if s.kind is Kind.RULE else None
    if name is None and (s.kind is not Kind.RULE or s.expand1 or (s.template or s.name)[:1] == "_"):
        # a start rule that lark may inline: the tree's own shape decides
        return transformer.transform(to_lark(sampler, derivation))  # type: ignore[arg-type]
    result = _convert(sampler, derivation, transformer)
    value = result[0]
    return None if value is Discard else value


def _convert(
    sampler: Sampler, derivation: Derivation, transformer: Transformer[Any, Any] | None
) -> _Out:
    """The children list lark would build for the derivation's root; with a
    ``transformer``, each tree and token already transformed (``Discard`` kept in
    place until its parent is called, so that lark's ``?rule`` and placeholder
    counts see the same).

    Walks the derivation's path depth-first as :meth:`Engine.tree` does, without
    building the tree: each open node is a frame of its symbol, choice, children
    (and their kept flags), the next child to visit and the children list so far.
    """
    grammar = sampler.grammar
    syms = grammar.symbols
    engine = sampler.engine
    kind, items, inner = engine.kind, engine.items, engine.inner
    tokens = derivation.tokens
    path = derivation.path
    shape = _shape(grammar)
    type_of = shape.type_of
    keep_all = shape.keep
    alt_flags = shape.alt_flags
    inner_flag = shape.inner_flag
    use_placeholders = bool(grammar.loaded.lark.options.maybe_placeholders)
    visit_tokens = transformer is not None and bool(transformer.__visit_tokens__)
    # lark's own dispatch (done in place below), unless the transformer has its own
    cls: Any = type(transformer)
    own = visit_tokens and cls._call_userfunc_token is not Transformer._call_userfunc_token
    call_token = transformer._call_userfunc_token if own else None  # type: ignore[union-attr]
    lark_rules = transformer is not None and cls._call_userfunc is Transformer._call_userfunc
    p = tok = 0

    def frame(sym: int) -> list[Any]:
        nonlocal p
        k = kind[sym]
        if k == 0:
            its = items[sym]
            if len(its) == 1:
                a = 0
            else:
                a = path[p]
                p += 1
            return [sym, a, its[a], alt_flags[sym][a], 0, []]
        a = path[p]
        p += 1
        n = a if k == 2 else 1 if a else 0
        return [sym, a, (inner[sym],) * n, (inner_flag[sym],) * n, 0, []]

    root = frame(derivation.start)
    frames = [root]
    result: _Out = []
    while frames:
        f = frames[-1]
        children, i = f[2], f[4]
        if i < len(children):
            f[4] = i + 1
            c = children[i]
            if kind[c] == 3:
                if f[3][i] or keep_all[c]:
                    # start_pos holds the token's index in the derivation, for slot filling
                    t = _token(type_of[c], tokens[tok][1], tok)
                    if not visit_tokens:
                        f[5].append(t)
                    elif call_token is None:
                        f[5].append(_call_token(transformer, t))
                    else:
                        f[5].append(call_token(t))
                tok += 1
            else:
                frames.append(frame(c))
            continue
        frames.pop()
        sym, choice, out = f[0], f[1], f[5]
        s = syms[sym]
        if s.kind is Kind.OPT:
            if not choice and s.brackets and use_placeholders:
                out = [None] * placeholders(grammar, s.inner, s.inner_kept)
        elif s.kind is not Kind.REP and not s.is_group:
            out = _rule_node(s, choice, out, transformer, lark_rules)
        if frames:
            frames[-1][5].extend(out)
        else:
            result = out
    return result


def _rule_node(
    s: Symbol,
    choice: int,
    children: _Out,
    transformer: Transformer[Any, Any] | None,
    lark_rules: bool,
) -> _Out:
    """The node's children as lark's tree has them: the node itself (built, or
    transformed: in place where ``lark_rules``, the transformer keeping lark's dispatch),
    or its children where lark inlines it."""
    alias = s.alts[choice].alias
    if alias is None:
        name = s.template or s.name
        if name.startswith("_"):
            return children
        if s.expand1 and len(children) == 1:
            return children
    else:
        name = alias
    if transformer is None:
        return [Tree(name, children)]
    kept = [c for c in children if c is not Discard]
    if lark_rules:
        return [_call_rule(transformer, name, kept)]
    return [transformer._call_userfunc(Tree(name, kept))]  # type: ignore[no-untyped-call]


View = tuple[int, ...]


def view(
    sampler: Sampler, derivation: Derivation, views: Views | None = None, record: bool = True
) -> tuple[View, list[int], list[tuple[int, int]]]:
    """What a transformer sees of ``derivation``, as a key, without building a tree.

    Returns ``(key, kept, choices)``: derivations with equal keys give a transformer
    the same calls with the same children, except for the texts of their tokens and
    where the tokens are (``kept``: the indices in ``derivation.tokens`` of the
    tokens it is handed, in order); alternatives that differ only in the filtered-out
    literals they write ("At first ," or not) have the same key. ``choices``: every
    ``(symbol, choice)`` made, as :meth:`Engine.tree` records them (none unless
    ``record``). ``views``: tables that tell some token types apart by a key of the
    caller's (default: by type).
    """
    shape = _shape(sampler.grammar)
    if views is None:
        views = shape.views
    engine = sampler.engine
    kind, items = engine.kind, engine.items
    cls, silent, keep = views.cls, views.silent, shape.keep
    children, packed_inner = shape.packed_children, shape.packed_inner
    path = derivation.path
    p = tok = 0
    key: list[int] = []
    kept: list[int] = []
    choices: list[tuple[int, int]] = []
    # each entry: symbol << 2 | flag << 1 | quiet (the stack.pop and .append below are
    # written out, not bound to names: compiled, they are calls into C, not Python calls)
    stack: list[int] = [derivation.start << 2 | 2]
    while stack:
        e = stack.pop()
        s = e >> 2
        k = kind[s]
        if k == 3:
            if not e & 1 and (e & 2 or keep[s]):
                kept.append(tok)
            tok += 1
            continue
        quiet = bool(e & 1) or silent[s]
        if k == 0:
            its = items[s]
            if len(its) == 1:
                a = 0
            else:
                a = path[p]
                p += 1
                if not quiet:
                    key.append(cls[s][a])
            if record:
                choices.append((s, a))
            if quiet:
                for c in children[s][a]:
                    stack.append(c | 1)
            else:
                stack.extend(children[s][a])
        else:
            a = path[p]
            p += 1
            if not quiet:
                key.append(a)
            if record:
                choices.append((s, a))
            n = a if k == 2 else 1 if a else 0
            if n:
                stack.extend([packed_inner[s] | 1 if quiet else packed_inner[s]] * n)
    return tuple(key), kept, choices


def all_choices(sampler: Sampler, start: int) -> set[tuple[int, int]] | None:
    """Every ``(symbol, choice)`` a derivation from ``start`` can make (as :func:`view`
    records them), or None when they are unbounded (a repetition without a most)."""
    engine = sampler.engine
    kind, items, inner = engine.kind, engine.items, engine.inner
    out: set[tuple[int, int]] = set()
    seen: set[int] = set()
    stack = [start]
    while stack:
        s = stack.pop()
        if s in seen or kind[s] == 3:
            continue
        seen.add(s)
        if kind[s] == 0:
            out.update((s, a) for a in range(len(items[s])))
            stack.extend(i for its in items[s] for i in its)
            continue
        if kind[s] == 1:
            lo, hi = 0, 1
        else:
            lo, hi = engine.rep_lo[s], engine.rep_hi[s]
            if hi < 0:
                return None
        out.update((s, a) for a in range(lo, hi + 1))
        stack.append(inner[s])
    return out
