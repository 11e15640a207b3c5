"""Parquet output: the JSON lines a run writes, read by Arrow into typed tables and
written in row groups of :data:`ROWS` rows, zstd-compressed.

Arrow's own JSON reader (with :func:`schema`) does the reading: three times less
CPU than parsing each line in Python. Its batches begin and end where it cuts the
lines into blocks of :data:`BLOCK` bytes (up to the last line ending within each),
and a Parquet file's bytes depend on its batches, so the files are the same to the
byte however they are made: as the run goes (:class:`AsItGoes`) or from the whole
JSON lines file at the end (:func:`to_parquet`).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from .errors import InvalidArgument

__all__ = [
    "ROWS",
    "AsItGoes",
    "ParquetFile",
    "parquet_path",
    "read_parquet",
    "schema",
    "to_parquet",
]

ROWS = 65536
BLOCK = 1 << 22  # bytes of JSON lines read into Arrow at a time
_BEHIND = 8  # blocks waiting to be read into Arrow, at most


def parquet_path(part: Path) -> Path:
    """The Parquet file made from the partial JSON lines file ``part``."""
    return part.with_name(part.name.removesuffix(".jsonl.partial") + ".parquet")


@functools.cache
def schema() -> Any:
    """The Parquet files' schema (the fields a record may lack are null)."""
    try:
        import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        raise InvalidArgument(
            "Parquet output needs pyarrow: pip install 'gramgen[parquet]'"
        ) from None

    return pa.schema([
        ("id", pa.string()), ("question", pa.string()), ("answer", pa.string()),
        ("answer_type", pa.string()), ("answer_value", pa.float64()),
        ("answer_text", pa.string()), ("solvable", pa.bool_()),
        ("steps", pa.list_(pa.string())), ("trace", pa.string()), ("family", pa.string()),
        ("topic", pa.string()), ("difficulty", pa.int32()), ("split", pa.string()),
        ("provenance", pa.struct([
            ("grammar", pa.string()), ("grammar_sha256", pa.string()),
            ("path", pa.list_(pa.int32())), ("seed", pa.string()), ("index", pa.int64()),
            ("gramgen", pa.string()), ("run_seed", pa.int64()),
            ("vague", pa.list_(pa.int32())),
            ("vague_number", pa.struct([("style", pa.string()), ("range", pa.list_(pa.string()))])),
        ])),
    ])  # fmt: skip


def _pool() -> Any:
    """The memory Arrow reads and writes with here: the C library's allocator. Arrow's
    default (mimalloc) hands each block's buffers back to the system and takes fresh,
    zeroed pages for the next one: ~2 µs a record of the kernel's time, against ~0.4."""
    import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

    return pa.system_memory_pool()


def _arrow_says(err: BaseException) -> str:
    """Arrow's message on one line."""
    return " ".join(str(err).split()) or type(err).__name__


def read_parquet(path: Path) -> Iterator[dict[str, Any]]:
    """The rows of the Parquet file ``path`` as dicts, any schema; a file that is not
    Parquet, or is truncated or damaged, is an :class:`InvalidArgument` naming it and
    saying what Arrow found wrong (never Arrow's own exception)."""
    try:
        import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
        import pyarrow.parquet as pq  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        raise InvalidArgument(
            f"{path}: reading Parquet needs pyarrow: pip install 'gramgen[parquet]'"
        ) from None
    broken = (pa.ArrowException, OSError, ValueError)
    try:
        size = path.stat().st_size
        if size == 0:
            raise InvalidArgument(f"{path}: an empty file (0 bytes), not a Parquet file")
        with path.open("rb") as fh:
            head = fh.read(4)
            fh.seek(-4, 2)
            tail = fh.read(4)
    except OSError as err:
        raise InvalidArgument(f"cannot read {path}: {err.strerror or err}") from None
    if head != b"PAR1":
        raise InvalidArgument(f"{path}: not a Parquet file (it does not begin with PAR1)")
    if tail != b"PAR1" or size < 12:
        raise InvalidArgument(
            f"{path}: a truncated Parquet file ({size} bytes, without the footer a complete "
            "file ends with)"
        )
    try:
        source = pq.ParquetFile(path)
    except broken as err:
        raise InvalidArgument(f"{path}: a damaged Parquet file: {_arrow_says(err)}") from None
    try:
        for batch in source.iter_batches():
            yield from batch.to_pylist()
    except broken as err:
        raise InvalidArgument(f"{path}: a damaged Parquet file: {_arrow_says(err)}") from None


def json_reader(src: Any, *, threads: bool, block: int | None = None) -> Any:
    """Arrow's own JSON reader on ``src`` (a path or a file of JSON lines) with the
    Parquet schema: batches of the records' fields (any others ignored), one per
    ``block`` bytes (``BLOCK``; up to the last line ending within them)."""
    import pyarrow.json as pj  # type: ignore[import-untyped, unused-ignore]

    parse = pj.ParseOptions(explicit_schema=schema(), unexpected_field_behavior="ignore")
    read = pj.ReadOptions(block_size=block or BLOCK, use_threads=threads)
    return pj.open_json(src, parse_options=parse, read_options=read, memory_pool=_pool())


