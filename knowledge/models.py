"""Database tables of the knowledge store (SQLAlchemy 1.4, 2.0-style declarative).

The layout follows the manuals: a manual has one product; a product has
contacts, rules, Q&A and services; a service has facts of several kinds and
a coverage; a coverage points to printed city lists whose entries are
resolved to gazetteer divisions.  Every fact row carries the section of the
manual it comes from.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class Manual(Base):
    __tablename__ = "manual"
    id = Column(String(8), primary_key=True)  # "004"
    file = Column(String(64), nullable=False, unique=True)
    title = Column(Text, nullable=False)
    insurer = Column(Text, nullable=False)
    insurer_aliases = Column(JSON, nullable=False, default=list)
    provider = Column(Text)
    contract_disclaimer = Column(Text)


class Product(Base):
    __tablename__ = "product"
    id = Column(String(64), primary_key=True)
    manual_id = Column(ForeignKey("manual.id"), nullable=False)
    name = Column(Text, nullable=False)
    insurer = Column(Text, nullable=False)
    label_note = Column(Text)
    manual = relationship(Manual)
    aliases = relationship("ProductAlias", cascade="all, delete-orphan")
    services = relationship("Service", back_populates="product", order_by="Service.position")
    contacts = relationship("Contact", order_by="Contact.position")
    rules = relationship("Rule", order_by="Rule.position")


class ProductAlias(Base):
    __tablename__ = "product_alias"
    id = Column(Integer, primary_key=True)
    product_id = Column(ForeignKey("product.id"), nullable=False, index=True)
    alias = Column(String(64), nullable=False, index=True)
    __table_args__ = (UniqueConstraint("product_id", "alias"),)


class Contact(Base):
    __tablename__ = "contact"
    id = Column(Integer, primary_key=True)
    product_id = Column(ForeignKey("product.id"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    kind = Column(String(32), nullable=False)
    name = Column(Text, nullable=False)
    value = Column(Text, nullable=False)
    hours = Column(Text)
    note = Column(Text)
    section = Column(Text, nullable=False)


class Rule(Base):
    """A product-wide rule or definition; service_id is set for a service's own departure."""

    __tablename__ = "rule"
    id = Column(Integer, primary_key=True)
    product_id = Column(ForeignKey("product.id"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    topic = Column(String(32), nullable=False, index=True)
    title = Column(Text, nullable=False)
    text = Column(Text, nullable=False)
    section = Column(Text, nullable=False)
    data = Column(JSON, nullable=False, default=dict)


class Service(Base):
    __tablename__ = "service"
    id = Column(Integer, primary_key=True)
    product_id = Column(ForeignKey("product.id"), nullable=False, index=True)
    key = Column(String(64), nullable=False)
    position = Column(Integer, nullable=False)
    name = Column(Text, nullable=False)
    category = Column(Text)
    section = Column(Text, nullable=False)
    items_title = Column(Text)
    items = Column(JSON, nullable=False, default=list)
    request_fields = Column(JSON, nullable=False, default=list)
    product = relationship(Product, back_populates="services")
    aliases = relationship("ServiceAlias", cascade="all, delete-orphan")
    facts = relationship("Fact", order_by="Fact.position", cascade="all, delete-orphan")
    steps = relationship("ApplyStep", order_by="ApplyStep.position", cascade="all, delete-orphan")
    coverage = relationship("Coverage", uselist=False, cascade="all, delete-orphan")
    qas = relationship("QA", order_by="QA.position", cascade="all, delete-orphan")
    __table_args__ = (UniqueConstraint("product_id", "key"),)


class ServiceAlias(Base):
    __tablename__ = "service_alias"
    id = Column(Integer, primary_key=True)
    service_id = Column(ForeignKey("service.id"), nullable=False, index=True)
    alias = Column(String(64), nullable=False, index=True)
    __table_args__ = (UniqueConstraint("service_id", "alias"),)


class Fact(Base):
    """One statement about a service.

    kind: content, eligibility, prerequisite, usage_limit, time, advance_notice,
    channel, material, cancellation, cost, note, waiting_period.  ``data``
    holds the structured part (count/per for usage_limit, hours for
    advance_notice, kind of time, kind of channel …).
    """

    __tablename__ = "fact"
    id = Column(Integer, primary_key=True)
    service_id = Column(ForeignKey("service.id"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    kind = Column(String(32), nullable=False, index=True)
    text = Column(Text, nullable=False)
    section = Column(Text, nullable=False)
    data = Column(JSON, nullable=False, default=dict)


class ApplyStep(Base):
    __tablename__ = "apply_step"
    id = Column(Integer, primary_key=True)
    service_id = Column(ForeignKey("service.id"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)
    section = Column(Text, nullable=False)


class QA(Base):
    """A question-and-answer pair printed in a manual (service_id null: product-wide)."""

    __tablename__ = "qa"
    id = Column(Integer, primary_key=True)
    product_id = Column(ForeignKey("product.id"), nullable=False, index=True)
    service_id = Column(ForeignKey("service.id"), index=True)
    position = Column(Integer, nullable=False)
    question = Column(Text, nullable=False)
    answer = Column(Text, nullable=False)
    section = Column(Text, nullable=False)


class Attachment(Base):
    __tablename__ = "attachment"
    id = Column(Integer, primary_key=True)
    product_id = Column(ForeignKey("product.id"), nullable=False, index=True)
    key = Column(String(64), nullable=False)
    title = Column(Text, nullable=False)
    section = Column(Text, nullable=False)
    items = Column(JSON, nullable=False)
    note = Column(Text)


class Place(Base):
    """A division of the bundled gazetteer."""

    __tablename__ = "place"
    adcode = Column(String(12), primary_key=True)
    name = Column(String(64), nullable=False, index=True)
    level = Column(String(16), nullable=False)
    parent = Column(String(12), index=True)
    province = Column(String(12), nullable=False)
    mainland = Column(Boolean, nullable=False)


class PlaceAlias(Base):
    """A curated alias (old name, typo, short form) of a gazetteer division."""

    __tablename__ = "place_alias"
    id = Column(Integer, primary_key=True)
    alias = Column(String(64), nullable=False, index=True)
    adcode = Column(ForeignKey("place.adcode"), nullable=False)
    kind = Column(String(16), nullable=False)
    note = Column(Text)


class CoverageList(Base):
    """A city list printed in a manual."""

    __tablename__ = "coverage_list"
    id = Column(String(64), primary_key=True)
    manual_id = Column(ForeignKey("manual.id"), nullable=False)
    title = Column(Text, nullable=False)
    section = Column(Text, nullable=False)
    scope_note = Column(Text)
    county_rule = Column(String(16), nullable=False)
    footnote = Column(Text)
    printed_totals = Column(JSON, nullable=False, default=list)
    entries = relationship("CoverageEntry", order_by="CoverageEntry.position", cascade="all, delete-orphan")


class CoverageEntry(Base):
    """One place of a printed list: the manual's wording and the resolved division."""

    __tablename__ = "coverage_entry"
    id = Column(Integer, primary_key=True)
    list_id = Column(ForeignKey("coverage_list.id"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    adcode = Column(ForeignKey("place.adcode"), nullable=False, index=True)
    printed_name = Column(Text, nullable=False)
    printed_province = Column(Text)
    within = Column(Text)
    hospitals = Column(Integer)
    note = Column(Text)
    correction = Column(Text)  # what the loader changed (typo, old name, wrong province)


class Coverage(Base):
    """Where a service can be used (see knowledge.schema.Coverage)."""

    __tablename__ = "coverage"
    id = Column(Integer, primary_key=True)
    service_id = Column(ForeignKey("service.id"), nullable=False, unique=True)
    type = Column(String(16), nullable=False)
    text = Column(Text, nullable=False)
    section = Column(Text, nullable=False)
    scope_note = Column(Text)
    remote_text = Column(Text)
    printed_city_count = Column(Integer)
    printed_hospital_count = Column(Integer)
    lists = Column(JSON, nullable=False, default=list)  # ids of coverage_list
    provinces = Column(JSON, nullable=False, default=list)  # adcodes
    extra_provinces = Column(JSON, nullable=False, default=list)  # adcodes
    hospitals = relationship("CoverageHospital", order_by="CoverageHospital.position", cascade="all, delete-orphan")


class CoverageHospital(Base):
    __tablename__ = "coverage_hospital"
    id = Column(Integer, primary_key=True)
    coverage_id = Column(ForeignKey("coverage.id"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    name = Column(Text, nullable=False)
    adcode = Column(ForeignKey("place.adcode"))
    printed_city = Column(Text)
    printed_province = Column(Text)
    note = Column(Text)


class Passage(Base):
    """Searchable text: every fact, rule and Q&A, flattened, with its source."""

    __tablename__ = "passage"
    id = Column(Integer, primary_key=True)
    product_id = Column(ForeignKey("product.id"), nullable=False, index=True)
    service_id = Column(ForeignKey("service.id"), index=True)
    kind = Column(String(32), nullable=False)
    title = Column(Text, nullable=False)
    text = Column(Text, nullable=False)
    section = Column(Text, nullable=False)


class BuildInfo(Base):
    """One row: when and from what the store was built (for fingerprints)."""

    __tablename__ = "build_info"
    id = Column(Integer, primary_key=True)
    built_at = Column(String(32), nullable=False)
    fingerprint = Column(String(64), nullable=False)
    counts = Column(JSON, nullable=False, default=dict)
