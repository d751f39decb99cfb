"""Generate the administrative-unit seeds of the warehouse from the vietnam-provinces package.

    python -m extract.area_seeds [--out DIR]     # default DIR: <repo>/dbt_project/seeds

Writes two CSV files, deterministically (sorted rows, fixed column order, "\\n" line ends), so
that a fresh generation can be compared byte for byte with the committed seeds:

- ``admin_units.csv``: one row per version of an administrative unit. Two snapshots:
  * ``2025-01``: the pre-reform units of ``vietnam_provinces.legacy`` (63 provinces, 696
    districts, 10,051 communes). The package builds them from the statistics office's list
    ``Xa_2025-01-04.csv`` (see its README, "Generate code for pre-2025 data"), so the rows
    are known to exist on 2025-01-04. We do not know when each unit was created, and we do not
    invent history: ``valid_from`` is the snapshot date and ``valid_from_known`` is false.
    Readers (``extract.areas``) treat such a unit as valid on any date up to ``valid_to``:
    it is the best name we have for earlier articles.
    ``valid_to`` is 2025-06-30, the day before the reform took effect (inclusive end).
  * ``current``: the post-reform units (34 provinces, 3,321 communes; no districts), valid
    from 2025-07-01 (``EFFECTIVE_DATE`` of the package's conversion table; Resolution
    202/2025/QH15 and the commune resolutions took effect that day), ``valid_to`` empty.
    Names and types are those of the package's data version (``__data_version__``): a later
    change (e.g. Quảng Ninh, Bắc Ninh, Đồng Nai becoming centrally-run cities) is not dated
    by the package and shows as if it had been so since 2025-07-01.
  Codes are the statistics office's integers. They are NOT unique on their own, not even
  with ``valid_from``: province 1, district 1 and commune 1 coexist in one snapshot, and 3,316
  new communes reuse the code of one of their old communes. The key is
  (level, code, valid_from).
- ``admin_unit_lineage.csv``: old unit -> new unit on 2025-07-01:
  * commune -> commune from the official conversion table (``_ward_conversion_2025``);
  * district -> new province that contains it (districts were abolished, and 297 new
    communes span more than one old district, so no commune-level target exists);
  * the five island districts without communes -> the special zone (đặc khu) of the same
    name in their new province (derived, they have no row in the conversion table);
  * province -> province, derived from the conversion table (every old province went whole
    into one new province).

The package is GPL-3.0-or-later and only needed here: the runtime (``extract.areas``) reads
the CSV files alone. It is imported inside the functions so that importing this module (e.g.
from a test that skips when the package is missing) costs nothing.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import astuple, dataclass, fields
from datetime import date
from pathlib import Path

from extract.areas import LEVEL_RANK, LineageLink, normalize_name

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds"

UNITS_FILE = "admin_units.csv"
LINEAGE_FILE = "admin_unit_lineage.csv"

# The pre-reform list of the package is the statistics office's file Xa_2025-01-04.csv.
LEGACY_SNAPSHOT_DATE = date(2025, 1, 4)
# The reform took effect on 2025-07-01 (checked against the package's EFFECTIVE_DATE below).
REFORM_DATE = date(2025, 7, 1)
LEGACY_VALID_TO = date(2025, 6, 30)  # last day of the old units, inclusive

LEGACY_SNAPSHOT = "2025-01"
CURRENT_SNAPSHOT = "current"

# The type prefix of each division type in the package's full names ("Huyện Vĩnh Tường").
TYPE_PREFIX = {
    "tỉnh": "Tỉnh",
    "thành phố trung ương": "Thành phố",
    "huyện": "Huyện",
    "quận": "Quận",
    "thị xã": "Thị xã",
    "thành phố": "Thành phố",
    "xã": "Xã",
    "phường": "Phường",
    "thị trấn": "Thị trấn",
    "đặc khu": "Đặc khu",
}

# The ``source`` column of the lineage (short, it repeats on every row):
SOURCE_WARD_TABLE = "ward_conversion_table"  # the package's official table (BangChuyendoiĐVHCmoi_cu_khong_merge.csv)
SOURCE_PROVINCES = "derived_from_ward_conversion"  # old province (legacy tables) -> new province of its communes
SOURCE_DISTRICTS = "derived_district_province"  # district -> new province of its old province
SOURCE_ISLANDS = "derived_island_district"  # district without communes -> special zone of the same name

# Old ward 27691 (Phường 4 of Thành phố Tân An, Long An = 80) is filed under province 82
# (Tiền Giang) in the conversion table; old ward 30781 (Xã Tiên Hải of Thành phố Hà Tiên,
# Kiên Giang = 91) under province 89 (An Giang). The legacy tables (ward -> district ->
# province) are right: the new communes they map to are in the successors of 80 and 91. The
# package derives its province table from the ward table and so claims that Tiền Giang went
# partly to Tây Ninh; we take the old province from the legacy tables instead, which makes
# every old province map to exactly one new province.
KNOWN_CONVERSION_PROVINCE_GLITCHES = {27691: (82, 80), 30781: (89, 91)}  # code: (table, legacy)


@dataclass(frozen=True)
class UnitRow:
    """One row of admin_units.csv (field order = column order)."""

    code: int
    valid_from: date
    valid_to: date | None
    level: str
    unit_type: str
    name: str
    full_name: str
    parent_code: int | None
    province_code: int
    snapshot: str
    valid_from_known: bool


@dataclass(frozen=True)
class Seeds:
    units: list[UnitRow]
    lineage: list[LineageLink]


def _log(message: str) -> None:
    print(message, flush=True)


def _short_name(full_name: str, unit_type: str) -> str:
    """'Huyện Vĩnh Tường' -> 'Vĩnh Tường' (NFC, modern tone placement)."""
    prefix = TYPE_PREFIX[unit_type] + " "
    # The package writes a few prefixes with another case ('Thành Phố', 'xã').
    if not full_name.casefold().startswith(prefix.casefold()):
        raise ValueError(f"{full_name!r} does not start with the prefix of its type {unit_type!r}")
    return normalize_name(full_name[len(prefix) :].strip())


def _type(value: object) -> str:
    # The package's division types are StrEnums; keep their plain value.
    return str(getattr(value, "value", value))


def _unit(
    snapshot: str, code: object, level: str, division_type: object, full_name: str, parent: object, province: object
) -> UnitRow:
    """A row of one snapshot; the dates follow from the snapshot (see the module docstring)."""
    unit_type = _type(division_type)
    legacy = snapshot == LEGACY_SNAPSHOT
    return UnitRow(
        code=int(str(code)),  # the package's codes are IntEnums
        valid_from=LEGACY_SNAPSHOT_DATE if legacy else REFORM_DATE,
        valid_to=LEGACY_VALID_TO if legacy else None,
        level=level,
        unit_type=unit_type,
        name=_short_name(full_name, unit_type),
        full_name=full_name,
        parent_code=None if parent is None else int(str(parent)),
        province_code=int(str(province)),
        snapshot=snapshot,
        valid_from_known=not legacy,
    )


def _legacy_units() -> tuple[list[UnitRow], dict[int, int]]:
    """The 2025-01 snapshot, and the province of each old commune (from its district)."""
    from vietnam_provinces import legacy

    rows: list[UnitRow] = []
    for p in legacy.Province.iter_all():
        rows.append(_unit(LEGACY_SNAPSHOT, p.code, "province", p.division_type, p.name, None, p.code))
    district_province: dict[int, int] = {}
    for d in legacy.District.iter_all():
        district_province[int(d.code)] = int(d.province_code)
        rows.append(
            _unit(LEGACY_SNAPSHOT, d.code, "district", d.division_type, d.name, d.province_code, d.province_code)
        )
    commune_province: dict[int, int] = {}
    for w in legacy.Ward.iter_all():
        # Old communes know their district only; their province is the district's.
        province = district_province[int(w.district_code)]
        commune_province[int(w.code)] = province
        rows.append(_unit(LEGACY_SNAPSHOT, w.code, "commune", w.division_type, w.name, w.district_code, province))
    return rows, commune_province


def _current_units() -> list[UnitRow]:
    from vietnam_provinces import Province, Ward

    rows: list[UnitRow] = []
    for p in Province.iter_all():
        rows.append(_unit(CURRENT_SNAPSHOT, p.code, "province", p.division_type, p.name, None, p.code))
    for w in Ward.iter_all():
        # No districts since 2025-07-01: a commune's parent is its province.
        rows.append(
            _unit(CURRENT_SNAPSHOT, w.code, "commune", w.division_type, w.name, w.province_code, w.province_code)
        )
    return rows


def _lineage(
    legacy_rows: list[UnitRow], current_rows: list[UnitRow], commune_province: dict[int, int]
) -> list[LineageLink]:
    from vietnam_provinces import _province_conversion_2025 as province_table
    from vietnam_provinces import _ward_conversion_2025 as ward_table

    if REFORM_DATE.isoformat() != ward_table.EFFECTIVE_DATE:
        raise ValueError(f"the conversion table is effective {ward_table.EFFECTIVE_DATE}, expected {REFORM_DATE}")
    _log(f"  commune lineage from the package's conversion table {ward_table.SOURCE}")
    current_communes = {r.code: r for r in current_rows if r.level == "commune"}
    rows: list[LineageLink] = []

    def link(old_code: int, old_level: str, new_code: int, new_level: str, partial: bool, src: str) -> LineageLink:
        return LineageLink(
            old_code, old_level, new_code, new_level, partial, REFORM_DATE, src, LEGACY_SNAPSHOT_DATE, REFORM_DATE
        )

    # Communes. The table's old side is a slightly later list than the 2025-01-04 snapshot:
    # 10 of its old codes were created after that snapshot (we have no name for them, so no
    # unit to link from), and 28 communes of the snapshot were merged before the reform and
    # are not in it (they keep their province roll-up, but no commune successor).
    province_successors: dict[int, set[int]] = defaultdict(set)
    skipped_unknown_old: list[int] = []
    for old_code, entry in sorted(ward_table.OLD_TO_NEW.items()):
        if old_code not in commune_province:
            skipped_unknown_old.append(old_code)
            continue
        legacy_province = commune_province[old_code]
        if entry.old_ward.province_code != legacy_province:
            expected = KNOWN_CONVERSION_PROVINCE_GLITCHES.get(old_code)
            if expected != (entry.old_ward.province_code, legacy_province):
                raise ValueError(
                    f"old commune {old_code}: conversion table says province "
                    f"{entry.old_ward.province_code}, the legacy tables {legacy_province}"
                )
            _log(
                f"  known glitch: old commune {old_code} filed under province {entry.old_ward.province_code} "
                f"in the conversion table, legacy tables say {legacy_province}: using {legacy_province}"
            )
        # "Partial": the old commune was split among several new ones, or the table flags that
        # only part of it went into this one (is_partly_merged, 132 communes with one target).
        partial = entry.old_ward.is_partly_merged or len(entry.new_wards) > 1
        for new in entry.new_wards:
            if new.code not in current_communes:
                raise ValueError(f"new commune {new.code} of the conversion table is not a current unit")
            rows.append(link(old_code, "commune", new.code, "commune", partial, SOURCE_WARD_TABLE))
            province_successors[legacy_province].add(current_communes[new.code].province_code)
    if skipped_unknown_old:
        _log(
            f"  {len(skipped_unknown_old)} old codes of the conversion table are not in the 2025-01 snapshot "
            f"(no name, no link): {skipped_unknown_old}"
        )
    unconverted = sorted(set(commune_province) - set(ward_table.OLD_TO_NEW))
    _log(
        f"  {len(unconverted)} communes of the 2025-01 snapshot have no row in the conversion table "
        f"(merged or renumbered between the snapshot and the reform): {unconverted}"
    )

    # Provinces: each old province must go whole into one new province.
    province_of: dict[int, int] = {}
    for old_province, targets in sorted(province_successors.items()):
        if len(targets) != 1:
            raise ValueError(f"old province {old_province} maps to several new provinces {sorted(targets)}")
        province_of[old_province] = next(iter(targets))
    legacy_provinces = {r.code for r in legacy_rows if r.level == "province"}
    if set(province_of) != legacy_provinces:
        raise ValueError(f"old provinces without a successor: {sorted(legacy_provinces - set(province_of))}")
    package_view = {old: sorted(n.code for n in e.new_provinces) for old, e in province_table.OLD_TO_NEW.items()}
    for old, new in sorted(province_of.items()):
        if package_view.get(old) != [new]:
            _log(
                f"  province {old}: package table says {package_view.get(old)}, legacy tables say [{new}] "
                f"(the glitch above): using {new}"
            )
    for old, new in sorted(province_of.items()):
        rows.append(link(old, "province", new, "province", False, SOURCE_PROVINCES))

    # Districts -> the new province of their old province (every district lies in one province).
    legacy_districts = [r for r in legacy_rows if r.level == "district"]
    for d in legacy_districts:
        rows.append(link(d.code, "district", province_of[d.province_code], "province", False, SOURCE_DISTRICTS))

    # Island districts without communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo) became
    # special zones of the same name: link them by name inside the new province.
    districts_with_communes = {r.parent_code for r in legacy_rows if r.level == "commune"}
    for d in legacy_districts:
        if d.code in districts_with_communes:
            continue
        matches = [
            c
            for c in current_communes.values()
            if c.province_code == province_of[d.province_code] and c.name == d.name and c.unit_type == "đặc khu"
        ]
        if len(matches) != 1:
            raise ValueError(f"district {d.code} {d.full_name} has no commune and no single same-name special zone")
        rows.append(link(d.code, "district", matches[0].code, "commune", False, SOURCE_ISLANDS))
    return rows


def build() -> Seeds:
    """Read the package and return the seed rows, sorted."""
    import vietnam_provinces

    _log(f"vietnam-provinces {vietnam_provinces.__version__} (data {vietnam_provinces.__data_version__})")
    _log("reading the 2025-01 snapshot (vietnam_provinces.legacy) ...")
    legacy_rows, commune_province = _legacy_units()
    _log("reading the current units ...")
    current_rows = _current_units()
    _log("building the lineage ...")
    lineage = _lineage(legacy_rows, current_rows, commune_province)

    units = sorted(legacy_rows + current_rows, key=lambda r: (r.valid_from, LEVEL_RANK[r.level], r.code))
    keys = [(r.level, r.code, r.valid_from) for r in units]
    if len(set(keys)) != len(keys):
        raise ValueError("(level, code, valid_from) is not unique in admin_units")
    lineage.sort(key=lambda r: (LEVEL_RANK[r.old_level], r.old_code, LEVEL_RANK[r.new_level], r.new_code))
    retoned = sum(1 for r in units if r.name != r.full_name[len(TYPE_PREFIX[r.unit_type]) + 1 :].strip())
    _log(f"  {retoned} names had their tone marks moved (Hoà -> Hòa) or were not NFC")
    return Seeds(units, lineage)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _write_csv(path: Path, header: list[str], rows: Iterable[tuple[object, ...]]) -> int:
    """Write atomically (temp file + rename), so a reader never sees half a seed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(header)
            for row in rows:
                writer.writerow([_cell(v) for v in row])
                count += 1
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; seeds are ordinary repository files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count


