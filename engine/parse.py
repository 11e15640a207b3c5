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

:class:`Recognizer` answers the round trip's question (does a text parse with the
grammar's own LALR parser?) without building a tree: it drives lark's own lexers
and parse table over the text, step for step as ``Lark.parse`` does.

>>> r = Recognizer.of(s.grammar.loaded.lark)
>>> r.accepts("1+2*3", "start"), r.accepts("1+*3", "start")
(True, False)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from lark import Lark, Token, Tree

from . import _lark_adapter as adapter
from .derive import Derivation
from .errors import GramgenError, InvalidArgument
from .grammar import Kind

if TYPE_CHECKING:  # not at run time: the renderer imports this module, and sample.py it
    from .sample import Sampler

__all__ = ["DerivationParser", "ParseFailed", "Recognizer"]


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
        lexing = adapter.lexing_options(loaded.lark)
        options: dict[str, Any] = {
            "parser": "earley",
            "lexer": "basic" if lexing["postlex"] is not None else "dynamic",
            "keep_all_tokens": True,
            "maybe_placeholders": False,
            "start": [f"r{s}" for s in self.starts],
            **lexing,
        }
        self.text = text
        # what lark makes of the text is kept in the disk cache with the grammar file's
        self.lark: Lark = adapter.build(text, options, cache_as=self.grammar.source)
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


# ---------------------------------------------------------------------------------------------
# The round trip's verdict, without a tree

_END = adapter.END  # the type lark gives the end of the input
_second = itemgetter(1)
# A state's lexer: its match at a position, and the types that need more than a
# match: None for those it drops (%ignore), else the full-match test of the string
# terminals lark folded into that regexp (its UnlessCallback).
_StateLexer = tuple[Callable[[str, int], Any], dict[str, Callable[[str], str | None] | None]]


def _match_of(mres: Sequence[Any]) -> Callable[[str, int], Any]:
    """The match of the first of ``mres`` that matches at a position (lark's
    ``Scanner.match``, which splits alternations of more than 100 groups)."""
    if len(mres) == 1:
        first: Callable[[str, int], Any] = mres[0].match
        return first

    def match(text: str, pos: int) -> Any:
        for mre in mres:
            m = mre.match(text, pos)
            if m is not None:
                return m
        return None

    return match


