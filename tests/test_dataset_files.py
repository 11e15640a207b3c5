"""The commands that read problem files (check, grade, overlap, contamination,
set-coverage, worksheet) on damaged, malformed and empty files: one line saying what
is wrong and where, never a traceback; overlap over sharded runs; worksheet output
paths; grading answers given in other units."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from gramgen.cli import main
from gramgen.datasets import grade_record, overlap
from gramgen.errors import InvalidArgument
from gramgen.generate import GenerateOptions, generate, read_records

pytest.importorskip("pyarrow")

FAMS = ["change_join", "decimal_measurement"]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run in two shards (a family each), with a test split, as JSON lines."""
    out = tmp_path_factory.mktemp("run")
    for i in range(2):
        opts = GenerateOptions(FAMS, per_level=3, seed=2, test_fraction=0.3, num_shards=2,
                               shard_index=i)  # fmt: skip
        generate(out, opts, workers=1)
    return out


@pytest.fixture(scope="module")
def pq_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pq")
    generate(out, GenerateOptions(["change_join"], per_level=4, seed=1, fmt="parquet"), workers=1)
    return out


def _rows(path: Path) -> list[dict[str, Any]]:
    return list(read_records(path))


def _write(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _one_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """Run the command line; it must fail with status 2 and one line on stderr."""
    status = main(argv)
    err = capsys.readouterr().err
    assert status == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gramgen: error: "), err
    return lines[0]


def _commands(bad: str, good: str) -> list[list[str]]:
    """Every command reading ``bad`` as a problem file (or reference)."""
    return [
        ["check", bad],
        ["grade", bad, "--id", "x", "--answer", "1"],
        ["grade", good, bad],
        ["overlap", bad, good],
        ["overlap", good, bad],
        ["contamination", bad, "--reference", good],
        ["contamination", good, "--reference", bad],
        ["set-coverage", good, bad],
        ["worksheet", bad, "-o", str(Path(bad).with_name("w.html"))],
    ]


# -- 1. damaged files ----------------------------------------------------------------------------


def _junk(good: Path, tmp: Path) -> Path:
    p = tmp / "junk.parquet"
    p.write_bytes(os.urandom(300))
    return p


def _truncated(good: Path, tmp: Path) -> Path:
    p = tmp / "truncated.parquet"
    p.write_bytes(good.read_bytes()[:2000])
    return p


def _damaged_inside(good: Path, tmp: Path) -> Path:
    data = bytearray(good.read_bytes())
    for i in range(100, 3000):  # the pages; the footer is whole
        data[i] ^= 0x5A
    p = tmp / "damaged.parquet"
    p.write_bytes(bytes(data))
    return p


def _zero_bytes(good: Path, tmp: Path) -> Path:
    p = tmp / "zero.parquet"
    p.write_bytes(b"")
    return p


@pytest.mark.parametrize("make", [_junk, _truncated, _damaged_inside, _zero_bytes])
def test_a_damaged_parquet_file_is_one_line_naming_it(
    make: Callable[[Path, Path], Path],
    pq_run: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    good = pq_run / "train-00000-of-00001.parquet"
    bad = make(good, tmp_path)
    for argv in _commands(str(bad), str(good)):
        line = _one_error(capsys, argv)
        assert f"{bad}: " in line and "Parquet" in line, (argv, line)


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ('REC\n{"id": tru}\n', ":2:", "not a JSON record"),
        ("REC\n\n[1, 2]\n", ":3:", "not a JSON object"),
        ('"just a string"\n', ":1:", "not a JSON object"),
        ("\xff\xfe garbage\n", ":1:", "not a JSON record"),
    ],
)
def test_a_bad_json_line_is_named_by_file_and_line(
    text: str,
    where: str,
    what: str,
    run: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    good = run / "train-00000-of-00002.jsonl"
    first = good.read_text().splitlines()[0]  # a good record first, read before the bad line
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(text.encode("latin-1").replace(b"REC", first.encode()))
    for argv in _commands(str(bad), str(good)):
        line = _one_error(capsys, argv)
        assert f"{bad}{where}" in line and what in line, (argv, line)


# -- 2. records with bad fields ------------------------------------------------------------------


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(r: dict[str, Any]) -> None:
        if "." in key:
            outer, inner = key.split(".")
            r[outer][inner] = value
        else:
            r[key] = value

    return change


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda r: r.pop(key)


BAD_FIELDS = [
    (_set("difficulty", "x"), "difficulty", ["overlap", "worksheet", "set-coverage"]),
    (_set("difficulty", None), "difficulty", ["overlap", "worksheet", "set-coverage"]),
    (_set("difficulty", True), "difficulty", ["overlap", "set-coverage"]),
    (_drop("question"), "question", ["overlap", "worksheet", "contamination"]),
    (_set("question", 7), "question", ["overlap", "worksheet", "contamination"]),
    (_set("provenance", "abc"), "provenance", ["overlap", "set-coverage"]),
    (_set("provenance.path", "abc"), "provenance.path", ["overlap", "set-coverage"]),
    (_set("provenance.path", [[1]]), "provenance.path", ["overlap", "set-coverage"]),
    (_drop("family"), "family", ["overlap", "set-coverage"]),
    (_set("answer_text", None), "answer_text", ["worksheet", "grade"]),
    (_set("steps", "one step"), "steps", ["worksheet"]),
    (_set("solvable", "yes"), "solvable", ["worksheet", "grade"]),
    (_drop("id"), "id", ["grade"]),
]


@pytest.mark.parametrize(("change", "field", "commands"), BAD_FIELDS)
def test_a_bad_field_is_named_with_its_file_and_line(
    change: Callable[[dict[str, Any]], None],
    field: str,
    commands: list[str],
    run: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    good = run / "train-00001-of-00002.jsonl"
    rows = _rows(good)
    change(rows[2])
    bad = _write(tmp_path / "bad.jsonl", rows)
    answers = _write(tmp_path / "answers.jsonl", [{"id": rows[0]["id"], "answer": "1"}])
    argv = {
        "overlap": ["overlap", str(bad), str(good)],
        "worksheet": ["worksheet", str(bad), "-o", str(tmp_path / "w.md"), "-n", "50"],
        "set-coverage": ["set-coverage", str(bad)],
        "contamination": ["contamination", str(bad), "--reference", str(good)],
        "grade": ["grade", str(bad), str(answers)],
    }
    for command in commands:
        line = _one_error(capsys, argv[command])
        assert f"{bad}:3: " in line and repr(field) in line, (command, line)
    assert not (tmp_path / "w.md").exists()


def test_a_bad_field_in_parquet_names_the_record(
    pq_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = _rows(pq_run / "train-00000-of-00001.parquet")
    for r in rows:
        r["difficulty"] = str(r["difficulty"])  # a file of another schema
    bad = tmp_path / "strings.parquet"
    pq.write_table(pa.Table.from_pylist(rows), bad)
    line = _one_error(capsys, ["overlap", str(bad), str(bad)])
    assert f"{bad}: record 1: field 'difficulty' is '1', not an integer" in line


def test_check_reads_a_record_with_a_string_provenance(run: Path, tmp_path: Path) -> None:
    from gramgen.datasets import check_file

    rows = _rows(run / "train-00001-of-00002.jsonl")
    rows[1]["provenance"] = "abc"
    report = check_file(_write(tmp_path / "bad.jsonl", rows))
    assert [rid for rid, _ in report.failures] == [rows[1]["id"]]


# -- 3. empty files ------------------------------------------------------------------------------


def test_an_empty_file_is_an_error_for_every_command(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.jsonl"
    for text in ("", "\n\n"):
        empty.write_text(text)
        good = str(run / "train-00000-of-00002.jsonl")
        for argv in _commands(str(empty), good):
            if argv[0] == "set-coverage":  # (an empty shard beside others: a note, below)
                argv = ["set-coverage", str(empty)]
            line = _one_error(capsys, argv)
            if "--reference" in argv and argv[-1] == str(empty):
                assert f"reference file {empty} holds no texts" in line
            else:
                assert f"{empty}: an empty " in line and "holds no records" in line, (argv, line)


def test_an_empty_shard_beside_others_is_a_note(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "test-00002-of-00003.jsonl"
    empty.write_text("")
    shards = [str(p) for p in sorted(run.glob("t*.jsonl"))]
    assert main(["set-coverage", *shards, str(empty)]) == 0
    assert f"note: {empty} holds no records" in capsys.readouterr().err
    assert main(["overlap", "--train", *shards[2:], "--test", *shards[:2], str(empty)]) == 0
    assert f"note: {empty} holds no records" in capsys.readouterr().err
    line = _one_error(capsys, ["overlap", "--train", *shards[2:], "--test", str(empty)])
    assert f"{empty}: an empty problem file" in line


# -- 4. overlap of sharded runs -----------------------------------------------------------------


def test_overlap_compares_every_shard_of_each_split(
    run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    train = sorted(str(p) for p in run.glob("train-*.jsonl"))
    test = sorted(str(p) for p in run.glob("test-*.jsonl"))
    assert len(train) == len(test) == 2
    n_train = sum(len(_rows(Path(f))) for f in train)
    n_test = sum(len(_rows(Path(f))) for f in test)
    forms = [
        ["--train", *train, "--test", *test],
        [*train, *test],  # what `out/train-*.jsonl out/test-*.jsonl` expands to
        [*test, *train],
        [str(run)],  # the run's directory
    ]
    for form in forms:
        assert main(["overlap", *form]) == 0, form
        got = json.loads(capsys.readouterr().out)
        assert (got["records_first"], got["records_second"]) == (n_train, n_test), form
        assert got["shared_structures"] == got["shared_questions"] == 0
        assert got["files_first"] == train and got["files_second"] == test
    # the two-file form compares the first with the second, whatever their names
    assert main(["overlap", train[0], train[0]]) == 1
    got = json.loads(capsys.readouterr().out)
    assert got["shared_questions"] == got["records_second"] == len(_rows(Path(train[0])))


def test_overlap_finds_what_a_shard_shares(run: Path, tmp_path: Path) -> None:
    train = sorted(run.glob("train-*.jsonl"))
    test = sorted(run.glob("test-*.jsonl"))
    leak = _write(tmp_path / "test-leak.jsonl", _rows(train[1])[:1])
    got = overlap(train, [*test, leak])
    assert got["shared_questions"] == 1 and got["shared_structures"] == 1


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["a.jsonl", "b.jsonl", "c.jsonl"], "a.jsonl is not named train-* or test-*"),
        (["train-0.jsonl", "train-1.jsonl", "train-2.jsonl"], "all 3 files are train files"),
        (["--train", "train-0.jsonl"], "give --test files too"),
        (["x.jsonl", "--train", "a", "--test", "b"], "or as two files"),
        ([], "give two files, a run's directory"),
        (["nowhere"], "nowhere does not exist"),
    ],
)
def test_overlap_says_how_to_give_the_sides(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert says in _one_error(capsys, ["overlap", *argv])


def test_overlap_of_a_directory_without_a_split(tmp_path: Path) -> None:
    from gramgen.datasets import overlap_sides

    _write(tmp_path / "train-00000-of-00001.jsonl", [{}])
    with pytest.raises(InvalidArgument, match=r"no test-\*\.jsonl or test-\*\.parquet files"):
        overlap_sides([tmp_path])


# -- 5. output paths -----------------------------------------------------------------------------


@pytest.mark.parametrize("out", ["my.lark/s.html", "my.lark/a/b/s.md", "my.lark/s.pdf"])
def test_worksheet_under_a_regular_file_says_it_is_not_a_directory(
    out: str, run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if out.endswith(".pdf"):
        pytest.importorskip("fpdf")
    (tmp_path / "my.lark").write_text("start: 'a'\n")
    target = tmp_path / out
    flag = "--pdf" if out.endswith(".pdf") else "-o"
    line = _one_error(capsys, ["worksheet", str(run / "train-00000-of-00002.jsonl"), flag,
                               str(target)])  # fmt: skip
    assert line == (
        f"gramgen: error: cannot write {target}: {tmp_path / 'my.lark'} is a file, not a directory"
    )
    assert (tmp_path / "my.lark").read_text() == "start: 'a'\n"


def test_worksheet_onto_a_directory_and_atomically(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = str(run / "train-00000-of-00002.jsonl")
    (tmp_path / "d.html").mkdir()
    line = _one_error(capsys, ["worksheet", src, "-o", str(tmp_path / "d.html")])
    assert line.endswith(f"cannot write {tmp_path / 'd.html'}: it is a directory")
    out = tmp_path / "new" / "dir" / "s.html"
    assert main(["worksheet", src, "-o", str(out)]) == 0
    assert out.read_text().startswith("<!doctype html>")
    assert sorted(p.name for p in out.parent.iterdir()) == ["s.html"]  # no temporary left


# -- 6. grading with units -----------------------------------------------------------------------


def _record(answer: str, text: str) -> dict[str, Any]:
    return {"id": "r", "solvable": True, "answer": answer, "answer_text": text}


@pytest.mark.parametrize(
    ("answer", "text", "given", "ok"),
    [
        ("3.25", "3.25 meters", "325 cm", True),
        ("3.25", "3.25 meters", "3250 millimeters", True),
        ("3.25", "3.25 meters", "The string is 0.00325 km long.", True),
        ("3.25", "3.25 meters", "3.25 meters", True),
        ("3.25", "3.25 meters", "3.25", True),
        ("3.25", "3.25 meters", "326 cm", False),
        ("3.25", "3.25 meters", "3.25 kg", False),
        ("3.25", "3.25 meters", "3.25 minutes", False),
        ("12.5", "$12.50", "1250 cents", True),
        ("12.5", "$12.50", "12.5 km", False),
        ("28", "28 dollars", "$28.00", True),
        ("3", "3 kilograms", "3000 grams", True),
        ("3", "3 kilograms", "3 liters", False),
        ("9", "9 liters", "9000 mL", True),
        ("300", "300 minutes", "5 hours", True),
        ("35/12", "2 11/12 hours", "2 11/12 hours", True),
        ("35/12", "2 11/12 hours", "175 minutes", True),
        ("20", "20 kilometers per hour", "20000 meters per hour", True),
        ("100", "100 square meters", "1000000 square centimeters", True),
        ("100", "100 square meters", "100 meters", False),
        ("54", "54 cubic centimeters", "54 mL", True),
        ("39", "39 pencils", "39", True),  # no unit: numbers compared as before
        ("5", "5 in each box", "5", True),
    ],
)
def test_grading_converts_units_of_the_same_dimension(
    answer: str, text: str, given: str, ok: bool
) -> None:
    check = grade_record(_record(answer, text), given)
    assert bool(check.ok) is ok, check
    if not ok and "expected" not in check.reason:
        assert "cannot be compared" in check.reason


def test_grade_command_converts_units(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "dm"
    generate(out, GenerateOptions(["decimal_measurement"], per_level=5, seed=5), workers=1)
    f = out / "train-00000-of-00001.jsonl"
    rec = next(r for r in _rows(f) if r["answer_text"].endswith(" meters") and "." in r["answer"])
    meters = Fraction(rec["answer"])
    argv = ["grade", str(f), "--id", rec["id"], "--answer"]
    assert main([*argv, f"{meters * 100} cm"]) == 0
    assert f"= {meters} m" in capsys.readouterr().out
    assert main([*argv, f"{meters * 100 + 1} cm"]) == 1
    capsys.readouterr()
    assert main([*argv, f"{rec['answer']} kg"]) == 1
    assert "kg (mass) cannot be compared with m (length)" in capsys.readouterr().out


def test_check_of_a_family_of_ones_own_says_to_name_it(tmp_path: Path) -> None:
    """A record of a family that is not bundled checks with --family; without it the
    failure says so."""
    import shutil

    from gramgen.datasets import check_file
    from gramgen.family import Family, bundled_families

    own = tmp_path / "own"
    own.mkdir()
    src = bundled_families()["change_join"]
    for suffix in (".lark", ".py"):
        shutil.copy(src.with_suffix(suffix), own / f"my_join{suffix}")
    fam = Family(own / "my_join.lark")
    data = _write(tmp_path / "mine.jsonl", [fam.item(i, seed=4) for i in range(3)])
    report = check_file(data)
    assert report.checked == 3 and len(report.failures) == 3
    assert all("pass --family PATH.lark" in p[0] for _, p in report.failures)
    report = check_file(data, family=str(own / "my_join.lark"))
    assert report.checked == 3 and report.failures == []


def test_contamination_threshold_and_grade_ids_are_checked(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    train = run / "train-00000-of-00002.jsonl"
    for bad in ("0", "1.5", "nan"):
        line = _one_error(
            capsys, ["contamination", str(train), "--reference", str(train), "--threshold", bad]
        )
        assert "--threshold is the share" in line, line
    rows = _rows(train)
    twice = _write(tmp_path / "twice.jsonl", [rows[0], rows[1], rows[0]])
    answers = _write(tmp_path / "answers.jsonl", [{"id": rows[1]["id"], "answer": "1"}])
    line = _one_error(capsys, ["grade", str(twice), str(answers)])
    assert f"twice.jsonl:3: id {rows[0]['id']!r} again (first at " in line, line
