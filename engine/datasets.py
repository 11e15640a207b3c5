"""Working with generated problem sets: check, grade, split overlap, contamination, worksheets."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import GramgenError, InvalidArgument
from .family import FAMILIES_DIR, Family, load_family
from .generate import _digest, _fsync_write, _unit, canonical, read_records

__all__ = [
    "check_file",
    "contamination",
    "grade_record",
    "overlap",
    "worksheet",
]

_NONE = re.compile(r"not enough information|cannot be (determined|answered|solved)|"
                   r"insufficient information|unanswerable|can't be determined", re.I)  # fmt: skip


def _family_of(record: Mapping[str, Any], cache: dict[str, Family]) -> Family:
    name = str(record.get("family", ""))
    if name not in cache:
        grammar = (record.get("provenance") or {}).get("grammar")
        path = FAMILIES_DIR.parent / str(grammar) if grammar else None
        if path is not None and path.is_file():
            cache[name] = load_family(path)
        else:
            cache[name] = load_family(name)
    return cache[name]


@dataclass
class CheckReport:
    """The outcome of checking a file: records checked and what was wrong with which."""

    checked: int = 0
    failures: list[tuple[str, list[str]]] = field(default_factory=list)
    changed_grammars: set[str] = field(default_factory=set)


def check_file(path: str | Path, *, family: str | None = None) -> CheckReport:
    """Check every record of a JSONL/Parquet file independently (:meth:`Family.check`)."""
    report = CheckReport()
    cache: dict[str, Family] = {}
    for n, rec in enumerate(read_records(path), 1):
        rid = str(rec.get("id", f"line {n}"))
        try:
            fam = load_family(family) if family else _family_of(rec, cache)
        except GramgenError as err:
            report.failures.append((rid, [f"cannot load its family: {err}"]))
            report.checked += 1
            continue
        prov = rec.get("provenance") or {}
        if prov.get("grammar_sha256") not in (None, fam.sha256):
            report.changed_grammars.add(fam.name)
        problems = fam.check(rec)
        report.checked += 1
        if problems:
            report.failures.append((rid, problems))
    return report


def grade_record(record: Mapping[str, Any], response: str) -> Any:
    """Grade an answer text (e.g. a model's output) against a record: a Check.

    Numbers are compared exactly and accept ``3/4``, ``0.75``, ``75%``,
    ``$1,250.00``, ``1 1/2``; for an unsolvable record the response must say
    there is not enough information.
    """
    from gramgen.solvers import Check, grade  # type: ignore[import-not-found, unused-ignore]

    if not record.get("solvable", True):
        if _NONE.search(response):
            return Check.verified("says there is not enough information")
        return Check.refuted("the problem is unsolvable; the response does not say so")
    expected = str(record.get("answer", ""))
    if not expected:
        raise InvalidArgument(f"record {record.get('id')!r} has no answer")
    return grade(response, expected)


def grade_file(records: str | Path, answers: str | Path) -> tuple[int, int, list[dict[str, Any]]]:
    """Grade a file of answers (JSONL: ``id`` and ``answer`` or ``response``) against
    the records; (correct, graded, per-answer results)."""
    by_id = {str(r["id"]): r for r in read_records(records) if "id" in r}
    rows = []
    correct = 0
    for n, a in enumerate(read_records(answers), 1):
        rid = str(a.get("id", ""))
        if rid not in by_id:
            raise InvalidArgument(f"{answers}:{n}: no record with id {rid!r} in {records}")
        text = a.get("response", a.get("answer"))
        if not isinstance(text, str):
            raise InvalidArgument(f"{answers}:{n}: needs a string 'answer' or 'response'")
        check = grade_record(by_id[rid], text)
        correct += bool(check.ok)
        rows.append({"id": rid, "verdict": str(check.verdict.name).lower(), "why": check.reason})
    return correct, len(rows), rows


def _structure(r: Mapping[str, Any]) -> tuple[str, int, tuple[int, ...]]:
    prov = r.get("provenance") or {}
    return (str(r.get("family")), int(r.get("difficulty", 0)), tuple(prov.get("path") or ()))


def overlap(first: str | Path, second: str | Path) -> dict[str, int]:
    """Shared derivation structures and shared questions between two files."""
    a_struct: set[tuple[str, int, tuple[int, ...]]] = set()
    a_q: set[int] = set()
    n_a = 0
    for r in read_records(first):
        n_a += 1
        a_struct.add(_structure(r))
        a_q.add(_digest(canonical(str(r.get("question", "")))))
    shared_s: set[tuple[str, int, tuple[int, ...]]] = set()
    shared_q = 0
    n_b = 0
    for r in read_records(second):
        n_b += 1
        s = _structure(r)
        if s in a_struct:
            shared_s.add(s)
        shared_q += _digest(canonical(str(r.get("question", "")))) in a_q
    return {
        "records_first": n_a,
        "records_second": n_b,
        "shared_structures": len(shared_s),
        "shared_questions": shared_q,
    }


def _ngrams(text: str, n: int) -> set[int]:
    words = re.findall(r"[a-z0-9$%./]+", text.lower())
    return {_digest(" ".join(words[i : i + n])) for i in range(len(words) - n + 1)}


def contamination(
    path: str | Path, reference: str | Path, *, n: int = 8, threshold: float = 0.5
) -> tuple[int, list[dict[str, Any]]]:
    """Records whose question shares n-grams with a reference file (JSONL with a
    ``question``/``text``/``problem`` field, or plain text, one item a line).

    Returns (records looked at, flagged records with the share of their n-grams
    found in the reference); flagged when the share is at least ``threshold``.
    """
    if n < 3:
        raise InvalidArgument(f"n-grams shorter than 3 words flag everything; got n={n}")
    ref: set[int] = set()
    for text in _reference_texts(reference):
        ref |= _ngrams(text, n)
    flagged = []
    seen = 0
    for r in read_records(path):
        seen += 1
        grams = _ngrams(str(r.get("question", "")), n)
        if not grams:
            continue
        share = len(grams & ref) / len(grams)
        if share >= threshold:
            flagged.append({"id": r.get("id"), "share": round(share, 3)})
    return seen, flagged


def _reference_texts(path: str | Path) -> Iterator[str]:
    p = Path(path)
    if not p.is_file():
        raise InvalidArgument(f"reference file {p} does not exist")
    if p.suffix in (".jsonl", ".json", ".parquet"):
        for r in read_records(p):
            for key in ("question", "text", "problem", "prompt"):
                if isinstance(r.get(key), str):
                    yield r[key]
                    break
        return
    yield from p.read_text(encoding="utf-8", errors="replace").splitlines()


# -- worksheets ---------------------------------------------------------------------------------


def _pick(records: Iterable[dict[str, Any]], n: int, seed: int) -> list[dict[str, Any]]:
    rows = [r for r in records if r.get("solvable", True)]
    if not rows:
        raise InvalidArgument("no solvable problems to put on a worksheet")
    rows.sort(key=lambda r: _unit("worksheet", seed, r.get("id")))
    chosen = rows[:n]
    chosen.sort(key=lambda r: (int(r.get("difficulty", 0)), str(r.get("topic")), str(r.get("id"))))
    return chosen


def worksheet_markdown(rows: Sequence[Mapping[str, Any]], title: str) -> str:
    lines = [f"# {title}", "", "Name: ____________________   Date: ____________", ""]
    for i, r in enumerate(rows, 1):
        lines += [f"**{i}.** {r['question']}", "", "&nbsp;", ""]
    lines += ['<div style="page-break-before: always"></div>', "", f"# {title}: answer key", ""]
    for i, r in enumerate(rows, 1):
        lines.append(f"**{i}.** {r['answer_text']}")
        lines += [f"   - {s}" for s in r.get("steps") or []]
        lines.append("")
    return "\n".join(lines)


def worksheet_html(rows: Sequence[Mapping[str, Any]], title: str) -> str:
    e = html.escape
    items = "\n".join(
        f'<li class="problem"><p>{e(str(r["question"]))}</p><div class="work"></div></li>'
        for r in rows
    )
    key = "\n".join(
        f'<li class="answer"><strong>{e(str(r["answer_text"]))}</strong>'
        + '<ol class="steps">'
        + "".join(f"<li>{e(str(s))}</li>" for s in r.get("steps") or [])
        + "</ol></li>"
        for r in rows
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>
<style>
body {{ font-family: Georgia, serif; max-width: 48rem; margin: 2rem auto; line-height: 1.5; }}
header p {{ display: flex; gap: 4rem; }}
.problem {{ margin-bottom: 1.2rem; break-inside: avoid; }}
.work {{ height: 5rem; border-bottom: 1px dotted #999; }}
.steps {{ font-size: 0.9em; color: #333; }}
#answer-key {{ break-before: page; page-break-before: always; }}
@media print {{ body {{ margin: 0; }} }}
</style></head>
<body>
<section id="problems"><header><h1>{e(title)}</h1>
<p><span>Name: ____________________</span><span>Date: __________</span></p></header>
<ol>
{items}
</ol></section>
<section id="answer-key"><h1>{e(title)}: answer key</h1>
<ol>
{key}
</ol></section>
</body></html>
"""


def worksheet(
    path: str | Path, out: str | Path, *, n: int = 20, seed: int = 0, title: str = "Worksheet"
) -> int:
    """Write a worksheet of ``n`` problems from a problem file (``.html`` or ``.md``
    by the output's suffix) with the answer key on separate pages; returns how
    many problems it holds."""
    if n < 1:
        raise InvalidArgument(f"a worksheet needs at least one problem, got n={n}")
    target = Path(out)
    if target.suffix not in (".html", ".htm", ".md"):
        raise InvalidArgument(f"worksheet output must end in .html or .md, got {target.name}")
    rows = _pick(read_records(path), n, seed)
    text = (
        worksheet_html(rows, title) if target.suffix != ".md" else worksheet_markdown(rows, title)
    )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _fsync_write(target, text.encode())
    except OSError as err:
        raise InvalidArgument(f"cannot write {target}: {err.strerror}") from None
    return len(rows)


def families_table(topic: str | None = None) -> list[dict[str, Any]]:
    """Every bundled family (of ``topic``): name, topic, title, levels and a sample."""
    from .family import Rejected, bundled_families

    out = []
    for name, path in bundled_families().items():
        if topic is not None and path.parent.name != topic:
            continue
        fam = load_family(path)
        sample = ""
        for i in range(20):
            try:
                sample = str(fam.item(i, seed=0, level=1)["question"])
                break
            except Rejected:
                continue
        out.append({"name": name, "topic": fam.topic, "title": fam.title,
                    "levels": fam.levels, "sample": sample})  # fmt: skip
    out.sort(key=lambda r: (r["topic"], r["name"]))
    return out
