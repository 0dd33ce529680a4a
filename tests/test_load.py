"""Loading output folders into real warehouses: an embedded DuckDB file and a PostgreSQL server
started for the tests (skipped, saying why, only where the server binaries are not installed)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pytest
from pglib import PostgresServer, find_bindir

from report_parser.cli import main
from report_parser.load import LoadError, load
from report_parser.load.sql import KEYS, wide_cells, wide_name
from report_parser.records import TABLES
from report_parser.synth_corpus import write_corpus


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """Two runs that overlap: ``all`` (30 reports and an empty file) and ``some`` (its first 12)."""
    tmp = tmp_path_factory.mktemp("load")
    write_corpus(tmp / "corpus", 30, seed=11, jobs=1)
    (tmp / "corpus" / "raw" / "zz_empty.txt").write_bytes(b"")
    (tmp / "some").mkdir()
    for path in sorted((tmp / "corpus" / "raw").iterdir())[:12]:
        shutil.copy(path, tmp / "some" / path.name)
    assert main(["parse", str(tmp / "corpus" / "raw"), "--out", str(tmp / "all"), "--jobs", "1",
                 "--part-size", "8", "--quiet"]) == 1  # the empty file failed
    assert main(["parse", str(tmp / "some"), "--out", str(tmp / "part"), "--jobs", "1", "--quiet"]) == 0
    return {"all": tmp / "all", "some": tmp / "part", "tmp": tmp}


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed: apt-get install postgresql")
    server = PostgresServer(bindir).start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(params=["duckdb", "postgresql"])
def db(request, runs, tmp_path) -> Iterator[str]:
    if request.param == "duckdb":
        yield f"duckdb:{tmp_path / 'warehouse.duckdb'}"
        return
    url = request.getfixturevalue("postgres")
    yield url
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:  # each test starts from an empty database
        con.execute("DROP VIEW IF EXISTS reports_wide")
        for table in TABLES:
            con.execute(f'DROP TABLE IF EXISTS "{table}"')


def query(db: str, sql: str) -> list[tuple]:
    if db.startswith("duckdb:"):
        with duckdb.connect(db[len("duckdb:"):]) as con:
            return con.sql(sql).fetchall()
    import psycopg

    with psycopg.connect(db) as con:
        return con.execute(sql).fetchall()


def counts(db: str) -> dict[str, int]:
    return {t: query(db, f'select count(*) from "{t}"')[0][0] for t in TABLES}


def parquet_rows(out: Path, table: str) -> list[dict]:
    return ds.dataset(out / table, format="parquet", partitioning="hive").to_table().to_pylist()


def test_loading_twice_leaves_the_row_counts_unchanged(runs, db):
    first = load(runs["all"], db)
    once = counts(db)
    assert once == {t: len(parquet_rows(runs["all"], t)) for t in TABLES}
    assert first.reports == once["reports"] == 31
    load(runs["all"], db)
    assert counts(db) == once


def test_overlapping_runs_leave_each_report_once(runs, db):
    load(runs["some"], db)
    assert counts(db)["reports"] == 12
    load(runs["all"], db)
    load(runs["some"], db)
    assert counts(db) == {t: len(parquet_rows(runs["all"], t)) for t in TABLES}


def test_the_wide_view_agrees_with_the_parquet_data(runs, db):
    load(runs["all"], db)
    expected: dict[str, dict[str, int | None]] = {r["report_id"]: {} for r in parquet_rows(runs["all"], "reports")}
    for c in parquet_rows(runs["all"], "cells"):
        if c["table"] == "T3":
            value = int(c["value"]) if c["status"] == "value" else None
            expected[c["report_id"]][wide_name(c["row_key"], c["col_key"])] = value
    names = [wide_name(r, c) for r, c in wide_cells()]
    rows = query(db, "select report_id, year, " + ", ".join(f'"{n}"' for n in names) + " from reports_wide")
    assert len(rows) == len(expected) == 31
    for rid, year, *values in rows:
        assert {n: v for n, v in zip(names, values, strict=True) if v is not None} == {
            n: v for n, v in expected[rid].items() if v is not None}, rid
    years = dict(query(db, "select report_id, year from reports"))
    on_disk = {r["report_id"]: r["year"] for r in parquet_rows(runs["all"], "reports")}  # hive keys are text
    assert {rid: str(y) if y is not None else "unknown" for rid, y in years.items()} == on_disk
    assert None in years.values()  # the empty file's report has no year (year=unknown on disk)


def test_every_table_has_its_primary_key(runs, db):
    load(runs["some"], db)
    if db.startswith("duckdb:"):
        got = query(db, "select table_name, constraint_column_names from duckdb_constraints() "
                        "where constraint_type = 'PRIMARY KEY'")
        keys = {t: tuple(cols) for t, cols in got}
    else:
        got = query(db, "select tc.table_name, kcu.column_name from information_schema.table_constraints tc "
                        "join information_schema.key_column_usage kcu using (constraint_name, table_name) "
                        "where tc.constraint_type = 'PRIMARY KEY' and tc.table_schema = 'public' order by tc.table_name, kcu.ordinal_position")
        keys = {}
        for table, column in got:
            keys[table] = (*keys.get(table, ()), column)
    assert keys == KEYS


def test_parse_with_db_writes_the_duckdb_file(runs, tmp_path):
    out = tmp_path / "output"
    code = main(["parse", str(runs["tmp"] / "some"), "--out", str(out), "--jobs", "1", "--quiet",
                 "--db", f"duckdb:{out / 'reports.duckdb'}"])
    assert code == 0 and (out / "reports.duckdb").exists()
    assert counts(f"duckdb:{out / 'reports.duckdb'}")["reports"] == 12


def test_load_command_defaults_to_duckdb_in_the_folder(runs, tmp_path, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(runs["some"], copy)
    assert main(["load", str(copy)]) == 0
    assert "12 reports" in capsys.readouterr().err
    assert counts(f"duckdb:{copy / 'reports.duckdb'}")["reports"] == 12


def test_load_refuses_what_it_cannot_load(runs, tmp_path):
    with pytest.raises(LoadError, match="unknown database"):
        load(runs["some"], "mysql://x")
    csv_only = tmp_path / "csv"
    assert main(["parse", str(runs["tmp"] / "some"), "--out", str(csv_only), "--format", "csv", "--quiet",
                 "--jobs", "1"]) == 0
    assert main(["load", str(csv_only)]) == 1
    assert main(["load", str(runs["some"]), "--db", "postgresql://nobody@127.0.0.1:1/x"]) == 1