class Recognizer:
    """Whether a text parses with a grammar's own LALR parser, without building a tree.

    ``Lark.parse`` lexes with the lexer of the parser's current state (the
    contextual lexer) and feeds each token to the LALR automaton, building tree
    nodes on the way. This does the same with the same objects (lark's compiled
    scanners, its unless-retyping and its parse table), leaving out what cannot
    change the verdict: ``Token`` objects, line counting and tree building. It is
    made only for configurations where that holds (:meth:`of` returns None for
    the others): the LALR parser with lark's own basic or contextual lexer, no
    postlexer, lexer callbacks, transformer, tree class or plugins of the user's.

    :meth:`read_back` answers a narrower question in one pass: whether the texts of
    given tokens, side by side, are read back as exactly those tokens and accepted.

    >>> from gramgen import Grammar
    >>> g = Grammar.from_string('start: "a"+', parser="lalr")
    >>> r = Recognizer.of(g.loaded.lark)
    >>> r.accepts("aaa"), r.read_back([("A", "a"), ("A", "a")])
    (True, 'aa')
    """

    __slots__ = (
        "_actions",
        "_ends",
        "_gotos",
        "_ignored",
        "_lexer_of",
        "_lexers",
        "_root",
        "_starts",
    )

    def __init__(self, frontend: Any) -> None:
        # on a terminal: shift to a state (an int), or reduce (symbols popped, nonterminal);
        # on a nonterminal (after a reduction): the state to go to
        self._actions, self._gotos, self._starts, self._ends = adapter.lalr_table(frontend)
        self._lexer_of: dict[Any, Any] = adapter.state_lexers(frontend)
        self._lexers: dict[Any, _StateLexer] = {}  # filled as states are visited
        # the lexer that knows every terminal, for read_back: None where a lexer retypes
        # tokens (the order argument of read_back does not hold for those)
        mres, ignored = adapter.root_scan(frontend)
        self._root: Callable[[str, int], Any] | None = None if mres is None else _match_of(mres)
        self._ignored = ignored  # never reach the parser

    @classmethod
    def of(cls, parser: Lark) -> Recognizer | None:
        """The recognizer of ``parser``, or None if its configuration is not one it replays."""
        fe = adapter.lalr_frontend(parser)
        return None if fe is None else cls(fe)

    def _state_lexer(self, state: Any) -> _StateLexer:
        mres, special = adapter.lexer_scan(self._lexer_of[state])
        got: _StateLexer = (_match_of(mres), special)
        self._lexers[state] = got
        return got

    def _begin(self, start: str | None) -> tuple[Any, Any] | None:
        """The automaton's first and accepting states for ``start`` (the only start
        rule when None), or None where there is no such start rule."""
        if start is None:
            if len(self._starts) != 1:
                return None
            (start,) = self._starts
        first = self._starts.get(start)
        return None if first is None else (first, self._ends[start])

    def accepts(self, text: str, start: str | None = None) -> bool:
        """True if ``Lark.parse(text, start=start)`` succeeds, False if it raises."""
        states = self._begin(start)
        if states is None:
            return False
        first, end_state = states
        actions = self._actions
        gotos = self._gotos
        lexers = self._lexers
        stack = [first]
        push = stack.append
        state = first
        pos = 0
        n = len(text)
        while True:
            # the next token, lexed in the state the parser is in (BasicLexer.next_token)
            match, special = lexers.get(state) or self._state_lexer(state)
            ttype = _END
            while pos < n:
                m = match(text, pos)
                if m is None:
                    return False  # UnexpectedCharacters
                pos = m.end()
                ttype = m.lastgroup
                if ttype in special:
                    full = special[ttype]
                    if full is None:  # %ignore'd
                        ttype = _END
                        continue
                    ttype = full(m.group(0)) or ttype
                break
            # fed to the automaton (ParserState.feed_token)
            act = actions[state].get(ttype)
            while type(act) is tuple:  # reduce, then go to
                size, origin = act
                if size:
                    del stack[-size:]
                state = gotos[stack[-1]].get(origin)
                if state is None:
                    return False
                push(state)
                if state == end_state and ttype == _END:
                    return True
                act = actions[state].get(ttype)
            if act is None or ttype == _END or act == end_state:
                return False  # UnexpectedToken (lark asserts the other two)
            push(act)
            state = act

    def read_back(
        self,
        tokens: Sequence[tuple[Any, str]],
        start: str | None = None,
        *,
        names: Sequence[str] | Mapping[Any, str] | None = None,
    ) -> str | None:
        """The texts of ``tokens`` (``(terminal, text)`` pairs) side by side, if
        ``Lark.parse`` reads that text as exactly these tokens and succeeds; else None
        (also where this cannot tell, and then :meth:`accepts` decides). A token's
        terminal is its lark name, or what ``names`` maps to one.

        Each token is checked with the lexer that knows every terminal (the basic
        lexer, or the contextual lexer's root): what that reads at a position, the
        lexer of the parser's state reads too, as it tries the same terminals in the
        same order, only fewer, the token's own among them (the parser has an action
        on it there, else the automaton below stops). That holds where no lexer
        retypes a token (a string terminal folded into a regexp of the same priority):
        elsewhere this answers None. A token of an ``%ignore``'d terminal is never
        read back (the lexer drops it).
        """
        match = self._root
        if match is None:
            return None
        states = self._begin(start)
        if states is None:
            return None
        first, end_state = states
        text = "".join(map(_second, tokens))
        actions = self._actions
        gotos = self._gotos
        ignored = self._ignored
        stack = [first]
        push = stack.append
        state = first
        pos = 0
        for key, t in tokens:
            ttype = key if names is None else names[key]
            # (an empty token cannot match: lark refuses terminals that match nothing)
            m = match(text, pos)
            pos += len(t)
            if m is None or m.end() != pos or m.lastgroup != ttype or ttype in ignored:
                return None
            act = actions[state].get(ttype)
            while type(act) is tuple:  # reduce, then go to (as in accepts)
                size, origin = act
                if size:
                    del stack[-size:]
                state = gotos[stack[-1]].get(origin)
                if state is None:
                    return None
                push(state)
                act = actions[state].get(ttype)
            if act is None or act == end_state:
                return None
            push(act)
            state = act
        act = actions[state].get(_END)
        while type(act) is tuple:
            size, origin = act
            if size:
                del stack[-size:]
            state = gotos[stack[-1]].get(origin)
            if state is None:
                return None
            push(state)
            if state == end_state:
                return text
            act = actions[state].get(_END)
        return None
