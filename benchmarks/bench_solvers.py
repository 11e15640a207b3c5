"""Checked instances per second: compiled exact skeleton vs per-instance sympy audit.

Run: ``python benchmarks/bench_solvers.py [--n 50000] [--audit-n 300] [--seed 1]``.

For each skeleton the same random instances are checked two ways:

* ``Skeleton.instantiate``: solved once symbolically, compiled to Fraction code,
  each instance computed and checked exactly (substitution, domains, uniqueness);
* ``audit``: an independent full ``sympy.solve`` of every instance.

"valid" instances are drawn as a construction sampler would (they verify);
"random" ones are drawn blindly (most are refuted, some degenerate). The two
verdicts are compared on the audited subset (they must agree). Times are CPU
(process) time, so other load on a shared machine does not distort them.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from fractions import Fraction

from gramgen.solvers import WHOLE, Problem, Skeleton, Verdict, audit_solve

Knowns = dict[str, int | Fraction]


def chain_instances(rng: random.Random, n: int, valid: bool) -> list[Knowns]:
    out: list[Knowns] = []
    for _ in range(n):
        d = rng.randint(1, 9)
        a, b = rng.randint(1, 30), rng.randint(1, 30)
        c = rng.randint(0, a * b)
        if valid:  # as a construction sampler would draw: d divides a*b - c
            c -= (a * b - c) % d
        out.append({"a": a, "b": b, "c": c, "d": d})
    return out


def linear_instances(rng: random.Random, n: int, valid: bool) -> list[Knowns]:
    out: list[Knowns] = []
    for _ in range(n):
        x, y = rng.randint(0, 60), rng.randint(0, 60)
        px, py = rng.randint(1, 9), rng.randint(1, 9)
        if valid:
            while py == px:
                py = rng.randint(1, 9)
        total = px * x + py * y + (0 if valid else rng.randint(-3, 3))
        out.append({"n": x + y, "px": px, "py": py, "total": total})
    return out


CASES: list[
    tuple[
        str, tuple[str, ...], tuple[str, ...], str, dict[str, object], Callable[..., list[Knowns]]
    ]
] = [
    (
        "3-step arithmetic chain",
        ("total = a*b", "left = total - c", "each = left / d"),
        ("total", "left", "each"),
        "each",
        {"each": WHOLE, "left": WHOLE},
        chain_instances,
    ),
    (
        "2x2 linear system",
        ("x + y = n", "px*x + py*y = total"),
        ("x", "y"),
        "x",
        {"x": WHOLE, "y": WHOLE},
        linear_instances,
    ),
]


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f}/s"


def timed(fn: Callable[[], object], repeat: int = 1) -> float:
    """Best CPU seconds of ``repeat`` runs (process time: robust to other load)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--n", type=int, default=50_000, help="instances for the exact path")
    ap.add_argument("--audit-n", type=int, default=300, help="instances for the sympy audit")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    print(
        f"{'skeleton':<24}{'exact, valid':>14}{'exact, random':>15}{'sympy audit':>13}"
        f"{'speed-up':>10}  audit agrees"
    )
    for title, rels, unknowns, answer, domains, make in CASES:
        valid, mixed = make(rng, args.n, True), make(rng, args.n, False)
        t0 = time.process_time()
        sk = Skeleton.of(rels, tuple(valid[0]), unknowns, domains)  # type: ignore[arg-type]
        build = time.process_time() - t0
        for k in valid[:1000] + mixed[:1000]:  # warm-up
            sk.instantiate(k)
        valid_s = timed(lambda: [sk.instantiate(k).check.verdict for k in valid], 3)  # noqa: B023
        mixed_s = timed(lambda: [sk.instantiate(k) for k in mixed], 2)  # noqa: B023
        verdicts = [sk.instantiate(k).check.verdict for k in mixed]
        sub = valid[: args.audit_n // 2] + mixed[: args.audit_n // 2]
        problems = [
            Problem(relations=rels, knowns=k, unknowns=unknowns, answer=answer, domains=domains)  # type: ignore[arg-type]
            for k in sub
        ]
        audited: list[Verdict] = []
        audit_s = timed(lambda: audited.extend(audit_solve(p).check.verdict for p in problems))  # noqa: B023
        fast = [sk.instantiate(k).check.verdict for k in sub]
        agree = sum(a is b for a, b in zip(audited, fast, strict=True))
        refuted = sum(v is Verdict.REFUTED for v in verdicts) / len(verdicts)
        speed = (len(valid) / valid_s) / (len(sub) / audit_s)
        print(
            f"{title:<24}{rate(len(valid), valid_s):>14}{rate(len(mixed), mixed_s):>15}"
            f"{rate(len(sub), audit_s):>13}{speed:>9,.0f}x  {agree}/{len(sub)}"
            f"  (random: {refuted:.0%} refuted; skeleton built once in {build * 1000:.0f} ms)"
        )


if __name__ == "__main__":
    main()
