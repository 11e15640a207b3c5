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

from typing import Any

from lark import Token, Tree

from .derive import Derivation, Node
from .grammar import Grammar, Kind, Symbol
from .sample import Sampler

__all__ = ["placeholders", "to_lark"]

_Out = list[Any]


def _keep_all(grammar: Grammar, sym: Symbol) -> bool:
    if grammar.loaded.lark.options.keep_all_tokens or sym.keep_all_tokens:
        return True
    return grammar.keeps_all_tokens(sym.rule)


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
    grammar = sampler.grammar
    syms = grammar.symbols
    tokens = derivation.tokens
    type_of = {s.id: s.terminal for s in syms if s.kind is Kind.TERM}
    use_placeholders = bool(grammar.loaded.lark.options.maybe_placeholders)
    root = sampler.engine.tree(derivation)
    # post-order over (node, kept-if-token); each node leaves its children list in `done`
    done: dict[int, _Out] = {}
    stack: list[tuple[Node, bool, bool]] = [(root, True, False)]
    while stack:
        node, kept, expanded = stack.pop()
        s = syms[node.sym]
        if s.kind is Kind.TERM:
            if kept or _keep_all(grammar, s):
                sym, text = tokens[node.token]
                # start_pos holds the token's index in the derivation, for slot filling
                done[id(node)] = [Token(type_of[sym], text, start_pos=node.token)]
            else:
                done[id(node)] = []
            continue
        flags = _child_flags(grammar, s, node)
        if not expanded:
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
            done[id(node)] = _rule_node(s, node, children)
    result = done[id(root)]
    if len(result) == 1 and isinstance(result[0], Tree | Token):
        one: Tree[Token] | Token = result[0]
        return one
    return Tree(syms[root.sym].name, result)


def _child_flags(grammar: Grammar, s: Symbol, node: Node) -> list[bool]:
    keep = _keep_all(grammar, s)
    if s.kind is Kind.RULE:
        alt = s.alts[node.choice]
        return [keep or k for k in alt.kept]
    return [keep or s.inner_kept] * len(node.children)


def _rule_node(s: Symbol, node: Node, children: _Out) -> _Out:
    alias = s.alts[node.choice].alias
    if alias is not None:
        return [Tree(alias, children)]
    name = s.template or s.name
    if name.startswith("_"):
        return children
    if s.expand1 and len(children) == 1:
        return children
    return [Tree(name, children)]
