"""Validate the curated sources and build the knowledge database from them.

Nothing is written until every file has passed validation and every place in
every list has resolved; a SQLite store is built beside the old one and swapped
in with one rename, any other database is rebuilt inside one transaction.
Either way a bad source file leaves the previous store as it was.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

import yaml
from pydantic import ValidationError
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from knowledge import models as m
from knowledge import schema as s
from knowledge.config import SOURCES_DIR, database_url
from knowledge.places import GAZETTEER_DIR, Division, PlaceIndex, Resolution, read_gazetteer, short_forms, strip_suffix


class SourceError(Exception):
    """One or more problems in the source files; str() lists them, one a line."""

    def __init__(self, problems: List[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Sources:
    """Validated contents of the sources folder."""

    manuals: List[Tuple[Path, s.ManualSource]] = field(default_factory=list)
    lists: Dict[str, Tuple[Path, s.CoverageList]] = field(default_factory=dict)
    fingerprint: str = ""


def _describe(path: Path, raw: Any, loc: Tuple[Any, ...]) -> str:
    """'004_pingan.yml: service 门诊协助 (outpatient_assist): field usage_limit.0.per'."""
    where = [path.name]
    rest = list(loc)
    if len(rest) >= 2 and rest[0] in ("services", "entries") and isinstance(rest[1], int):
        try:
            item = raw[rest[0]][rest[1]]
            label = item.get("name") or "?"
            where.append(
                f"{'service' if rest[0] == 'services' else 'entry'} {label}"
                + (f" ({item['key']})" if item.get("key") else "")
            )
        except (KeyError, IndexError, TypeError, AttributeError):
            where.append(f"{rest[0]}[{rest[1]}]")
        rest = rest[2:]
    if rest:
        where.append("field " + ".".join(str(x) for x in rest))
    return ": ".join(where)


def _parse(path: Path, model: type) -> Tuple[Optional[Any], List[str]]:
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
    except yaml.YAMLError as exc:
        return None, [f"{path.name}: not valid YAML: {exc}"]
    if not isinstance(raw, dict):
        return None, [f"{path.name}: expected a mapping at the top level"]
    try:
        return model.parse_obj(raw), []
    except ValidationError as exc:
        return None, [f"{_describe(path, raw, e['loc'])}: {e['msg']}" for e in exc.errors()]


def fingerprint(paths: Iterable[Path]) -> str:
    """A hash of the given files' names and contents (what the store was built from)."""
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def source_files(directory: Path = SOURCES_DIR) -> List[Path]:
    return sorted(directory.glob("*.yml")) + sorted((directory / "coverage").glob("*.yml"))


def read_sources(directory: Path = SOURCES_DIR) -> Sources:
    """Parse and validate every source file; raise SourceError listing all problems."""
    out = Sources()
    problems: List[str] = []
    manual_files = sorted(directory.glob("*.yml"))
    if not manual_files:
        problems.append(f"{directory}: no manual files (*.yml)")
    for path in manual_files:
        parsed, errs = _parse(path, s.ManualSource)
        problems += errs
        if parsed is not None:
            out.manuals.append((path, parsed))
    for path in sorted((directory / "coverage").glob("*.yml")):
        parsed, errs = _parse(path, s.CoverageList)
        problems += errs
        if parsed is None:
            continue
        if parsed.id in out.lists:
            problems.append(f"{path.name}: field id: list id {parsed.id!r} also used by {out.lists[parsed.id][0].name}")
        elif parsed.id != path.stem:
            problems.append(f"{path.name}: field id: {parsed.id!r} should match the file name {path.stem!r}")
        else:
            out.lists[parsed.id] = (path, parsed)
    problems += _cross_check(out)
    if problems:
        raise SourceError(problems)
    out.fingerprint = fingerprint(
        source_files(directory) + [GAZETTEER_DIR / "divisions.csv", GAZETTEER_DIR / "aliases.yml"]
    )
    return out


