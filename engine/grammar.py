"""A Lark grammar, compiled to the constructs its author wrote.

Lark's loader reads the file; we walk the definitions it keeps (before lark
flattens them to BNF) and build a small integer-indexed model in which every
alternative, optional, repetition and terminal is one :class:`Symbol` that
knows where it stands in the source. Weights come from ``//@`` comments in the
grammar (so the file stays valid Lark) and from overrides given in Python or on
the command line.

>>> g = Grammar.from_string('start: "a" | "b" "c"  //@ w=[1,3]')
>>> [round(w, 2) for w in g.symbol(g.start_symbol).weights]
[1.0, 3.0]
"""

from __future__ import annotations

import hashlib
import importlib.resources
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any

from lark import Tree
from lark.grammar import NonTerminal, Terminal

from . import _lark_adapter as adapter
from ._lark_adapter import Pos
from .errors import GrammarError, InvalidArgument

__all__ = ["Alternative", "Grammar", "Kind", "Symbol"]


class Kind(IntEnum):
    """What a symbol is: a choice among alternatives, an optional, a repetition or a token."""

    RULE = 0
    OPT = 1
    REP = 2
    TERM = 3


@dataclass(slots=True)
class Alternative:
    """One alternative the author wrote: a sequence of symbols."""

    index: int
    items: tuple[int, ...]
    pos: Pos | None
    alias: str | None = None
    weight: float = 1.0
    explicit: bool = False  # the weight was written by the author or overridden
    kept: tuple[bool, ...] = ()  # per item: a token lark keeps in its parse tree


@dataclass(slots=True)
class Symbol:
    """A rule, group, optional, repetition or terminal of the compiled grammar."""

    id: int
    kind: Kind
    name: str
    rule: str
    pos: Pos | None = None
    alts: list[Alternative] = field(default_factory=list)
    inner: int = -1
    lo: int = 0
    hi: int = -1  # -1: unbounded
    p_take: float = 0.5
    mean_extra: float = 1.0
    terminal: str = ""
    expand1: bool = False
    keep_all_tokens: bool = False
    template: str | None = None
    explicit: bool = False  # p_take or mean_extra was written by the author
    inner_kept: bool = True  # an optional's or repetition's token is kept in lark's tree
    brackets: bool = False  # an optional written [x] (lark's maybe_placeholders apply)

    @property
    def weights(self) -> list[float]:
        return [a.weight for a in self.alts]

    @property
    def is_group(self) -> bool:
        return self.kind is Kind.RULE and "@" in self.name

    def describe(self) -> str:
        """A short human name: ``expr``, ``expr: group at 3:9``, ``NUMBER``."""
        return self.name


# a line's first comment, skipping string and regex literals that may contain "//"
_COMMENT = re.compile(r'"(?:\\.|[^"\\\n])*"|/(?!/)(?:\\.|[^/\\\n])+/|(//.*)')
_KV = re.compile(r"(\w+)\s*=\s*(\[[^\]]*\]|[^\s]+)|(\S+)")


@dataclass(frozen=True, slots=True)
class _Annotation:
    file: str
    line: int
    weights: tuple[float, ...] | None
    opt: float | None
    rep: float | None


def _parse_annotations(file: str, text: str) -> list[_Annotation]:
    out: list[_Annotation] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        comment = next((m for m in _COMMENT.finditer(line) if m.group(1)), None)
        if comment is None or not comment.group(1).startswith("//@"):
            continue
        weights: tuple[float, ...] | None = None
        opt = rep = None
        col = comment.start(1) + 1
        for kv in _KV.finditer(comment.group(1)[3:]):
            key, value, bare = kv.group(1), kv.group(2), kv.group(3)
            if bare is not None:
                key, value = "w", bare
            try:
                if key in ("w", "weight"):
                    parts = value.strip("[]").replace(",", " ").split()
                    weights = tuple(float(p) for p in parts)
                    if not weights or any(not math.isfinite(w) or w < 0 for w in weights):
                        raise ValueError
                elif key in ("opt", "p"):
                    opt = float(value)
                    if not 0.0 <= opt <= 1.0:
                        raise ValueError
                elif key in ("rep", "mean"):
                    rep = float(value)
                    if not (math.isfinite(rep) and rep >= 0):
                        raise ValueError
                else:
                    raise GrammarError(
                        f"unknown annotation {key!r} (expected w=, opt= or rep=)",
                        file=file,
                        line=lineno,
                        column=col,
                    )
            except ValueError:
                raise GrammarError(
                    f"bad annotation value {key}={value!r}: weights are numbers >= 0, "
                    "opt= a probability in [0, 1], rep= a mean count >= 0",
                    file=file,
                    line=lineno,
                    column=col,
                ) from None
        out.append(_Annotation(file, lineno, weights, opt, rep))
    return out


