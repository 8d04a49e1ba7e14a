"""Butlers' and supervisors' accounts: argon2 password hashes, login with lockout, sessions with a CSRF token, the audit trail.

argon2-cffi (argon2id, its default parameters) hashes the passwords: the hash a well-kept
library makes, checked in constant time, rehashed when the parameters change.  A session is a
random token in an HttpOnly cookie; the database keeps only its SHA-256, with a CSRF token that
every state-changing request must send back.  After ``max_failures`` failed logins of one
account within ``lockout_minutes`` (or four times as many from one address) logins are refused
for that long, the right password included.  Every action of a butler is an ``AuditEntry``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Optional, Tuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from console.models import Account, AuditEntry, LoginFailure, LoginSession

ROLES = ("butler", "supervisor")
_hasher = PasswordHasher()
_DUMMY = _hasher.hash("not a password of anyone")  # unknown names cost the same time as known ones


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    csrf: str = ""

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    def __init__(
        self, engine: Any, max_failures: int = 5, lockout_minutes: float = 15.0, session_hours: float = 8.0
    ) -> None:
        self.engine = engine
        self.max_failures = max_failures
        self.lockout = timedelta(minutes=lockout_minutes)
        self.session_life = timedelta(hours=session_hours)

    def count(self) -> int:
        with Session(self.engine) as s:
            return s.execute(select(func.count()).select_from(Account)).scalar_one()

    def add(self, name: str, role: str, password: str) -> User:
        """A new account (or a new password and role for an existing one)."""
        name = name.strip()
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if not name or len(name) > 64:
            raise ValueError("the name must be 1-64 characters")
        if len(password) < 10:
            raise ValueError("the password must have at least 10 characters")
        with Session(self.engine) as s, s.begin():
            row = s.execute(select(Account).where(Account.name == name)).scalar_one_or_none()
            if row is None:
                row = Account(name=name, role=role, password_hash=_hasher.hash(password), created_at=now())
                s.add(row)
            else:
                row.role, row.password_hash, row.disabled = role, _hasher.hash(password), False
            s.flush()
            return User(row.id, row.name, row.role)

    def login(self, name: str, password: str, address: str) -> Tuple[Optional[User], str, str]:
        """(user, session token, "") on success, else (None, "", why: "locked" or "wrong")."""
        name = (name or "").strip()[:64]
        at = now()
        with Session(self.engine) as s, s.begin():
            since = at - self.lockout
            by_name = s.execute(
                select(func.count()).select_from(LoginFailure).where(LoginFailure.name == name, LoginFailure.at > since)
            ).scalar_one()
            by_address = s.execute(
                select(func.count())
                .select_from(LoginFailure)
                .where(LoginFailure.address == address, LoginFailure.at > since)
            ).scalar_one()
            if by_name >= self.max_failures or by_address >= 4 * self.max_failures:
                self._audit(s, name or "?", "login_locked", detail={"address": address})
                return None, "", "locked"
            row = s.execute(select(Account).where(Account.name == name)).scalar_one_or_none()
            try:
                _hasher.verify(row.password_hash if row else _DUMMY, password or "")
                ok = row is not None and not row.disabled
            except (VerificationError, InvalidHashError):
                ok = False
            if not ok:
                s.add(LoginFailure(name=name, address=address, at=at))
                self._audit(s, name or "?", "login_failed", detail={"address": address})
                return None, "", "wrong"
            if _hasher.check_needs_rehash(row.password_hash):
                row.password_hash = _hasher.hash(password)
            s.execute(delete(LoginFailure).where(LoginFailure.name == name))
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
            s.add(
                LoginSession(
                    token_hash=_digest(token),
                    account_id=row.id,
                    csrf=csrf,
                    created_at=at,
                    expires_at=at + self.session_life,
                )
            )
            self._audit(s, row.name, "login", detail={"address": address})
            return User(row.id, row.name, row.role, csrf), token, ""

    def user_for(self, token: Optional[str]) -> Optional[User]:
        """The signed-in user of a session cookie, if the session is valid."""
        if not token:
            return None
        with Session(self.engine) as s:
            found = s.execute(
                select(LoginSession, Account)
                .join(Account, Account.id == LoginSession.account_id)
                .where(LoginSession.token_hash == _digest(token))
            ).first()
            if found is None or found[0].expires_at < now() or found[1].disabled:
                return None
            session, account = found
            return User(account.id, account.name, account.role, session.csrf)

    def logout(self, token: Optional[str], user: Optional[User]) -> None:
        with Session(self.engine) as s, s.begin():
            if token:
                s.execute(delete(LoginSession).where(LoginSession.token_hash == _digest(token)))
            if user:
                self._audit(s, user.name, "logout")

    def audit(
        self,
        actor: str,
        action: str,
        conversation: Optional[str] = None,
        request_ref: Optional[str] = None,
        **detail: Any,
    ) -> None:
        with Session(self.engine) as s, s.begin():
            self._audit(s, actor, action, conversation, request_ref, detail)

    @staticmethod
    def _audit(
        s: Session,
        actor: str,
        action: str,
        conversation: Optional[str] = None,
        request_ref: Optional[str] = None,
        detail: Optional[dict] = None,
    ) -> None:
        s.add(
            AuditEntry(
                at=now(),
                actor=actor,
                action=action,
                conversation=conversation,
                request_ref=request_ref,
                detail=detail or {},
            )
        )

    def trail(self, conversation: Optional[str] = None, limit: int = 200) -> list:
        with Session(self.engine) as s:
            q = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
            if conversation:
                q = q.where(AuditEntry.conversation == conversation)
            return [
                {
                    "at": a.at,
                    "actor": a.actor,
                    "action": a.action,
                    "conversation": a.conversation,
                    "request": a.request_ref,
                    "detail": a.detail,
                }
                for a in s.execute(q).scalars()
            ]