def _cross_check(src: Sources) -> List[str]:
    problems: List[str] = []
    seen_products: Dict[str, str] = {}
    used_lists = set()
    for path, doc in src.manuals:
        if doc.product.id in seen_products:
            problems.append(
                f"{path.name}: field product.id: {doc.product.id!r} also used by {seen_products[doc.product.id]}"
            )
        seen_products[doc.product.id] = path.name
        keys: Dict[str, str] = {}
        for svc in doc.services:
            where = f"{path.name}: service {svc.name} ({svc.key})"
            if svc.key in keys:
                problems.append(f"{where}: field key: duplicate of service {keys[svc.key]}")
            keys[svc.key] = svc.name
            for list_id in svc.coverage.lists:
                used_lists.add(list_id)
                if list_id not in src.lists:
                    problems.append(f"{where}: field coverage.lists: no file coverage/{list_id}.yml")
                elif src.lists[list_id][1].manual != doc.manual.file:
                    problems.append(
                        f"{where}: field coverage.lists: {list_id} belongs to manual {src.lists[list_id][1].manual}"
                    )
    for list_id, (path, _) in src.lists.items():
        if list_id not in used_lists:
            problems.append(f"{path.name}: no service's coverage uses list {list_id!r}")
    return problems


# --- building ----------------------------------------------------------------


@dataclass
class _Resolver:
    """Resolves the places of the sources; collects failures instead of stopping at the first."""

    index: PlaceIndex
    problems: List[str] = field(default_factory=list)

    def province(self, name: str, where: str) -> Optional[Division]:
        d = self.index.resolve_province(name)
        if d is None:
            self.problems.append(f"{where}: {name!r} is not a province" + _hint(self.index.resolve(name)))
        return d

    def place(
        self, name: str, where: str, province: Optional[str] = None, within: Optional[str] = None
    ) -> Tuple[Optional[Division], Optional[str]]:
        """A place and the correction made to the printed wording (None when none)."""
        hint: Optional[Division] = None
        corrections: List[str] = []
        if province:
            hint = self.index.resolve_province(province)
            if hint is None:
                self.problems.append(f"{where}: printed province {province!r} is not a province")
        if within:
            w = self.index.resolve(within, within=hint)
            if w.found:
                hint = w.division
        r = self.index.resolve(name, within=hint)
        if not r.found:
            self.problems.append(f"{where}: place {name!r} not found in the gazetteer" + _hint(r))
            return None, None
        d = r.division
        printed = re.sub(r"\s+", "", name)
        if r.matched_by == "alias":
            corrections.append(f"“{printed}”解析为{d.name}" + (f"（{r.note}）" if r.note else ""))
        elif printed not in {d.name, strip_suffix(d.name), *short_forms(d.name)}:
            corrections.append(f"“{printed}”按{d.name}解析")
        if hint is not None and not self.index.contains(hint, d):
            corrections.append(f"手册列于“{within or province}”下，实际属于{self.index.province_of(d).name}")
        return d, "；".join(corrections) or None


def _hint(r: Resolution) -> str:
    return f" (did you mean {', '.join(n for n, _ in r.suggestions)}?)" if r.suggestions else ""


def _fact(kind: str, text: str, section: str, data: Optional[Dict[str, Any]] = None) -> m.Fact:
    return m.Fact(kind=kind, text=text, section=section, data=data or {})


def _sec(fact_section: Optional[str], default: str) -> str:
    return fact_section or default


