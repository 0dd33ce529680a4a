"""An on-disk, content-addressed cache of fetched responses, so re-runs work offline.

Layout of the cache folder::

    index.sqlite          url -> final_url, http_status, content_type, fetched_at, sha256
    blobs/ab/abcdef...    each body once, named by its SHA-256

The cache is an archive, not an HTTP cache: an entry is replayed as recorded (same bytes, same
``fetched_at``) whatever the server's Cache-Control said, so a re-run gives identical output.
Only final answers are stored (2xx, and 4xx so that a 404 replays as a 404); 5xx, 429 and
network failures are not, so the next run tries again. Delete the folder (or an entry) to refetch.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
create table if not exists responses (
    url text primary key,
    final_url text not null,
    http_status integer not null,
    content_type text not null,
    fetched_at text not null,
    sha256 text not null
)
"""


@dataclass(frozen=True, slots=True)
class Stored:
    """One index entry: what asking for ``url`` gave, and when."""

    url: str
    final_url: str
    http_status: int
    content_type: str
    fetched_at: str
    sha256: str


class Cache:
    """A folder of bodies by SHA-256 with a sqlite index by URL; safe to share between threads."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        (self.folder / "blobs").mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.folder / "index.sqlite", check_same_thread=False)
        with self._lock, self._db:
            self._db.execute(_SCHEMA)

    def blob_path(self, sha256: str) -> Path:
        """Given a body's SHA-256, return where the body is stored."""
        return self.folder / "blobs" / sha256[:2] / sha256

    def get(self, url: str) -> tuple[Stored, bytes] | None:
        """Given a URL, return its entry and body, or None when absent or the blob is damaged."""
        with self._lock:
            row = self._db.execute("select * from responses where url = ?", (url,)).fetchone()
        if row is None:
            return None
        stored = Stored(*row)
        try:
            body = self.blob_path(stored.sha256).read_bytes()
        except OSError:
            return None
        if hashlib.sha256(body).hexdigest() != stored.sha256:
            return None
        return stored, body

    def put(self, stored: Stored, body: bytes) -> None:
        """Store a body (once per content) and point the entry's URL at it."""
        path = self.blob_path(stored.sha256)
        if not path.exists():
            path.parent.mkdir(exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_bytes(body)
            os.replace(tmp, path)
        with self._lock, self._db:
            self._db.execute("insert or replace into responses values (?, ?, ?, ?, ?, ?)",
                             (stored.url, stored.final_url, stored.http_status, stored.content_type,
                              stored.fetched_at, stored.sha256))

    def close(self) -> None:
        """Close the index."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
