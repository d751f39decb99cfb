"""How sure the extractor is of a fact, from what it knew when it read it.

Each fact starts at 1 and loses for what was inferred rather than read in its own words: a metric
read from general words, the sentence before or a catch-all; a place taken from the paragraph,
the article or the outlet, or left ambiguous or unknown; a time taken from a frame stated earlier
or from the publication date. The reasons are kept in words beside the number, so that a reviewer
sees why a figure is doubtful (`asxh extract --explain`, the warehouse's `confidence` columns).
The weights are judgement, not measurement: they order figures for review, they are no probability.
"""

from __future__ import annotations

from datetime import date

_METRIC = {
    "specific": (1.0, None),
    "level": (1.0, None),
    "subject": (0.9, "metric read only from whose figure it is (no verb of lending, paying or issuing)"),
    "generic": (0.85, "metric read from general words (support, spending, lending in general)"),
    "context": (0.8, "metric taken from the sentence before it or the headline"),
    "fallback": (0.7, "metric read from a bare count"),
    "catch-all": (0.6, "no words name what is counted: filed as another statistic"),
}
_AREA = {
    "clause": (1.0, None),
    "sentence": (1.0, None),
    "caption": (0.9, "place from the photo caption it stands in"),
    "paragraph": (0.9, "place from the paragraph's opening"),
    "article": (0.8, "place from the article's headline, lead or outlet"),
    "outlet": (0.8, "place from the outlet"),
    "none": (0.7, "no place known"),
}
_STATUS = {
    "ambiguous": (0.6, "place name shared by several units: left ambiguous"),
    "unknown": (0.6, "place not found among the administrative units of its date"),
}
_PERIOD = {
    "own": (1.0, None),
    "frame": (0.9, "time from a frame stated earlier (headline or paragraph opening)"),
    "publication": (0.7, "no time stated: dated by the publication"),
}


def assess(metric_how: str, period_how: str, area_how: str, area_status: str, qualifier: str,
           published: date | None) -> tuple[float, list[str]]:
    """The confidence of one fact and the reasons that lowered it."""
    score, reasons = 1.0, []
    parts = [_METRIC.get(metric_how, _METRIC["specific"]), _AREA.get(area_how, _AREA["none"]),
             _STATUS.get(area_status, (1.0, None)), _PERIOD.get(period_how, _PERIOD["own"])]
    if period_how == "publication" and published is None:
        parts.append((0.8, "the page's publication date is unknown"))
    if qualifier != "exact":
        parts.append((0.95, f"the figure is qualified ({qualifier})"))
    for weight, reason in parts:
        score *= weight
        if reason:
            reasons.append(reason)
    return round(score, 3), reasons
