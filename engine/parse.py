"""Texts back to derivations: parse with the author's constructs made visible.

Lark's parse tree shows the rules lark compiled, not the alternatives,
optionals and repetitions the author wrote. To read a text as a
:class:`~gramgen.derive.Derivation` (for the coverage of a corpus, or to check
a generated record independently) we write the compiled grammar model back out
as a Lark grammar in which every alternative carries an alias, every optional
and repetition is a rule of its own, and the terminals are the original ones,
and parse with Earley (which accepts any context-free grammar).

>>> from gramgen import Grammar, Sampler
>>> s = Sampler(Grammar.open("arith", parser="lalr"))
>>> d = DerivationParser(s).parse("1+2*3")
>>> s.renderer.join(d.tokens)
'1+2*3'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lark import Lark, Token, Tree

from . import _lark_adapter as adapter
from .derive import Derivation
from .errors import GramgenError, InvalidArgument
from .grammar import Kind
from .sample import Sampler

__all__ = ["DerivationParser", "ParseFailed"]


class ParseFailed(GramgenError):
    """A text is not in the grammar's language; the message says where it stops."""


def _string_literal(value: str) -> str:
    out = []
    for ch in value:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif not ch.isprintable():
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _regex_literal(value: str) -> str:
    """``value`` as a Lark ``/.../`` literal: unescaped slashes and newlines escaped."""
    out = []
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            out.append(value[i : i + 2])
            i += 2
            continue
        if ch == "/":
            out.append("\\/")
        elif not ch.isprintable() or ch in "\x85\u2028\u2029":
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
        i += 1
    return "/" + "".join(out) + "/"


def _plain(regexp: str) -> str:
    """A regexp with ``\\/`` written ``/`` (the same regex to Python)."""
    return regexp.replace("\\/", "/")


class DerivationParser:
    """Parses texts of a sampler's grammar into derivations of its start rule.

    ``starts`` (symbol ids of the grammar's start rules; default: the sampler's)
    builds one parser for several start rules: :meth:`parse` then takes the one
    to parse from.
    """

    def __init__(self, sampler: Sampler, *, starts: Sequence[int] = ()) -> None:
        self.sampler = sampler
        self.grammar = sampler.grammar
        self.starts = tuple(starts) or (sampler.start,)
        loaded = self.grammar.loaded
        self._term_sym = {s.terminal: s.id for s in self.grammar.symbols if s.kind is Kind.TERM}
        self._names: dict[str, str] = {}
        for i, name in enumerate(loaded.terminals):
            self._names[name] = f"GGTERM{i}" if name.startswith("__") else name
        for s in self.grammar.symbols:
            if s.kind is Kind.TERM and s.terminal not in self._names:
                self._names[s.terminal] = s.terminal  # %declare'd
        self._back = {v: k for k, v in self._names.items()}
        text = self._grammar_text()
        postlex = loaded.lark.options.postlex
        options: dict[str, Any] = {
            "parser": "earley",
            "lexer": "basic" if postlex is not None else "dynamic",
            "keep_all_tokens": True,
            "maybe_placeholders": False,
            "start": [f"r{s}" for s in self.starts],
            "postlex": postlex,
            "g_regex_flags": loaded.lark.options.g_regex_flags,
            "regex": loaded.lark.options.regex,
        }
        self.text = text
        self.lark = Lark(text, **options)
        for name, td in loaded.terminals.items():
            try:
                mine = self.lark.get_terminal(self._names[name])
            except KeyError:  # not used from this start rule: lark drops it
                continue
            if _plain(mine.pattern.to_regexp()) != _plain(td.pattern.to_regexp()):
                raise GramgenError(
                    f"internal: terminal {name} was rewritten as /{mine.pattern.to_regexp()}/, "
                    f"not /{td.pattern.to_regexp()}/"
                )

    def _ref(self, sym: int) -> str:
        s = self.grammar.symbols[sym]
        if s.kind is Kind.TERM:
            return self._names[s.terminal]
        return f"{'rop'[int(s.kind)]}{sym}"

    def _grammar_text(self) -> str:
        lines: list[str] = []
        reaches = [self.sampler.analysis.reachable_from(start) for start in self.starts]
        for s in self.grammar.symbols:
            if not any(reach[s.id] for reach in reaches):
                continue
            if s.kind is Kind.RULE:
                alts = [
                    f"{' '.join(self._ref(i) for i in a.items)} -> a{s.id}_{a.index}"
                    for a in s.alts
                ]
                lines.append(f"r{s.id}: " + "\n    | ".join(alts))
            elif s.kind is Kind.OPT:
                lines.append(f"o{s.id}: {self._ref(s.inner)} -> t{s.id}\n    | -> s{s.id}")
            elif s.kind is Kind.REP:
                hi = "" if s.hi < 0 else str(s.hi)
                inner = self._ref(s.inner)
                if s.hi < 0:
                    body = f"{inner}*" if s.lo == 0 else f"{inner}~{s.lo} {inner}*"
                else:
                    body = f"{inner}~{s.lo}..{hi}" if s.hi > 0 else ""
                lines.append(f"p{s.id}: {body}")
        loaded = self.grammar.loaded
        for name, td in loaded.terminals.items():
            _, letters, is_string = adapter.terminal_regexp(td)
            if is_string:
                lit = _string_literal(adapter.string_value(td) or "")
            else:
                lit = _regex_literal(str(td.pattern.value))
            lines.append(f"{self._names[name]}.{td.priority}: {lit}{letters}")
        declared = [n for n, v in self._names.items() if n not in loaded.terminals]
        if declared:
            lines.append("%declare " + " ".join(self._names[n] for n in declared))
        for name in loaded.ignore:
            lines.append(f"%ignore {self._names.get(name, name)}")
        return "\n".join(lines) + "\n"

    def parse(self, text: str, start: int | None = None) -> Derivation:
        """The derivation of ``text`` (one of them, if the grammar is ambiguous) from
        start rule ``start`` (a symbol id; default: the first of ``starts``)."""
        start = self.starts[0] if start is None else start
        if start not in self.starts:
            raise InvalidArgument(f"this parser was built for start symbols {self.starts}")
        try:
            tree = self.lark.parse(text, start=f"r{start}")
        except adapter.ParseError as err:
            line = getattr(err, "line", None)
            col = getattr(err, "column", None)
            if line is None:
                where = ""
            elif line < 0:
                where = "at the end of the input: "
            else:
                where = f"line {line}, column {col}: "
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise ParseFailed(f"{where}{first.rstrip(': ')}") from None
        return self._derivation(tree, start)

    def _derivation(self, tree: Tree[Any], start: int) -> Derivation:
        syms = self.grammar.symbols
        path: list[int] = []
        tokens: list[tuple[int, str]] = []
        size = 0
        stack: list[Any] = [tree]
        while stack:
            node = stack.pop()
            size += 1
            if isinstance(node, Token):
                name = self._back.get(node.type, node.type)
                tokens.append((self._term_sym[name], str(node)))
                continue
            data = str(node.data)
            head, rest = data[0], data[1:]
            if head == "a":
                sid, alt = (int(x) for x in rest.split("_"))
                if len(syms[sid].alts) > 1:
                    path.append(alt)
            elif head in "ts":
                path.append(1 if head == "t" else 0)
            elif head == "p":
                path.append(len(node.children))
            stack.extend(reversed(node.children))
        return Derivation(start, path, tokens, size)
