"""Filling in a document's table of contents (and other fields) with headless LibreOffice.

python-docx writes the ``TOC`` field but cannot lay out pages, so it cannot compute the
entries. :func:`update_document` runs ``soffice --headless`` with a small LibreOffice Basic
macro that opens the document hidden, updates every index (the table of contents) and field,
and stores it again as ``.docx`` or as PDF.

Filling in the contents makes them longer, but LibreOffice keeps the page layout it made
before: a PDF exported then can leave a heading alone at the bottom of a page, and the page
numbers in the contents follow that stale layout. So the macro stores the updated document
as ``.docx``, loads it again (a fresh layout), updates the indexes once more and compares:
when nothing changed, the stored ``.docx`` is right and the PDF is exported from the fresh
document; otherwise it repeats, at most three rounds.

The macro lives in a private LibreOffice user profile made for this process (in a temporary
folder, removed at exit), never in the user's own profile. Macros in a profile's own
"Standard" library are trusted, so no macro-security setting is changed, and a separate
profile lets this run while the user has LibreOffice open. File names reach the macro
through environment variables, so no quoting of paths is needed. The macro writes ``ok`` (and
the number of rounds) or the error to a status file, which is how a failure inside
LibreOffice is told apart from a crash.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from klyngepakke.errors import ExportError

__all__ = ["find_soffice", "update_document"]

_MODULE = "Klyngepakke"

_MACRO = """REM  klyngepakke: fill in the indexes and fields of a document on a settled layout.
REM  Filling in a table of contents makes it longer, and LibreOffice does not lay the pages
REM  out afresh afterwards (a heading can stay alone at the bottom of a page, and the page
REM  numbers follow that stale layout). So the document is stored as .docx and loaded again,
REM  which lays it out from scratch, and the indexes are updated on that layout, until an
REM  update no longer changes them. The PDF is made from the document as it was last loaded.
Sub UpdateDocument
    Dim sStatus As String
    sStatus = Environ("KLYNGEPAKKE_LO_STATUS")
    On Error GoTo Failed
    Dim sDocx As String
    Dim sPdf As String
    sDocx = Environ("KLYNGEPAKKE_LO_DOCX")
    sPdf = Environ("KLYNGEPAKKE_LO_PDF")
    Dim oDoc As Object
    oDoc = LoadHidden(Environ("KLYNGEPAKKE_LO_IN"))
    UpdateIndexes(oDoc)
    UpdateIndexes(oDoc)
    Dim sBefore As String
    Dim sAfter As String
    Dim bSettled As Boolean
    Dim iRound As Integer
    bSettled = False
    iRound = 0
    Do While Not bSettled And iRound < 3
        iRound = iRound + 1
        sBefore = IndexText(oDoc)
        StoreAs(oDoc, sDocx, "MS Word 2007 XML")
        oDoc.close(True)
        oDoc = LoadHidden(sDocx)
        UpdateIndexes(oDoc)
        sAfter = IndexText(oDoc)
        bSettled = (sAfter = sBefore)
    Loop
    If Not bSettled Then
        StoreAs(oDoc, sDocx, "MS Word 2007 XML")
    End If
    If sPdf <> "" Then
        StoreAs(oDoc, sPdf, "writer_pdf_Export")
    End If
    oDoc.close(True)
    WriteStatus(sStatus, "ok " & iRound)
    StarDesktop.terminate()
    Exit Sub
Failed:
    WriteStatus(sStatus, "error " & Err & " at line " & Erl & ": " & Error$)
    StarDesktop.terminate()
End Sub

Function LoadHidden(sPath As String) As Object
    Dim aLoad(1) As New com.sun.star.beans.PropertyValue
    aLoad(0).Name = "Hidden"
    aLoad(0).Value = True
    aLoad(1).Name = "UpdateDocMode"
    aLoad(1).Value = 1
    LoadHidden = StarDesktop.loadComponentFromURL(ConvertToURL(sPath), "_blank", 0, aLoad())
End Function

Sub UpdateIndexes(oDoc As Object)
    Dim oIndexes As Object
    Dim i As Integer
    oIndexes = oDoc.getDocumentIndexes()
    For i = 0 To oIndexes.getCount() - 1
        oIndexes.getByIndex(i).update()
    Next i
    oDoc.getTextFields().refresh()
End Sub

Function IndexText(oDoc As Object) As String
    Dim oIndexes As Object
    Dim i As Integer
    Dim sText As String
    sText = ""
    oIndexes = oDoc.getDocumentIndexes()
    For i = 0 To oIndexes.getCount() - 1
        sText = sText & oIndexes.getByIndex(i).getAnchor().getString() & Chr(10)
    Next i
    IndexText = sText
End Function

