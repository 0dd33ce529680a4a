"""DuckDB, embedded: the default warehouse (``duckdb:PATH``, by default ``DIR/reports.duckdb``)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from ..records import TABLES
from .base import Connected
from .sql import DUCKDB, delete_reports, insert_from, schema_statements


class DuckDBWarehouse(Connected):
    """Loads parts into a DuckDB file, one transaction per part."""

    def __init__(self, path: Path) -> None:
        import duckdb

        self.target = f"duckdb:{path}"
        self._error = duckdb.Error
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._con = duckdb.connect(str(path))
        except (OSError, duckdb.Error) as exc:
            from . import LoadError

            raise LoadError(f"cannot open {path}: {exc}") from exc

    def prepare(self) -> None:
        """Create the tables, their comments and the wide view (if missing)."""
        self._run(lambda: [self._con.execute(s) for s in schema_statements(DUCKDB)])

    def replace(self, tables: dict[str, pa.Table]) -> None:
        """Replace the part's reports in every table, in one transaction."""
        def work() -> None:
            self._con.execute("BEGIN TRANSACTION")
            try:
                for table in TABLES:
                    self._con.register(f"staged_{table}", tables[table])
                for table in reversed(TABLES):
                    self._con.execute(delete_reports(table, "staged_reports"))
                for table in TABLES:
                    self._con.execute(insert_from(table, f"staged_{table}"))
                self._con.execute("COMMIT")
            except BaseException:
                self._con.execute("ROLLBACK")
                raise
            finally:
                for table in TABLES:
                    self._con.unregister(f"staged_{table}")
        self._run(work)
