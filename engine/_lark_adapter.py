"""Everything that touches lark's internals lives here, and only here.

Lark's own loader reads the grammar (``%import``, templates, ``%override``,
``%extend``, terminal composition); we only add source positions to the trees
it builds, so that every alternative the author wrote can be traced back to its
file, line and column. We also reach into lark for three more things: the
pattern of a literal, the basic lexer's scanner (to decide where tokens glue
together), and the LALR conflicts lark resolves silently.

Tested against lark 1.3 (see ``pyproject.toml`` for the pinned range).
"""

from __future__ import annotations

import contextlib
import copy
import logging
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import lark
from lark import Lark, Token, Tree
from lark import load_grammar as _lg
from lark.exceptions import GrammarError as LarkGrammarError
from lark.exceptions import LarkError, UnexpectedInput
from lark.grammar import RuleOptions
from lark.indenter import Indenter
from lark.lexer import BasicLexer, Pattern, PatternRE, PatternStr, TerminalDef

from .errors import GrammarError

__all__ = [
    "LoadedGrammar",
    "Pos",
    "Scanner",
    "load",
    "pattern_of",
]

_PATCH_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Pos:
    """A span in a grammar source file (1-based lines and columns)."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass
class LoadedGrammar:
    """What lark gives us: the parser, the author's definitions, and their sources."""

    lark: Lark
    rule_defs: list[tuple[str, tuple[str, ...], Tree[Any], RuleOptions]]
    term_defs: list[tuple[str, tuple[Tree[Any] | None, int]]]
    ignore: list[str]
    terminals: dict[str, TerminalDef]
    sources: dict[str, str]
    start: list[str]
    lalr_conflicts: list[str] = field(default_factory=list)

    def terminal_for_pattern(self, pattern: Pattern) -> str | None:
        """The compiled terminal lark assigned to a literal in a rule."""
        return self._reverse.get(pattern)

    def __post_init__(self) -> None:
        self._reverse: dict[Pattern, str] = {}
        for td in self.lark.terminals:
            self._reverse[td.pattern] = td.name


def _span_of(tree: Tree[Any]) -> tuple[int, int, int, int] | None:
    """The smallest span covering every token below ``tree`` (iterative)."""
    best: tuple[int, int, int, int] | None = None
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Tree):
            stack.extend(node.children)
        elif isinstance(node, Token) and node.line is not None:
            start = (node.line, node.column or 0)
            end = (node.end_line or node.line, node.end_column or node.column or 0)
            if best is None:
                best = (*start, *end)
            else:
                lo = min((best[0], best[1]), start)
                hi = max((best[2], best[3]), end)
                best = (*lo, *hi)
    return best


def _annotate(raw: Tree[Any], file: str) -> None:
    """Store each construct's source span on its tree's ``meta``."""
    for stmt in raw.iter_subtrees():
        if stmt.data not in ("rule", "term"):
            continue
        name_tok = next(
            c for c in stmt.children if isinstance(c, Token) and c.type in ("RULE", "TERMINAL")
        )
        name_pos = Pos(
            file,
            name_tok.line or 0,
            name_tok.column or 0,
            name_tok.end_line or 0,
            name_tok.end_column or 0,
        )
        for sub in stmt.iter_subtrees():
            sub.meta.gramgen_file = file  # type: ignore[attr-defined]
            sub.meta.gramgen_rule_pos = name_pos  # type: ignore[attr-defined]
            span = _span_of(sub)
            if span is not None:
                sub.meta.gramgen_pos = Pos(file, *span)  # type: ignore[attr-defined]


def pos_of(tree: Tree[Any]) -> Pos | None:
    """The source span recorded for a construct, or its rule's name if it has no tokens."""
    meta = tree.meta
    pos: Pos | None = getattr(meta, "gramgen_pos", None)
    if pos is None:
        pos = getattr(meta, "gramgen_rule_pos", None)
    return pos


