"""Login methods of the workshop servers: who may come in, and how that is checked.

One value per method. Each says whether a credential is asked for at all, which kinds
(password, public key), checks a password with a plain ``check_password(name, password)``
(what a web login form needs too), gives an SSH connection the keys it trusts
(``begin_ssh``), and describes itself in one line for the server's banner. A new way in is
one more class here.

``Logins`` is a room's whole policy: the attendees' method and, for the instructor's name,
a method of its own (the room's shared password never opens the dashboard).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "AuthorizedKeys",
    "LoginError",
    "LoginMethod",
    "Logins",
    "LoopbackOnly",
    "Open",
    "SharedPassword",
    "read_password_file",
]


class LoginError(ValueError):
    """A credential file that cannot be used; the message is one line for the instructor."""


def read_password_file(path: Path, what: str = "password file") -> str:
    """The password on the first line of ``path`` (surrounding spaces dropped)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise LoginError(f"{what} {str(path)!r} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise LoginError(f"cannot read {what} {str(path)!r}: {error}") from None
    password = lines[0].strip() if lines else ""
    if not password:
        raise LoginError(f"{what} {str(path)!r} is empty: put the password on line 1")
    return password


class LoginMethod:
    """How a login is checked. The base class lets nothing in; subclasses say what they accept."""

    #: False: no credential is asked for, any name gets in (its name rules still apply).
    needs_credential: bool = True
    #: A password is asked for (SSH "password" and "keyboard-interactive").
    accepts_password: bool = False

    def check_password(self, name: str, password: str) -> bool:
        """True if ``password`` lets ``name`` in."""
        return False

    def trusted_keys(self) -> Any | None:
        """The public keys this method trusts (asyncssh's authorized keys), None for none."""
        return None

    def begin_ssh(self, conn: Any) -> bool:
        """Set up one SSH connection's login (asyncssh's ``begin_auth``); True if it must log in."""
        keys = self.trusted_keys()
        # Always set, so a method without keys never inherits another user's on this connection.
        conn.set_authorized_keys(keys)
        return self.needs_credential

    def describe(self) -> str:
        """How this method lets people in, for the banner."""
        raise NotImplementedError


class Open(LoginMethod):
    """Any name, no credential: for a closed room (``--open``)."""

    needs_credential = False

    def check_password(self, name: str, password: str) -> bool:
        return True

    def describe(self) -> str:
        return "open room: any name, no password"


class LoopbackOnly(Open):
    """Any name, no credential, and only this machine can connect (no option given, loopback address)."""

    def describe(self) -> str:
        return "loopback only, any name, no password"


class SharedPassword(LoginMethod):
    """One password (``--password-file``); compared in constant time."""

    accepts_password = True

    def __init__(self, password: str, label: str = "shared workshop password") -> None:
        if not password:
            raise LoginError("the password is empty")
        self._password = password.encode("utf-8")
        self._label = label

    @classmethod
    def from_file(
        cls, path: Path, label: str = "shared workshop password", file_label: str = "password file"
    ) -> SharedPassword:
        """The password on the first line of ``path``; LoginError (naming ``file_label``) if there is none."""
        return cls(read_password_file(path, file_label), label)

    def check_password(self, name: str, password: str) -> bool:
        return hmac.compare_digest(password.encode("utf-8", "surrogateescape"), self._password)

    def same_secret(self, other: LoginMethod) -> bool:
        """True if ``other`` is a shared password with the same secret as this one."""
        return isinstance(other, SharedPassword) and hmac.compare_digest(self._password, other._password)

    def describe(self) -> str:
        return self._label


class AuthorizedKeys(LoginMethod):
    """Public keys listed in an OpenSSH ``authorized_keys`` file (``--authorized-keys``)."""

    def __init__(self, path: Path, keys: Any) -> None:
        self.path = path
        self._keys = keys

    @classmethod
    def from_file(cls, path: Path) -> AuthorizedKeys:
        """Read ``path``; LoginError (one line) if it is missing or not an authorized_keys file."""
        from .ssh_host import import_asyncssh

        asyncssh = import_asyncssh()
        if not path.is_file():
            raise LoginError(f"authorized keys file {str(path)!r} does not exist")
        try:
            keys = asyncssh.read_authorized_keys(str(path))
        except (OSError, ValueError, asyncssh.KeyImportError) as error:
            raise LoginError(f"cannot read authorized keys {str(path)!r}: {error}") from None
        return cls(path, keys)

    def trusted_keys(self) -> Any | None:
        return self._keys

    def describe(self) -> str:
        return f"keys in {self.path}"


@dataclass(frozen=True)
class Logins:
    """A room's logins: the attendees' method, and the instructor's own for their name."""

    room: LoginMethod
    instructor: str | None = None
    instructor_login: LoginMethod | None = None

    def __post_init__(self) -> None:
        if self.instructor is None:
            return
        login = self.instructor_login
        if login is None or not login.needs_credential:
            raise LoginError(
                "--instructor needs a credential of its own: add --instructor-password-file FILE "
                "or --instructor-keys FILE"
            )
        if isinstance(login, SharedPassword) and login.same_secret(self.room):
            raise LoginError("the instructor's password must differ from the room's password")

    def method_for(self, name: str) -> LoginMethod:
        """The method that checks a login as ``name``."""
        if self.instructor is not None and name == self.instructor:
            assert self.instructor_login is not None
            return self.instructor_login
        return self.room

    def describe(self) -> str:
        """The room's way in, for the banner."""
        return self.room.describe()

    def describe_instructor(self) -> str | None:
        """The instructor's way in, for the banner (None without an instructor)."""
        if self.instructor_login is None or self.instructor is None:
            return None
        return self.instructor_login.describe()
