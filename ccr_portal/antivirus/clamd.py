"""The ClamAV daemon, through ``clamav-client`` (INSTREAM over a unix socket or TCP).

``CLAMD_URL`` is ``unix:///run/clamav/clamd.ctl`` or ``tcp://clamav:3310``; empty
means no antivirus (the embedded default: uploads are marked ``not_scanned``).
"""

from dataclasses import dataclass
from urllib.parse import urlparse

from clamav_client.clamd import (
    BufferTooLongError,
    ClamdNetworkSocket,
    ClamdUnixSocket,
    CommunicationError,
    ResponseError,
)
from django.conf import settings


class ScannerUnavailable(Exception):
    """clamd did not answer: the scan is retried later."""


@dataclass(frozen=True)
class Verdict:
    status: str  # "clean", "infected" or "error"
    detail: str = ""


def is_configured() -> bool:
    return bool(settings.CLAMD_URL)


def client(url: str | None = None):
    url = url or settings.CLAMD_URL
    parsed = urlparse(url)
    timeout = settings.CLAMD_TIMEOUT
    if parsed.scheme == "unix":
        return ClamdUnixSocket(path=parsed.path, timeout=timeout)
    if parsed.scheme == "tcp":
        return ClamdNetworkSocket(host=parsed.hostname, port=parsed.port or 3310, timeout=timeout)
    # Retried, then recorded as the file's error for the coordinators to read.
    raise ScannerUnavailable(f"CLAMD_URL doit commencer par unix:// ou tcp:// (reçu : {url!r}).")


def scan_stream(stream, *, url: str | None = None) -> Verdict:
    """Send the bytes to clamd; only a daemon that cannot be reached raises."""
    scanner = client(url)
    try:
        result = scanner.instream(stream)
    except BufferTooLongError:
        return Verdict("error", "fichier plus grand que la limite de clamd (StreamMaxLength)")
    except CommunicationError as error:
        raise ScannerUnavailable(str(error)) from error
    except ResponseError as error:
        return Verdict("error", str(error)[:200] or "réponse de clamd illisible")
    status, detail = result.get("stream", ("ERROR", "réponse de clamd vide"))
    if status == "OK":
        return Verdict("clean")
    if status == "FOUND":
        return Verdict("infected", (detail or "signature inconnue")[:200])
    return Verdict("error", (detail or "erreur de clamd")[:200])


def ping(url: str | None = None) -> bool:
    try:
        return client(url).ping() == "PONG"
    except (ScannerUnavailable, CommunicationError, ResponseError, OSError):
        return False