def rule_pos_of(tree: Tree[Any]) -> Pos | None:
    """Where the rule or terminal owning ``tree`` is named."""
    pos: Pos | None = getattr(tree.meta, "gramgen_rule_pos", None)
    return pos


def _translate_lark_error(err: Exception, name: str) -> GrammarError:
    text = str(err).strip()
    line = column = None
    if isinstance(err, UnexpectedInput):
        line, column = err.line, err.column
    else:
        m = re.search(r"line (\d+),? column (\d+)", text)
        if m:
            line, column = int(m.group(1)), int(m.group(2))
    first, _, rest = text.partition("\n")
    rule = None
    m = re.search(r"\((?:in|Error at) (?:rule |terminal |template )?'?([A-Za-z_][\w]*)'?", first)
    if m:
        rule = m.group(1)
    else:
        m = re.search(r"(?:Rule|Terminal|Template) '?([A-Za-z_]\w*)'? ", first) or re.search(
            r"Cannot compile token '?([A-Za-z_]\w*)'?:", first
        )
        if m:
            rule = m.group(1)
    if line is None and rule is not None:
        line, column = _locate(name, first, rule)
    if line is None:
        m = re.search(r"\((\d+)\.\.(\d+) isn't allowed\)", first)
        if m:
            line, column = _find(name, rf"~\s*{m.group(1)}\s*\.\.\s*{m.group(2)}\b")
    return GrammarError(first, file=name, line=line, column=column, rule=rule, context=rest or None)


