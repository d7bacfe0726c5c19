"""A real clamd for the antivirus tests, on a signature database made here.

The official signatures cannot be downloaded from these machines (no freshclam):
the database holds one signature, EICAR's test string, matched anywhere in a
file. clamd listens on a unix socket in a temporary directory, for the whole
session; a missing ``clamd`` skips the tests that need it (fails under CI=true).
"""

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from ccr_portal.antivirus import clamd
from tests.conftest import require
from tests.files import EICAR

CLAMD_CONF = """\
Foreground yes
LocalSocket {socket}
DatabaseDirectory {directory}/db
TemporaryDirectory {directory}/tmp
LogFile {directory}/clamd.log
StreamMaxLength 25M
MaxFileSize 25M
MaxScanSize 100M
SelfCheck 0
"""


@pytest.fixture(scope="session")
def clamd_socket():
    executable = shutil.which("clamd") or (
        "/usr/sbin/clamd" if Path("/usr/sbin/clamd").exists() else None
    )
    require(executable is not None, "clamd (paquet Debian clamav-daemon) n'est pas installé")
    directory = Path(tempfile.mkdtemp(prefix="ccr-clamd-"))
    (directory / "db").mkdir()
    (directory / "tmp").mkdir()
    (directory / "db" / "eicar.ndb").write_text(f"Eicar-Test-Signature:0:*:{EICAR.hex()}\n")
    socket = directory / "clamd.sock"
    conf = directory / "clamd.conf"
    conf.write_text(CLAMD_CONF.format(socket=socket, directory=directory))
    process = subprocess.Popen(
        [executable, "--config-file", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"unix://{socket}"
    try:
        deadline = time.monotonic() + 30
        while not clamd.ping(url):
            if process.poll() is not None or time.monotonic() > deadline:
                log = (
                    (directory / "clamd.log").read_text()
                    if (directory / "clamd.log").exists()
                    else ""
                )
                require(False, f"clamd n'a pas démarré : {log[-500:]}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def with_clamd(settings, clamd_socket, tmp_path):
    """The portal configured with the real clamd; quarantine in the test's own directory."""
    settings.CLAMD_URL = clamd_socket
    settings.QUARANTINE_ROOT = tmp_path / "quarantine"
    return clamd_socket
