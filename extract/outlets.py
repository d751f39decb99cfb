"""Where an outlet is: the place an article's source stands for (facts.md "The outlet's place").

An article of a provincial outlet is about that province, as it was on the publication date,
unless it names another; a national outlet gives no place of its own. The outlet is found by the
page's host:

1. the sources registry: an entry whose homepage host, or one of its ``domains``, is the page's
   host or a parent of it ("thuanthanh.bacninh.gov.vn" under "bacninh.gov.vn"); an entry with
   ``until`` covered its province up to that day (the outlets merged in July 2025);
2. else the host's own words: government portals and many outlets name their province in the
   host ("backan.gov.vn", "baogialai.com.vn", "vinhphuctv.vn"), and a district portal names its
   district to the left of its province ("tinhbien.angiang.gov.vn"). A label is read as a place
   only when, stripped of a known outlet word ("bao", "tv", ...), it spells one unit's name.

Only names are returned; the gazetteer resolves them on the publication date, as any place named
in the text.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from extract import areas
from extract.sources import Source

# Words that outlets put around a place's name in their host: "bao" (newspaper), "tv"/"ptth"
# (radio and television), "mttq" (the Fatherland Front), "dientu"/"online" (electronic edition).
_LABEL_PREFIXES = ("baodientu", "bao", "mttq", "ptth", "dai", "congan", "tinhdoan", "so")
_LABEL_SUFFIXES = ("tv", "online", "news", "dientu", "plus")
# Host labels that are never places.
_GENERIC_LABELS = {"www", "m", "amp", "mobile", "vn", "com", "gov", "org", "net", "edu", "info", "tv", "news"}


@dataclass(frozen=True)
class Outlet:
    """What the page's source says about its place."""

    source: str | None  # the registry entry's name, None when the host is not in the registry
    province: str | None  # a province name as it was on the publication date, None for national/unknown
    district: str | None = None  # a district portal's district
    national: bool = False  # a registry entry with no province: a national outlet
    reason: str = "none"  # registry | host | none


def fold(text: str) -> str:
    """Lower case ASCII letters and digits only: "Bắc Kạn" -> "backan", "Đắk Lắk" -> "daklak"."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in text if not unicodedata.combining(c)).lower())


def _host(url: str | None) -> str:
    if not url:
        return ""
    host = urllib.parse.urlsplit(url.strip()).hostname or ""
    return host.lower().removeprefix("www.")


def _source_hosts(source: Source) -> list[str]:
    return [h for h in (_host(source.homepage), *(d.lower().removeprefix("www.") for d in source.domains)) if h]


def registry_entry(url: str | None, registry: list[Source]) -> Source | None:
    """The registry entry of the page's host (the longest matching host wins)."""
    host = _host(url)
    if not host:
        return None
    best: tuple[int, Source] | None = None
    for source in registry:
        for h in _source_hosts(source):
            if host == h or host.endswith("." + h):
                if best is None or len(h) > best[0]:
                    best = (len(h), source)
    return best[1] if best else None


@lru_cache(maxsize=4)
def _folded_names(gazetteer: areas.Gazetteer) -> tuple[dict[str, set[str]], dict[str, dict[str, set[str]]]]:
    """Folded province names -> names, and per folded province name, folded district names -> names."""
    provinces: dict[str, set[str]] = {}
    districts: dict[str, dict[str, set[str]]] = {}
    by_province_code: dict[tuple[int, date], str] = {}
    for u in gazetteer.units:
        if u.level == "province":
            provinces.setdefault(fold(u.name), set()).add(u.name)
            by_province_code[(u.code, u.valid_from)] = u.name
    for u in gazetteer.units:
        if u.level == "district":
            province = by_province_code.get((u.province_code, u.valid_from))
            if province:
                districts.setdefault(fold(province), {}).setdefault(fold(u.name), set()).add(u.name)
    return provinces, districts


def _label_names(label: str, names: dict[str, set[str]]) -> str | None:
    """The one name a host label spells, bare or inside an outlet's words ("baogialai")."""
    candidates = [label]
    candidates += [label[len(p):] for p in _LABEL_PREFIXES if label.startswith(p)]
    candidates += [c[: -len(s)] for c in list(candidates) for s in _LABEL_SUFFIXES if c.endswith(s)]
    for c in candidates:
        found = names.get(c)
        if c and found and len(found) == 1:
            return next(iter(found))
    return None


def outlet_of(url: str | None, registry: list[Source], gazetteer: areas.Gazetteer,
              published: date | None = None) -> Outlet:
    """The outlet of a page and the place it stands for."""
    entry = registry_entry(url, registry)
    if entry is not None:
        covered = entry.until is None or published is None or published <= entry.until
        if entry.province is None and entry.national:
            return Outlet(entry.name, None, national=True, reason="registry")
        if covered and entry.province is not None:
            return Outlet(entry.name, entry.province, _district_label(url, entry.province, gazetteer), reason="registry")
    provinces, districts = _folded_names(gazetteer)
    labels = [lb for lb in _host(url).split(".") if lb and lb not in _GENERIC_LABELS]
    name = entry.name if entry else None
    for label in reversed(labels):  # the registrable name is rightmost
        province = _label_names(label, provinces)
        if province:
            return Outlet(name, province, _district_label(url, province, gazetteer), reason="host")
    # A district's own portal ("yenthe.vn"): a label that spells one district of the whole country.
    for label in reversed(labels):
        found = [(p, d) for p, names in districts.items() if (d := _label_names(label, names))]
        if len(found) == 1:
            folded_province, district = found[0]
            province = next(iter(provinces[folded_province]))
            return Outlet(name, province, district, reason="host")
    return Outlet(name, None)


def _district_label(url: str | None, province: str, gazetteer: areas.Gazetteer) -> str | None:
    """A district portal under its province's host: "thuanthanh.bacninh.gov.vn"."""
    _, districts = _folded_names(gazetteer)
    names = districts.get(fold(province), {})
    labels = [lb for lb in _host(url).split(".") if lb and lb not in _GENERIC_LABELS]
    province_key = fold(province)
    for i, label in enumerate(labels):
        if _label_names(label, {province_key: {province}}) and i > 0:
            return _label_names(labels[i - 1], names)
    return None
