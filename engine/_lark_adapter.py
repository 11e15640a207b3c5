"""Everything that touches lark's internals lives here, and only here.

Lark's own loader reads the grammar (``%import``, templates, ``%override``,
``%extend``, terminal composition); we only add source positions to the trees
it builds, so that every alternative the author wrote can be traced back to its
file, line and column. We also reach into lark for more: the pattern of a
literal, the basic lexer's scanner (to decide where tokens glue together), the
LALR conflicts lark resolves silently, and the LALR parser's table and lexers
(which :class:`gramgen.parse.Recognizer` replays).

What lark builds from a grammar file before it makes a parser (the loaded
grammar and its compilation to BNF) is kept in a disk cache between runs: see
:func:`cache_dir`.

Tested against lark 1.3 (see ``pyproject.toml`` for the pinned range).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import gc
import hashlib
import logging
import os
import pickle
import re
import sys
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lark
import lark.lark as _lark_module
from lark import Lark, Token, Tree
from lark import load_grammar as _lg
from lark.exceptions import GrammarError as LarkGrammarError
from lark.exceptions import LarkError, UnexpectedInput
from lark.grammar import RuleOptions
from lark.indenter import Indenter
from lark.lexer import (
    BasicLexer,
    ContextualLexer,
    Pattern,
    PatternRE,
    PatternStr,
    TerminalDef,
    UnlessCallback,
)
from lark.parser_frontends import ParsingFrontend
from lark.parsers.lalr_analysis import Shift
from lark.parsers.lalr_parser import LALR_Parser, _Parser

from .errors import GramgenError, GrammarError

__all__ = [
    "LoadedGrammar",
    "Pos",
    "Scanner",
    "build",
    "cache_dir",
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
    _basic_lexer: BasicLexer | None = field(default=None, init=False, repr=False, compare=False)

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
    """Lark's error as ours, in the file that holds the mistake (an ``%import``ed one:
    see :func:`_located_loading`), with the names its author wrote."""
    text = str(err).strip()
    name = getattr(err, "gramgen_file", None) or name
    pos: Pos | None = getattr(err, "gramgen_pos", None)
    line = column = None
    if pos is not None:
        name, line, column = pos.file, pos.line, pos.column
    elif isinstance(err, UnexpectedInput):
        line, column = err.line, err.column
    else:
        m = re.search(r"line (\d+),? column (\d+)", text)
        if m:
            line, column = int(m.group(1)), int(m.group(2))
    first, _, rest = text.partition("\n")
    written: dict[str, str] = getattr(err, "gramgen_names", {})
    for mangled, own in sorted(written.items(), key=lambda kv: -len(kv[0])):
        if mangled != own:  # lark's name for a symbol of an imported grammar
            first = re.sub(rf"(?<!\w){re.escape(mangled)}(?!\w)", own, first)
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
    if line is not None:  # (the position leads the message: lark's own copy of it goes)
        first = re.sub(rf",? at line {line},? column {column}$", "", first)
    return GrammarError(first, file=name, line=line, column=column, rule=rule, context=rest or None)


_DEFINITION_ERROR = re.compile(
    r"(?:(?:Rule|Terminal|Template) '(?P<used>[^']+)' used but not defined"
    r"|Wrong number of template arguments used for (?P<tmpl>\S+) .*?)"
    r" \(in (?:rule|terminal) (?P<owner>[^)\s]+)\)"
)


def _word_at(sources: Mapping[str, str], pos: Pos | None) -> str | None:
    """The name written at ``pos`` (``?rule`` and ``!rule`` without their mark)."""
    if pos is None or pos.file not in sources:
        return None
    lines = sources[pos.file].splitlines()
    if not 0 < pos.line <= len(lines):
        return None
    m = re.compile(r"[?!]*(\w+)").match(lines[pos.line - 1], pos.column - 1)
    return m.group(1) if m else None


def _locate_definition_error(
    err: Exception, definitions: Mapping[str, Any], sources: Mapping[str, str]
) -> None:
    """Mark lark's error about a rule's body with where the culprit is written and the
    names its author wrote (lark names an imported grammar's symbols ``lib__name``)."""
    m = _DEFINITION_ERROR.search(str(err))
    d = definitions.get(m.group("owner")) if m else None
    if m is None or d is None or d.tree is None:
        return
    culprit = m.group("used") or m.group("tmpl")
    owner_pos: Pos | None = getattr(d.tree.meta, "gramgen_rule_pos", None)
    names = {m.group("owner"): _word_at(sources, owner_pos) or m.group("owner")}
    for sub in d.tree.iter_subtrees_topdown():
        if any(getattr(c, "name", None) == culprit for c in sub.children):
            pos = pos_of(sub)
            if pos is not None:
                err.gramgen_pos = pos  # type: ignore[attr-defined]
                names[culprit] = _word_at(sources, pos) or culprit
            break
    err.gramgen_names = names  # type: ignore[attr-defined]


@contextlib.contextmanager
def _located_loading(sources: Mapping[str, str]) -> Iterator[None]:
    """While lark loads a grammar: its errors carry the file they arise in (the innermost
    ``%import``ed one), that file's names as written, and for a rule's body, the
    culprit's position. Call with ``_PATCH_LOCK`` held."""
    builder = _lg.GrammarBuilder
    load_grammar = builder.load_grammar
    validate = builder.validate

    def located_load_grammar(
        self: Any, grammar_text: str, grammar_name: str = "<?>", mangle: Any = None
    ) -> None:
        try:
            load_grammar(self, grammar_text, grammar_name, mangle)
        except (LarkError, OSError) as err:
            if getattr(err, "gramgen_file", None) is None:  # raised in this very file
                err.gramgen_file = str(grammar_name)  # type: ignore[union-attr]
                if mangle is not None and str(grammar_name) in sources:
                    own = _names_in(sources[str(grammar_name)])
                    err.gramgen_names = {mangle(n): n for n in own}  # type: ignore[union-attr]
            raise

    def located_validate(self: Any) -> None:
        try:
            validate(self)
        except LarkError as err:
            _locate_definition_error(err, self._definitions, sources)
            raise

    builder.load_grammar = located_load_grammar  # type: ignore[method-assign]
    builder.validate = located_validate  # type: ignore[method-assign]
    try:
        yield
    finally:
        builder.load_grammar = load_grammar  # type: ignore[method-assign]
        builder.validate = validate  # type: ignore[method-assign]


def _names_in(text: str) -> set[str]:
    """The rule and terminal names a grammar text writes (what lark renames on import)."""
    return set(re.findall(r"(?<![\w\"/])[?!]*([A-Za-z_]\w*)", text))


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
    again = "defined more than once" in message  # then the second definition is wrong
    for i, text in enumerate(lines):
        if not head.match(text):
            continue
        if again:
            again = False
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


# -- the disk cache ---------------------------------------------------------------------------
#
# Lark reads a grammar (parsing its text with its own LALR parser, then resolving
# %import, templates and terminals), compiles it to BNF, then builds a parser. The
# first two steps are most of the cost and make plain data: it is pickled (and
# compressed) to one file per grammar file and set of options (a "slot"), whose first
# line is the key of what it was made from (the grammar text; lark's, Python's and
# gramgen's versions; this module's code). A file with another key, one that does not
# load, or one whose %import'ed files changed is rebuilt and replaced: written to a
# temporary file, then renamed over the old one, so that a reader never sees half a
# file. Only grammars read from files are cached, and only with options that are plain
# values.

_CACHE_MAGIC = b"gramgen-lark-cache 2\n"
_CACHE_SUFFIX = ".cache"
_CACHE_MAX_FILES = 512  # beyond this, the least recently used files go
_CACHE_OFF = frozenset({"0", "off", "false", "no"})
_log = logging.getLogger(__name__)


def cache_dir() -> Path | None:
    """The directory of the grammar cache, or None when the cache is off.

    ``GRAMGEN_CACHE=off`` (or ``0``, ``false``, ``no``) turns the cache off;
    ``GRAMGEN_CACHE_DIR`` names its directory. By default it is ``gramgen`` in
    ``$XDG_CACHE_HOME`` (else ``~/.cache``; ``%LOCALAPPDATA%`` on Windows).
    """
    if os.environ.get("GRAMGEN_CACHE", "").strip().lower() in _CACHE_OFF:
        return None
    where = os.environ.get("GRAMGEN_CACHE_DIR")
    if where:
        return Path(where)
    base = os.environ.get("LOCALAPPDATA" if sys.platform == "win32" else "XDG_CACHE_HOME")
    if base:
        return Path(base) / "gramgen"
    try:
        return Path.home() / ".cache" / "gramgen"
    except RuntimeError:  # no home directory
        return None


@functools.cache
def _versions_key() -> str:
    """What the cached data depends on besides the grammar: the versions and this code."""
    from . import __version__

    h = hashlib.sha256(f"{lark.__version__}\0{sys.version_info[:2]}\0{__version__}\0".encode())
    with contextlib.suppress(OSError):
        h.update(Path(__file__).read_bytes())
    return h.hexdigest()


def _plain(value: Any) -> bool:
    if value is None or isinstance(value, bool | int | float | str):
        return True
    return isinstance(value, list | tuple) and all(_plain(v) for v in value)


def _slot(kind: str, source: str, options: Mapping[str, Any]) -> str | None:
    """The cache file's name for a grammar file and options, or None if not cached."""
    if options.get("cache") or not all(_plain(v) for v in options.values()):
        return None
    if not os.path.isfile(source) or cache_dir() is None:
        return None
    desc = repr((kind, os.path.abspath(source), sorted((k, repr(v)) for k, v in options.items())))
    return hashlib.sha256(desc.encode()).hexdigest()[:32]


def _key(slot: str, text: str) -> str:
    h = hashlib.sha256(f"{_versions_key()}\0{slot}\0".encode())
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _files_unchanged(used_files: Mapping[Any, str]) -> bool:
    """Whether the files a grammar %import'ed still have the texts it was built from."""
    for path, digest in used_files.items():
        if isinstance(path, str):
            try:
                with open(path, encoding="utf8") as f:
                    text = f.read()
            except (OSError, UnicodeDecodeError):
                return False
            if _lg.sha256_digest(text) != digest:
                return False
        elif not _lg.verify_used_files({path: digest}):  # type: ignore[no-untyped-call]
            return False  # lark's own grammars, read from its package
    return True


@dataclass
class _Entry:
    """A cache file's content."""

    lark: tuple[Any, ...]  # what _CachedGrammar.snapshot holds, unpickled
    sources: dict[str, str]
    used_files: dict[Any, str]


def _cache_read(slot: str, key: str) -> _Entry | None:
    """The entry in ``slot`` if it was made from ``key`` and is whole, else None."""
    where = cache_dir()
    if where is None:
        return None
    path = where / (slot + _CACHE_SUFFIX)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    head = _CACHE_MAGIC + key.encode() + b"\n"
    if not data.startswith(head):
        return None  # another grammar text or version: rebuilt
    try:
        raw = pickle.loads(zlib.decompress(memoryview(data)[len(head) :]))
        entry = _Entry(pickle.loads(raw["lark"]), dict(raw["sources"]), dict(raw["used_files"]))
        if len(entry.lark) != 6 or not _files_unchanged(entry.used_files):
            return None
    except Exception:  # a damaged file: rebuilt
        _log.debug("ignoring damaged grammar cache file %s", path, exc_info=True)
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: pruning keeps it
    return entry


def _cache_write(
    slot: str, key: str, snapshot: bytes, sources: Mapping[str, str], used: Any
) -> None:
    """Store an entry (never raises: a cache that cannot be written is not used)."""
    where = cache_dir()
    if where is None:
        return
    try:
        payload = {"lark": snapshot, "sources": dict(sources), "used_files": dict(used)}
        body = zlib.compress(pickle.dumps(payload, pickle.HIGHEST_PROTOCOL), 1)  # a sixth
        blob = _CACHE_MAGIC + key.encode() + b"\n" + body
        where.mkdir(mode=0o700, parents=True, exist_ok=True)  # pickles: the user's own
        fd, tmp = tempfile.mkstemp(dir=where, prefix=f".{slot}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(blob)
            os.replace(tmp, where / (slot + _CACHE_SUFFIX))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _cache_prune(where)
    except Exception:
        _log.debug("cannot write the grammar cache in %s", where, exc_info=True)


def _cache_prune(where: Path) -> None:
    files = [p for p in where.iterdir() if p.name.endswith(_CACHE_SUFFIX)]
    if len(files) <= _CACHE_MAX_FILES:
        return

    def age(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except OSError:
            return 0.0

    files.sort(key=age)
    for p in files[: len(files) - _CACHE_MAX_FILES * 3 // 4]:
        with contextlib.suppress(OSError):
            p.unlink()


class _CachedGrammar(_lg.Grammar):
    """Lark's loaded grammar, whose compilation is served from the cache (once), or
    kept for it (``record``) as lark made it, before lark edits what it is given."""

    def __init__(
        self,
        rule_defs: Any,
        term_defs: Any,
        ignore: Any,
        *,
        served: tuple[Any, Any, Any] | None = None,
        record: bool = False,
    ) -> None:
        super().__init__(rule_defs, term_defs, ignore)
        self._served = served
        self._record = record
        self.snapshot: bytes | None = None

    def compile(self, start: Any, terminals_to_keep: Any) -> Any:
        served, self._served = self._served, None
        if served is not None and served[0] == list(start) and served[1] == terminals_to_keep:
            return served[2]
        compiled = super().compile(start, terminals_to_keep)
        if self._record:
            self._record = False
            made = (self.rule_defs, self.term_defs, self.ignore, list(start), terminals_to_keep)
            try:
                self.snapshot = pickle.dumps((*made, compiled), pickle.HIGHEST_PROTOCOL)
            except Exception:  # then it is not cached
                _log.debug("cannot pickle the grammar for the cache", exc_info=True)
        return compiled


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Python's cyclic garbage collector paused: lark (and unpickling what it made) makes
    many objects and little cyclic garbage, and the collections they set off walk the
    whole heap (a tenth of a family's start-up, with sympy loaded)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@contextlib.contextmanager
def _cached_loading(
    text: str, slot: str | None, sources: dict[str, str] | None
) -> Iterator[Callable[[], None]]:
    """While lark is made from ``text``: what it loads and compiles comes from the cache
    where the cache has it. The context's value saves what lark made to the cache (call
    it once lark is built). Call with ``_PATCH_LOCK`` held."""
    if slot is None:
        yield lambda: None
        return
    key = _key(slot, text)
    entry = _cache_read(slot, key)
    made: list[tuple[_CachedGrammar, Any]] = []
    original = _lark_module.load_grammar  # type: ignore[attr-defined]

    def load_grammar(grammar_text: str, source: str, import_paths: Any, keep_all: bool) -> Any:
        if grammar_text == text and entry is not None:
            rule_defs, term_defs, ignore, start, keep, compiled = entry.lark
            if sources is not None:
                sources.update(entry.sources)
            g = _CachedGrammar(rule_defs, term_defs, ignore, served=(start, keep, compiled))
            return g, dict(entry.used_files)
        loaded, used = original(grammar_text, source, import_paths, keep_all)  # type: ignore[no-untyped-call]
        g = _CachedGrammar(loaded.rule_defs, loaded.term_defs, loaded.ignore, record=True)
        made.append((g, used))
        return g, used

    def save() -> None:
        if len(made) == 1:
            g, used = made[0]
            if g.snapshot is not None:
                _cache_write(slot, key, g.snapshot, sources or {}, used)

    _lark_module.load_grammar = load_grammar  # type: ignore[attr-defined]
    try:
        yield save
    finally:
        _lark_module.load_grammar = original  # type: ignore[attr-defined]


class _Lark(Lark):
    """Lark, whose Earley parser is built on first use (the sampler needs lark's
    grammar, lexer configuration and terminals; only the round trip parses) where
    building it raises nothing: lark's dynamic lexer and tree builder, with options and
    terminals it accepts (else it is built at once, and lark's error is raised there)."""

    _gramgen_parser: Any = None
    _gramgen_deferred = False

    def _build_parser(self) -> Any:
        o = self.options
        if (
            o.parser == "earley"
            and o.lexer == "dynamic"
            and not o.lexer_callbacks
            and o.transformer is None
            and o.propagate_positions in (True, False)
            and not o._plugins
            and not o.regex
            and not o.g_regex_flags
            and not o.use_bytes
            and self._widths_ok()
        ):
            self._gramgen_deferred = True
            return None
        return super()._build_parser()

    def _widths_ok(self) -> bool:
        try:
            return all(t.pattern.min_width > 0 for t in self.terminals)
        except Exception:  # lark reports it when it builds the parser
            return False

    @property
    def parser(self) -> Any:
        if self._gramgen_parser is None and self._gramgen_deferred:
            self._gramgen_parser = super()._build_parser()
        return self._gramgen_parser

    @parser.setter
    def parser(self, value: Any) -> None:
        self._gramgen_parser = value


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
    slot = _slot("grammar", source, kwargs)
    with _PATCH_LOCK, _no_gc():
        _lg._parse_grammar = parse_with_positions
        lark_logger.handlers = [collector]
        lark_logger.propagate = False
        lark_logger.setLevel(logging.DEBUG)
        try:
            with _cached_loading(text, slot, sources) as save, _located_loading(sources):
                inst = _Lark(text, source_path=source, **kwargs)
                save()
        except (LarkGrammarError, LarkError) as err:
            raise _translate_lark_error(err, source) from None
        except OSError as err:  # a failed %import
            where = getattr(err, "gramgen_file", None) or source
            line = column = None
            if err.filename:  # the %import naming the file not found
                dotted = re.escape(Path(str(err.filename)).with_suffix("").as_posix())
                dotted = dotted.replace("/", r"\.")
                line, column = _find(where, rf"%import\s+\.?{dotted}\b")
            raise GrammarError(
                f"cannot import grammar: {err.strerror}: {str(err.filename)!r}",
                file=where,
                line=line,
                column=column,
            ) from None
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


def build(text: str, options: Mapping[str, Any], *, cache_as: str | None = None) -> Lark:
    """``Lark(text, **options)``, for grammar text gramgen writes (lark's errors pass
    through). ``cache_as``: the grammar file the text is made from, to keep what lark
    builds in the disk cache."""
    kwargs = dict(options)
    slot = None if cache_as is None else _slot("built", cache_as, kwargs)
    with _PATCH_LOCK, _no_gc(), _cached_loading(text, slot, None) as save:
        inst = Lark(text, **kwargs)
        save()
    return inst


def lexing_options(parser: Lark) -> dict[str, Any]:
    """The options of ``parser`` that a parser of the same tokens needs: its postlexer
    and regular expression settings."""
    o = parser.options
    return {"postlex": o.postlex, "g_regex_flags": o.g_regex_flags, "regex": o.regex}


@functools.lru_cache(maxsize=8192)
def _literal_pattern(ttype: str, value: str) -> Pattern:
    """lark's pattern of a literal token (it depends on nothing else; patterns are
    not changed once made, so one serves every rule that writes the literal)."""
    pat: Pattern = _lg._literal_to_pattern(Token(ttype, value))  # type: ignore[no-untyped-call]
    return pat


def pattern_of(value_tree: Tree[Any]) -> Pattern:
    """The lark pattern of a ``literal`` or ``range`` tree (as lark compiles it)."""
    if value_tree.data == "literal":
        (tok,) = value_tree.children
        assert isinstance(tok, Token), tok  # as lark asserts
        return _literal_pattern(tok.type, tok.value)
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
        lexer = loaded._basic_lexer  # one for every sampler of the grammar
        if lexer is None:
            terminals = [t for t in conf.terminals if t.pattern.min_width > 0]
            conf2 = copy.copy(conf)
            conf2.terminals = terminals
            conf2.skip_validation = True
            lexer = loaded._basic_lexer = BasicLexer(conf2)
        self._lexer = lexer
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


def declared_terminals(loaded: LoadedGrammar) -> frozenset[str]:
    """The terminals ``%declare``'d without a definition (only a postlexer makes them)."""
    return frozenset(str(name) for name, (tree, _prio) in loaded.term_defs if tree is None)


def why_declared_unreadable(loaded: LoadedGrammar) -> str | None:
    """Why the grammar's own parser can never read a ``%declare``'d terminal from text,
    or None where it may (a postlexer or lexer callback can make one)."""
    o = loaded.lark.options
    if o.postlex is None and not o.lexer_callbacks:
        return "only a postlexer or a lexer callback makes one, and this grammar has neither"
    if o.lexer in ("dynamic", "dynamic_complete"):
        return "lark's Earley parser with its dynamic lexer cannot read one"
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


# -- the LALR parser, as data (what gramgen.parse.Recognizer replays) --------------------------

END = "$END"
"""The type lark gives the end of the input."""


def lalr_frontend(parser: Lark) -> Any | None:
    """The frontend of ``parser`` if it is lark's LALR parser with lark's own basic or
    contextual lexer, and no postlexer, lexer callbacks, transformer, tree class or
    plugins of the user's (what its parse table and lexers decide alone), else None."""
    o = parser.options
    if (
        o.parser != "lalr"
        or o.postlex is not None
        or o.transformer is not None
        or o.lexer_callbacks
        or o.use_bytes
        or o._plugins
        or o.tree_class not in (None, Tree)
    ):
        return None
    fe = parser.parser
    if (
        type(fe) is not ParsingFrontend
        or type(fe.parser) is not LALR_Parser
        or type(fe.parser.parser) is not _Parser
        or getattr(fe, "skip_lexer", True)
    ):
        return None
    lexer = fe.lexer
    if type(lexer) is ContextualLexer:
        if any(type(lx) is not BasicLexer for lx in lexer.lexers.values()):
            return None
    elif type(lexer) is not BasicLexer:
        return None
    return fe


def lalr_table(
    frontend: Any,
) -> tuple[dict[Any, dict[str, Any]], dict[Any, dict[str, Any]], dict[str, Any], dict[str, Any]]:
    """The parse table of an :func:`lalr_frontend`, as plain dicts: (actions, gotos,
    start states, end states) where ``actions[state][terminal]`` is the state to shift
    to, or (symbols popped, nonterminal) to reduce by, and ``gotos[state][nonterminal]``
    the state to go to after a reduction. Every key is a ``str`` (lark's names may be
    Tokens, whose == is Python code)."""
    table = frontend.parser.parser.parse_table
    actions_of: dict[Any, dict[str, Any]] = {}
    gotos_of: dict[Any, dict[str, Any]] = {}
    for state, row in table.states.items():
        actions: dict[str, Any] = {}
        gotos: dict[str, Any] = {}
        for key, (action, arg) in row.items():
            name = str(key)
            if action is not Shift:
                actions[name] = (len(arg.expansion), str(arg.origin.name))
            elif name.isupper() or name == END:  # lark's test for a terminal
                actions[name] = arg
            else:
                gotos[name] = arg
        actions_of[state] = actions
        gotos_of[state] = gotos
    return actions_of, gotos_of, dict(table.start_states), dict(table.end_states)


def state_lexers(frontend: Any) -> dict[Any, Any]:
    """The lexer of each parser state of an :func:`lalr_frontend` (for :func:`lexer_scan`)."""
    lexer = frontend.lexer
    if type(lexer) is ContextualLexer:
        return dict(lexer.lexers)
    return dict.fromkeys(frontend.parser.parser.parse_table.states, lexer)


def lexer_scan(
    lexer: Any,
) -> tuple[tuple[re.Pattern[str], ...], dict[str, Callable[[str], str | None] | None]]:
    """What a basic lexer of a :func:`state_lexers` tries at a position: its compiled
    regexps in order, and the token types that need more than a match: None for those
    it drops (``%ignore``), else the full-match test of the string terminals lark folded
    into that regexp (its ``UnlessCallback``)."""
    mres = tuple(lexer.scanner._mres)  # lark builds the scanner and callbacks on first use
    special: dict[str, Callable[[str], str | None] | None] = {}
    for ttype, cb in lexer.callback.items():
        if type(cb) is not UnlessCallback:  # only lark's own: lalr_frontend refused the user's
            raise GramgenError(f"internal: unexpected lexer callback for {ttype}")
        special[str(ttype)] = cb.scanner.fullmatch
    for ttype in lexer.ignore_types:
        special[str(ttype)] = None  # dropped before any callback counts
    return mres, special


def root_scan(frontend: Any) -> tuple[tuple[re.Pattern[str], ...] | None, frozenset[str]]:
    """The regexps of the lexer of an :func:`lalr_frontend` that knows every terminal
    (the basic lexer, or the contextual lexer's root), or None where that lexer retypes
    tokens; and the types it drops (``%ignore``)."""
    lexer = frontend.lexer
    root: Any = lexer.root_lexer if type(lexer) is ContextualLexer else lexer
    mres = tuple(root.scanner._mres)  # lark builds the scanner and callbacks on first use
    return (None if root.callback else mres), frozenset(str(t) for t in root.ignore_types)


ParseError = (UnexpectedInput, LarkError)
