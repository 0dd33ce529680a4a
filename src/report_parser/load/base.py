"""What the DuckDB and PostgreSQL warehouses share: one connection, errors turned into LoadError."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Connected:
    """A warehouse over one DB-API connection (``_con``) whose driver raises ``_error``."""

    target: str
    _con: Any
    _error: type[BaseException]

    def _run(self, work: Callable[[], None]) -> None:
        """Run ``work``; a driver error becomes a LoadError naming the target."""
        try:
            work()
        except self._error as exc:
            from . import LoadError

            raise LoadError(f"{self.target}: {exc}") from exc

    def close(self) -> None:
        self._con.close()