def write(seeds: Seeds, out_dir: Path) -> dict[str, int]:
    counts = {
        UNITS_FILE: _write_csv(out_dir / UNITS_FILE, [f.name for f in fields(UnitRow)], map(astuple, seeds.units)),
        LINEAGE_FILE: _write_csv(
            out_dir / LINEAGE_FILE, [f.name for f in fields(LineageLink)], map(astuple, seeds.lineage)
        ),
    }
    return counts


def _summary(seeds: Seeds) -> None:
    by_snapshot: dict[tuple[str, str], int] = defaultdict(int)
    for r in seeds.units:
        by_snapshot[(r.snapshot, r.level)] += 1
    for (snapshot, level), n in sorted(by_snapshot.items(), key=lambda kv: (kv[0][0], LEVEL_RANK[kv[0][1]])):
        _log(f"  admin_units {snapshot:8} {level:9} {n:6}")
    by_kind: dict[tuple[str, str], int] = defaultdict(int)
    partial = 0
    for link in seeds.lineage:
        by_kind[(link.old_level, link.new_level)] += 1
        partial += link.is_partial
    for (old, new), n in sorted(by_kind.items(), key=lambda kv: (LEVEL_RANK[kv[0][0]], LEVEL_RANK[kv[0][1]])):
        _log(f"  lineage {old:9} -> {new:9} {n:6}")
    _log(f"  lineage rows marked partial: {partial}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extract.area_seeds", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    seeds = build()
    _summary(seeds)
    counts = write(seeds, args.out)
    for name, n in counts.items():
        _log(f"wrote {args.out / name} ({n} rows)")
    _log(f"done in {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