def _service_rows(svc: s.Service, product_id: str, position: int, resolver: _Resolver, where: str) -> m.Service:
    row = m.Service(
        product_id=product_id,
        key=svc.key,
        position=position,
        name=svc.name,
        category=svc.category,
        section=svc.section,
        items_title=svc.items_title,
        items=list(svc.items),
        request_fields=list(svc.request_fields),
    )
    row.aliases = [m.ServiceAlias(alias=a) for a in dict.fromkeys([svc.name, *svc.aliases])]
    facts: List[m.Fact] = []
    for kind, group in (
        ("content", svc.content),
        ("eligibility", svc.eligibility),
        ("prerequisite", svc.prerequisites),
        ("material", svc.materials),
        ("cancellation", svc.cancellation),
        ("cost", svc.costs),
        ("note", svc.notes),
    ):
        facts += [_fact(kind, f.text, _sec(f.section, svc.section), f.data) for f in group]
    for u in svc.usage_limit:
        data = u.dict(exclude={"text", "section", "data"}) | u.data
        facts.append(_fact("usage_limit", u.text, _sec(u.section, svc.section), data))
    for t in svc.times:
        facts.append(_fact("time", t.text, _sec(t.section, svc.section), {"kind": t.kind, **t.data}))
    for a in svc.advance_notice:
        facts.append(
            _fact(
                "advance_notice",
                a.text,
                _sec(a.section, svc.section),
                {"hours": a.hours, "working_days": a.working_days, **a.data},
            )
        )
    apply_section = svc.apply.section or svc.section
    for c in svc.apply.channels:
        facts.append(_fact("channel", c.text, _sec(c.section, apply_section), {"kind": c.kind}))
    if svc.waiting_period:
        facts.append(
            _fact(
                "waiting_period",
                svc.waiting_period.text,
                _sec(svc.waiting_period.section, svc.section),
                svc.waiting_period.data,
            )
        )
    for i, f in enumerate(facts):
        f.position = i
    row.facts = facts
    row.steps = [m.ApplyStep(position=i, text=t, section=apply_section) for i, t in enumerate(svc.apply.steps)]
    cov = svc.coverage
    row.coverage = m.Coverage(
        type=cov.type,
        text=cov.text,
        section=_sec(cov.section, svc.section),
        scope_note=cov.scope_note,
        remote_text=cov.remote_text,
        printed_city_count=cov.printed_city_count,
        printed_hospital_count=cov.printed_hospital_count,
        lists=list(cov.lists),
        provinces=[
            d.adcode for d in (resolver.province(p, f"{where}: field coverage.provinces") for p in cov.provinces) if d
        ],
        extra_provinces=[
            d.adcode
            for d in (resolver.province(p, f"{where}: field coverage.extra_provinces") for p in cov.extra_provinces)
            if d
        ],
    )
    hospitals = []
    for i, h in enumerate(cov.hospitals):
        d = None
        if h.city or h.province:
            d, _ = resolver.place(
                h.city or h.province, f"{where}: field coverage.hospitals.{i}", province=h.province if h.city else None
            )
        hospitals.append(
            m.CoverageHospital(
                position=i,
                name=h.name,
                adcode=d.adcode if d else None,
                printed_city=h.city,
                printed_province=h.province,
                note=h.note,
            )
        )
    row.coverage.hospitals = hospitals
    return row


