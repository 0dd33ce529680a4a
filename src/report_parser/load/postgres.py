"""PostgreSQL through psycopg 3: staged with COPY, then delete-and-insert in one transaction."""

from __future__ import annotations

import pyarrow as pa

from ..records import TABLES
from .base import Connected
from .sql import (
    POSTGRES,
    column_names,
    delete_reports,
    insert_from,
    q,
    schema_statements,
)


class PostgresWarehouse(Connected):
    """Loads parts into a PostgreSQL database given by its connection URL."""

    def __init__(self, dsn: str) -> None:
        import psycopg

        self.target = _redact(dsn)
        self._error = psycopg.Error
        try:
            self._con = psycopg.connect(dsn)
        except psycopg.Error as exc:
            from . import LoadError

            raise LoadError(f"cannot connect to {self.target}: {exc}") from exc

    def prepare(self) -> None:
        """Create the tables, their comments and the wide view (if missing), in one transaction."""
        def work() -> None:
            with self._con.transaction(), self._con.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(hashtext('report_parser.load'))")
                for statement in schema_statements(POSTGRES):
                    cur.execute(statement)  # type: ignore[arg-type]
        self._run(work)

    def replace(self, tables: dict[str, pa.Table]) -> None:
        """COPY the part into temporary tables, then replace its reports in every table."""
        def work() -> None:
            with self._con.transaction(), self._con.cursor() as cur:
                for table in TABLES:
                    staged = f"staged_{table}"
                    cur.execute(f"CREATE TEMP TABLE {q(staged)} (LIKE {q(table)}) ON COMMIT DROP")  # type: ignore[arg-type]
                    _copy(cur, staged, tables[table])
                for table in reversed(TABLES):
                    cur.execute(delete_reports(table, "staged_reports"))  # type: ignore[arg-type]
                for table in TABLES:
                    cur.execute(insert_from(table, f"staged_{table}"))  # type: ignore[arg-type]
        self._run(work)



def _copy(cur, staged: str, data: pa.Table) -> None:  # type: ignore[no-untyped-def]
    """COPY an Arrow table's rows into a table, column by column name."""
    names = column_names(staged.removeprefix("staged_"))
    columns = [data[name].to_pylist() for name in names]
    with cur.copy(f"COPY {q(staged)} ({', '.join(map(q, names))}) FROM STDIN") as copy:
        for row in zip(*columns, strict=True):
            copy.write_row(row)


def _redact(dsn: str) -> str:
    """Given a connection URL, return it without its password (for messages)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(dsn)
    if parts.password is None:
        return dsn
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))
