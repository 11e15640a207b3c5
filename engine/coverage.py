"""Coverage over the productions the author wrote, and a chooser that steers by it.

What is counted, per derivation and over a run:

* ``alt``: each alternative of each rule and group (keyed to its source line and column);
* ``opt``: each optional, taken and skipped;
* ``rep``: each repetition by count class (0, 1, many), as far as its bounds allow;
* ``term``: each terminal, and each string of a terminal written as ``"a" | "b" | ...``;
* ``kpath``: chains of ``k`` nested rules and terminals (k = 2 and 3 by default).

Items that cannot be reached from the start rule are listed as unreachable, not missing.

>>> from gramgen import Grammar, Sampler
>>> s = Sampler(Grammar.from_string('start: "a" | "b" | "c"', parser="lalr"))
>>> cov = Coverage(s)
>>> cov.add_all(smp.derivation for smp in s.sample(30, seed=1))
>>> cov.summary()["alt"]
(3, 3)
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .derive import Derivation, Engine, RandomChooser
from .errors import InvalidArgument
from .grammar import Grammar, Kind
from .sample import Sampler

__all__ = ["Coverage", "CoverageChooser", "Entry", "Item", "corpus", "read_corpus", "run"]

Item = tuple[object, ...]  # ("alt", sym, index) | ("opt", sym, taken) | ("rep", sym, cls) | ...

KINDS = ("alt", "opt", "rep", "term", "kpath")
_WANDER = 0.5  # how often the guided chooser makes an ordinary weighted choice instead
_WALK_LIMIT = 64  # a rule of one alternative is written out in the replay up to this size
_WALK_DEPTH = 32  # and this many such rules deep


def _rep_classes(lo: int, hi: int) -> list[str]:
    classes = []
    if lo == 0:
        classes.append("0")
    if lo <= 1 and (hi < 0 or hi >= 1):
        classes.append("1")
    if hi < 0 or hi >= 2:
        classes.append("many")
    return classes


def _rep_class(count: int) -> str:
    return "0" if count == 0 else "1" if count == 1 else "many"


@dataclass(frozen=True, slots=True)
class Entry:
    """One coverage item with where it stands in the source and how often it was hit."""

    kind: str
    key: str
    file: str | None
    line: int | None
    column: int | None
    hits: int
    reachable: bool


class Coverage:
    """Accumulates coverage of a grammar's productions from derivations."""

    def __init__(self, sampler: Sampler, *, k: Sequence[int] = (2, 3)) -> None:
        self.sampler = sampler
        self.grammar: Grammar = sampler.grammar
        self.engine: Engine = sampler.engine
        self.k = k if type(k) is tuple and len(k) < 2 else tuple(sorted(set(k)))
        self.hits: Counter[Item] = Counter()
        self.derivations = 0
        # what depends on the grammar alone is worked out once per sampler and k
        cache: dict[tuple[int, ...], _Tables] | None = getattr(sampler, "_coverage_tables", None)
        if cache is None:
            cache = {}
            sampler._coverage_tables = cache  # type: ignore[attr-defined]
        tables = cache.get(self.k)
        if tables is None or tables.engine is not self.engine:
            tables = cache[self.k] = _Tables(self)
        self._tables = tables
        self._universe, self._unreachable = tables.universe, tables.unreachable
        self.alt_pairs = tables.alt_pairs

    # -- the universe of items -------------------------------------------------------------

    def _named(self, sym: int) -> bool:
        s = self.grammar.symbols[sym]
        return s.kind is Kind.TERM or (s.kind is Kind.RULE and not s.is_group)

    def _named_children(self, sym: int) -> set[int]:
        """Named symbols directly below ``sym``, looking through groups, optionals, repetitions."""
        out: set[int] = set()
        seen: set[int] = set()
        stack = list(self.sampler.analysis.children(sym))
        while stack:
            c = stack.pop()
            if c in seen:
                continue
            seen.add(c)
            if self._named(c):
                out.add(c)
            else:
                stack.extend(self.sampler.analysis.children(c))
        return out

    def _items(self) -> tuple[list[Item], list[Item]]:
        g = self.grammar
        a = self.sampler.analysis
        reach = a.reachable_from(self.sampler.start)
        productive = a.productive
        items: list[Item] = []
        unreachable: list[Item] = []
        for s in g.symbols:
            bucket = items if reach[s.id] and productive[s.id] else unreachable
            if s.kind is Kind.RULE:
                for alt, extra in zip(s.alts, a.alt_extra[s.id], strict=True):
                    ok = reach[s.id] and extra < (1 << 60)
                    (items if ok else unreachable).append(("alt", s.id, alt.index))
            elif s.kind is Kind.OPT:
                bucket.append(("opt", s.id, 0))
                if productive[s.inner]:
                    bucket.append(("opt", s.id, 1))
            elif s.kind is Kind.REP:
                for cls in _rep_classes(s.lo, s.hi):
                    bucket.append(("rep", s.id, cls))
            else:
                bucket.append(("term", s.id))
                gen = self.engine.terminals.get(s.id)
                if gen is not None and gen.literals:
                    for lit in gen.literals:
                        bucket.append(("lit", s.id, lit))
        named = [s.id for s in g.symbols if self._named(s.id) and reach[s.id]]
        children = {sid: self._named_children(sid) for sid in named}
        for k in self.k:
            paths: list[tuple[int, ...]] = [(sid,) for sid in named]
            for _ in range(k - 1):
                paths = [(*p, c) for p in paths for c in sorted(children.get(p[-1], ()))]
            items.extend(("kpath", k, p) for p in paths)
        return items, unreachable

    def _pairs(self) -> dict[tuple[int, int], list[Item]]:
        """The 2-paths an alternative exercises: (its rule, a named symbol it holds)."""
        g = self.grammar
        syms = g.symbols
        out: dict[tuple[int, int], list[Item]] = {}
        for s in syms:
            if s.kind is not Kind.RULE:
                continue
            owner = s.id if not s.is_group else g.find_rule(s.rule)
            if owner is None:
                continue
            for alt in s.alts:
                named: set[int] = set()
                stack = list(alt.items)
                while stack:
                    i = stack.pop()
                    si = syms[i]
                    if self._named(i):
                        named.add(i)
                    elif si.kind in (Kind.OPT, Kind.REP):
                        stack.append(si.inner)
                out[s.id, alt.index] = [("kpath", 2, (owner, c)) for c in sorted(named)]
        return out

    # -- recording -------------------------------------------------------------------------

    def items_of(self, d: Derivation) -> Counter[Item]:
        """The coverage items one derivation exercises, with counts."""
        if self._tables.kpaths:
            return self._items_with_kpaths(d)
        return self._count(d)

    def _count(self, d: Derivation) -> Counter[Item]:
        """:meth:`items_of` without k-paths: the derivation replayed, decisions only."""
        t = self._tables
        keys: list[Item] = []
        if t.lit_terms:  # the strings of terminals written "a" | "b" | ...: from the tokens
            lit_terms = t.lit_terms
            keys += [("lit", s, text) for s, text in d.tokens if s in lit_terms]
        append = keys.append
        add_keys = keys.extend
        code = t.code
        walk, inner_walk = t.walk, t.inner_walk
        alt_keys, opt_keys, rep_keys, term_keys = t.alt_keys, t.opt_keys, t.rep_keys, t.term_keys
        items = self.engine.reversed_items
        path = d.path
        pi = 0
        stack = [d.start]
        pop = stack.pop
        extend = stack.extend
        while stack:  # in the order of Engine.tree: the path's decisions come in turn
            s = pop()
            k = code[s]
            if k == 0:
                static, kids = walk[s][path[pi]]
                pi += 1
                add_keys(static)
                extend(kids)
            elif k == 1:
                c = path[pi]
                pi += 1
                append(opt_keys[s][c])
                if c:
                    static, kids = inner_walk[s]
                    add_keys(static)
                    extend(kids)
            elif k == 2:
                c = path[pi]
                pi += 1
                append(rep_keys[s][c if c < 2 else 2])
                if c:
                    static, kids = inner_walk[s]
                    add_keys(static * c)
                    extend(kids * c)
            elif k == 4:  # one alternative (where _Tables did not write it out)
                append(alt_keys[s][0])
                extend(items[s][0])
            else:  # a terminal below such a rule
                append(term_keys[s])
        return Counter(keys)

    def _items_with_kpaths(self, d: Derivation) -> Counter[Item]:
        out: Counter[Item] = Counter()
        g = self.grammar
        syms = g.symbols
        tree = self.engine.tree(d)
        tokens = d.tokens
        want_k = self.k
        named = self._tables.named
        # (node, chain of named ancestors including itself)
        stack: list[tuple[object, tuple[int, ...]]] = [(tree, ())]
        while stack:
            node, chain = stack.pop()
            sym = node.sym  # type: ignore[attr-defined]
            s = syms[sym]
            if named[sym]:
                chain = (*chain, sym)
                for k in want_k:
                    if len(chain) >= k:
                        out["kpath", k, chain[-k:]] += 1
            if s.kind is Kind.RULE:
                out["alt", sym, node.choice] += 1  # type: ignore[attr-defined]
            elif s.kind is Kind.OPT:
                out["opt", sym, node.choice] += 1  # type: ignore[attr-defined]
            elif s.kind is Kind.REP:
                out["rep", sym, _rep_class(node.choice)] += 1  # type: ignore[attr-defined]
            else:
                out["term", sym] += 1
                gen = self.engine.terminals.get(sym)
                if gen is not None and gen.literals:
                    out["lit", sym, tokens[node.token][1]] += 1  # type: ignore[attr-defined]
            stack.extend((c, chain) for c in node.children)  # type: ignore[attr-defined]
        return out

    def add(self, d: Derivation) -> Counter[Item]:
        """Record a derivation; returns the items it hit for the first time."""
        got = self._items_with_kpaths(d) if self._tables.kpaths else self._count(d)
        hits = self.hits
        self.derivations += 1
        if not hits:  # the first derivation: everything it hit is new
            dict.update(hits, got)  # hits.update(got), which is this when hits is empty
            return got
        seen = hits.get
        new: Counter[Item] = Counter()
        for i, n in got.items():  # hits.update(got), noting what is new
            old = seen(i)
            if old:
                hits[i] = old + n
            else:
                hits[i] = new[i] = n
        return new

    def add_all(self, ds: Iterable[Derivation]) -> None:
        for d in ds:
            self.add(d)

    # -- queries ---------------------------------------------------------------------------

    def universe(self, kinds: Iterable[str] = KINDS) -> list[Item]:
        want = set(kinds)
        if "term" in want:
            want.add("lit")
        return [i for i in self._universe if i[0] in want]

    def unreachable(self) -> list[Item]:
        """Items that no derivation of the start rule can reach (not counted as missing)."""
        return list(self._unreachable)

    def missing(self, kinds: Iterable[str] = ("alt", "opt", "rep")) -> list[Item]:
        return [i for i in self.universe(kinds) if self.hits[i] == 0]

    def complete(self, kinds: Iterable[str] = ("alt", "opt", "rep")) -> bool:
        return not self.missing(kinds)

    def summary(self) -> dict[str, tuple[int, int]]:
        """``{kind: (covered, total)}`` for every kind of item."""
        out: dict[str, tuple[int, int]] = {}
        for kind in ("alt", "opt", "rep", "term", "kpath"):
            items = self.universe([kind])
            out[kind] = (sum(1 for i in items if self.hits[i]), len(items))
        return out

    def percent(self, kinds: Iterable[str] = ("alt",)) -> float:
        items = self.universe(kinds)
        if not items:
            return 100.0
        return 100.0 * sum(1 for i in items if self.hits[i]) / len(items)

    def describe(self, item: Item) -> str:
        """A readable name for an item: ``expr#2``, ``[x]`` taken, ``NUMBER``, ``a > b > C``."""
        g = self.grammar
        kind = item[0]
        if kind == "alt":
            s = g.symbols[int(item[1])]  # type: ignore[call-overload]
            return g.alternative_key(s, s.alts[int(item[2])])  # type: ignore[call-overload]
        if kind == "opt":
            s = g.symbols[int(item[1])]  # type: ignore[call-overload]
            return f"{s.rule}: {s.name} {'taken' if item[2] else 'skipped'}"
        if kind == "rep":
            s = g.symbols[int(item[1])]  # type: ignore[call-overload]
            return f"{s.rule}: {s.name} x{item[2]}"
        if kind == "term":
            return g.symbols[int(item[1])].name  # type: ignore[call-overload]
        if kind == "lit":
            return f"{g.symbols[int(item[1])].name} {item[2]!r}"  # type: ignore[call-overload]
        return " > ".join(g.symbols[i].name for i in item[2])  # type: ignore[attr-defined]

    def position(self, item: Item) -> tuple[str | None, int | None, int | None]:
        g = self.grammar
        pos = None
        if item[0] == "alt":
            s = g.symbols[int(item[1])]  # type: ignore[call-overload]
            pos = s.alts[int(item[2])].pos or s.pos  # type: ignore[call-overload]
        elif item[0] in ("opt", "rep", "term", "lit"):
            pos = g.symbols[int(item[1])].pos  # type: ignore[call-overload]
        if pos is None:
            return None, None, None
        return pos.file, pos.line, pos.column

    def entries(self, kinds: Iterable[str] = KINDS) -> list[Entry]:
        want = set(kinds)
        if "term" in want:
            want.add("lit")
        out = []
        for reachable, items in ((True, self._universe), (False, self._unreachable)):
            for i in items:
                if i[0] not in want:
                    continue
                kind = "term" if i[0] == "lit" else str(i[0])
                out.append(
                    Entry(kind, self.describe(i), *self.position(i), self.hits[i], reachable)
                )
        return out


