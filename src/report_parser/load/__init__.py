"""Load an output folder into a warehouse: DuckDB (embedded, the default) or PostgreSQL.

    report-parser load DIR [--db duckdb:PATH | postgresql://user@host/db]

The committed parts of DIR's Parquet datasets (as its journal lists them; every file when there
is no journal) are loaded one part at a time, each in one transaction: the part's reports are
deleted from every table (by report_id and parser_version), then inserted again. Loading the
same folder twice, or folders that overlap, leaves each report once; an interrupted load leaves
whole reports. Tables, keys and the wide view: ``load.sql``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyarrow as pa
import pyarrow.parquet as pq

from ..batch.output import JOURNAL, STATE, UNKNOWN_YEAR
from ..records import SCHEMAS, TABLES
from .sql import column_names, columns

DEFAULT_DB = "reports.duckdb"


class LoadError(Exception):
    """The folder cannot be loaded, or the warehouse refused it."""


@dataclass(frozen=True, slots=True)
class Part:
    """One committed part of an output folder: its Parquet files, by table."""

    number: int
    files: dict[str, tuple[Path, ...]]


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What a load did: where to, how many reports and rows."""

    target: str
    reports: int
    rows: int


class Warehouse(Protocol):
    target: str

    def prepare(self) -> None: ...
    def replace(self, tables: dict[str, pa.Table]) -> None: ...
    def close(self) -> None: ...


def committed_parts(folder: Path) -> list[Part]:
    """Given an output folder, return its committed parts in order."""
    journal = folder / STATE / JOURNAL
    if journal.exists():
        names: dict[int, list[str]] = {}
        for raw in journal.read_bytes().splitlines(keepends=True)[1:]:
            try:
                entry = json.loads(raw) if raw.endswith(b"\n") else None
            except ValueError:
                entry = None
            if entry is None:
                break  # a part cut short by an interruption was never committed
            names[entry["part"]] = entry["parquet"]
    else:
        names = defaultdict(list)
        for path in sorted(folder.glob("*/year=*/part-*.parquet")):
            names[int(path.stem.split("-")[1])].append(path.relative_to(folder).as_posix())
    parts = []
    for number in sorted(names):
        files: dict[str, list[Path]] = defaultdict(list)
        for rel in names[number]:
            files[rel.split("/")[0]].append(folder / rel)
        parts.append(Part(number, {t: tuple(files[t]) for t in TABLES}))
    return parts


def read_part(part: Part) -> dict[str, pa.Table]:
    """Given a part, return its rows as warehouse tables (year restored, parser_version, seq)."""
    reports = _concat("reports", [_with_year(pq.read_table(p), p) for p in part.files["reports"]])
    version = dict(zip(reports["report_id"].to_pylist(), reports["parser_version"].to_pylist(), strict=True))
    out = {"reports": reports}
    for table in TABLES[1:]:
        data = _concat(table, [pq.read_table(p) for p in part.files[table]])
        out[table] = _warehouse_columns(table, data, version)
    return out


def _with_year(data: pa.Table, path: Path) -> pa.Table:
    """Given a reports file and its path, put the year (its partition key) back in its column."""
    label = path.parent.name.split("=", 1)[1]
    year = None if label == UNKNOWN_YEAR else int(label)
    at = SCHEMAS["reports"].names.index("year")
    return data.add_column(at, SCHEMAS["reports"].field("year"), pa.array([year] * len(data), pa.int64()))


def _concat(table: str, pieces: list[pa.Table]) -> pa.Table:
    schema = SCHEMAS[table]
    return pa.concat_tables([p.select(schema.names).cast(schema) for p in pieces]) if pieces else schema.empty_table()


def _warehouse_columns(table: str, data: pa.Table, version: dict[str, str]) -> pa.Table:
    """Given a child table's rows, add parser_version (and seq) in the warehouse's column order."""
    rids = data["report_id"].to_pylist()
    extra = {"parser_version": pa.array([version[r] for r in rids], pa.string())}
    if "seq" in column_names(table):
        seq, last, n = [], None, 0
        for rid in rids:  # a report's rows are contiguous, in the order the parser gave them
            n = n + 1 if rid == last else 0
            seq.append(n)
            last = rid
        extra["seq"] = pa.array(seq, pa.int64())
    arrays = [extra[name] if name in extra else data[name] for name in column_names(table)]
    schema = pa.schema([pa.field(n, t, nullable=null) for n, t, null in columns(table)])
    return pa.Table.from_arrays(arrays, schema=schema)


def open_warehouse(folder: Path, db: str | None) -> Warehouse:
    """Given the folder and ``--db``, return the warehouse to load into."""
    db = db or f"duckdb:{folder / DEFAULT_DB}"
    if db.startswith("duckdb:"):
        from .duck import DuckDBWarehouse

        return DuckDBWarehouse(Path(db[len("duckdb:"):]))
    if db.startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresWarehouse

        return PostgresWarehouse(db)
    raise LoadError(f"unknown database {db!r}: give duckdb:PATH or postgresql://…")


def load(folder: Path, db: str | None = None) -> LoadResult:
    """Load every committed part of ``folder`` into ``db``; return what was loaded."""
    parts = committed_parts(folder)
    if not any(part.files["reports"] for part in parts):
        raise LoadError(f"no Parquet data in {folder}: parse with --format including parquet (the default)")
    warehouse = open_warehouse(folder, db)
    reports = rows = 0
    try:
        warehouse.prepare()
        for part in parts:
            tables = read_part(part)
            warehouse.replace(tables)
            reports += tables["reports"].num_rows
            rows += sum(t.num_rows for t in tables.values())
    except (OSError, pa.ArrowException) as exc:
        raise LoadError(f"reading {folder}: {exc}") from exc
    finally:
        warehouse.close()
    return LoadResult(warehouse.target, reports, rows)


__all__ = ["LoadError", "LoadResult", "committed_parts", "load", "read_part"]
