"""Fetch stage: URLs -> bytes + media type + provenance, politely, through an on-disk cache.

``Fetcher(client, FetchOptions(...), Cache(folder))`` fetches with an injected ``httpx.Client``;
``fetch_report`` follows a landing page to its attachment; ``discover`` walks a list page.
"""

from .attachments import fetch_report
from .cache import Cache
from .client import Fetched, Fetcher, FetchFailure, FetchResult
from .discover import Discovery, ManifestRow, discover
from .options import FetchOptions

__all__ = ["Cache", "Discovery", "FetchFailure", "FetchOptions", "FetchResult", "Fetched", "Fetcher",
           "ManifestRow", "discover", "fetch_report"]
