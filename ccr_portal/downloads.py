"""Every file the portal sends goes through ``file_response``: written once.

Uploaded files are what strangers sent, so the browser must never render
them as a page of the portal: always ``Content-Disposition: attachment``, a
``Content-Security-Policy: sandbox`` (no script, no same-origin, even if
opened), ``nosniff`` (the declared type holds), and no cache. Uploads also
wait for the antivirus (``scanned_file_response``).
"""

from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from ccr_portal.antivirus.models import ScannedFile, ScanStatus

FILE_SECURITY_HEADERS = {
    "Content-Security-Policy": "sandbox",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, no-store",
}


def file_response(
    file, *, filename: str, content_type: str | None = None
) -> FileResponse | HttpResponse:
    """A download (a file object, or bytes made now): attachment, sandboxed, not sniffed."""
    if isinstance(file, bytes):
        response = HttpResponse(file, content_type=content_type or "application/octet-stream")
        response["Content-Disposition"] = content_disposition_header(True, filename)
    else:
        response = FileResponse(
            file, as_attachment=True, filename=filename, content_type=content_type
        )
    for header, value in FILE_SECURITY_HEADERS.items():
        response[header] = value
    return response


def scanned_file_response(
    request, scanned: ScannedFile, *, content_type: str | None = None, back_url: str = ""
) -> HttpResponse:
    """The upload once the antivirus allows it; a French page saying why not otherwise.

    The caller has checked the viewer's permission first, as for any download.
    """
    if scanned.is_downloadable:
        return file_response(
            scanned.scanned_file.open("rb"),
            filename=scanned.scanned_name,
            content_type=content_type,
        )
    name = scanned.scanned_name
    if scanned.scan_status == ScanStatus.PENDING:
        message, status = (
            f"Le fichier « {name} » est en cours d'analyse antivirus : il sera téléchargeable "
            "dans quelques instants.",
            409,
        )
    elif scanned.scan_status == ScanStatus.INFECTED:
        message, status = (
            f"Le fichier « {name} » contient un virus : il a été mis en quarantaine et ne peut "
            "pas être téléchargé.",
            410,
        )
    else:
        message, status = (
            f"L'analyse antivirus du fichier « {name} » n'a pas pu aboutir : la coordination "
            "est prévenue, le fichier n'est pas téléchargeable pour l'instant.",
            409,
        )
    response = render(
        request,
        "antivirus/unavailable.html",
        {"message": message, "back_url": back_url},
        status=status,
    )
    response["Cache-Control"] = "private, no-store"
    return response
