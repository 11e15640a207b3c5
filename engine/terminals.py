"""Text for terminals: literals, case-insensitive strings, regexes, declared tokens.

Every generator draws its randomness through a ``below(n)`` function (an
integer in ``[0, n)``), so the same code serves seeded sampling, Hypothesis
(which shrinks toward 0, the simplest text) and enumeration (always 0).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lark import Tree

from . import _lark_adapter as adapter
from ._regex import RegexSampler, flags_from_letters
from .errors import GrammarError, InvalidArgument, RegexUnsupported
from .grammar import Grammar, Kind, Symbol

__all__ = ["TerminalText", "build_terminals"]

Below = Callable[[int], int]

DEFAULT_ALPHABET = "".join(chr(c) for c in range(0x20, 0x7F)) + "\t\n\r"
_RETRIES = 12
_PROBES = 200


@dataclass(slots=True)
class TerminalText:
    """How to produce the text of one terminal."""

    name: str
    constant: str | None = None  # fixed text: no randomness at all
    literals: tuple[str, ...] = ()  # an alternation of plain strings: pick one
    sampler: RegexSampler | None = None
    reserved: frozenset[str] = frozenset()  # texts that would lex as another terminal
    reserved_folded: frozenset[str] = frozenset()  # the same, for case-insensitive keywords
    declared: tuple[str, ...] | Callable[[Below], str] | None = None
    postlex: bool = False  # produced by the indenter model at render time
    check: Callable[[str], bool] | None = None  # the text must lex back as this terminal

    def generate(self, below: Below) -> str:
        """One text for this terminal."""
        if self.constant is not None:
            return self.constant
        if self.literals:
            return self.literals[below(len(self.literals))]
        if self.postlex:
            return ""
        if self.declared is not None:
            if callable(self.declared):
                return self.declared(below)
            return self.declared[below(len(self.declared))]
        assert self.sampler is not None  # build_terminals sets one of the fields above
        text = self.sampler.sample(below)
        check = self.check
        for _ in range(_RETRIES):
            if (
                text not in self.reserved
                and text.lower() not in self.reserved_folded
                and (check is None or check(text))
            ):
                break
            text = self.sampler.sample(below)
        return text

    def simplest(self) -> str:
        return self.generate(lambda n: 0)

    def fast(self) -> Callable[[Below], str]:
        """The cheapest function that does what :meth:`generate` does for this terminal."""
        if (
            self.sampler is not None
            and not self.reserved
            and not self.reserved_folded
            and self.check is None
        ):
            return self.sampler.function
        return self.generate


def _literal_alternation(tree: Tree[Any] | None) -> tuple[str, ...] | None:
    """The strings of a terminal written as ``"a" | "b" | ...`` (no flags), else None."""
    if tree is None or tree.data != "expansions":
        return None
    out: list[str] = []
    for exp in tree.children:
        if not isinstance(exp, Tree) or exp.data != "expansion" or len(exp.children) != 1:
            return None
        value = exp.children[0]
        if not isinstance(value, Tree) or value.data != "value":
            return None
        lit = value.children[0]
        if not isinstance(lit, Tree) or lit.data != "literal":
            return None
        pattern = adapter.pattern_of(lit)
        if not adapter.is_string_pattern(pattern) or pattern.flags:
            return None
        out.append(str(pattern.value))
    return tuple(out) if len(out) > 1 else None


def build_terminals(
    grammar: Grammar,
    needed: Sequence[bool],
    *,
    alphabet: str | None = None,
    declared: Mapping[str, Sequence[str] | Callable[[Below], str]] | None = None,
    postlex_terminals: frozenset[str] = frozenset(),
    errors: list[GrammarError] | None = None,
    lexes_alone: Callable[[int, str], bool] | None = None,
) -> dict[int, TerminalText]:
    """A text generator for every terminal symbol marked ``needed``.

    Raises the first :class:`GrammarError`, or collects them all in ``errors``.
    With ``lexes_alone(sym, text)`` (the grammar's lexer), regex terminals whose
    texts do not always lex back as themselves (an alternation the lexer reads
    differently, a lazy quantifier, a terminal of higher priority) redraw until
    they do; a probe of :data:`_PROBES` draws at construction decides which.
    """
    loaded = grammar.loaded
    declared = dict(declared or {})
    g_flags = int(loaded.lark.options.g_regex_flags or 0)
    strings = [
        (name, str(td.pattern.value), "i" in td.pattern.flags)
        for name, td in loaded.terminals.items()
        if adapter.is_string_pattern(td.pattern)
    ]
    unknown = set(declared) - {s.name for s in grammar.symbols if s.kind is Kind.TERM}
    if unknown:
        raise InvalidArgument(f"declared values given for unknown terminal(s): {sorted(unknown)}")
    out: dict[int, TerminalText] = {}
    for sym in grammar.symbols:
        if sym.kind is not Kind.TERM or not needed[sym.id]:
            continue
        try:
            out[sym.id] = gen = _one(
                sym, grammar, declared, postlex_terminals, strings, g_flags, alphabet
            )
        except GrammarError as err:
            if errors is None:
                raise
            errors.append(err)
            continue
        if lexes_alone is not None and gen.sampler is not None:
            _probe(gen, sym.id, lexes_alone)
    return out


def _probe(gen: TerminalText, sym: int, lexes_alone: Callable[[int, str], bool]) -> None:
    """Turn on the lex-back check for a terminal whose texts sometimes lex otherwise.

    A terminal none of whose probe texts lex alone is one the basic lexer never
    produces (a contextual lexer must): checking would only waste draws.
    """
    rng = random.Random(_PROBES)
    rand = rng.random

    def below(n: int) -> int:
        return int(rand() * n)

    ok = sum(lexes_alone(sym, gen.generate(below)) for _ in range(_PROBES))
    if 0 < ok < _PROBES:
        gen.check = lambda text: lexes_alone(sym, text)


def _one(
    sym: Symbol,
    grammar: Grammar,
    declared: Mapping[str, Any],
    postlex_terminals: frozenset[str],
    strings: list[tuple[str, str, bool]],
    g_flags: int,
    alphabet: str | None,
) -> TerminalText:
    name = sym.terminal
    loaded = grammar.loaded
    td = loaded.terminals.get(name)
    if name in declared:
        values = declared[name]
        if not callable(values):
            values = tuple(values)
            if not values or not all(isinstance(v, str) for v in values):
                raise InvalidArgument(f"declared values for {name} must be non-empty strings")
        return TerminalText(name, declared=values)
    if name in postlex_terminals:
        return TerminalText(name, postlex=True)
    if td is None:
        pos = sym.pos
        raise GrammarError.at(
            f"terminal {name} is %declare'd without a definition (a postlexer makes it); "
            f"supply its values, e.g. declared={{'{name}': ['...']}} or --declare {name}=TEXT",
            pos,
            file=grammar.source,
            rule=name,
        )
    regexp, letters, is_string = adapter.terminal_regexp(td)
    if is_string and "i" not in letters:
        return TerminalText(name, constant=adapter.string_value(td))
    literals = _literal_alternation(_term_tree(grammar, name))
    if literals and not g_flags:
        return TerminalText(name, literals=literals)
    flags = flags_from_letters(letters) | g_flags
    try:
        sampler = RegexSampler(
            regexp,
            flags,
            alphabet=alphabet,
            regex_module=bool(loaded.lark.options.regex),
            in_context=True,  # a token: its lookbehinds see the tokens before it
        )
    except RegexUnsupported as err:
        raise GrammarError.at(
            f"cannot generate text for this terminal: {err.reason}",
            sym.pos,
            file=grammar.source,
            rule=name,
        ) from None
    compiled = sampler.compiled
    reserved: set[str] = set()
    folded: set[str] = set()
    if not is_string:
        for other, value, ci in strings:
            if other == name:
                continue
            if compiled.fullmatch(value):
                (folded if ci else reserved).add(value.lower() if ci else value)
    return TerminalText(
        name,
        sampler=sampler,
        reserved=frozenset(reserved),
        reserved_folded=frozenset(folded),
    )


def _term_tree(grammar: Grammar, name: str) -> Tree[Any] | None:
    for tname, (tree, _prio) in grammar.loaded.term_defs:
        if tname == name:
            return tree
    return None
