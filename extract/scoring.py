"""Score predicted facts against gold facts by facts.md's rules.

A predicted fact matches a gold fact of the same article when fact_table is equal and value is
equal within 0.5 %. Precision, recall and F1 count facts of the four named tables, each
(fact_table, value, unit) once per article. On matched pairs, the share with the right unit,
qualifier, area, period and group is reported beside it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from extract.areas import normalize_name
from extract.contract import NAMED_FACT_TABLES

ATTRIBUTES = ("unit", "qualifier", "area", "period", "group")


def _key(f: dict) -> tuple:
    return (f["fact_table"], round(float(f["value"]), 6), f["unit"])


def _dedupe(facts: list[dict]) -> list[dict]:
    seen: dict[tuple, dict] = {}
    for f in facts:
        if f["fact_table"] in NAMED_FACT_TABLES:
            seen.setdefault(_key(f), f)
    return list(seen.values())


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.005 * max(abs(a), abs(b))


def _same(attribute: str, pred: dict, gold: dict) -> bool:
    if attribute == "period":
        return (pred.get("period_start"), pred.get("period_end")) == (gold.get("period_start"), gold.get("period_end"))
    if attribute == "area":
        p, g = pred.get("area"), gold.get("area")
        same_name = (p is None and g is None) or (
            p is not None and g is not None and normalize_name(p) == normalize_name(g)
        )
        return same_name and pred.get("area_level") == gold.get("area_level")
    return pred.get(attribute) == gold.get(attribute)


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Score:
    by_table: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    attribute_hits: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    matched: int = 0
    errors: list[str] = field(default_factory=list)  # human-readable misses, for debugging

    @property
    def total(self) -> Tally:
        t = Tally()
        for tally in self.by_table.values():
            t.tp, t.fp, t.fn = t.tp + tally.tp, t.fp + tally.fp, t.fn + tally.fn
        return t

    def accuracy(self, attribute: str) -> float:
        return self.attribute_hits[attribute] / self.matched if self.matched else 1.0

    def add_article(self, name: str, predicted: list[dict], gold: list[dict]) -> None:
        preds, golds = _dedupe(predicted), _dedupe(gold)
        used: set[int] = set()
        for g in golds:
            match = next(
                (
                    i for i, p in enumerate(preds)
                    if i not in used and p["fact_table"] == g["fact_table"]
                    and _close(float(p["value"]), float(g["value"]))
                ),
                None,
            )
            if match is None:
                self.by_table[g["fact_table"]].fn += 1
                self.errors.append(f"{name}: missed {g['fact_table']} {g['value']} {g['unit']} «{g.get('quote', '')}»")
                continue
            used.add(match)
            p = preds[match]
            self.by_table[g["fact_table"]].tp += 1
            self.matched += 1
            for attribute in ATTRIBUTES:
                if _same(attribute, p, g):
                    self.attribute_hits[attribute] += 1
                else:
                    self.errors.append(
                        f"{name}: {attribute} of {g['fact_table']} {g['value']}: got "
                        f"{_show(attribute, p)}, gold {_show(attribute, g)}"
                    )
        for i, p in enumerate(preds):
            if i not in used:
                self.by_table[p["fact_table"]].fp += 1
                self.errors.append(
                    f"{name}: spurious {p['fact_table']} {p['metric']} {p['value']} {p['unit']} «{p.get('sentence', '')[:90]}»"
                )

    def table(self) -> str:
        lines = [f"{'fact_table':<16} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}"]
        for name in NAMED_FACT_TABLES:
            t = self.by_table[name]
            lines.append(f"{name:<16} {t.precision:6.3f} {t.recall:6.3f} {t.f1:6.3f} {t.tp:4d} {t.fp:4d} {t.fn:4d}")
        t = self.total
        lines.append(f"{'all four':<16} {t.precision:6.3f} {t.recall:6.3f} {t.f1:6.3f} {t.tp:4d} {t.fp:4d} {t.fn:4d}")
        lines.append("accuracy on matched facts: " + ", ".join(
            f"{a} {self.accuracy(a):.3f}" for a in ATTRIBUTES
        ))
        return "\n".join(lines)


def _show(attribute: str, f: dict) -> str:
    if attribute == "period":
        return f"{f.get('period_start')}..{f.get('period_end')}"
    if attribute == "area":
        return f"{f.get('area')}/{f.get('area_level')}"
    return str(f.get(attribute))
