"""Tables of the request store (SQLAlchemy 1.4, 2.0-style): policies, bindings, requests, audit trail.

Only the masked ID number and its last four digits are kept; the full phone number is kept
because the butlers must call the customer, and is masked wherever it is shown.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

# a request's statuses (ServiceRequest.status, StatusChange.to_status)
SUBMITTED, ARRANGED, DONE, CANCELLED, CANCELLED_USED = "submitted", "arranged", "done", "cancelled", "cancelled_used"


class Policy(Base):
    __tablename__ = "sr_policy"
    id = Column(Integer, primary_key=True)
    number = Column(String(32), nullable=False, unique=True)
    product_id = Column(String(64), nullable=False)  # knowledge store product id
    insured_name = Column(Text, nullable=False)
    id_number_masked = Column(String(32), nullable=False)  # 330106********1234
    id_last4 = Column(String(4), nullable=False)
    phone = Column(String(20), nullable=False)
    effective_date = Column(Date, nullable=False)
    expiry_date = Column(Date, nullable=False)
    status = Column(String(16), nullable=False)  # in_force, lapsed, cancelled (expiry is read from the dates)
    waiting_period_days = Column(Integer, nullable=False)  # the contract's, where the manual gives none
    continuation = Column(String(16), nullable=False, default="new")  # new, renewal, transfer
    add_ons = Column(JSON, nullable=False, default=list)
    demo = Column(Boolean, nullable=False, default=False)


class Binding(Base):
    """Which policy a chat sender speaks for (one per sender and channel)."""

    __tablename__ = "sr_binding"
    channel = Column(String(32), primary_key=True)
    sender_id = Column(String(128), primary_key=True)
    policy_id = Column(ForeignKey("sr_policy.id"), nullable=False)
    bound_at = Column(DateTime, nullable=False)
    policy = relationship(Policy)


class VerificationAttempt(Base):
    """Failed bindings, to stop guessing of verification digits."""

    __tablename__ = "sr_verification_attempt"
    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    sender_id = Column(String(128), nullable=False, index=True)
    at = Column(DateTime, nullable=False)


class ServiceRequest(Base):
    __tablename__ = "sr_request"
    id = Column(Integer, primary_key=True)
    reference = Column(String(24), nullable=False, unique=True)  # SR-20261121-0007
    draft_key = Column(String(64), nullable=False, unique=True)  # makes a repeated confirmation a no-op
    policy_id = Column(ForeignKey("sr_policy.id"), nullable=False, index=True)
    product_id = Column(String(64), nullable=False)
    service_key = Column(String(64), nullable=False)
    service_name = Column(Text, nullable=False)
    status = Column(String(16), nullable=False)  # SUBMITTED … CANCELLED_USED above
    channel = Column(String(32), nullable=False)
    sender_id = Column(String(128), nullable=False, index=True)
    created_at = Column(DateTime, nullable=False)
    scheduled_at = Column(DateTime)  # the customer's desired date and time (Beijing time)
    admission_date = Column(Date)  # counts "per hospitalisation" limits
    details = Column(JSON, nullable=False, default=dict)  # the form's values, normalised
    response_time = Column(Text)  # the manual's promise, quoted
    policy = relationship(Policy)
    history = relationship("StatusChange", order_by="StatusChange.id", cascade="all, delete-orphan")


class StatusChange(Base):
    """Audit trail: every status a request takes, who set it and when."""

    __tablename__ = "sr_status_change"
    id = Column(Integer, primary_key=True)
    request_id = Column(ForeignKey("sr_request.id"), nullable=False, index=True)
    at = Column(DateTime, nullable=False)
    actor = Column(Text, nullable=False)  # "customer:<channel>:<sender>" or "butler:<name>"
    from_status = Column(String(16))
    to_status = Column(String(16), nullable=False)
    note = Column(Text)
