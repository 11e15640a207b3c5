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
from typing import Any

from lark import Token, Transformer, Tree
from lark.visitors import Discard

from .derive import Derivation, Node
from .grammar import Grammar, Kind, Symbol
from .sample import Sampler

__all__ = ["placeholders", "to_lark", "transform"]

_Out = list[Any]


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
        self.type_of = {s.id: s.terminal for s in syms if s.kind is Kind.TERM}


_SHAPES: weakref.WeakKeyDictionary[Grammar, _Shape] = weakref.WeakKeyDictionary()


def _shape(grammar: Grammar) -> _Shape:
    shape = _SHAPES.get(grammar)
    if shape is None:
        shape = _SHAPES[grammar] = _Shape(grammar)
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


def to_lark(
    sampler: Sampler, derivation: Derivation, root: Node | None = None
) -> Tree[Token] | Token:
    """The derivation as the tree Lark's parser gives for its text.

    Each token's ``start_pos`` is its index in ``derivation.tokens``. Like lark,
    a start rule inlined by ``?`` down to one token gives the token. ``root``:
    the derivation's tree (:meth:`Engine.tree`) when the caller has it already.
    """
    if root is None:
        root = sampler.engine.tree(derivation)
    result = _convert(sampler, derivation, root, None)
    if len(result) == 1 and isinstance(result[0], Tree | Token):
        one: Tree[Token] | Token = result[0]
        return one
    return Tree(sampler.grammar.symbols[root.sym].name, result)


def transform(
    sampler: Sampler,
    derivation: Derivation,
    transformer: Transformer[Any, Any],
    root: Node | None = None,
) -> Any:
    """``transformer.transform(to_lark(sampler, derivation))``, in one pass.

    Each node is handed to the transformer as soon as its children are done,
    with no intermediate tree (the same calls, in the same order, with the same
    children, as lark's own ``Transformer.transform`` makes).
    """
    if root is None:
        root = sampler.engine.tree(derivation)
    s = sampler.grammar.symbols[root.sym]
    name = s.alts[root.choice].alias if s.kind is Kind.RULE and root.choice >= 0 else None
    if name is None and (s.kind is not Kind.RULE or s.expand1 or (s.template or s.name)[:1] == "_"):
        # a start rule that lark may inline: the tree's own shape decides
        return transformer.transform(to_lark(sampler, derivation, root))  # type: ignore[arg-type]
    result = _convert(sampler, derivation, root, transformer)
    value = result[0]
    return None if value is Discard else value


def _convert(
    sampler: Sampler,
    derivation: Derivation,
    root: Node,
    transformer: Transformer[Any, Any] | None,
) -> _Out:
    """The children list lark would build for ``root``; with a ``transformer``, each
    tree and token already transformed (``Discard`` kept in place until its parent
    is called, so that lark's ``?rule`` and placeholder counts see the same)."""
    grammar = sampler.grammar
    syms = grammar.symbols
    tokens = derivation.tokens
    shape = _shape(grammar)
    type_of = shape.type_of
    keep_all = shape.keep
    alt_flags = shape.alt_flags
    inner_flag = shape.inner_flag
    use_placeholders = bool(grammar.loaded.lark.options.maybe_placeholders)
    visit_tokens = transformer is not None and bool(transformer.__visit_tokens__)
    # post-order over (node, kept-if-token); each node leaves its children list in `done`
    done: dict[int, _Out] = {}
    stack: list[tuple[Node, bool, bool]] = [(root, True, False)]
    while stack:
        node, kept, expanded = stack.pop()
        s = syms[node.sym]
        if s.kind is Kind.TERM:
            if kept or keep_all[node.sym]:
                sym, text = tokens[node.token]
                # start_pos holds the token's index in the derivation, for slot filling
                tok = Token(type_of[sym], text, start_pos=node.token)
                done[id(node)] = [transformer._call_userfunc_token(tok) if visit_tokens else tok]  # type: ignore[union-attr]
            else:
                done[id(node)] = []
            continue
        if not expanded:
            if s.kind is Kind.RULE:
                flags = alt_flags[node.sym][node.choice]
            else:
                flags = [inner_flag[node.sym]] * len(node.children)
            stack.append((node, kept, True))
            for child, k in zip(reversed(node.children), reversed(flags), strict=True):
                stack.append((child, k, False))
            continue
        children: _Out = []
        for child in node.children:
            children.extend(done.pop(id(child)))
        if s.kind is Kind.OPT:
            if not node.children and s.brackets and use_placeholders:
                children = [None] * placeholders(grammar, s.inner, s.inner_kept)
            done[id(node)] = children
        elif s.kind is Kind.REP or s.is_group:
            done[id(node)] = children
        else:
            done[id(node)] = _rule_node(s, node, children, transformer)
    return done[id(root)]


def _rule_node(
    s: Symbol, node: Node, children: _Out, transformer: Transformer[Any, Any] | None
) -> _Out:
    alias = s.alts[node.choice].alias
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
    return [transformer._call_userfunc(Tree(name, kept))]  # type: ignore[no-untyped-call]