def _manual_rows(path: Path, doc: s.ManualSource, resolver: _Resolver) -> List[Any]:
    manual_id = doc.manual.file[:3]
    pid = doc.product.id
    rows: List[Any] = [
        m.Manual(
            id=manual_id,
            file=doc.manual.file,
            title=doc.manual.title,
            insurer=doc.manual.insurer,
            insurer_aliases=list(doc.manual.insurer_aliases),
            provider=doc.manual.provider,
            contract_disclaimer=doc.manual.contract_disclaimer,
        ),
    ]
    product = m.Product(
        id=pid,
        manual_id=manual_id,
        name=doc.product.name,
        insurer=doc.manual.insurer,
        label_note=doc.product.label_note,
    )
    product.aliases = [m.ProductAlias(alias=a) for a in dict.fromkeys([doc.product.name, *doc.product.aliases])]
    rows.append(product)
    rows += [
        m.Contact(
            product_id=pid,
            position=i,
            kind=c.kind,
            name=c.name,
            value=c.value,
            hours=c.hours,
            note=c.note,
            section=c.section,
        )
        for i, c in enumerate(doc.contacts)
    ]
    rows += [
        m.Rule(product_id=pid, position=i, topic=r.topic, title=r.title, text=r.text, section=r.section, data=r.data)
        for i, r in enumerate(doc.rules)
    ]
    rows += [
        m.QA(product_id=pid, position=i, question=q.q, answer=q.a, section=q.section or "常见问答")
        for i, q in enumerate(doc.qa)
    ]
    rows += [
        m.Attachment(product_id=pid, key=a.key, title=a.title, section=a.section, items=list(a.items), note=a.note)
        for a in doc.attachments
    ]
    for i, svc in enumerate(doc.services):
        service = _service_rows(svc, pid, i, resolver, f"{path.name}: service {svc.name} ({svc.key})")
        service.qas = [
            m.QA(product_id=pid, position=j, question=q.q, answer=q.a, section=q.section or svc.section)
            for j, q in enumerate(svc.qa)
        ]
        rows.append(service)
    return rows


def _list_rows(path: Path, doc: s.CoverageList, resolver: _Resolver) -> m.CoverageList:
    row = m.CoverageList(
        id=doc.id,
        manual_id=doc.manual[:3],
        title=doc.title,
        section=doc.section,
        scope_note=doc.scope_note,
        county_rule=doc.county_rule,
        footnote=doc.footnote,
        printed_totals=[t.dict() for t in doc.printed_totals],
    )
    entries = []
    for i, e in enumerate(doc.entries):
        d, correction = resolver.place(
            e.resolve_as or e.name, f"{path.name}: entry {i} ({e.name})", province=e.province, within=e.within
        )
        if d is None:
            continue
        if e.resolve_as:
            correction = "；".join(filter(None, [f"按“{e.resolve_as}”解析", correction]))
        entries.append(
            m.CoverageEntry(
                position=i,
                adcode=d.adcode,
                printed_name=e.name,
                printed_province=e.province,
                within=e.within,
                hospitals=e.hospitals,
                note=e.note,
                correction=correction,
            )
        )
    row.entries = entries
    return row


def _passages(session: Session) -> List[m.Passage]:
    """Flatten every fact, rule, Q&A and contact into searchable passages."""
    out: List[m.Passage] = []
    for svc in session.query(m.Service):
        for f in svc.facts:
            out.append(
                m.Passage(
                    product_id=svc.product_id,
                    service_id=svc.id,
                    kind=f.kind,
                    title=svc.name,
                    text=f.text,
                    section=f.section,
                )
            )
        for st in svc.steps:
            out.append(
                m.Passage(
                    product_id=svc.product_id,
                    service_id=svc.id,
                    kind="step",
                    title=svc.name,
                    text=st.text,
                    section=st.section,
                )
            )
        c = svc.coverage
        out.append(
            m.Passage(
                product_id=svc.product_id,
                service_id=svc.id,
                kind="coverage",
                title=svc.name,
                text=c.text,
                section=c.section,
            )
        )
        if svc.items:
            out.append(
                m.Passage(
                    product_id=svc.product_id,
                    service_id=svc.id,
                    kind="items",
                    title=svc.items_title or svc.name,
                    text="、".join(svc.items),
                    section=svc.section,
                )
            )
    for q in session.query(m.QA):
        out.append(
            m.Passage(
                product_id=q.product_id,
                service_id=q.service_id,
                kind="qa",
                title=q.question,
                text=f"{q.question} {q.answer}",
                section=q.section,
            )
        )
    for r in session.query(m.Rule):
        out.append(
            m.Passage(product_id=r.product_id, kind=f"rule:{r.topic}", title=r.title, text=r.text, section=r.section)
        )
    for c in session.query(m.Contact):
        text = "，".join(filter(None, [c.name, c.value, c.hours, c.note]))
        out.append(m.Passage(product_id=c.product_id, kind="contact", title=c.name, text=text, section=c.section))
    return out