def _bundled_path(name: str) -> Path | None:
    root = importlib.resources.files("gramgen.grammars")
    for candidate in (f"{name}.lark", name):
        res = root / candidate
        if res.is_file():
            return Path(str(res))
    return None


def bundled_grammars() -> list[str]:
    """Names of the grammars shipped in ``gramgen.grammars``."""
    root = importlib.resources.files("gramgen.grammars")
    return sorted(p.name[: -len(".lark")] for p in root.iterdir() if p.name.endswith(".lark"))


class Grammar:
    """A Lark grammar compiled for generation.

    Build one with :meth:`from_file`, :meth:`from_string` or :meth:`open`
    (which also finds the bundled grammars by name).
    """

    def __init__(
        self,
        text: str,
        *,
        source: str = "<string>",
        start: str | Sequence[str] | None = None,
        parser: str = "earley",
        lexer: str = "auto",
        weights: Mapping[str, float] | None = None,
        **lark_options: Any,
    ) -> None:
        if parser not in ("earley", "lalr"):
            raise InvalidArgument(f"parser must be 'earley' or 'lalr', got parser={parser!r}")
        starts = [start] if isinstance(start, str) else list(start or ["start"])
        if not starts or not all(isinstance(s, str) and s for s in starts):
            raise InvalidArgument(f"start must be a rule name or a list of them, got {start!r}")
        post = lark_options.get("postlex")
        if post is not None and not (
            callable(getattr(post, "process", None)) and hasattr(post, "always_accept")
        ):
            raise InvalidArgument(
                "postlex must be a Lark postlexer (an object with a process(stream) method "
                f"and always_accept), got postlex={post!r} (type={type(post).__name__})"
            )
        from lark.lark import LarkOptions

        unknown = sorted(set(lark_options) - set(LarkOptions._defaults))
        if unknown:
            known = ", ".join(k for k in sorted(LarkOptions._defaults) if not k.startswith("_"))
            raise InvalidArgument(f"{unknown[0]!r} is not a Lark option (Lark's: {known})")
        if lark_options.get("use_bytes"):
            raise InvalidArgument("use_bytes=True is not supported: gramgen makes str texts")
        self.text = text
        self.source = source
        self.parser = parser
        self.lexer = lexer
        self.lark_options = dict(lark_options)
        self.loaded = adapter.load(
            text, source, start=starts, parser=parser, lexer=lexer, options=lark_options
        )
        self.starts = starts
        self.content_hash = hashlib.sha256(
            "\0".join(f"{k}\0{v}" for k, v in sorted(self.loaded.sources.items())).encode()
        ).hexdigest()[:16]
        self.symbols: list[Symbol] = []
        self._rule_syms: dict[str, int] = {}
        self._term_syms: dict[str, int] = {}
        self._instances: dict[tuple[str, tuple[int, ...], tuple[bool, ...]], int] = {}
        self._defs = {
            str(name): (tuple(str(p) for p in params), tree, opts)
            for name, params, tree, opts in self.loaded.rule_defs
        }
        self._term_trees = {str(name): tree for name, (tree, _prio) in self.loaded.term_defs}
        self._compile()
        self._apply_annotations()
        if weights:
            self.set_weights(weights)
        missing = [s for s in starts if s not in self._rule_syms]
        if missing:
            raise GrammarError(f"start rule {missing[0]!r} is not defined", file=source)
        self.start_symbol = self._rule_syms[starts[0]]

    # -- construction ---------------------------------------------------------------

    @classmethod
    def from_string(cls, text: str, **options: Any) -> Grammar:
        """Compile grammar text. Options are Lark's (``start``, ``parser``, ``lexer``, ...)."""
        return cls(text, **options)

    @classmethod
    def from_file(cls, path: str | Path, **options: Any) -> Grammar:
        """Compile a ``.lark`` file; relative ``%import``s resolve next to it."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as err:
            raise InvalidArgument(f"cannot read grammar file {str(p)!r}: {err.strerror}") from None
        except UnicodeDecodeError as err:
            raise GrammarError(f"not UTF-8 text: {err.reason}", file=str(p)) from None
        options.setdefault("source", str(p))
        return cls(text, **options)

    @classmethod
    def open(cls, name_or_path: str | Path, **options: Any) -> Grammar:
        """A grammar by path, or by the name of a bundled grammar (``"json"``)."""
        p = Path(name_or_path)
        if p.suffix == ".lark" or p.exists():
            return cls.from_file(p, **options)
        bundled = _bundled_path(str(name_or_path))
        if bundled is None:
            names = ", ".join(bundled_grammars()) or "none"
            raise InvalidArgument(
                f"no grammar file or bundled grammar named {str(name_or_path)!r} (bundled: {names})"
            )
        return cls.from_file(bundled, **options)

    def _new(self, kind: Kind, name: str, rule: str, pos: Pos | None, **kw: Any) -> Symbol:
        sym = Symbol(len(self.symbols), kind, name, rule, pos, **kw)
        self.symbols.append(sym)
        return sym

    def _compile(self) -> None:
        todo: list[tuple[int, str, Tree[Any], dict[str, tuple[int, bool]]]] = []
        for name, (params, tree, opts) in self._defs.items():
            if params:
                continue
            sym = self._rule_sym(name)
            s = self.symbols[sym]
            s.expand1 = bool(opts.expand1)
            s.keep_all_tokens = bool(opts.keep_all_tokens)
            s.pos = adapter.rule_pos_of(tree)
            todo.append((sym, name, tree, {}))
        while todo:
            sym, rule, tree, env = todo.pop(0)
            self.symbols[sym].alts = self._alternatives(tree, rule, env, todo)

    def _rule_sym(self, name: str) -> int:
        if name not in self._rule_syms:
            self._rule_syms[name] = self._new(Kind.RULE, name, name, None).id
        return self._rule_syms[name]

    def _term_sym(self, name: str, pos: Pos | None) -> int:
        if name not in self._term_syms:
            tree = self._term_trees.get(name)
            tpos = adapter.rule_pos_of(tree) if tree is not None else pos
            self._term_syms[name] = self._new(Kind.TERM, name, name, tpos, terminal=name).id
        return self._term_syms[name]

    def _alternatives(
        self, tree: Tree[Any], rule: str, env: dict[str, tuple[int, bool]], todo: list[Any]
    ) -> list[Alternative]:
        flat: list[Tree[Any]] = []
        extensions: list[Tree[Any]] = []
        for child in tree.children:
            if isinstance(child, Tree) and child.data == "expansions":
                extensions.append(child)
            else:
                flat.append(child)
        for ext in reversed(extensions):  # %extend inserts at the front; keep source order
            flat.extend(ext.children)
        alts = []
        for i, node in enumerate(flat):
            alias = None
            expansion = node
            if node.data == "alias":
                expansion, alias_sym = node.children
                alias = str(getattr(alias_sym, "name", alias_sym))
            items = tuple(self._item(c, rule, env, todo) for c in expansion.children)
            kept = tuple(self._kept(c, env) for c in expansion.children)
            alts.append(Alternative(i, items, adapter.pos_of(node), alias, kept=kept))
        return alts

    @staticmethod
    def _kept(node: Any, env: dict[str, tuple[int, bool]]) -> bool:
        """Whether lark keeps this item's token in its tree (string literals and _NAMES go)."""
        if not isinstance(node, Tree) or node.data != "value":
            return True
        v = node.children[0]
        if isinstance(v, Terminal):
            return not str(v.name).startswith("_")
        if isinstance(v, NonTerminal):
            return env.get(str(v.name), (0, True))[1]
        if isinstance(v, Tree) and v.data == "literal":
            return not adapter.is_string_pattern(adapter.pattern_of(v))
        return True

    def _item(self, node: Any, rule: str, env: dict[str, tuple[int, bool]], todo: list[Any]) -> int:
        data = node.data
        pos = adapter.pos_of(node)
        if data == "value":
            return self._value(node.children[0], rule, env, todo, pos)
        if data == "expansions":
            where = f"{pos.line}:{pos.column}" if pos else str(len(self.symbols))
            sym = self._new(Kind.RULE, f"{rule}@{where}", rule, pos)
            sym.alts = self._alternatives(node, rule, env, todo)
            return sym.id
        if data == "maybe":
            inner = self._item(node.children[0], rule, env, todo)
            name = f"[{self.symbols[inner].name}]"
            return self._new(Kind.OPT, name, rule, pos, inner=inner, brackets=True).id
        if data == "expr":
            atom, op, *nums = node.children
            inner = self._item(atom, rule, env, todo)
            iname = self.symbols[inner].name
            kept = self._kept(atom, env)
            if op == "?":
                return self._new(Kind.OPT, f"{iname}?", rule, pos, inner=inner, inner_kept=kept).id
            if op in ("*", "+"):
                lo = 0 if op == "*" else 1
                return self._new(
                    Kind.REP, f"{iname}{op}", rule, pos, inner=inner, lo=lo, inner_kept=kept
                ).id
            lo = int(nums[0])
            hi = int(nums[1]) if len(nums) > 1 else lo
            if hi < lo:
                raise GrammarError.at(
                    f"repetition range ~{lo}..{hi} is empty", pos, file=self.source, rule=rule
                )
            mean = (hi - lo) / 2
            return self._new(
                Kind.REP,
                f"{iname}~{lo}..{hi}",
                rule,
                pos,
                inner=inner,
                lo=lo,
                hi=hi,
                mean_extra=mean,
                inner_kept=kept,
            ).id
        raise GrammarError(f"unsupported construct {data!r}", rule=rule)

    def _value(
        self, v: Any, rule: str, env: dict[str, tuple[int, bool]], todo: list[Any], pos: Pos | None
    ) -> int:
        if isinstance(v, NonTerminal):
            name = str(v.name)
            if name in env:
                return env[name][0]
            return self._rule_sym(name)
        if isinstance(v, Terminal):
            return self._term_sym(str(v.name), pos)
        if isinstance(v, Tree) and v.data in ("literal", "range"):
            pattern = adapter.pattern_of(v)
            tname = self.loaded.terminal_for_pattern(pattern)
            if tname is None:  # only in rules lark dropped as unused
                tname = f"<{pattern.raw or pattern.value}>"
            return self._term_sym(tname, pos)
        if isinstance(v, Tree) and v.data == "template_usage":
            tname = str(getattr(v.children[0], "name", v.children[0]))
            args = tuple(self._value(a.children[0], rule, env, todo, pos) for a in v.children[1:])
            kepts = tuple(self._kept(a, env) for a in v.children[1:])
            key = (tname, args, kepts)
            if key not in self._instances:
                params, ttree, opts = self._defs[tname]
                label = ",".join(self.symbols[a].name for a in args)
                sym = self._new(Kind.RULE, f"{tname}{{{label}}}", tname, adapter.rule_pos_of(ttree))
                sym.template = tname
                sym.expand1 = bool(opts.expand1)
                sym.keep_all_tokens = bool(opts.keep_all_tokens)
                self._instances[key] = sym.id
                bound = dict(zip(params, zip(args, kepts, strict=True), strict=True))
                todo.append((sym.id, tname, ttree, bound))
            return self._instances[key]
        raise GrammarError(f"unsupported value {v!r}", rule=rule)

    # -- weights --------------------------------------------------------------------------

    def _apply_annotations(self) -> None:
        for file, text in self.loaded.sources.items():
            for ann in _parse_annotations(file, text):
                self._apply_annotation(ann)

    def _apply_annotation(self, ann: _Annotation) -> None:
        def ends_here(pos: Pos | None) -> bool:
            return pos is not None and pos.file == ann.file and pos.end_line == ann.line

        used = False
        if ann.weights is not None:
            targets: list[Alternative] = []
            for sym in self.symbols:
                if sym.kind is Kind.RULE and sym.template is None:
                    targets.extend(a for a in sym.alts if ends_here(a.pos))
            targets = self._outermost(targets)
            if targets:
                used = True
                ws = ann.weights
                if len(ws) != len(targets):
                    raise GrammarError(
                        f"annotation gives {len(ws)} weight(s) but {len(targets)} alternatives "
                        f"end on this line; give one per alternative, e.g. "
                        f"w=[{','.join(['1'] * len(targets))}]",
                        file=ann.file,
                        line=ann.line,
                    )
                for alt, w in zip(targets, ws, strict=True):
                    alt.weight = w
                    alt.explicit = True
        for sym in self.symbols:
            if not ends_here(sym.pos):
                continue
            if sym.kind is Kind.OPT and ann.opt is not None:
                sym.p_take, sym.explicit, used = ann.opt, True, True
            if sym.kind is Kind.REP and ann.rep is not None:
                sym.mean_extra, sym.explicit, used = ann.rep, True, True
        if not used:
            what = "alternative" if ann.weights is not None else "optional or repetition"
            raise GrammarError(
                f"annotation applies to no {what}: it must stand at the end of the line "
                "on which the construct ends",
                file=ann.file,
                line=ann.line,
            )

    def _outermost(self, alts: list[Alternative]) -> list[Alternative]:
        """Of alternatives ending on one line, those not nested in another one."""

        def contains(outer: Pos, inner: Pos) -> bool:
            return (outer.line, outer.column) <= (inner.line, inner.column) and (
                outer.end_line,
                outer.end_column,
            ) >= (inner.end_line, inner.end_column)

        res = [
            a
            for a in alts
            if a.pos is not None
            and not any(b is not a and b.pos is not None and contains(b.pos, a.pos) for b in alts)
        ]
        res.sort(key=lambda a: (a.pos.line, a.pos.column) if a.pos else (0, 0))
        return res

    def alternative_key(self, sym: Symbol, alt: Alternative) -> str:
        """The key naming an alternative in weights and coverage: ``rule#2``, ``rule->alias``."""
        if alt.alias:
            return f"{sym.name}->{alt.alias}"
        return f"{sym.name}#{alt.index + 1}"

    def find_alternative(self, key: str) -> tuple[Symbol, Alternative]:
        """Look up an alternative by ``rule#N``, ``rule->alias`` or ``[file:]line:col``.

        ``rule#N`` (1-based) names every alternative, with an alias or not.
        """
        at = re.fullmatch(r"(?:(.+):)?(\d+):(\d+)", key)
        nth = re.fullmatch(r"(.+)#(\d+)", key)
        for sym in self.symbols:
            if sym.kind is not Kind.RULE:
                continue
            for alt in sym.alts:
                if nth and sym.name == nth.group(1) and alt.index + 1 == int(nth.group(2)):
                    return sym, alt
                if alt.alias and key == f"{sym.name}->{alt.alias}":
                    return sym, alt
                if at and alt.pos is not None:
                    file, line, col = at.group(1), int(at.group(2)), int(at.group(3))
                    if (alt.pos.line, alt.pos.column) == (line, col) and (
                        file is None or alt.pos.file.endswith(file)
                    ):
                        return sym, alt
        name = re.split(r"#|->", key, maxsplit=1)[0]
        rules = [s for s in self.symbols if s.kind is Kind.RULE and s.name == name]
        hint = ""
        if rules:
            hint = f" (rule {rules[0].name!r} has {len(rules[0].alts)} alternatives)"
        raise InvalidArgument(
            f"weight for {key!r}: no such alternative; name one as rule#N (1-based), "
            f"rule->alias or line:column{hint}"
        )

    def set_weights(self, weights: Mapping[str, float]) -> None:
        """Override alternative weights: ``{"expr#2": 3, "value->true": 0.5}``.

        Two keys naming the same alternative (``atom#2`` and ``atom->neg``) are an error.
        """
        named: dict[int, str] = {}  # id of an alternative -> the key that set it
        for key, w in weights.items():
            if not isinstance(w, int | float) or not math.isfinite(w) or w < 0:
                raise InvalidArgument(f"weight for {key!r} must be a number >= 0, got {w!r}")
            sym, alt = self.find_alternative(key)
            if id(alt) in named:
                raise InvalidArgument(
                    f"weights for {named[id(alt)]!r} and {key!r} name the same alternative "
                    f"({sym.name}#{alt.index + 1}); give it one weight"
                )
            named[id(alt)] = key
            alt.weight = float(w)
            alt.explicit = True

    # -- queries -------------------------------------------------------------------------

    def symbol(self, sym: int) -> Symbol:
        return self.symbols[sym]

    def rule_symbol(self, name: str) -> int:
        try:
            return self._rule_syms[name]
        except KeyError:
            raise InvalidArgument(f"no rule named {name!r} in {self.source}") from None

    def find_rule(self, name: str) -> int | None:
        """The symbol of rule ``name``, or None (templates are not rules)."""
        return self._rule_syms.get(name)

    def keeps_all_tokens(self, name: str) -> bool:
        """Whether rule or template ``name`` is written ``!name`` (lark keeps all its tokens)."""
        d = self._defs.get(name)
        return bool(d and d[2].keep_all_tokens)

    def rule_names(self) -> list[str]:
        return list(self._rule_syms)

    def terminal_symbols(self) -> Iterable[Symbol]:
        return (self.symbols[i] for i in self._term_syms.values())

    def source_text(self, pos: Pos | None) -> str:
        """The source text of a span (for reports)."""
        if pos is None:
            return ""
        text = self.loaded.sources.get(pos.file)
        if text is None:
            return ""
        lines = text.splitlines()
        if pos.line == pos.end_line:
            return lines[pos.line - 1][pos.column - 1 : pos.end_column - 1]
        first = lines[pos.line - 1][pos.column - 1 :]
        middle = lines[pos.line : pos.end_line - 1]
        last = lines[pos.end_line - 1][: pos.end_column - 1]
        return "\n".join([first, *middle, last])

    def __repr__(self) -> str:
        return f"<Grammar {self.source} start={self.starts[0]!r} symbols={len(self.symbols)}>"
