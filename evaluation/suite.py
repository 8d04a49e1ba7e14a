"""The suite format (see evaluation/README.md), validated with pydantic as the knowledge sources are."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Union

import yaml
from pydantic import BaseModel, Extra, Field, ValidationError, validator


class _Strict(BaseModel):
    class Config:
        extra = Extra.forbid


Fact = Union[str, List[str]]


class Expect(_Strict):
    covered: Optional[bool] = None
    covered_given: bool = False  # set when `covered` was written (null is an expectation too)
    type: Optional[str] = None
    facts: List[Fact] = Field(default_factory=list)
    not_: List[str] = Field(default_factory=list, alias="not")
    intent: Optional[str] = None
    entities: Dict[str, str] = Field(default_factory=dict)

    class Config:
        extra = Extra.forbid
        allow_population_by_field_name = True


class TurnSpec(_Strict):
    user: str
    expect: Optional[Expect] = None

    @validator("expect", pre=True)
    def _mark_covered(cls, v: Any) -> Any:
        if isinstance(v, dict) and "covered" in v:
            v = {**v, "covered_given": True}
        return v


class Case(_Strict):
    id: str
    tags: Dict[str, Any] = Field(default_factory=dict)
    turns: List[TurnSpec] = Field(..., min_items=1)


class Suite(_Strict):
    suite: str
    description: Optional[str] = None
    cases: List[Case]
    path: Optional[str] = None


class SuiteError(Exception):
    pass


def load_suite(path: Path) -> Suite:
    try:
        raw = yaml.safe_load(Path(path).read_text("utf-8"))
        suite = Suite.parse_obj({**raw, "path": str(path)})
    except (OSError, yaml.YAMLError, ValidationError, TypeError) as exc:
        raise SuiteError(f"{path}: {exc}") from exc
    ids = [c.id for c in suite.cases]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise SuiteError(f"{path}: duplicate case ids {sorted(dupes)}")
    return suite


def questions(suites: List[Suite]) -> List[str]:
    return [t.user for s in suites for c in s.cases for t in c.turns]
