"""What the SSH server shows of itself: its host key and the instructor's banner."""

from __future__ import annotations

import contextlib
import os
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncssh

    from .ssh import SshOptions

__all__ = ["HOST_KEY_FILE", "ServeError", "banner_lines", "import_asyncssh", "load_host_key"]

HOST_KEY_FILE = "ssh_host_ed25519_key"


class ServeError(Exception):
    """A problem with the server's options or files; one line for the instructor."""


def import_asyncssh():
    """asyncssh, imported without cryptography's warnings about DSA.

    asyncssh still names DSA key types in its type hints, and cryptography 43+ warns on
    every such use at import: five warning blocks before the banner. This server never
    offers or accepts DSA keys, so exactly those warnings, from asyncssh's modules, are
    silenced; any other warning still shows.
    """
    from cryptography.utils import CryptographyDeprecationWarning

    warnings.filterwarnings(
        "ignore",
        message=r"DSA is deprecated",
        category=CryptographyDeprecationWarning,
        module=r"asyncssh(\.|$)",
    )
    import asyncssh

    return asyncssh


def load_host_key(state_dir: Path) -> asyncssh.SSHKey:
    """The server's host key, generated on first use and kept in ``state_dir``."""
    asyncssh = import_asyncssh()
    path = state_dir / HOST_KEY_FILE
    if path.exists():
        try:
            return asyncssh.read_private_key(path)
        except (OSError, ValueError, asyncssh.KeyImportError) as error:
            raise ServeError(f"cannot read the host key {str(path)!r}: {error}") from None
    key = asyncssh.generate_private_key("ssh-ed25519", comment="nntui workshop")
    data = key.export_private_key()
    # Written privately and atomically, so a crash never leaves half a key behind.
    fd, tmp = tempfile.mkstemp(dir=state_dir, prefix=".hostkey-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        key.write_public_key(state_dir / (HOST_KEY_FILE + ".pub"))
    return key


def banner_lines(
    options: SshOptions, port: int, host_key: asyncssh.SSHKey, starter_pid: int | None
) -> list[str]:
    """What the instructor sees at start: where, how to log in, the host key fingerprint, the defences."""
    o = options
    host = o.host if o.host not in ("0.0.0.0", "::", "") else "THIS-HOST"
    port_part = "" if port == 22 else f"-p {port} "
    who = o.shared_user if o.shared_user else "YOURNAME"
    lines = [
        f"nntui workshop server listening on {o.host}:{port} ({o.logins.describe()})",
        f"Host key fingerprint: {host_key.get_fingerprint('sha256')} (ED25519)",
        f"Attendees type: ssh {port_part}{who}@{host}",
        f"Progress is kept in {o.plan.state_dir / 'users'}; see it with: "
        f"nntui serve status --state-dir {o.plan.state_dir}",
    ]
    if o.logins.instructor:
        lines.append(
            f"Instructor dashboard: ssh {port_part}{o.logins.instructor}@{host} "
            f"({o.logins.describe_instructor()})"
        )
    grace = f"{o.login_grace_time:g} s to log in" if o.login_grace_time else "no login time limit"
    lines.append(
        f"Defences: {grace}, at most {o.max_startups.full} connections starting "
        f"(--max-startups {o.max_startups}), {o.max_auth_tries} password tries per connection."
    )
    if starter_pid is not None:
        lines.append(f"Sessions start from a pre-loaded session starter (pid {starter_pid}).")
    lines.append("Stop with Ctrl+C (attendees get a goodbye line).")
    return lines