Sub StoreAs(oDoc As Object, sPath As String, sFilter As String)
    Dim aStore(0) As New com.sun.star.beans.PropertyValue
    aStore(0).Name = "FilterName"
    aStore(0).Value = sFilter
    oDoc.storeToURL(ConvertToURL(sPath), aStore())
End Sub

Sub WriteStatus(sPath As String, sText As String)
    Dim iFile As Integer
    iFile = FreeFile
    Open sPath For Output As #iFile
    Print #iFile, sText
    Close #iFile
End Sub
"""

_XBA = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="{name}" \
script:language="StarBasic" script:moduleType="normal">{code}</script:module>
"""

_SCRIPT_XLB = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">
<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" \
library:readonly="false" library:passwordprotected="false">
 <library:element library:name="Module1"/>
 <library:element library:name="{name}"/>
</library:library>
"""

_lock = threading.Lock()
_profile: Path | None = None


def find_soffice() -> str | None:
    """The LibreOffice program (``soffice`` or ``libreoffice``) on the PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _escape_basic(code: str) -> str:
    return (
        code.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _make_profile(soffice: str, timeout: float) -> Path:
    """A private LibreOffice user profile whose Standard library holds the macro.

    LibreOffice fills a new profile with its defaults on first start (overwriting a Standard
    library put there before), so the profile is started once, then the macro is added.
    """
    global _profile
    if _profile is not None and (_profile / "user" / "basic" / "Standard").is_dir():
        return _profile
    root = Path(tempfile.mkdtemp(prefix="klyngepakke-lo-"))
    atexit.register(shutil.rmtree, root, True)
    try:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={root.as_uri()}",
                "--headless",
                "--terminate_after_init",
            ],
            capture_output=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        raise ExportError(
            f"LibreOffice did not start within {timeout:g} seconds (making its profile in {root})"
        ) from exc
    standard = root / "user" / "basic" / "Standard"
    if not standard.is_dir():
        raise ExportError(
            f"LibreOffice ({soffice}) did not create a user profile in {root}; is it working? "
            "Try 'soffice --headless --version'"
        )
    (standard / "script.xlb").write_text(_SCRIPT_XLB.format(name=_MODULE), encoding="utf-8")
    (standard / f"{_MODULE}.xba").write_text(
        _XBA.format(name=_MODULE, code=_escape_basic(_MACRO)), encoding="utf-8"
    )
    _profile = root
    return root


def update_document(
    document: str | Path, output: str | Path, *, pdf: bool = False, timeout: float = 180
) -> Path:
    """Update the table of contents and fields of ``document`` and store it at ``output``.

    ``output`` may be ``document`` itself. With ``pdf`` the result is a PDF; otherwise a
    ``.docx``. Raises :class:`~klyngepakke.errors.ExportError` when LibreOffice is missing,
    fails or takes longer than ``timeout`` seconds.
    """
    soffice = find_soffice()
    if soffice is None:
        raise ExportError(
            "LibreOffice (soffice) is not installed or not on the PATH: it is needed to fill "
            "in the table of contents and to make PDFs. Install it (Debian/Ubuntu: apt-get "
            "install libreoffice-writer), or leave update_fields out: Word fills in the table "
            "of contents when the document is opened"
        )
    source, target = Path(document), Path(output)
    with _lock, tempfile.TemporaryDirectory(prefix="klyngepakke-lo-run-") as work:
        folder = Path(work)
        profile = _make_profile(soffice, timeout)
        copy_in = folder / "dokument.docx"
        shutil.copyfile(source, copy_in)
        updated = folder / "opdateret.docx"
        result = folder / "dokument.pdf" if pdf else updated
        status = folder / "status.txt"
        environment = {
            **os.environ,
            "KLYNGEPAKKE_LO_IN": str(copy_in),
            "KLYNGEPAKKE_LO_DOCX": str(updated),
            "KLYNGEPAKKE_LO_PDF": str(result) if pdf else "",
            "KLYNGEPAKKE_LO_STATUS": str(status),
        }
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nodefault",
            "--nolockcheck",
            f"macro:///Standard.{_MODULE}.UpdateDocument",
        ]
        try:
            run = subprocess.run(
                command,
                env=environment,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as exc:
            raise ExportError(
                f"{source}: LibreOffice did not finish updating the document within {timeout:g} "
                "seconds"
            ) from exc
        outcome = status.read_text(encoding="utf-8").strip() if status.exists() else ""
        if not outcome.startswith("ok") or not result.is_file():
            detail = outcome or (run.stderr.strip() or f"exit code {run.returncode}")
            raise ExportError(f"{source}: LibreOffice could not update the document: {detail}")
        shutil.copyfile(result, target)
    return target