def _populate(engine: Engine, src: Sources, index: PlaceIndex, aliases: List[dict]) -> Dict[str, int]:
    resolver = _Resolver(index)
    rows: List[Any] = []
    for path, doc in src.manuals:
        rows += _manual_rows(path, doc, resolver)
    rows += [_list_rows(path, doc, resolver) for path, doc in src.lists.values()]
    if resolver.problems:
        raise SourceError(resolver.problems)
    with Session(engine) as session, session.begin():
        conn = session.connection()  # schema and data in one transaction
        m.Base.metadata.drop_all(conn)
        m.Base.metadata.create_all(conn)
        session.add_all(
            m.Place(
                adcode=d.adcode, name=d.name, level=d.level, parent=d.parent, province=d.province, mainland=d.mainland
            )
            for d in index.by_code.values()
        )
        session.flush()
        for a in aliases:
            target = index.resolve(a["alias"]).division
            session.add(m.PlaceAlias(alias=a["alias"], adcode=target.adcode, kind=a["kind"], note=a.get("note")))
        for kind in (m.Manual, m.Product):  # parents first: not every child has a relationship to order it by
            session.add_all(r for r in rows if isinstance(r, kind))
            session.flush()
        session.add_all(r for r in rows if not isinstance(r, (m.Manual, m.Product)))
        session.flush()
        session.add_all(_passages(session))
        counts = {
            "manuals": session.query(m.Manual).count(),
            "services": session.query(m.Service).count(),
            "facts": session.query(m.Fact).count(),
            "qa": session.query(m.QA).count(),
            "lists": session.query(m.CoverageList).count(),
            "list_entries": session.query(m.CoverageEntry).count(),
            "passages": session.query(m.Passage).count(),
            "places": session.query(m.Place).count(),
        }
        session.add(
            m.BuildInfo(
                built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                fingerprint=src.fingerprint,
                counts=counts,
            )
        )
    return counts


def _sqlite_engine(url: str) -> Engine:
    """A SQLite engine that enforces foreign keys, as PostgreSQL does."""
    engine = create_engine(url, future=True)
    event.listen(engine, "connect", lambda conn, _: conn.execute("PRAGMA foreign_keys=ON"))
    return engine


def check(directory: Path = SOURCES_DIR) -> Sources:
    """Validate everything a build would, including place resolution, without writing."""
    src = read_sources(directory)
    divisions, aliases = read_gazetteer()
    resolver = _Resolver(PlaceIndex(divisions, aliases))
    for path, doc in src.manuals:
        _manual_rows(path, doc, resolver)
    for path, doc in src.lists.values():
        _list_rows(path, doc, resolver)
    if resolver.problems:
        raise SourceError(resolver.problems)
    return src


def build(url: Optional[str] = None, directory: Path = SOURCES_DIR) -> Dict[str, int]:
    """Validate the sources and (re)build the store at ``url``; the old store survives any failure."""
    url = url or database_url()
    src = read_sources(directory)
    divisions, aliases = read_gazetteer()
    index = PlaceIndex(divisions, aliases)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        target = Path(parsed.database)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".knowledge-", suffix=".sqlite3", dir=target.parent)
        os.close(fd)
        engine = _sqlite_engine(f"sqlite:///{tmp}")
        try:
            counts = _populate(engine, src, index, aliases)
            engine.dispose()
            os.replace(tmp, target)
        except BaseException:
            engine.dispose()
            Path(tmp).unlink(missing_ok=True)
            raise
        return counts
    engine = create_engine(url, future=True)
    try:
        return _populate(engine, src, index, aliases)  # one transaction: PostgreSQL rolls DDL back too
    finally:
        engine.dispose()
