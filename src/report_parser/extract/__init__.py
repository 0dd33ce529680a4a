"""Extract stage: source bytes -> Document, with the media type sniffed from the bytes.

Text dumps are decoded here (``text.py``); HTML pages are turned into the same kind of text
(``html.py``); PDF (``pdf.py``, pdfplumber; scanned pages through ``ocr.py``), Word .docx
(``docx.py``) and .doc/.wps (``office.py``, converted by LibreOffice) are rendered by
``render.py`` with their tables one cell per line, each cell's source location recorded.
"""

from __future__ import annotations

import io
import zipfile

from ..errors import EmptyInput, UnsupportedMedia
from ..model import Diagnostic, Document
from .text import decode, document_from_text

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_MAGIC = (
    (b"%PDF", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"\xd0\xcf\x11\xe0", "application/msword"),
    (b"\x89PNG", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
)


def _is_docx(data: bytes) -> bool:
    """Given a zip archive's bytes, tell whether it is a Word document (holds word/document.xml)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "word/document.xml" in z.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _pdf(data: bytes, source: str, ocr: bool) -> tuple[Document, list[Diagnostic]]:
    from .pdf import read_pdf

    return read_pdf(data, source, ocr=ocr)


def _docx(data: bytes, source: str, ocr: bool) -> tuple[Document, list[Diagnostic]]:
    from .docx import read_docx

    return read_docx(data, source, DOCX)


def _office(data: bytes, source: str, ocr: bool) -> tuple[Document, list[Diagnostic]]:
    from .office import read_office

    return read_office(data, source)


# Laid-out formats and their extractors (imported on first use: pdfplumber is slow to import).
_LAID_OUT = {"application/pdf": _pdf, DOCX: _docx, "application/msword": _office}


def sniff(data: bytes) -> str:
    """Given a source's first bytes, return its media type."""
    head = data[:1024]
    for magic, media in _MAGIC:
        if head.startswith(magic):
            if media == "application/zip" and _is_docx(data):
                return DOCX
            return media
    if b"%PDF-" in head:  # a PDF behind a few bytes of junk still opens
        return "application/pdf"
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
    if media in _LAID_OUT:
        return _LAID_OUT[media](data, source, ocr)
    if media != "text/plain" and media != "text/html":
        raise UnsupportedMedia(f"{source}: {media} is not supported yet")
    text, encoding, diags = decode(data, source, content_type)
    if media == "text/html":
        from .html import html_to_text

        text, spans = html_to_text(text)
        return document_from_text(source, text, media, encoding, diags, spans=spans, clean=False)
    return document_from_text(source, text, media, encoding, diags)
