"""The fact contract (../shared/spec/facts.md) in code: the one source of truth for its enums.

dbt's accepted_values tests repeat these lists; tests/dbt/test_contract_matches_dbt.py checks
that both say the same. The metric catalogue lives in dbt_project/seeds/metric_catalogue.csv,
read here and by dbt, so that a metric is defined once.
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

FACT_TABLES = ("households", "loans", "insurance_cards", "allowances", "other")
NAMED_FACT_TABLES = FACT_TABLES[:4]
UNITS = (
    "household", "household_time", "person", "person_time", "card", "vnd", "percent", "house",
    "gift", "other",
)
QUALIFIERS = ("exact", "more_than", "nearly", "about", "at_least", "less_than")
AREA_LEVELS = ("national", "province", "district", "commune")
GROUPS = (
    "poor_households", "near_poor_households", "escaped_poverty_households", "people_with_merit",
    "social_protection", "elderly", "children", "students", "workers", "ethnic_minorities",
    "people_with_disabilities",
)

CATALOGUE_PATH = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds" / "metric_catalogue.csv"

# Bump when extraction output changes for the same input: staged partitions written by an
# older version are re-extracted, and every warehouse row says which version produced it.
EXTRACTOR_VERSION = "0.2.0"


@dataclass(frozen=True)
class Metric:
    metric: str
    fact_table: str
    time_kind: str  # stock | flow | rate: how its period is read (periods.period_of_metric)
    definition_vi: str
    definition_en: str


def time_kind(metric: str) -> str:
    """Stock, flow or rate, for a catalogue metric or a change of one (<metric>_increase)."""
    catalogue = metric_catalogue()
    base = metric.removesuffix("_increase").removesuffix("_reduction")
    found = catalogue.get(metric) or catalogue.get(base)
    return found.time_kind if found else "flow"


@lru_cache(maxsize=1)
def metric_catalogue() -> dict[str, Metric]:
    with CATALOGUE_PATH.open(encoding="utf-8", newline="") as fh:
        rows = [Metric(**row) for row in csv.DictReader(fh)]
    return {m.metric: m for m in rows}


@dataclass
class Mention:
    span: tuple[int, int]
    sentence: str
    text: str


@dataclass
class Fact:
    """One figure of one article; `mentions` holds every place it is printed, first one first."""

    fact_table: str
    metric: str
    value: float | int
    unit: str
    qualifier: str
    area: str | None
    area_level: str | None
    area_code: int | None
    area_valid_from: str | None  # with level and code, the key of the unit in dim_area
    area_status: str
    province_code_today: int | None  # the province (of the 34 since July 2025) the place is in now
    period_start: str | None
    period_end: str | None
    period_basis: str  # "stated" in the text, or "publication_date" (no time stated)
    group: str | None
    sentence: str
    span: tuple[int, int]
    mentions: list[Mention] = field(default_factory=list)
    # How sure the extractor is, 0..1, and why in words (extract.confidence): what it read the
    # metric, place and time from. Low values are the figures most worth a reviewer's look.
    confidence: float = 1.0
    confidence_reasons: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        out = asdict(self)
        out["span"] = list(self.span)
        out["mentions"] = [
            {"span": list(m.span), "sentence": m.sentence, "text": m.text} for m in self.mentions
        ]
        return out