def run(
    sampler: Sampler,
    n: int,
    *,
    seed: int = 0,
    guided: bool = False,
    stop_when_full: bool = False,
    k: Sequence[int] = (2, 3),
) -> Coverage:
    """Sample up to ``n`` texts and return their coverage.

    ``guided`` steers toward what is not covered yet; ``stop_when_full`` stops
    as soon as every alternative, optional outcome and repetition class is hit.
    """
    cov = Coverage(sampler, k=k)
    chooser = CoverageChooser(cov, random.Random(seed)) if guided else None
    for i in range(n):
        if chooser is not None:
            smp = sampler.from_chooser(chooser, index=i, seed=seed)
        else:
            smp = sampler.item(seed, i)
        if smp is not None:
            cov.add(smp.derivation)
            if chooser is not None:
                chooser.refresh()
        if stop_when_full and cov.complete():
            break
    return cov


def read_corpus(path: str) -> list[tuple[str, str]]:
    """Inputs of a corpus as ``(where, text)``: a directory (a file each), a ``.jsonl``
    file (its records' ``text``), or a text file (a line each)."""
    p = Path(path)
    try:
        if p.is_dir():
            return [
                (str(f), f.read_text(encoding="utf-8")) for f in sorted(p.iterdir()) if f.is_file()
            ]
        raw = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InvalidArgument(f"cannot read corpus {path!r}: {err}") from None
    if p.suffix == ".jsonl":
        out = []
        for n, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                out.append((f"{path}:{n}", str(rec["text"])))
            except (ValueError, KeyError, TypeError):
                raise InvalidArgument(
                    f"{path}:{n}: not a JSON record with a 'text' field"
                ) from None
        return out
    return [(f"{path}:{n}", line) for n, line in enumerate(raw.splitlines(), start=1)]


