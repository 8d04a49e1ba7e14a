"""The console's own tables: accounts, sessions, failed logins, the audit trail, who holds a conversation, the inbox index."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Account(Base):
    __tablename__ = "console_account"
    id = Column(Integer, primary_key=True)
    name = Column(String(64), nullable=False, unique=True)
    role = Column(String(16), nullable=False)  # butler | supervisor
    password_hash = Column(Text, nullable=False)  # argon2id
    created_at = Column(DateTime, nullable=False)
    disabled = Column(Boolean, nullable=False, default=False)


class LoginSession(Base):
    __tablename__ = "console_session"
    token_hash = Column(String(64), primary_key=True)  # sha256 of the cookie's value: a leaked table opens nothing
    account_id = Column(ForeignKey("console_account.id"), nullable=False, index=True)
    csrf = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False)
    expires_at = Column(DateTime, nullable=False)


class LoginFailure(Base):
    __tablename__ = "console_login_failure"
    id = Column(Integer, primary_key=True)
    name = Column(String(64), nullable=False, index=True)
    address = Column(String(64), nullable=False, index=True)
    at = Column(DateTime, nullable=False)


class AuditEntry(Base):
    __tablename__ = "console_audit"
    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, index=True)
    actor = Column(String(64), nullable=False)
    action = Column(String(32), nullable=False, index=True)
    conversation = Column(String(128), index=True)
    request_ref = Column(String(24), index=True)
    detail = Column(JSON, nullable=False, default=dict)


class Claim(Base):
    """A butler holds a conversation (the bot is paused for it); the primary key makes it one butler at a time."""

    __tablename__ = "console_claim"
    conversation = Column(String(128), primary_key=True)
    account_id = Column(ForeignKey("console_account.id"), nullable=False)
    since = Column(DateTime, nullable=False)


class ConversationRow(Base):
    """The inbox's summary of a conversation, kept up to date from the tracker store's events table."""

    __tablename__ = "console_conversation"
    sender_id = Column(String(255), primary_key=True)
    channel = Column(String(32))
    product = Column(Text)
    last_text = Column(Text)
    last_from = Column(String(16))  # user | bot | butler
    last_at = Column(Float, index=True)  # the events' own epoch seconds
    first_at = Column(Float)
    last_event_id = Column(Integer, nullable=False)
    user_turns = Column(Integer, nullable=False, default=0)
    asked_for_person = Column(Boolean, nullable=False, default=False)
    fell_back = Column(Boolean, nullable=False, default=False)
    request_open = Column(Boolean, nullable=False, default=False)
    paused = Column(Boolean, nullable=False, default=False)
    searchable = Column(Text, nullable=False, default="")  # the conversation's texts, for the inbox search


class Unanswered(Base):
    """A customer's message the assistant could not answer (for the supervisors' report)."""

    __tablename__ = "console_unanswered"
    event_id = Column(Integer, primary_key=True)  # the user event in the tracker store
    sender_id = Column(String(255), nullable=False, index=True)
    text = Column(Text, nullable=False)
    reason = Column(String(32), nullable=False)  # nlu_fallback | fallback | out_of_scope
    at = Column(Float, nullable=False)


class Cursor(Base):
    __tablename__ = "console_cursor"
    name = Column(String(32), primary_key=True)
    event_id = Column(Integer, nullable=False)
