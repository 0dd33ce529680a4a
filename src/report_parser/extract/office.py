"""Old Word (.doc) and WPS (.wps) files -> .docx through LibreOffice headless -> ``docx.py``.

Both are OLE compound files. LibreOffice (``soffice`` or ``libreoffice`` on PATH) converts them
in a temporary folder with its own throw-away profile, so parallel workers never share one, under
a timeout. Without LibreOffice the file is ``UnsupportedMedia`` with a message saying so.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import InputError, UnsupportedMedia
from ..model import Diagnostic, Document
from .docx import read_docx

TIMEOUT = 120  # seconds for one conversion (LibreOffice's first start is slow)
MEDIA_TYPE = "application/msword"


def libreoffice() -> str | None:
    """Return the LibreOffice executable on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_docx(data: bytes, source: str) -> bytes:
    """Given .doc/.wps bytes, return the .docx LibreOffice converts them to."""
    exe = libreoffice()
    if exe is None:
        raise UnsupportedMedia(f"{source}: a .doc/.wps file needs LibreOffice to be read, and neither "
                               "soffice nor libreoffice is on PATH (Debian: apt-get install libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory(prefix="report-parser-") as tmp:
        work = Path(tmp)
        src = work / "input.doc"
        src.write_bytes(data)
        cmd = [exe, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
               "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(work / "out"), str(src)]
        try:
            run = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise InputError(f"{source}: LibreOffice did not convert the file within {TIMEOUT} s") from None
        out = work / "out" / "input.docx"
        if not out.exists():
            why = (run.stderr or run.stdout).decode("utf-8", "replace").strip()[:300]
            raise InputError(f"{source}: LibreOffice could not convert the file to .docx"
                             f" (exit {run.returncode}{': ' + why if why else ''})")
        return out.read_bytes()


def read_office(data: bytes, source: str) -> tuple[Document, list[Diagnostic]]:
    """Given .doc/.wps bytes, return the Document read from their .docx conversion."""
    doc, diags = read_docx(to_docx(data, source), source, MEDIA_TYPE)
    note = Diagnostic("extract", "info", "converted", "converted from .doc/.wps to .docx by LibreOffice")
    return doc, [note, *diags]