class ParquetFile:
    """A Parquet file written in row groups of ``ROWS`` rows (the last one
    fewer; an empty file has one, empty) from the batches given, under a temporary
    name, renamed by :meth:`close`. (The bytes depend on where the batches begin and
    end, not only on the rows.)"""

    def __init__(self, dst: Path) -> None:
        import pyarrow.parquet as pq  # type: ignore[import-untyped, unused-ignore]

        self.dst = dst
        self.tmp = dst.with_name(dst.name + ".tmp")
        self.schema = schema()
        self.out = pq.ParquetWriter(self.tmp, self.schema, compression="zstd", memory_pool=_pool())
        self.pending: list[Any] = []  # batches not written yet
        self.rows = 0  # in them
        self.written = False

    def add(self, batch: Any) -> None:
        import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

        self.pending.append(batch)
        self.rows += batch.num_rows
        while self.rows >= ROWS:
            table = pa.Table.from_batches(self.pending, schema=self.schema)
            self._write(table.slice(0, ROWS))
            rest = table.slice(ROWS)
            self.pending, self.rows = rest.to_batches(), rest.num_rows

    def _write(self, table: Any) -> None:
        self.out.write_table(table)
        self.written = True

    def close(self) -> None:
        """Write what is pending and rename the file to ``dst``."""
        import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

        if self.rows or not self.written:
            self._write(pa.Table.from_batches(self.pending, schema=self.schema))
        self.out.close()
        self.tmp.replace(self.dst)

    def discard(self) -> None:
        with contextlib.suppress(Exception):  # (a write failed: nothing to keep)
            self.out.close()
        self.tmp.unlink(missing_ok=True)


def to_parquet(src: Path, dst: Path) -> None:
    """The Parquet file of the JSON lines file ``src``."""
    # (Arrow's JSON reader with the schema: three times less CPU than parsing each
    # line in Python; threads, as nothing else runs now)
    empty = src.stat().st_size == 0  # (Arrow refuses an empty stream)
    out = ParquetFile(dst)
    try:
        for batch in [] if empty else json_reader(src, threads=True):
            out.add(batch)
    except BaseException:
        out.discard()
        raise
    out.close()


class AsItGoes:
    """The run's Parquet files, made as it goes, one beside each split's partial JSON
    lines file in ``partials``: the lines written to it are read into Arrow a block at
    a time and written in row groups as they fill, by a thread of their own (Arrow
    lets go of the interpreter meanwhile). Made at the end (:func:`to_parquet`), they
    held the end of the run back by seconds per 100,000 records. The blocks are the
    ones Arrow's reader of the whole file makes (up to the last line that ends within
    each ``BLOCK`` bytes of the file), so the batches, and so the files, are the same
    to the byte. A resumed
    run has its Parquet files made at the end (this has not seen its first lines);
    so has one whose lines Arrow did not take here (the error is raised there)."""

    def __init__(self, partials: Mapping[str, Path]) -> None:
        from concurrent.futures import ThreadPoolExecutor

        splits = list(partials)
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="gramgen-parquet")
        self.files = {s: ParquetFile(parquet_path(p)) for s, p in partials.items()}
        self.lines: dict[str, list[bytes]] = {s: [] for s in splits}  # the block so far
        self.end = dict.fromkeys(splits, 0)  # where its last line ends in the file
        self.mark = dict.fromkeys(splits, BLOCK)  # where the block is cut before
        self.sent: list[Future[None]] = []  # blocks not known to be done
        self.ok = True

    def add(self, names: Sequence[str], lines: Sequence[bytes]) -> None:
        """``lines``, just written, each to the JSON lines file of the split named
        beside it in ``names`` (others than the splits are ignored)."""
        files = dict.fromkeys(names)
        for name in files:
            if name not in self.lines:  # the audit file
                continue
            mine = lines if len(files) == 1 else [
                ln for n, ln in zip(names, lines, strict=True) if n == name]  # fmt: skip
            block, end, mark = self.lines[name], self.end[name], self.mark[name]
            for line in mine:
                end += len(line)
                while end > mark:  # the line ends past the mark: the block ends before it
                    if not block:  # a line longer than a block: Arrow's reader refuses it
                        self.ok = False
                        return
                    self._send(name, block)
                    block, mark = [], mark + BLOCK
                block.append(line)
            self.lines[name], self.end[name], self.mark[name] = block, end, mark

    def _send(self, name: str, block: list[bytes]) -> None:
        self.sent = [fut for fut in self.sent if not fut.done()]
        while len(self.sent) >= _BEHIND:  # (never, unless the thread falls behind)
            self.sent.pop(0).result()
        self.sent.append(self.pool.submit(self._convert, name, block))

    def _convert(self, name: str, block: list[bytes]) -> None:
        """(In the pool's thread.) Read ``block`` into one batch and add it."""
        import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

        if not self.ok:
            return
        data = b"".join(block)
        try:  # (read in place: a BytesIO would be copied into Arrow)
            for batch in json_reader(pa.BufferReader(data), threads=False, block=len(data) + 1):
                self.files[name].add(batch)
        except Exception:  # made from the JSON lines file at the end, raising it there
            self.ok = False

    def close(self) -> bool:
        """Finish the files; whether they are made (else they are to be made from the
        JSON lines files)."""
        for name, block in self.lines.items():
            if block and self.ok:
                self._send(name, block)
        self.pool.shutdown()
        if not self.ok:
            self.discard()
            return False
        for f in self.files.values():
            f.close()
        return True

    def discard(self) -> None:
        self.ok = False
        self.pool.shutdown(cancel_futures=True)
        for f in self.files.values():
            f.discard()
