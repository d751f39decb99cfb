"""Administrative units (extract.areas) and their seeds (extract.area_seeds).

The tests read the committed seeds in dbt_project/seeds (generate them with
`python -m extract.area_seeds`); only the last test imports vietnam_provinces, to check that
the seeds equal a fresh generation.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from extract import areas
from extract.areas import (
    AreaResolver,
    Gazetteer,
    normalize_name,
)

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "dbt_project" / "seeds"
SEED_ARTICLE = REPO / "tests" / "fixtures" / "seed" / "vinh-tuong-an-sinh-xa-hoi-2017.txt"
SEED_GOLD = REPO / "tests" / "fixtures" / "seed" / "vinh-tuong-an-sinh-xa-hoi-2017.gold.json"

LEGACY = date(2025, 1, 4)  # valid_from of the 2025-01 snapshot
CURRENT = date(2025, 7, 1)  # valid_from of the current units
PUBLISHED_2017 = date(2017, 5, 15)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load(SEEDS)


def _area(resolver: AreaResolver, text: str, figure: str) -> tuple[str | None, str | None, str]:
    start = text.index(figure)
    ref = resolver.area_at(start, start + len(figure))
    return ref.name, ref.level, ref.status


# --------------------------------------------------------------------------- seeds


def _rows(name: str) -> list[dict[str, str]]:
    with (SEEDS / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_admin_units_have_both_snapshots_when_generated() -> None:
    counts: dict[tuple[str, str], int] = {}
    for r in _rows("admin_units.csv"):
        counts[(r["snapshot"], r["level"])] = counts.get((r["snapshot"], r["level"]), 0) + 1
    assert counts == {
        ("2025-01", "province"): 63,
        ("2025-01", "district"): 696,
        ("2025-01", "commune"): 10051,
        ("current", "province"): 34,
        ("current", "commune"): 3321,
    }


def test_admin_units_key_is_level_code_valid_from_when_codes_repeat() -> None:
    rows = _rows("admin_units.csv")
    keys = [(r["level"], r["code"], r["valid_from"]) for r in rows]
    assert len(set(keys)) == len(keys)
    # (code, valid_from) alone is not a key: province 1, district 1 and commune 1 share it.
    assert len({(r["code"], r["valid_from"]) for r in rows}) < len(rows)


def test_lineage_maps_old_ward_27691_to_long_an_successor_when_table_files_it_under_82() -> None:
    lineage = _rows("admin_unit_lineage.csv")
    provinces = {r["old_code"]: r["new_code"] for r in lineage if r["old_level"] == "province"}
    assert provinces["82"] == "82"  # Tiền Giang -> Đồng Tháp only, not also Tây Ninh
    assert provinces["80"] == "80"  # Long An -> Tây Ninh
    ward = [r for r in lineage if r["old_level"] == "commune" and r["old_code"] == "27691"]
    assert [(r["new_code"], r["is_partial"]) for r in ward] == [("27694", "false")]


def test_seeds_equal_fresh_generation_when_package_installed(tmp_path: Path) -> None:
    pytest.importorskip("vietnam_provinces", reason="vietnam-provinces (the seeds' source) is not installed")
    from extract import area_seeds

    area_seeds.write(area_seeds.build(), tmp_path)
    for name in ("admin_units.csv", "admin_unit_lineage.csv"):
        assert (tmp_path / name).read_bytes() == (SEEDS / name).read_bytes(), f"{name} is stale: rerun the generator"


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hoà", "Hòa"),
        ("Thái Hoà", "Thái Hòa"),
        ("Kiến Thuỵ", "Kiến Thụy"),
        ("khoẻ", "khỏe"),
        ("HOÀ", "HÒA"),
        ("Hoàng", "Hoàng"),  # closed syllable: the tone stays on the second vowel
        ("Quý", "Quý"),  # qu + y: u is part of the consonant
        ("Qũy", "Qũy"),  # a typo, left alone
        (unicodedata.normalize("NFD", "Vĩnh Tường"), "Vĩnh Tường"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_normalize_name_gives_modern_tone_placement_when_old_style_or_nfd(text: str, expected: str) -> None:
    assert normalize_name(text) == expected


def test_normalize_name_moves_the_tones_a_whole_text_substitution_moves_when_text_is_random() -> None:
    import random

    from extract.areas import _OLD_TONE, _TONED_AE, _TONED_Y, _move_tone

    rng = random.Random(7)
    letters = "oOuUqQ" + _TONED_AE + _TONED_Y + "ahn ,."
    for _ in range(20_000):
        text = "".join(rng.choice(letters) for _ in range(rng.randint(0, 30)))
        assert normalize_name(text) == _OLD_TONE.sub(_move_tone, unicodedata.normalize("NFC", text)), text


def test_gazetteer_stores_hoa_with_modern_tone_when_package_writes_hoa(gazetteer: Gazetteer) -> None:
    [unit] = gazetteer.units_named("Thái Hoà", "district")  # the package spells it "Thị xã Thái Hoà"
    assert unit.name == "Thái Hòa"
    assert unit.full_name == "Thị xã Thái Hoà"


# --------------------------------------------------------------------------- resolution


def test_resolve_gives_district_252_now_in_phu_tho_when_vinh_tuong_in_2017(gazetteer: Gazetteer) -> None:
    ref = gazetteer.resolve("huyện Vĩnh Tường", None, PUBLISHED_2017)
    assert (ref.status, ref.name, ref.level, ref.code, ref.valid_from) == (
        "resolved",
        "Vĩnh Tường",
        "district",
        252,
        LEGACY,
    )
    unit = gazetteer.unit("district", 252, LEGACY)
    assert unit is not None and unit.province_code == 26  # Vĩnh Phúc
    today = gazetteer.current_province(252, LEGACY, level="district")
    assert today is not None and (today.code, today.name) == (25, "Phú Thọ")
    assert ref.province_code_current == 25


def test_resolve_gives_commune_9136_merged_into_tho_tang_when_tuan_chinh_in_2017(gazetteer: Gazetteer) -> None:
    ref = gazetteer.resolve("Tuân Chính", "commune", PUBLISHED_2017)
    assert (ref.status, ref.code, ref.province_code_current) == ("resolved", 9136, 25)
    unit = gazetteer.unit("commune", 9136, LEGACY)
    assert unit is not None and (unit.parent_code, unit.province_code) == (252, 26)
    [(new, partial)] = gazetteer.successors(unit)
    assert (new.code, new.full_name, new.valid_from, partial) == (9112, "Xã Thổ Tang", CURRENT, False)


def test_predecessors_are_three_old_communes_when_new_tho_tang_merged_them(gazetteer: Gazetteer) -> None:
    new = gazetteer.unit("commune", 9112, CURRENT)
    assert new is not None
    old = sorted((u.code, u.full_name, partial) for u, partial in gazetteer.predecessors(new))
    # Code 9112 is reused: the old thị trấn and the new xã are two units.
    assert old == [
        (9112, "Thị trấn Thổ Tang", False),
        (9127, "Xã Thượng Trưng", False),
        (9136, "Xã Tuân Chính", False),
    ]


def test_successors_are_partial_when_old_commune_was_split(gazetteer: Gazetteer) -> None:
    old = gazetteer.unit("commune", 16, LEGACY)
    assert old is not None and old.full_name == "Phường Ngọc Hà"
    new = sorted((u.code, u.full_name, partial) for u, partial in gazetteer.successors(old))
    assert new == [(4, "Phường Ba Đình", True), (8, "Phường Ngọc Hà", True)]


def test_district_rolls_up_to_merged_province_when_three_provinces_became_phu_tho(gazetteer: Gazetteer) -> None:
    district = gazetteer.unit("district", 252, LEGACY)
    assert district is not None
    [(province, partial)] = gazetteer.successors(district)
    assert (province.level, province.code, partial) == ("province", 25, False)
    merged = sorted(u.name for u, _ in gazetteer.predecessors(province) if u.level == "province")
    assert merged == ["Hòa Bình", "Phú Thọ", "Vĩnh Phúc"]


def test_island_district_goes_to_special_zone_when_it_had_no_commune(gazetteer: Gazetteer) -> None:
    [district] = gazetteer.units_named("Côn Đảo", "district")
    new = sorted((u.level, u.code, u.name) for u, _ in gazetteer.successors(district))
    assert new == [("commune", 26732, "Côn Đảo"), ("province", 79, "Hồ Chí Minh")]


def test_current_province_raises_when_code_names_units_in_two_provinces(gazetteer: Gazetteer) -> None:
    # Legacy code 2 is Tỉnh Hà Giang and Quận Hoàn Kiếm (Hà Nội).
    with pytest.raises(ValueError, match="pass level"):
        gazetteer.current_province(2, LEGACY)
    ha_giang = gazetteer.current_province(2, LEGACY, level="province")
    assert ha_giang is not None and ha_giang.name == "Tuyên Quang"


@pytest.mark.parametrize(
    ("name", "level", "hint", "expected"),
    [
        ("Châu Thành", "district", None, ("ambiguous", None)),
        ("Châu Thành", "district", "Long An", ("resolved", 808)),
        ("Châu Thành", "district", "tỉnh Bến Tre", ("resolved", 831)),
        ("Kỳ Anh", "district", None, ("ambiguous", None)),  # huyện and thị xã in Hà Tĩnh
        ("thị xã Kỳ Anh", None, None, ("resolved", 449)),
        ("huyện Kỳ Anh", None, None, ("resolved", 447)),
        ("An Phú", "commune", None, ("ambiguous", None)),
        ("Tam Phúc", "commune", None, ("unknown", None)),  # merged in Vĩnh Tường before 2025: not in the data
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_resolve_needs_province_hint_when_name_is_shared(
    gazetteer: Gazetteer, name: str, level: str | None, hint: str | None, expected: tuple[str, int | None]
) -> None:
    ref = gazetteer.resolve(name, level, PUBLISHED_2017, province_hint=hint)
    assert (ref.status, ref.code) == expected


def test_resolve_uses_parent_hint_when_commune_name_is_shared(gazetteer: Gazetteer) -> None:
    [district] = gazetteer.units_named("An Phú", "district")  # Huyện An Phú, An Giang
    ref = gazetteer.resolve("An Phú", "commune", PUBLISHED_2017, parent_hint=district.code)
    assert (ref.status, ref.code) == ("resolved", 30337)  # Thị trấn An Phú


@pytest.mark.parametrize(
    ("on", "expected"),
    [(PUBLISHED_2017, ("district", 256)), (date(2026, 1, 1), ("province", 24))],
    ids=["2017: thành phố thuộc tỉnh", "2026: thành phố trung ương"],
)
def test_resolve_follows_date_when_thanh_pho_bac_ninh(
    gazetteer: Gazetteer, on: date, expected: tuple[str, int]
) -> None:
    ref = gazetteer.resolve("thành phố Bắc Ninh", None, on)
    assert (ref.level, ref.code) == expected


def test_resolve_gives_former_unit_when_name_used_after_reform(gazetteer: Gazetteer) -> None:
    ref = gazetteer.resolve("huyện Vĩnh Tường", None, date(2026, 1, 1))
    assert (ref.status, ref.code, ref.valid_from, ref.province_code_current) == ("resolved", 252, LEGACY, 25)


def test_resolve_gives_national_when_ca_nuoc(gazetteer: Gazetteer) -> None:
    ref = gazetteer.resolve("cả nước", None, PUBLISHED_2017)
    assert (ref.name, ref.level, ref.status) == ("Việt Nam", "national", "national")


# --------------------------------------------------------------------------- mentions


@pytest.mark.parametrize(
    "text",
    [
        "Huyện ủy, UBND huyện chỉ đạo các xã, thị trấn",
        "Là huyện đông dân số với hơn 58 nghìn hộ dân",
        "công tác an sinh xã hội",
        "Báo Vĩnh Phúc đưa tin",  # a newspaper's name, not the province
        "học tập và làm theo tư tưởng Hồ Chí Minh",
    ],
    ids=lambda v: v,
)
def test_find_mentions_finds_nothing_when_words_are_not_places(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.find_mentions(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đảng bộ huyện Vĩnh Tường", [("huyện Vĩnh Tường", "Vĩnh Tường", "district")]),
        ("Huyện ủy Vĩnh Tường", [("Huyện ủy Vĩnh Tường", "Vĩnh Tường", "district")]),
        ("Phó Bí thư Đảng ủy xã Tuân Chính cho biết", [("xã Tuân Chính", "Tuân Chính", "commune")]),
        ("thị xã Thái Hoà", [("thị xã Thái Hoà", "Thái Hòa", "district")]),
        ("TP.HCM và TP. Vĩnh Yên", [("TP.HCM", "Hồ Chí Minh", "province"), ("TP. Vĩnh Yên", "Vĩnh Yên", "district")]),
        ("Q.1 và Phường 4", [("Q.1", "1", "district"), ("Phường 4", "4", "commune")]),
        ("tỉnh Bà Rịa-Vũng Tàu", [("tỉnh Bà Rịa-Vũng Tàu", "Bà Rịa - Vũng Tàu", "province")]),
        ("Cả nước có 1 triệu hộ", [("Cả nước", "Việt Nam", "national")]),
        ("Tại Vĩnh Phúc, có", [("Vĩnh Phúc", "Vĩnh Phúc", "province")]),
        (
            "huyện Vĩnh Tường. Vĩnh Tường có",
            [("huyện Vĩnh Tường", "Vĩnh Tường", "district"), ("Vĩnh Tường", "Vĩnh Tường", "district")],
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_find_mentions_finds_place_when_named(
    gazetteer: Gazetteer, text: str, expected: list[tuple[str, str, str]]
) -> None:
    assert [(m.text, m.name, m.level) for m in gazetteer.find_mentions(text)] == expected


def test_find_mentions_marks_unknown_when_name_is_not_in_data(gazetteer: Gazetteer) -> None:
    [m] = gazetteer.find_mentions("xã Bồ Sao sáp nhập")  # merged into Sao Đại Việt in 2019
    assert (m.name, m.level, m.known) == ("Bồ Sao", "commune", False)


def test_find_mentions_keeps_offsets_when_text_is_nfd(gazetteer: Gazetteer) -> None:
    text = unicodedata.normalize("NFD", "Ở huyện Vĩnh Tường và xã Tuân Chính")
    mentions = gazetteer.find_mentions(text)
    assert [m.name for m in mentions] == ["Vĩnh Tường", "Tuân Chính"]
    assert all(text[m.start : m.end] == m.text for m in mentions)
    assert unicodedata.normalize("NFC", mentions[0].text) == "huyện Vĩnh Tường"


@pytest.mark.parametrize(
    "text",
    [
        "Huyện Đắk R’Lấp có 1.200 hộ – tăng 3%, TP.HCM:  hộ nghèo",
        "Xã Krôngʼ Bông và  huyện   Vĩnh Tường",  # a modifier apostrophe: a letter until folded
        "a" * 200 + " Vĩnh Phúc" + " " * 300 + "Tam Dương",  # a word and a gap longer than the reader's first window
        "",
        "   ",
    ],
)
def test_text_reader_reads_the_tokens_of_a_full_tokenisation_when_asked_at_any_token(text: str) -> None:
    from extract.areas import _Tokens, _TextReader

    full = _Tokens(text)
    reader = _TextReader(text)
    tokens = []
    token = reader.next(0)
    while token is not None:
        tokens.append(token)
        token = reader.next(token.end)
    assert [t.text for t in tokens] == full.texts
    assert [t.start for t in tokens] == [full.start(i) for i in range(len(full))]
    for i, t in enumerate(tokens):
        assert reader.next(t.start) == t
        assert reader.previous(t.start) == (tokens[i - 1] if i else None)
    assert reader.previous(len(text)) == (tokens[-1] if tokens else None)


def test_find_mentions_reads_a_bare_province_name_when_far_from_the_word_before(gazetteer: Gazetteer) -> None:
    text = "Báo cáo" + " " * 200 + "Vĩnh Phúc có 500 hộ nghèo; huyện Vĩnh Tường có 3 xã." + "\n" * 100 + "Vĩnh Tường có 20 hộ."
    assert [(m.name, m.level) for m in gazetteer.find_mentions(text)] == [
        ("Vĩnh Phúc", "province"), ("Vĩnh Tường", "district"), ("Vĩnh Tường", "district")]


# --------------------------------------------------------------------------- areas of figures


def test_area_is_outlet_province_when_text_names_no_place(gazetteer: Gazetteer) -> None:
    text = "Năm 2016 có 500 hộ thoát nghèo."
    assert _area(AreaResolver(gazetteer, text, PUBLISHED_2017, "Vĩnh Phúc"), text, "500 hộ") == (
        "Vĩnh Phúc",
        "province",
        "resolved",
    )


def test_area_is_none_when_no_place_and_no_outlet_province(gazetteer: Gazetteer) -> None:
    text = "Năm 2016 có 500 hộ thoát nghèo."
    assert _area(AreaResolver(gazetteer, text, PUBLISHED_2017, None), text, "500 hộ") == (None, None, "none")


def test_area_is_national_when_ca_nuoc(gazetteer: Gazetteer) -> None:
    text = "Tại huyện Vĩnh Tường, năm 2016 có 500 hộ thoát nghèo.\n\nCả nước có hơn 1 triệu hộ nghèo."
    resolver = AreaResolver(gazetteer, text, PUBLISHED_2017, "Vĩnh Phúc")
    assert _area(resolver, text, "1 triệu hộ") == ("Việt Nam", "national", "national")
    assert _area(resolver, text, "500 hộ") == ("Vĩnh Tường", "district", "resolved")


def test_area_rolls_village_up_to_commune_when_thon_named(gazetteer: Gazetteer) -> None:
    text = "Huyện Vĩnh Tường có 2.000 hộ nghèo. Thôn Đình, xã Chấn Hưng có 50 hộ nghèo."
    resolver = AreaResolver(gazetteer, text, PUBLISHED_2017, "Vĩnh Phúc")
    assert _area(resolver, text, "50 hộ") == ("Chấn Hưng", "commune", "resolved")
    assert _area(resolver, text, "2.000 hộ") == ("Vĩnh Tường", "district", "resolved")


def test_area_ignores_caption_place_when_figure_is_outside_caption(gazetteer: Gazetteer) -> None:
    text = (
        "Đảng bộ huyện Vĩnh Tường chăm lo an sinh xã hội.\n\n"
        "Trao 5 suất quà cho hộ ông Lê Văn Tám, thôn Đình, xã Chấn Hưng. Ảnh: Trường Khanh\n\n"
        "Năm 2016, có 300 hộ thoát nghèo. Toàn xã có 40 hộ cận nghèo."
    )
    resolver = AreaResolver(gazetteer, text, PUBLISHED_2017, "Vĩnh Phúc")
    assert _area(resolver, text, "5 suất") == ("Chấn Hưng", "commune", "resolved")
    assert _area(resolver, text, "300 hộ") == ("Vĩnh Tường", "district", "resolved")
    # "toàn xã" has no commune to refer to outside the caption.
    assert _area(resolver, text, "40 hộ") == (None, "commune", "unknown")


def test_area_is_commune_of_official_when_paragraph_opens_with_him(gazetteer: Gazetteer) -> None:
    text = (
        "Huyện Vĩnh Tường có 58 nghìn hộ dân.\n\n"
        "Ông Hoàng Minh Hòa, Phó Bí thư Đảng ủy xã Tuân Chính cho biết: Xác định công tác ASXH là trọng tâm. "
        "Đến nay, hơn 96% hộ dân có giếng nước sạch.\n\n"
        "Toàn huyện có 335 hộ được cứu trợ."
    )
    resolver = AreaResolver(gazetteer, text, PUBLISHED_2017, "Vĩnh Phúc")
    assert _area(resolver, text, "96%") == ("Tuân Chính", "commune", "resolved")
    assert _area(resolver, text, "335 hộ") == ("Vĩnh Tường", "district", "resolved")


def test_area_is_ambiguous_when_shared_name_has_no_context(gazetteer: Gazetteer) -> None:
    text = "Huyện Châu Thành có 1.200 hộ nghèo."
    assert _area(AreaResolver(gazetteer, text, PUBLISHED_2017, None), text, "1.200 hộ")[2] == "ambiguous"
    assert _area(AreaResolver(gazetteer, text, PUBLISHED_2017, "Long An"), text, "1.200 hộ") == (
        "Châu Thành",
        "district",
        "resolved",
    )


def test_area_is_unknown_when_commune_namesake_lies_outside_article_province(gazetteer: Gazetteer) -> None:
    # An Phú exists in 14 places, none in Vĩnh Phúc: never pick one.
    text = "Xã An Phú có 70 hộ nghèo."
    assert _area(AreaResolver(gazetteer, text, PUBLISHED_2017, "Vĩnh Phúc"), text, "70 hộ") == (
        "An Phú",
        "commune",
        "unknown",
    )


def _gold_facts() -> list[dict[str, object]]:
    return json.loads(SEED_GOLD.read_text(encoding="utf-8"))["facts"]


@pytest.fixture(scope="module")
def seed_resolver(gazetteer: Gazetteer) -> tuple[AreaResolver, str]:
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    return AreaResolver(gazetteer, text, date.fromisoformat(gold["published"]), gold["province"]), text


@pytest.mark.parametrize("fact", _gold_facts(), ids=lambda f: str(f["quote"]))
def test_area_matches_gold_when_seed_fact(seed_resolver: tuple[AreaResolver, str], fact: dict[str, object]) -> None:
    resolver, text = seed_resolver
    name, level, status = _area(resolver, text, str(fact["quote"]))
    assert (name, level, status) == (fact["area"], fact["area_level"], "resolved")


def test_area_resolver_ignores_units_a_new_commune_was_formed_from(gazetteer):
    text = (
        "Xã Yên Lập mới được thành lập trên cơ sở sắp xếp thị trấn Yên Lập và các xã Đồng Lạc, Hưng Long.\n\n"
        "Toàn xã hiện có 287 hộ nghèo."
    )
    resolver = AreaResolver(gazetteer, text, date(2025, 10, 14), "Phú Thọ")
    i = text.index("287")
    ref = resolver.area_at(i, i + 3)
    assert (ref.name, ref.level) == ("Yên Lập", "commune")


def test_area_resolver_does_not_take_the_donor_province_as_the_place(gazetteer):
    text = "Huyện Quỳ Hợp đã trao quà Tết.\n\nTrong đó, quà của UBND tỉnh tặng hộ nghèo là 4.150 suất."
    resolver = AreaResolver(gazetteer, text, date(2016, 2, 3), "Nghệ An")
    i = text.index("4.150")
    ref = resolver.area_at(i, i + 5)
    assert (ref.name, ref.level) == ("Quỳ Hợp", "district")


def test_area_resolver_does_not_take_a_kind_of_commune_for_a_commune(gazetteer):
    text = "Huyện Thanh Chương đã cấp 800 thẻ BHYT cho người sinh sống tại xã, thôn đặc biệt khó khăn."
    resolver = AreaResolver(gazetteer, text, date(2021, 10, 8), "Nghệ An")
    i = text.index("800")
    ref = resolver.area_at(i, i + 3)
    assert (ref.name, ref.level) == ("Thanh Chương", "district")


# ---- whole-word patterns that begin with a letter (areas._whole_words): the same matches as \b(?:...)\b

def _random_texts(seed: int, n: int) -> list[str]:
    """Texts of syllables, type words in any case, names, digits and marks, glued and apart."""
    import random

    rng = random.Random(seed)
    pieces = ["xã", "Xã", "XÃ", "xãhội", "huyện", "Huyện", "HUYỆN", "thành phố", "Thành  phố", "thànhphố", "TP", "tp.", "Tp",
              "h", "H", "q", "Q.", "p", "P", "tt", "TX", "thị xã", "thị  trấn", "tỉnh", "Tỉnh", "cả", "toàn", "đặc",
              "phường", "quận", "Vĩnh", "Phúc", "Hà", "Nội", "Bà", "Rịa", "Đắk", "Lắk", "a", "1", "2021", "_", "-", ",", ".",
              "ʼ", "’", "İ", "ı", "\n", " ", "  ", "nghèo", "Tường", "Vĩnhh", "hVĩnh", "x"]
    return ["".join(rng.choice(pieces) + rng.choice(["", " ", " ", ", "]) for _ in range(rng.randint(1, 40)))
            for _ in range(n)]


def test_whole_words_finds_what_the_plain_alternation_finds():
    words = ["Vĩnh", "Vĩnhh", "Hà", "Bà", "Đắk", "h", "xã", "thành phố", "tt"]
    plain = re.compile(rf"\b(?:{'|'.join(sorted(map(re.escape, words), key=len, reverse=True))})\b")
    fast = areas._whole_words(words)
    for text in _random_texts(7, 3000):
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)], text


def test_whole_words_refuses_what_is_no_word():
    with pytest.raises(ValueError):
        areas._whole_words(["Bà Rịa-Vũng Tàu", "."])


def test_type_words_in_the_lower_cased_text_are_those_found_in_any_case():
    for text in _random_texts(11, 3000):
        lowered = text.lower()
        if len(lowered) != len(text):
            continue
        first = [m.span() for m in areas._FIRST_WORD.finditer(text) if m.group().casefold() in areas._FIRST_WORDS]
        assert [m.span() for m in areas._FIRST_WORD_LOWER.finditer(lowered)] == first, text
        references = [m.span() for m in areas._REFERENCE.finditer(text)]
        assert [m.span() for m in areas._REFERENCE_LOWER.finditer(lowered)] == references, text