def corpus(
    sampler: Sampler, inputs: Iterable[tuple[str, str]], *, k: Sequence[int] = (2, 3)
) -> tuple[Coverage, list[tuple[str, str]]]:
    """Coverage of existing inputs (parsed with the grammar), and those that do not parse."""
    from .parse import DerivationParser, ParseFailed

    parser = DerivationParser(sampler)
    cov = Coverage(sampler, k=k)
    failed: list[tuple[str, str]] = []
    for where, text in inputs:
        try:
            cov.add(parser.parse(text))
        except ParseFailed as err:
            failed.append((where, str(err)))
    return cov, failed


_INF = 1 << 60


@dataclass(frozen=True, slots=True)
class _Distances:
    dist: list[int]
    alt_dist: list[list[int]]
    uncovered: list[bool]  # a rule with an alternative, or pair of one, not covered yet
    least: list[int]  # min(alt_dist[s])
    ties: list[list[int]]  # the alternatives a with alt_dist[s][a] == least[s]
    onward: list[list[bool]]  # alternative a of s holds a symbol that leads to something new
    open: list[int]  # the alternatives of s not covered yet (bit a for alternative a)
    leads: list[int]  # onward[s] as bits
    # for each rule, what the chooser looks at when nothing here is new: least, ties,
    # alt_dist and the number of alternatives
    plan: list[tuple[int, list[int], list[int], int]]


