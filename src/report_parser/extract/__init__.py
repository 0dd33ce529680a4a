"""Extract stage: source bytes -> Document, with the media type sniffed from the bytes.

Text dumps are decoded here (``text.py``); HTML pages are turned into the same kind of text
(``html.py``); PDF and Word files are recognised and reported as unsupported until their
extractors land.
"""

from __future__ import annotations

from ..errors import BinaryInput, EmptyInput, UnsupportedMedia
from ..model import Diagnostic, Document
from .text import decode, document_from_text

_MAGIC = (
    (b"%PDF", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"\xd0\xcf\x11\xe0", "application/msword"),
    (b"\x89PNG", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
)


def sniff(data: bytes) -> str:
    """Given a source's first bytes, return its media type."""
    head = data[:1024]
    for magic, media in _MAGIC:
        if head.startswith(magic):
            return media
    low = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if low.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in low or b"<table" in low:
        return "text/html"
    return "text/plain"


def extract(data: bytes, source: str, *, ocr: bool = False,
            content_type: str = "") -> tuple[Document, list[Diagnostic]]:
    """Given a source's bytes (and the Content-Type they were served with), return the Document."""
    if not data.strip():
        raise EmptyInput(f"{source}: the file is empty")
    media = sniff(data)
    if media.startswith("image/"):
        raise UnsupportedMedia(f"{source}: an image ({media}); needs OCR")
    if media != "text/plain" and media != "text/html":
        raise UnsupportedMedia(f"{source}: {media} is not supported yet")
    text, encoding, diags = decode(data, source, content_type)
    if media == "text/html":
        from .html import html_to_text

        text, spans = html_to_text(text)
        return document_from_text(source, text, media, encoding, diags, spans=spans, clean=False)
    return document_from_text(source, text, media, encoding, diags)