def _find(file: str, pattern: str) -> tuple[int | None, int | None]:
    """The first place ``pattern`` occurs in ``file``."""
    try:
        with open(file, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError:
        return None, None
    for i, text in enumerate(lines):
        m = re.search(pattern, text)
        if m:
            return i + 1, m.start() + 1
    return None, None


def _locate(file: str, message: str, rule: str) -> tuple[int | None, int | None]:
    """Find where lark's position-less error happens: the culprit inside ``rule``'s definition."""
    try:
        with open(file, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError:
        return None, None
    m = re.search(r"'([A-Za-z_]\w*)' used but not defined", message)
    culprit = m.group(1) if m else None
    head = re.compile(rf"^\s*(?:%override\s+|%extend\s+)?[?!]?{re.escape(rule)}\b\s*[.{{:]")
    for i, text in enumerate(lines):
        if not head.match(text):
            continue
        if culprit is None:
            return i + 1, text.index(rule) + 1
        use = re.compile(rf"(?<![\w\"/]){re.escape(culprit)}\b")
        for j in range(i, len(lines)):
            if (
                j > i
                and re.match(r"^\s*[?!_A-Za-z%]", lines[j])
                and not lines[j].lstrip().startswith("|")
            ):
                break
            hit = use.search(lines[j], text.index(":") + 1 if j == i else 0)
            if hit:
                return j + 1, hit.start() + 1
        return i + 1, text.index(rule) + 1
    return None, None


class _ConflictCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        msg = record.getMessage()
        if "conflict" in msg.lower():
            self.messages.append(msg)


def load(
    text: str,
    source: str,
    *,
    start: Sequence[str],
    parser: str,
    lexer: str,
    options: Mapping[str, Any],
) -> LoadedGrammar:
    """Build lark's parser for ``text`` and keep the author's definitions with positions."""
    sources: dict[str, str] = {}
    original = _lg._parse_grammar

    def parse_with_positions(grammar_text: str, name: str, start: str = "start") -> Any:
        try:
            raw = _lg._get_parser().parse(grammar_text + "\n", start)  # type: ignore[no-untyped-call]
        except LarkError:
            return original(grammar_text, name, start)  # type: ignore[no-untyped-call]  # raises lark's error
        file = str(name)
        sources[file] = grammar_text
        _annotate(raw, file)
        return _lg.PrepareGrammar().transform(raw)

    collector = _ConflictCollector()
    lark_logger = lark.logger
    old = (lark_logger.level, list(lark_logger.handlers), lark_logger.propagate)
    kwargs = dict(options)
    kwargs.update(start=list(start), parser=parser, lexer=lexer)
    with _PATCH_LOCK:
        _lg._parse_grammar = parse_with_positions
        lark_logger.handlers = [collector]
        lark_logger.propagate = False
        lark_logger.setLevel(logging.DEBUG)
        try:
            inst = Lark(text, source_path=source, **kwargs)
        except (LarkGrammarError, LarkError) as err:
            raise _translate_lark_error(err, source) from None
        except OSError as err:  # a failed %import
            raise GrammarError(f"cannot import grammar: {err}", file=source) from None
        except AssertionError as err:  # lark signals some grammar errors this way
            raise GrammarError(f"lark rejected the grammar: {err}", file=source) from None
        finally:
            _lg._parse_grammar = original
            lark_logger.setLevel(old[0])
            lark_logger.handlers = old[1]
            lark_logger.propagate = old[2]
    g = inst.grammar
    return LoadedGrammar(
        lark=inst,
        rule_defs=list(g.rule_defs),
        term_defs=list(g.term_defs),
        ignore=list(g.ignore),
        terminals={td.name: td for td in inst.terminals},
        sources=sources,
        start=list(start),
        lalr_conflicts=sorted(set(collector.messages)),
    )


def pattern_of(value_tree: Tree[Any]) -> Pattern:
    """The lark pattern of a ``literal`` or ``range`` tree (as lark compiles it)."""
    if value_tree.data == "literal":
        (tok,) = value_tree.children
        pat: Pattern = _lg._literal_to_pattern(tok)  # type: ignore[no-untyped-call]
        return pat
    if value_tree.data == "range":
        a, b = (str(c) for c in value_tree.children)
        return PatternRE(f"[{a[1:-1]}-{b[1:-1]}]")
    raise TypeError(f"not a literal: {value_tree.data}")


def is_string_pattern(p: Pattern) -> bool:
    return isinstance(p, PatternStr)


class Scanner:
    """The grammar's basic lexer, used to check how a token lexes in context."""

    def __init__(self, loaded: LoadedGrammar) -> None:
        conf = loaded.lark.lexer_conf
        terminals = [t for t in conf.terminals if t.pattern.min_width > 0]
        conf2 = copy.copy(conf)
        conf2.terminals = terminals
        conf2.skip_validation = True
        self._lexer = BasicLexer(conf2)
        scanner = self._lexer.scanner
        self._mres = list(scanner._mres)
        #: the compiled patterns the scanner tries, in order
        self.patterns: tuple[re.Pattern[str], ...] = tuple(self._mres)
        self._callback: dict[str, Any] = dict(self._lexer.callback)
        self.ignore_types = frozenset(conf.ignore)

    def match(self, text: str, pos: int) -> tuple[str, str] | None:
        """(type, value) of the token the basic lexer reads at ``pos``."""
        for mre in self._mres:
            m = mre.match(text, pos)
            if m:
                value = m.group(0)
                ttype = m.lastgroup or ""
                cb = self._callback.get(ttype)
                if cb is not None:
                    with contextlib.suppress(Exception):  # user callbacks may want a full token
                        ttype = cb(Token(ttype, value)).type
                return ttype, value
        return None


def indenter_of(loaded: LoadedGrammar) -> Indenter | None:
    post = loaded.lark.options.postlex
    return post if isinstance(post, Indenter) else None


def terminal_regexp(td: TerminalDef) -> tuple[str, str, bool]:
    """(regexp, flag letters, is_plain_string) of a compiled terminal."""
    p = td.pattern
    return p.to_regexp(), "".join(sorted(p.flags)), isinstance(p, PatternStr)


def string_value(td: TerminalDef) -> str | None:
    """The exact text of a plain string terminal (None for regexps)."""
    p = td.pattern
    return str(p.value) if isinstance(p, PatternStr) else None


ParseError = (UnexpectedInput, LarkError)
