"""LibreOffice in headless mode, run safely: one at a time, time-limited, its own profile, no macros."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from .converter import Tool

INSTALL = ("install LibreOffice (Debian/Ubuntu: sudo apt-get install -y libreoffice-writer-nogui "
           "libreoffice-calc-nogui; macOS: brew install --cask libreoffice; Windows: libreoffice.org)")
TOOL = Tool("LibreOffice", INSTALL)
TIME_LIMIT = 180.0  # seconds for one file; a 300-page report takes well under a minute
_MAC_APP = "/Applications/LibreOffice.app/Contents/MacOS/soffice"
_ONE_AT_A_TIME = threading.Lock()  # threads of this process; _machine_lock covers other processes

# A private profile that runs no macro of any kind and fetches nothing: the document's macros and
# event scripts are off, links to other files and the web are not followed, and any HTTP goes to
# a closed local port.
_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Load"><prop oor:name="UpdateLinksOnLoad" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetProxyType" oor:op="fuse"><value>2</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetHTTPProxyName" oor:op="fuse"><value>127.0.0.1</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetHTTPProxyPort" oor:op="fuse"><value>9</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetHTTPSProxyName" oor:op="fuse"><value>127.0.0.1</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetHTTPSProxyPort" oor:op="fuse"><value>9</value></prop></item>
</oor:items>
"""
_NO_NETWORK = {"http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
               "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
               "ftp_proxy": "http://127.0.0.1:9", "no_proxy": "", "NO_PROXY": ""}


class ConversionFailed(Exception):
    """LibreOffice could not turn the file into PDF; the message says why (no fix: the caller adds it)."""


def find_soffice() -> str | None:
    """The LibreOffice program, or None: $PAROLEKIT_SOFFICE, then soffice/libreoffice on PATH."""
    named = os.environ.get("PAROLEKIT_SOFFICE")
    if named:
        return named if Path(named).is_file() else None
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    return _MAC_APP if Path(_MAC_APP).is_file() else None


def tool_found() -> bool:
    return find_soffice() is not None


def convert(path: Path, sha256: str, cache: Path | None, *, filters: tuple[str, ...] = ()) -> Path:
    """*path* as a PDF: `<cache>/<sha256>.pdf`, converted once (by content, whatever its name).

    Without a cache folder the PDF goes to a temporary folder that lives as long as the process.
    """
    folder = cache if cache is not None else Path(tempfile.mkdtemp(prefix="parolekit-converted-"))
    target = folder / f"{sha256}.pdf"
    if target.is_file() and target.stat().st_size > 0:
        return target
    soffice = find_soffice()
    if soffice is None:
        raise ConversionFailed(f"LibreOffice is not installed; {INSTALL}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ConversionFailed(f"the cache folder '{folder}' cannot be made ({e.strerror})") from None
    with _ONE_AT_A_TIME, _machine_lock(), tempfile.TemporaryDirectory(prefix="parolekit-lo-") as work:
        made = _run(soffice, path, Path(work), filters)
        staged = folder / f".{sha256}.{os.getpid()}.tmp"
        shutil.copyfile(made, staged)
        os.replace(staged, target)  # whole or not at all: a killed build leaves no half PDF
    return target


def _run(soffice: str, path: Path, work: Path, filters: tuple[str, ...]) -> Path:
    """One soffice process converting one file (a copy under a plain name) inside *work*."""
    profile = work / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
    # A copy under a plain ASCII name: the original is never touched, and odd names cannot be options.
    source = work / f"input{path.suffix.lower()}"
    shutil.copyfile(path, source)
    out = work / "out"
    infilter, export = filters if filters else (None, "pdf")
    cmd = [soffice, "--headless", "--invisible", "--norestore", "--nolockcheck", "--nodefault",
           "--nologo", "--nofirststartwizard", f"-env:UserInstallation={profile.as_uri()}",
           *([f"--infilter={infilter}"] if infilter else []), "--convert-to", export,
           "--outdir", str(out), str(source)]
    env = {**os.environ, **_NO_NETWORK, "HOME": str(work), "SAL_USE_VCLPLUGIN": "svp"}
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env, cwd=work, start_new_session=True)
    except OSError as e:
        raise ConversionFailed(f"LibreOffice could not be started ({e.strerror})") from None
    try:
        _stdout, stderr = proc.communicate(timeout=TIME_LIMIT)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise ConversionFailed(f"LibreOffice took more than {TIME_LIMIT:.0f} seconds and was "
                               "stopped") from None
    except BaseException:  # Ctrl-C: never leave soffice running behind the build
        _kill(proc)
        raise
    made = out / "input.pdf"
    if proc.returncode != 0 or not made.is_file() or made.stat().st_size == 0:
        said = stderr.decode("utf-8", "replace").strip().splitlines()
        detail = next((line for line in said if "javaldx" not in line), "") or f"exit {proc.returncode}"
        raise ConversionFailed(f"LibreOffice could not convert it ({detail[:160]})")
    return made


def _kill(proc: subprocess.Popen) -> None:
    """soffice starts soffice.bin: stop the whole process group."""
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        proc.communicate(timeout=10)


@contextlib.contextmanager
def _machine_lock():
    """One LibreOffice conversion at a time on this machine (batch --jobs runs processes)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: the thread lock alone
        yield
        return
    lock = Path(tempfile.gettempdir()) / f"parolekit-libreoffice-{os.getuid()}.lock"
    with open(lock, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