class _Tables:
    """What coverage and the guided chooser need from the grammar: built once per sampler
    and ``k``, shared by every :class:`Coverage` of it (and never changed)."""

    def __init__(self, cov: Coverage) -> None:
        e = cov.engine
        self.engine = e
        g = cov.grammar
        syms = g.symbols
        n = len(syms)
        a = cov.sampler.analysis
        self.universe, self.unreachable = cov._items()
        self.alt_pairs = cov._pairs() if 2 in cov.k else {}
        self.kpaths = bool(cov.k)
        self.named = [cov._named(i) for i in range(n)]
        self.code = e.code
        # the items' keys, made once
        self.alt_keys: list[tuple[Item, ...]] = [
            tuple(("alt", i, c) for c in range(len(x.alts))) for i, x in enumerate(syms)
        ]
        self.opt_keys: list[tuple[Item, Item]] = [(("opt", i, 0), ("opt", i, 1)) for i in range(n)]
        self.rep_keys: list[tuple[Item, Item, Item]] = [
            (("rep", i, "0"), ("rep", i, "1"), ("rep", i, "many")) for i in range(n)
        ]
        self.term_keys: list[Item] = [("term", i) for i in range(n)]
        self._write_walks()
        self.lit_terms = frozenset(i for i, t in e.terminals.items() if t.literals)
        pairs = self.alt_pairs
        self.pair_keys: list[tuple[tuple[Item, ...], ...]] = [
            tuple(tuple(pairs.get((i, c), ())) for c in range(len(x.alts)))
            for i, x in enumerate(syms)
        ]
        # for the distances to something new (CoverageChooser.refresh)
        mins = a.min_size
        self.rules: list[tuple[int, list[tuple[int, int, list[tuple[int, int]]]]]] = []
        self.opts: list[tuple[int, int, int]] = []  # sym, inner, cost of taking it
        self.reps: list[tuple[int, int, list[tuple[int, int]], int]] = []
        for x in syms:
            sid = x.id
            if x.kind is Kind.RULE:
                alts = []
                for alt, extra in zip(x.alts, a.alt_extra[sid], strict=True):
                    if extra < _INF:
                        base = mins[sid] + extra
                        alts.append((alt.index, base, [(i, base - mins[i]) for i in alt.items]))
                self.rules.append((sid, alts))
            elif x.kind is Kind.OPT:
                if mins[x.inner] < _INF:
                    self.opts.append((sid, x.inner, 1 + mins[x.inner]))
                else:
                    self.opts.append((sid, x.inner, _INF))
            elif x.kind is Kind.REP:
                unit = mins[x.inner]
                if unit < _INF:
                    classes = [
                        (cls, 1 + m * unit)
                        for cls, m in ((0, 0), (1, 1), (2, 2))
                        if m >= x.lo and (x.hi < 0 or m <= x.hi)
                    ]
                    self.reps.append((sid, x.inner, classes, 1 + max(x.lo - 1, 0) * unit))
        self.n = n
        self.nalts = [len(x.alts) for x in syms]
        self.fresh: _Distances | None = None  # for no hits at all

    def _write_walks(self) -> None:
        """For the replay of a derivation (:meth:`Coverage.items_of`): what each
        alternative, and what the inside of each optional or repetition, exercises
        without a decision (its terminals, and rules of one alternative written out up to
        a size) and the decisions below it, last first."""
        e = self.engine
        code = e.code
        items = e.items
        done: dict[int, tuple[tuple[Item, ...], tuple[int, ...]] | None] = {}

        def expand(syms: Sequence[int], stack: set[int]) -> tuple[list[Item], list[int]]:
            static: list[Item] = []
            kids: list[int] = []
            for i in syms:
                k = code[i]
                if k == 3:
                    static.append(self.term_keys[i])
                    continue
                if k == 4 and i not in stack and len(stack) < _WALK_DEPTH:
                    if i in done:
                        got = done[i]
                    else:
                        stack.add(i)
                        sub = expand(items[i][0], stack)
                        stack.discard(i)
                        small = len(sub[0]) + len(sub[1]) <= _WALK_LIMIT
                        got = done[i] = (tuple(sub[0]), tuple(sub[1])) if small else None
                    if got is not None:
                        static.append(self.alt_keys[i][0])
                        static += got[0]
                        kids += got[1]
                        continue
                kids.append(i)
            return static, kids

        def walk(
            syms: Sequence[int], first: Item | None
        ) -> tuple[tuple[Item, ...], tuple[int, ...]]:
            static, kids = expand(syms, set())
            if first is not None:
                static.insert(0, first)
            return tuple(static), tuple(reversed(kids))

        n = len(code)
        self.walk: list[list[tuple[tuple[Item, ...], tuple[int, ...]]]] = [[] for _ in range(n)]
        self.inner_walk: list[tuple[tuple[Item, ...], tuple[int, ...]]] = [((), ())] * n
        for sid in range(n):
            k = code[sid]
            if k == 0:
                self.walk[sid] = [
                    walk(its, key) for its, key in zip(items[sid], self.alt_keys[sid], strict=True)
                ]
            elif k in (1, 2):
                self.inner_walk[sid] = walk((e.inner[sid],), None)

    def distances(self, hits: Counter[Item]) -> _Distances:
        """``dist[s]``: the smallest size of a derivation of ``s`` that exercises an
        uncovered alternative (or a new pair of nested rules), optional outcome or
        repetition class; ``alt_dist[s][a]`` the same through alternative ``a``; and
        for each rule, whether any of its alternatives or their pairs is uncovered,
        the least of ``alt_dist[s]`` and the alternatives that reach it."""
        if not hits and self.fresh is not None:
            return self.fresh
        seen = hits.get
        inf = _INF
        n = self.n
        dist = [inf] * n
        uncovered = [False] * n
        opened = [0] * n
        alt_dist = [[inf] * k for k in self.nalts]
        edges: list[tuple[int, list[tuple[int, int]]]] = []
        later: list[tuple[list[int], int, list[tuple[int, int]]]] = []
        alt_keys, pair_keys, pairs = self.alt_keys, self.pair_keys, bool(self.alt_pairs)
        for sid, alts in self.rules:
            keys = alt_keys[sid]
            pkeys = pair_keys[sid] if pairs else ()
            row = alt_dist[sid]
            best = inf
            out: list[tuple[int, int]] = []
            for c, base, kids in alts:
                if not seen(keys[c]) or (pairs and any(not seen(p) for p in pkeys[c])):
                    row[c] = base  # new right here
                    best = min(best, base)
                else:
                    out += kids
                    later.append((row, c, kids))
            dist[sid] = best
            if out:
                edges.append((sid, out))
            fresh = 0
            for c, x in enumerate(keys):
                if not seen(x):
                    fresh |= 1 << c
            if fresh:
                uncovered[sid] = True
                opened[sid] = fresh
            elif pairs:
                uncovered[sid] = any(not seen(p) for ps in pkeys for p in ps)
        for sid, inner, cost in self.opts:
            best = inf
            if cost < inf:
                if not seen(("opt", sid, 1)):
                    best = cost
                edges.append((sid, [(inner, 1)]))
            if not seen(("opt", sid, 0)):
                best = min(best, 1)
            dist[sid] = best
        rep_keys = self.rep_keys
        for sid, inner, classes, step in self.reps:
            best = inf
            keys = rep_keys[sid]
            for cls, cost in classes:
                if not seen(keys[cls]) and cost < best:
                    best = cost
            dist[sid] = best
            edges.append((sid, [(inner, step)]))
        # shortest distances (every step costs at least 1: one answer, whatever the order)
        changed = True
        while changed:
            changed = False
            for sid, out in edges:
                best = dist[sid]
                for c, w in out:
                    dc = dist[c]
                    if dc < inf and w + dc < best:
                        best = w + dc
                if best < dist[sid]:
                    dist[sid] = best
                    changed = True
        for row, c, kids in later:
            d = inf
            for i, w in kids:
                di = dist[i]
                if di < inf and w + di < d:
                    d = w + di
            row[c] = d
        least = [inf] * n
        ties: list[list[int]] = [[]] * n  # never changed
        onward: list[list[bool]] = [[]] * n
        lead_bits = [0] * n
        items = self.engine.items
        for sid, _alts in self.rules:
            row = alt_dist[sid]
            if row:
                least[sid] = m = min(row)
                tied = ties[sid] = []
                leads = onward[sid] = []
                bits = 0
                for c, its in enumerate(items[sid]):
                    if row[c] == m:
                        tied.append(c)
                    for i in its:
                        if dist[i] < inf:
                            leads.append(True)
                            bits |= 1 << c
                            break
                    else:
                        leads.append(False)
                lead_bits[sid] = bits
        plan = list(zip(least, ties, alt_dist, self.nalts, strict=True))
        result = _Distances(dist, alt_dist, uncovered, least, ties, onward, opened, lead_bits, plan)
        if not hits:
            self.fresh = result
        return result


