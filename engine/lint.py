"""Findings about a grammar, each located on its source: ``gramgen lint``.

>>> from gramgen import Grammar
>>> g = Grammar.from_string('start: "a"\\nunused: "b"\\n')
>>> [f.code for f in lint(g)]
['unreachable']
"""

from __future__ import annotations

from dataclasses import dataclass

from . import _lark_adapter as adapter
from .analysis import INF, Analysis
from .errors import GrammarError
from .grammar import Grammar, Kind, Symbol
from .terminals import build_terminals

__all__ = ["Finding", "lint"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One lint finding: severity ``error``/``warning``/``info``, a code and a message."""

    severity: str
    code: str
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    rule: str | None = None

    def __str__(self) -> str:
        loc = ":".join(str(p) for p in (self.file, self.line, self.column) if p is not None)
        rule = f" [{self.rule}]" if self.rule else ""
        return f"{loc}: {self.severity}: {self.message} ({self.code}){rule}"

    def to_json(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__slots__}


def _at(sym: Symbol, severity: str, code: str, message: str) -> Finding:
    p = sym.pos
    return Finding(
        severity,
        code,
        message,
        p.file if p else None,
        p.line if p else None,
        p.column if p else None,
        sym.rule,
    )


def lint(grammar: Grammar, analysis: Analysis | None = None) -> list[Finding]:
    """Unreachable, unproductive and non-terminating rules; explosive weights; lexer traps."""
    a = analysis or Analysis(grammar)
    out: list[Finding] = []
    syms = grammar.symbols
    named = [s for s in syms if s.kind is Kind.RULE and not s.is_group and s.template is None]
    for s in named:
        if not a.reachable[s.id]:
            out.append(
                _at(
                    s,
                    "warning",
                    "unreachable",
                    f"rule {s.name!r} is never used from the start rule",
                )
            )
    for s in named:
        if a.reachable[s.id] and a.min_size[s.id] >= INF:
            needs = sorted(
                {
                    syms[i].name
                    for alt in s.alts
                    for i in alt.items
                    if a.min_size[i] >= INF and syms[i].kind is Kind.RULE
                }
            )
            why = f"; every alternative needs {', '.join(repr(n) for n in needs)}" if needs else ""
            out.append(
                _at(
                    s,
                    "error",
                    "unproductive",
                    f"rule {s.name!r} can never finish a derivation{why}",
                )
            )
    for s in syms:
        if s.kind is Kind.RULE and a.reachable[s.id] and a.min_size[s.id] < INF:
            for alt, extra in zip(s.alts, a.alt_extra[s.id], strict=True):
                if extra >= INF:
                    p = alt.pos or s.pos
                    out.append(
                        Finding(
                            "warning",
                            "never-terminating",
                            f"alternative {grammar.alternative_key(s, alt)} can never finish "
                            "(it always recurses); it is never generated",
                            p.file if p else None,
                            p.line if p else None,
                            p.column if p else None,
                            s.rule,
                        )
                    )
            if s.alts and all(alt.weight == 0 for alt in s.alts):
                out.append(
                    _at(
                        s,
                        "warning",
                        "zero-weights",
                        f"every alternative of {s.name!r} has weight 0",
                    )
                )
    explicit = any(alt.explicit for s in syms for alt in s.alts)
    try:
        crit = a.criticality()
    except Exception:  # numpy failure on a degenerate matrix: not a finding
        crit = None
    if crit is not None and crit.supercritical:
        start = syms[grammar.start_symbol]
        hint = (
            "the weights written make derivations grow without bound"
            if explicit
            else "with every alternative weighted equally, derivations grow without bound"
        )
        out.append(
            _at(
                start,
                "warning" if explicit else "info",
                "supercritical",
                f"{hint} (spectral radius {crit.spectral_radius:.2f} >= 1); the size budget "
                "cuts them short and unwritten weights are damped; add //@ w= weights "
                "to recursive alternatives to control sizes",
            )
        )
    used_terms = {s.terminal for s in syms if s.kind is Kind.TERM}
    for name, (tree, _prio) in grammar.loaded.term_defs:
        if (
            name not in used_terms
            and name not in grammar.loaded.ignore
            and not name.startswith("__")
            and tree is not None
        ):
            pos = getattr(tree.meta, "gramgen_rule_pos", None)
            if pos is not None and pos.file == grammar.source:
                out.append(
                    Finding(
                        "info",
                        "unused-terminal",
                        f"terminal {name} is defined but no reachable rule uses it",
                        pos.file,
                        pos.line,
                        pos.column,
                        name,
                    )
                )
    for msg in grammar.loaded.lalr_conflicts:
        out.append(
            Finding(
                "warning",
                "lalr-conflict",
                f"{msg}; some derivations will not re-parse and are regenerated",
                grammar.source,
            )
        )
    needed = [a.reachable[s.id] and s.kind is Kind.TERM for s in syms]
    postlex: frozenset[str] = frozenset()
    ind = adapter.indenter_of(grammar.loaded)
    if ind is not None:
        postlex = frozenset({ind.INDENT_type, ind.DEDENT_type})
    errors: list[GrammarError] = []
    build_terminals(grammar, needed, postlex_terminals=postlex, errors=errors)
    for err in errors:
        out.append(
            Finding("error", "terminal", err.message, err.file, err.line, err.column, err.rule)
        )
    out.sort(key=lambda f: (f.file or "", f.line or 0, f.column or 0, f.code))
    return out
