"""The generation pipeline: quotas, determinism across workers and shards, splits,
dedup, audit, resume, bad input, Parquet, worksheets, check and grade."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import Interrupting

import gramgen.generate as gen
from gramgen import parquet
from gramgen.cli import build_parser, main
from gramgen.datasets import check_file, contamination, grade_record, overlap, worksheet
from gramgen.errors import GramgenError, InvalidArgument
from gramgen.generate import GenerateOptions, QuotaImpossible, generate, make_executor, read_records

FAM = "change_join"


def _lines(out: Path, pattern: str = "train-*.jsonl") -> list[dict[str, object]]:
    rows = []
    for f in sorted(out.glob(pattern)):
        rows += [json.loads(x) for x in f.read_text().splitlines()]
    return rows


def _bytes(out: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted(out.glob("*.jsonl"))}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run")
    opts = GenerateOptions([FAM], per_level=40, seed=3, unsolvable=0.1, test_fraction=0.3)
    generate(out, opts, workers=1, review=5)
    return out


def test_exact_quotas_and_complete_records(run: Path) -> None:
    rows = _lines(run, "t*.jsonl")
    assert len(rows) == 120
    per_level = {lv: sum(1 for r in rows if r["difficulty"] == lv) for lv in (1, 2, 3)}
    assert per_level == {1: 40, 2: 40, 3: 40}
    keys = {"id", "question", "answer", "answer_type", "answer_text", "steps", "trace",
            "family", "topic", "difficulty", "provenance", "solvable", "split"}  # fmt: skip
    for r in rows:
        assert keys <= set(r)
        prov = r["provenance"]
        assert isinstance(prov, dict)
        assert {"grammar", "grammar_sha256", "path", "seed", "index", "gramgen"} <= set(prov)
    assert len({r["id"] for r in rows}) == 120
    assert any(not r["solvable"] for r in rows)
    manifest = json.loads((run / "manifest-00000-of-00001.json").read_text())
    assert manifest["streams"][f"{FAM}/L1"]["made"] == 40
    assert (run / "review.md").read_text().count("## ") == 5


def test_every_record_checks_and_splits_share_nothing(run: Path) -> None:
    for f in run.glob("t*.jsonl"):
        report = check_file(f)
        assert report.checked > 0 and report.failures == []
    got = overlap(run / "train-00000-of-00001.jsonl", run / "test-00000-of-00001.jsonl")
    assert got["records_second"] > 0
    assert got["shared_structures"] == 0 and got["shared_questions"] == 0


def test_same_output_for_any_number_of_workers(run: Path, tmp_path: Path) -> None:
    opts = GenerateOptions([FAM], per_level=40, seed=3, unsolvable=0.1, test_fraction=0.3)
    generate(tmp_path, opts, workers=2)
    assert _bytes(tmp_path) == _bytes(run)


def test_shards_partition_a_run(tmp_path: Path) -> None:
    fams = [FAM, "addition_subtraction/*"]
    whole = tmp_path / "whole"
    generate(whole, GenerateOptions(fams, per_level=5, seed=1, levels=[1]), workers=1)
    parts = []
    for i in range(2):
        d = tmp_path / f"s{i}"
        generate(d, GenerateOptions(fams, per_level=5, seed=1, levels=[1], num_shards=2,
                                    shard_index=i), workers=1)  # fmt: skip
        parts += _lines(d)
    assert sorted(json.dumps(r, sort_keys=True) for r in parts) == sorted(
        json.dumps(r, sort_keys=True) for r in _lines(whole)
    )


def test_an_interrupted_run_resumes_without_loss_or_duplicates(
    run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opts = GenerateOptions([FAM], per_level=40, seed=3, unsolvable=0.1, test_fraction=0.3)
    monkeypatch.setattr(gen, "CHUNK", 16)  # a few chunks per stream: stop after two
    with pytest.raises(GramgenError, match="--resume"):
        generate(tmp_path, opts, executor=Interrupting(after=4))
    assert not list(tmp_path.glob("train-*.jsonl"))  # nothing half-written under a final name
    assert list(tmp_path.glob("train-*.jsonl.partial"))
    with pytest.raises(InvalidArgument, match="unfinished run"):
        generate(tmp_path, opts, workers=1)
    with pytest.raises(InvalidArgument, match="other options"):
        generate(tmp_path, GenerateOptions([FAM], per_level=41, seed=3), workers=1, resume=True)
    generate(tmp_path, opts, workers=1, resume=True)
    assert _bytes(tmp_path) == _bytes(run)


def test_corrupt_resume_state_is_refused(tmp_path: Path) -> None:
    opts = GenerateOptions([FAM], per_level=3, seed=1, levels=[1])
    (tmp_path / "state-00000-of-00001.json").write_text("{not json")
    with pytest.raises(InvalidArgument, match="corrupt"):
        generate(tmp_path, opts, workers=1, resume=True)
    generate(tmp_path, opts, workers=1, overwrite=True)
    assert len(_lines(tmp_path)) == 3


def test_bad_input_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "change_jion", "-o", str(tmp_path / "x")]) == 2
    assert "did you mean change_join" in capsys.readouterr().err
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["generate", FAM, "-o", str(blocker / "out")]) == 2
    assert "cannot write to output directory" in capsys.readouterr().err
    assert main(["generate", FAM, "--levels", "7", "-o", str(tmp_path / "y")]) == 2
    assert "levels 1..3, not 7" in capsys.readouterr().err
    done = tmp_path / "done"
    assert main(["generate", FAM, "-n", "2", "--levels", "1", "-o", str(done), "-q"]) == 0
    assert main(["generate", FAM, "-n", "2", "--levels", "1", "-o", str(done), "-q"]) == 2
    assert "already holds a finished run" in capsys.readouterr().err


def test_generate_uses_every_usable_core_by_default() -> None:
    # the output is the same for any number of workers, so the default is the fastest
    args = build_parser().parse_args(["generate"])
    assert args.workers == len(os.sched_getaffinity(0))
    assert build_parser().parse_args(["generate", "--workers", "1"]).workers == 1


def _tiny_family(folder: Path) -> Path:
    """A family of one sentence: a person and a number, 2 or 3."""
    fam = folder / "tiny.lark"
    fam.write_text(
        'start: PERSON "has" NUM "apples" "." "How many apples does" PERSON "have" "?"\n'
        'PERSON: /[A-Z][a-z]+/\nNUM: /[1-9][0-9]*/\n%ignore " "\n'
    )
    fam.with_suffix(".py").write_text(
        "from gramgen.semantics import Semantics\n"
        "class Tiny(Semantics):\n"
        "    levels = 1\n"
        "    def PERSON(self, tok): return self.person(tok, 'a')\n"
        "    def NUM(self, tok): return self.number(tok, 2, 3, name='n')\n"
        "    def start(self, c):\n"
        "        self.step('{n} = {n}')\n"
        "        return c[1]\n"
    )
    return fam


def test_an_impossible_quota_says_how_many_the_family_can_make(tmp_path: Path) -> None:
    fam = _tiny_family(tmp_path)
    with pytest.raises(QuotaImpossible, match=r"made only \d+ distinct problems.*at most"):
        generate(tmp_path / "o", GenerateOptions([str(fam)], per_level=500, seed=0), workers=1)


def test_each_duplicate_is_audited_with_the_record_it_repeats(tmp_path: Path) -> None:
    fam = _tiny_family(tmp_path)
    out = tmp_path / "o"
    generate(out, GenerateOptions([str(fam)], per_level=30, seed=0), workers=1)
    made = {r["id"]: r for r in _lines(out)}
    audit = _lines(out, "audit-*.jsonl")
    dups = [a for a in audit if str(a["reason"]).startswith("duplicate of ")]
    assert len(made) == 30 and dups
    for a in dups:
        first = made[str(a["reason"]).removeprefix("duplicate of ")]
        assert first["provenance"]["index"] < a["candidate"]  # type: ignore[index, operator]


def test_a_duplicate_names_the_first_problem_however_it_was_remembered() -> None:
    dedup = gen._Dedup(None, "fam", run_seed=7)
    assert dedup.all_new([11, 12, 13], level=2, first=40)  # a whole chunk at once
    assert dedup.check(20, "", level=3, k=5) is None  # one candidate
    assert dedup.check(12, "", level=1, k=99) == f"duplicate of {gen.record_id('fam', 2, 7, 41)}"
    assert dedup.check(20, "", level=1, k=99) == f"duplicate of {gen.record_id('fam', 3, 7, 5)}"
    assert not dedup.all_new([30, 13], level=1, first=100)


def test_parquet_output(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    generate(tmp_path, GenerateOptions([FAM], per_level=10, seed=2, fmt="parquet"), workers=1,
             review=4)  # fmt: skip
    (f,) = tmp_path.glob("train-*.parquet")
    table = pq.read_table(f)
    assert table.num_rows == 30
    assert table.column("provenance").type.get_field_index("path") >= 0
    assert check_file(f).failures == []
    # the review sample draws on the Parquet records
    review = (tmp_path / "review.md").read_text()
    assert review.count("## ") == 4 and "**Answer:**" in review


def test_parquet_files_are_the_same_however_they_are_made(
    run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Made as the run goes (any number of workers) or at the end from the JSON lines
    file (a resumed run, a block of lines Arrow did not take): the same batches read
    from the lines, the same rows in the same row groups, the same bytes."""
    pq = pytest.importorskip("pyarrow.parquet")
    opts = GenerateOptions([FAM], per_level=40, seed=3, unsolvable=0.1, test_fraction=0.3,
                           fmt="parquet")  # fmt: skip
    monkeypatch.setattr(parquet, "ROWS", 7)  # row groups across blocks and streams
    monkeypatch.setattr(parquet, "BLOCK", 5000)  # blocks of a few lines
    monkeypatch.setattr(gen, "CHUNK", 16)
    batches: list[tuple[str, int]] = []  # (file, rows) of each batch read from the lines
    add = parquet.ParquetFile.add

    def adding(self: parquet.ParquetFile, batch: Any) -> None:
        batches.append((self.dst.name, batch.num_rows))
        add(self, batch)

    monkeypatch.setattr(parquet.ParquetFile, "add", adding)
    generate(tmp_path / "w1", opts, workers=1)  # made as it goes
    made = list(batches)
    batches.clear()
    (tmp_path / "whole").mkdir()
    for f in run.glob("t*.jsonl"):  # the same lines (the run in JSON lines), read whole
        parquet.to_parquet(f, tmp_path / "whole" / f.name.replace(".jsonl", ".parquet"))
    files = {n for n, _ in made}
    assert len(files) == 2
    for name in files:  # (a file's batches in order; the two files' interleave)
        assert [r for n, r in made if n == name] == [r for n, r in batches if n == name]
    generate(tmp_path / "w2", opts, workers=2)
    with pytest.raises(GramgenError, match="--resume"):
        generate(tmp_path / "resumed", opts, executor=Interrupting(after=4))
    generate(tmp_path / "resumed", opts, workers=1, resume=True)
    reader = parquet.json_reader
    calls = iter(range(1000))

    def failing(src: object, *, threads: bool, block: int | None = None) -> object:
        if next(calls) == 3:
            raise ValueError("not taken")
        return reader(src, threads=threads, block=block)

    monkeypatch.setattr(parquet, "json_reader", failing)  # a block not taken: made at the end
    generate(tmp_path / "fallback", opts, workers=1)
    for split in ("train", "test"):
        name = f"{split}-00000-of-00001.parquet"
        runs = ("w1", "whole", "w2", "resumed", "fallback")
        got = {d: (tmp_path / d / name).read_bytes() for d in runs}
        assert len(set(got.values())) == 1, {d: len(b) for d, b in got.items()}
        table = pq.read_table(tmp_path / "w1" / name)
        want = _lines(run, f"{split}-*.jsonl")
        assert table.column("id").to_pylist() == [r["id"] for r in want]
        assert table.column("question").to_pylist() == [r["question"] for r in want]
        meta = pq.ParquetFile(tmp_path / "w1" / name).metadata
        sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
        assert sizes == [7] * (len(want) // 7) + ([len(want) % 7] if len(want) % 7 else [])
    assert not list(tmp_path.glob("*/*.tmp")) and not list(tmp_path.glob("*/*.partial"))


def test_dask_executor_gives_the_same_output(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    opts = GenerateOptions([FAM], per_level=15, seed=4, levels=[1, 2])
    generate(tmp_path / "serial", opts, workers=1)
    ex = make_executor("dask", 2)
    try:
        generate(tmp_path / "dask", opts, executor=ex, workers=2)
    finally:
        ex.shutdown()
    assert _bytes(tmp_path / "dask") == _bytes(tmp_path / "serial")


def test_grading_accepts_equivalent_forms(run: Path) -> None:
    rows = list(read_records(run / "train-00000-of-00001.jsonl"))
    solvable = next(r for r in rows if r["solvable"])
    value = int(str(solvable["answer"]))
    assert grade_record(solvable, f"The answer is {value}.").ok
    assert grade_record(solvable, f"{value}.00").ok
    assert not grade_record(solvable, f"{value + 1}").ok
    unsolvable = next(r for r in rows if not r["solvable"])
    assert grade_record(unsolvable, "There is not enough information to tell.").ok
    assert not grade_record(unsolvable, "42").ok


def test_check_catches_a_tampered_file(run: Path, tmp_path: Path) -> None:
    rows = [r for r in read_records(run / "train-00000-of-00001.jsonl") if r["solvable"]][:5]
    rows[2]["answer"] = str(int(str(rows[2]["answer"])) + 3)
    f = tmp_path / "bad.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    report = check_file(f)
    assert [rid for rid, _ in report.failures] == [rows[2]["id"]]
    assert main(["check", str(f)]) == 1


def test_contamination_flags_copied_questions(run: Path, tmp_path: Path) -> None:
    rows = list(read_records(run / "train-00000-of-00001.jsonl"))
    ref = tmp_path / "ref.txt"
    ref.write_text(str(rows[0]["question"]) + "\nAn unrelated sentence about nothing at all.\n")
    seen, flagged = contamination(run / "train-00000-of-00001.jsonl", ref, n=5)
    assert seen == len(rows)
    assert rows[0]["id"] in {f["id"] for f in flagged}
    assert len(flagged) < len(rows) // 2


def test_worksheet_keeps_the_answer_key_apart(run: Path, tmp_path: Path) -> None:
    md = tmp_path / "w.md"
    assert worksheet(run / "train-00000-of-00001.jsonl", md, n=4) == 4
    text = md.read_text()
    questions, _key = text.split("answer key")
    assert questions.count("**") == 8 and "page-break-before" in questions
    with pytest.raises(InvalidArgument, match=r"\.html or \.md"):
        worksheet(run / "train-00000-of-00001.jsonl", tmp_path / "w.pdf")


@pytest.mark.browser
def test_worksheet_html_prints_answers_on_a_separate_page(run: Path, tmp_path: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("no Chromium on this machine (.ci/run installs it)")
    html = tmp_path / "w.html"
    worksheet(run / "train-00000-of-00001.jsonl", html, n=3, title="Practice")
    pdf = tmp_path / "w.pdf"
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={pdf}",
         "--no-pdf-header-footer", html.as_uri()],
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    data = pdf.read_bytes()
    pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
    assert pages >= 2  # the problems, then the answer key on a page of its own
    dom = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", html.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    ).stdout  # fmt: skip
    assert dom.count('class="problem"') == 3 and "Practice: answer key" in dom


def test_families_command_lists_samples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["families", "--topic", "addition_subtraction"]) == 0
    out = capsys.readouterr().out
    assert "change_join" in out and "e.g." in out
    with pytest.raises(GramgenError):
        from gramgen.family import find_families

        find_families(["no_such_topic"])