class CoverageChooser(RandomChooser):
    """Weighted random choices that prefer what the coverage has not seen yet.

    Among the options that fit the budget it takes an uncovered alternative,
    optional outcome or repetition class first (each once until the next
    :meth:`refresh`); otherwise an option that leads to something uncovered;
    otherwise the usual weighted choice. Call :meth:`refresh` after recording
    each derivation in the coverage, as :func:`run` does.
    """

    __slots__ = ("_claimed", "_cov", "_leads", "_open", "_pairs", "_plan", "_seen", "_state", "_t")

    def __init__(self, coverage: Coverage, rng: random.Random) -> None:
        super().__init__(coverage.engine, rng)
        self._cov = coverage
        self._t = coverage._tables
        self._pairs = bool(coverage.alt_pairs)
        self._state: _Distances | None = None  # None: worked out when next needed
        self._claimed: set[Item] = set()  # chosen since the last refresh, as new
        # without pairs: the uncovered alternatives of each rule not chosen since the
        # last refresh, as bits (None: to be copied from _state.open when next needed;
        # with pairs, none: _fresh_or_pair decides)
        self._open: list[int] | None = None
        self._leads: list[int] = []  # _state.leads and _state.plan, at hand
        self._plan: list[tuple[int, list[int], list[int], int]] = []
        self._seen: tuple[object, int] | None = None

    def refresh(self) -> None:
        """Take in what the coverage recorded since the last refresh (call it after each
        derivation is added): how cheaply each symbol now reaches something new.

        ``dist[s]`` is the smallest size of a derivation of ``s`` that exercises an
        uncovered alternative, optional outcome or repetition class (INF if none).
        It is worked out when the next derivation first asks (never, if no other
        derivation is drawn), and only if the coverage has a new item since (the hits
        only grow).
        """
        self._claimed.clear()
        self._open = None
        hits = self._cov.hits
        seen = self._seen
        if seen is None or seen[0] is not hits or seen[1] != len(hits):
            self._state = None

    def _update(self) -> _Distances:
        hits = self._cov.hits
        d = self._state = self._t.distances(hits)
        self._seen = (hits, len(hits))
        return d

    def _prepare(self) -> list[int]:
        """The state for the next derivation: distances up to date, no claims."""
        d = self._state or self._update()
        self._leads, self._plan = d.leads, d.plan
        op = self._open = [0] * len(d.open) if self._pairs else list(d.open)
        return op

    @property
    def _dist(self) -> list[int]:
        return (self._state or self._update()).dist

    @property
    def _alt_dist(self) -> list[list[int]]:
        return (self._state or self._update()).alt_dist

    def _new(self, item: Item) -> bool:
        """Not covered yet, nor chosen earlier in the derivation under way."""
        return not self._cov.hits.get(item) and item not in self._claimed

    def alternative(self, sym: int, candidates: Sequence[int]) -> int:
        op = self._open
        if op is None:
            op = self._prepare()
        whole = op[sym]  # uncovered alternatives not chosen yet
        if whole:
            left = whole
            if candidates is not self._engine.all_alts[sym]:
                fit = 0
                for c in candidates:
                    fit |= 1 << c
                left &= fit
            if left:
                # an uncovered alternative that also leads on to more that is new first
                pick = _bits(left & self._leads[sym] or left)
                c = pick[int(self.rng.random() * len(pick))]
                op[sym] = whole ^ (1 << c)
                return c
        elif self._pairs:
            d = self._state
            if d is not None and d.uncovered[sym]:  # else nothing here is new
                c = self._fresh_or_pair(d, sym, candidates)
                if c >= 0:
                    return c
        best, ties, ad, n = self._plan[sym]
        if len(candidates) != n:  # not every alternative fits
            best = min(ad[c] for c in candidates)
            ties = []
        # Chase the nearest uncovered item only part of the time: every occurrence of
        # a symbol would chase it otherwise, and recursion would nest until the
        # budget runs out, before the sibling that leads there is expanded.
        if best >= _INF or self.rng.random() < _WANDER:
            return _weighted(self, sym, candidates)
        if not ties:
            ties = [c for c in candidates if ad[c] == best]
        return ties[int(self.rng.random() * len(ties))]

    def _fresh_or_pair(self, d: _Distances, sym: int, candidates: Sequence[int]) -> int:
        """With 2-paths counted: a new alternative, else one that puts a new pair of
        nested rules together (-1 if none of ``candidates`` does either)."""
        seen = self._cov.hits.get
        claimed = self._claimed
        keys = self._t.alt_keys[sym]
        fresh = []
        for c in candidates:
            key = keys[c]
            if not seen(key) and key not in claimed:
                fresh.append(c)
        pairs = self._t.pair_keys[sym]
        if not fresh:
            fresh = [
                c for c in candidates if any(not seen(p) and p not in claimed for p in pairs[c])
            ]
        if not fresh:
            return -1
        # an uncovered alternative that also leads on to more that is new first
        leads = d.onward[sym]
        pick = [c for c in fresh if leads[c]] or fresh
        c = pick[int(self.rng.random() * len(pick))]
        claimed.add(keys[c])
        claimed.update(pairs[c])
        return c

    def optional(self, sym: int) -> bool:
        d = self._state or self._update()
        keys = self._t.opt_keys[sym]
        for taken in (1, 0):
            if self._new(keys[taken]):
                self._claimed.add(keys[taken])
                return bool(taken)
        if d.dist[self._engine.inner[sym]] < _INF and self.rng.random() >= _WANDER:
            return True
        return super().optional(sym)

    def count(self, sym: int, lo: int, hi: int) -> int:
        d = self._state or self._update()
        # one and many exercise what is inside; zero comes last
        keys = self._t.rep_keys[sym]
        for cls, n in ((1, 1), (2, 2), (0, 0)):
            if lo <= n <= hi and self._new(keys[cls]):
                self._claimed.add(keys[cls])
                return n
        if d.dist[self._engine.inner[sym]] < _INF and hi >= 1 and self.rng.random() >= _WANDER:
            return max(lo, 1)
        return super().count(sym, lo, hi)


_weighted = RandomChooser.alternative


@lru_cache(maxsize=4096)
def _bits(mask: int) -> tuple[int, ...]:
    """The positions of the bits set in ``mask``, lowest first."""
    out = []
    i = 0
    while mask:
        if mask & 1:
            out.append(i)
        mask >>= 1
        i += 1
    return tuple(out)


def report_json(cov: Coverage) -> dict[str, object]:
    """The coverage as a JSON-ready dict: summary by kind and every item with its hits."""
    summary = {
        kind: {"covered": c, "total": t, "percent": round(100.0 * c / t, 2) if t else 100.0}
        for kind, (c, t) in cov.summary().items()
    }
    return {
        "grammar": cov.grammar.source,
        "start": cov.sampler.start_name,
        "derivations": cov.derivations,
        "summary": summary,
        "items": [
            {
                "kind": e.kind,
                "key": e.key,
                "file": e.file,
                "line": e.line,
                "column": e.column,
                "hits": e.hits,
                "reachable": e.reachable,
            }
            for e in cov.entries()
        ],
    }


def report_text(cov: Coverage, *, missing_limit: int = 40) -> str:
    """A readable table: covered/total per kind, then what is missing, where."""
    names = {
        "alt": "alternatives",
        "opt": "optionals (taken/skipped)",
        "rep": "repetitions (0/1/many)",
        "term": "terminals and literals",
        "kpath": "k-paths",
    }
    lines = [f"coverage of {cov.grammar.source} from {cov.derivations} derivations", ""]
    lines.append(f"{'kind':<28} {'covered':>8} {'total':>7} {'percent':>8}")
    for kind, (c, t) in cov.summary().items():
        if kind == "kpath" and not t:
            continue
        pct = 100.0 * c / t if t else 100.0
        lines.append(f"{names[kind]:<28} {c:>8} {t:>7} {pct:>7.1f}%")
    entries = cov.entries(("alt", "opt", "rep", "term"))
    missing = [e for e in entries if e.reachable and e.hits == 0]
    if missing:
        lines += ["", f"missing ({len(missing)}):"]
        for e in missing[:missing_limit]:
            where = ":".join(str(p) for p in (e.file, e.line, e.column) if p is not None)
            lines.append(f"  {where}: {e.kind} {e.key}")
        if len(missing) > missing_limit:
            lines.append(f"  ... and {len(missing) - missing_limit} more (--format json lists all)")
    unreachable = [e for e in entries if not e.reachable]
    if unreachable:
        lines += [
            "",
            f"unreachable from {cov.sampler.start_name!r} ({len(unreachable)}), not counted:",
        ]
        for e in unreachable[:missing_limit]:
            where = ":".join(str(p) for p in (e.file, e.line, e.column) if p is not None)
            lines.append(f"  {where}: {e.kind} {e.key}")
    return "\n".join(lines)
