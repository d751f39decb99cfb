"""Sentences -> facts: what each figure measures, for whom, when and where (facts.md).

The pipeline for one article text:
  numbers.find_numbers  -> figures with values
  unit_of               -> the counted noun after the figure (hộ, lượt người, thẻ, đồng, % ...)
  classify              -> fact_table and metric from the words of the figure's clause
  qualifier, range, change, target rules
  periods.period_for    -> the period; areas.AreaResolver -> the place
  merge                 -> one fact per figure, however often it is printed

Rules look at the figure's own clause first (from the figure before it to the figure after it),
then the whole clause between semicolons, then the sentence: the nearest words decide, as a reader
would read "trợ cấp hàng tháng cho hơn 12.660 lượt đối tượng ... với tổng số tiền hơn 18 tỷ đồng".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Callable
from functools import cached_property, partial
from datetime import date
from decimal import Decimal

from extract import areas
from extract.contract import Fact, Mention
from extract.numbers import NumberMention, find_numbers, normalize_text
from extract.confidence import assess
from extract.contract import time_kind
from extract.document import Layout, reference_year
from extract.literals import MIN_LITERAL, holds, required_word_sets
from extract.periods import Period, TimeExpression, next_frame, period_for, period_of_metric, time_expressions
from extract.sentences import Sentence, split_sentences

W = r"(?<![\wà-ỹĐđ])"  # a word start for Vietnamese letters
E = r"(?![\wà-ỹĐđ])"  # a word end

# ---------------------------------------------------------------- units

_PERSON_NOUNS = (
    r"người|đối tượng|nhân khẩu|trường hợp|lao động|học sinh|sinh viên|học viên|trẻ em|trẻ|cháu|em|cụ|"
    r"tân binh|thanh niên|bệnh nhân|hội viên|công nhân|đoàn viên|thành viên|thân nhân|thương binh|"
    r"bệnh binh|nạn nhân|người dân|ca|bà mẹ|mẹ|cựu chiến binh|chiến sĩ|liệt sĩ|người lao động|nhân khẩu|khẩu"
)
_UNIT_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("household_time", re.compile(rf"\s*(?:lượt\s+(?:hộ|khách hàng)){E}", re.I)),
    ("person_time", re.compile(rf"\s*lượt\s+(?:{_PERSON_NOUNS}|[\wà-ỹ]+){E}", re.I)),
    ("household", re.compile(rf"\s*(?:hộ|khách hàng|gia đình){E}", re.I)),
    ("person", re.compile(rf"\s*(?:{_PERSON_NOUNS}){E}", re.I)),
    ("card", re.compile(rf"\s*(?:thẻ|sổ){E}", re.I)),
    ("gift", re.compile(rf"\s*(?:suất quà|xuất quà|phần quà|túi quà|suất|phần|quà){E}", re.I)),
    ("house", re.compile(rf"\s*(?:căn nhà|ngôi nhà|căn hộ|căn|ngôi|nhà){E}", re.I)),
    ("other", re.compile(
        rf"\s*(?:tấn|tạ|kg|ki-lô-gam|tổ|xã|phường|thôn|bản|chương trình|dự án|hồ sơ|món vay|tài khoản|"
        rf"mô hình|doanh nghiệp|điểm giao dịch|trường|công trình|lớp|đoàn|cơ sở|huyện|lần|ha|héc-ta|"
        rf"con|km|mét|m2|tỉnh|đơn vị|hợp tác xã|cuộc|buổi|bộ|chiếc|xe|giường|tủ|cái|tấm|phòng){E}",
        re.I,
    )),
]
_POINTS_AFTER = re.compile(r"\s*điểm\s*(?:phần trăm|%)", re.I)
# The unit rules in one expression: an alternation tries its branches in order at the one place
# it is matched, so the branch that matches (its group's name) is the first rule that would.
_UNIT_AT = re.compile("|".join(f"(?P<{unit}>{pattern.pattern})" for unit, pattern in _UNIT_RULES), re.I)


def unit_of(text: str, n: NumberMention) -> tuple[str | None, int]:
    """The unit of a figure and the end of its unit words (to extend the mention)."""
    if n.is_percent:
        return "percent", n.end
    if n.is_money:
        return "vnd", n.end
    p = _POINTS_AFTER.match(text, n.end)
    if p:  # percentage points: the contract has no unit of their own; the metric says "change"
        return "percent", p.end()
    m = _UNIT_AT.match(text, n.end)
    if m:
        return m.lastgroup, n.end
    if n.has_scale and n.factor >= Decimal(10) ** 6:
        return "vnd", n.end  # "dư nợ đạt 1.250 tỷ": amounts without "đồng"
    return None, n.end


# ---------------------------------------------------------------- classification

@dataclass(frozen=True)
class Rule:
    fact_table: str
    metric: str
    units: frozenset[str]
    pattern: re.Pattern[str]
    tier: int = 0  # SPECIFIC, GENERIC, SUBJECT or FALLBACK: see classify()


SPECIFIC, GENERIC, SUBJECT, FALLBACK = 0, 1, 2, 3


def _r(fact_table: str, metric: str, units: str, pattern: str, tier: int = SPECIFIC) -> Rule:
    return Rule(fact_table, metric, frozenset(units.split()), re.compile(pattern, re.I), tier)


PEOPLE = "household household_time person person_time"
BHYT = r"(?:BHYT|bảo hiểm y tế)"
BHXH = r"(?:BHXH|bảo hiểm xã hội)"
LOAN = rf"{W}(?:vay|cho vay|giải ngân|dư nợ|doanh số cho vay|vốn ưu đãi){E}"
LOAN_CONTEXT = rf"{W}(?:doanh số|Ngân hàng (?:CSXH|Chính sách)|NHCSXH|tín dụng chính sách){E}"
XKLD = r"(?:xuất khẩu lao động|XKLĐ|đi làm việc (?:ở|tại) nước ngoài|lao động ngoài nước)"

# Order matters: the first rule whose words appear in the window wins; money and loans come
# before the groups they are for ("vay" beats "hộ nghèo").
ESCAPED = r"thoát nghèo|vượt (?:qua )?ngưỡng nghèo|thoát khỏi (?:đói )?nghèo|ra khỏi (?:danh sách )?hộ nghèo"
DISASTER = r"(?:lũ|lụt|bão|thiên tai|sạt lở|lốc|thiếu đói|cứu đói|giáp hạt|sập|hư hỏng|tốc mái|hỏa hoạn|cháy)"
COVID = r"(?:Covid|dịch bệnh|đại dịch|ảnh hưởng (?:của |bởi )?dịch)"
MONTHLY = r"(?:trợ cấp|phụ cấp|lương hưu)[^.;]{0,25}(?:hằng|hàng) tháng"
REGULAR = r"trợ cấp (?:xã hội )?thường xuyên|bảo trợ xã hội|trợ cấp xã hội"
SUPPORT = rf"{W}(?:hỗ trợ|trợ giúp|chi trả|hưởng trợ cấp|được hưởng|chi hỗ trợ|trợ cấp|cấp phát){E}"

# Order matters among strong rules: the first whose words appear in the window wins, so the
# specific come before the general and money and loans before the groups they are for.
# A "¤" in a pattern is the figure itself: "¤ so với cùng kỳ" reads the words right after it.
RULES: list[Rule] = [
    # percent
    _r("other", "other_rate", "percent", r"¤\s*/\s*(?:năm|tháng)"),  # "6,6%/năm" is an interest rate
    _r("loans", "overdue_loan_ratio", "percent", r"nợ quá hạn"),
    _r("loans", "loan_share_of_total", "percent", r"¤[^.;]{0,15}(?:tổng dư nợ|tổng nguồn vốn)", tier=GENERIC),
    _r("other", "plan_completion_rate", "percent", r"¤\s*(?:so với\s+)?(?:kế hoạch|KH\b|chỉ tiêu|mục tiêu)"),
    _r("other", "year_on_year_ratio", "percent", r"¤\s*(?:so với\s+)?cùng kỳ"),
    _r("households", "multidimensional_poverty_rate", "percent", r"nghèo đa chiều"),
    _r("households", "poor_and_near_poor_household_rate", "percent", r"(?:tỷ lệ|tỉ lệ) (?:hộ )?nghèo,? (?:và |và hộ )?(?:hộ )?cận nghèo"),
    _r("households", "near_poor_household_rate", "percent", r"(?:tỷ lệ|tỉ lệ) (?:hộ )?cận nghèo"),
    _r("households", "poor_household_rate", "percent", r"(?:tỷ lệ|tỉ lệ) (?:hộ )?nghèo"),
    _r("households", "poor_household_rate", "percent", r"hộ nghèo", tier=SUBJECT),
    _r("other", "insurance_premium_state_share", "percent", r"mức đóng|mệnh giá thẻ|phí bảo hiểm|mức hưởng"),
    _r("insurance_cards", "health_insurance_coverage_rate", "percent", BHYT),
    _r("insurance_cards", "social_insurance_coverage_rate", "percent", BHXH),
    _r("other", "trained_worker_rate", "percent", r"qua đào tạo"),
    _r("other", "clean_water_household_rate", "percent", r"nước sạch|nước hợp vệ sinh"),
    _r("other", "sanitation_household_rate", "percent", r"vệ sinh"),
    _r("other", "vaccination_rate", "percent", r"tiêm chủng"),
    _r("other", "standard_schools_rate", "percent", r"trường.{0,30}đạt chuẩn|đạt chuẩn"),
    _r("other", "on_time_enrolment_rate", "percent", r"ra lớp|đúng độ tuổi"),
    _r("other", "school_attendance_rate", "percent", r"đến trường|đi học"),
    _r("other", "other_rate", "percent", r"."),
    # money
    _r("loans", "overdue_loan_amount", "vnd", r"nợ quá hạn"),
    _r("loans", "outstanding_loan_balance", "vnd", r"dư nợ"),
    _r("loans", "interest_collected", "vnd", r"thu lãi|lãi thu|tiền lãi"),
    _r("loans", "loan_repayment_amount", "vnd", r"thu nợ|doanh số thu"),
    _r("other", "borrower_savings_deposits", "vnd", r"tiết kiệm|tiền gửi"),
    _r("loans", "labour_export_loan_amount", "vnd", rf"(?:vay|cho vay).{{0,40}}{XKLD}"),
    _r("loans", "job_creation_loan_amount", "vnd", r"(?:vay|cho vay)[^.;]{0,30}(?:giải quyết việc làm|tạo việc làm)"),
    _r("loans", "preferential_loan_amount", "vnd", LOAN),
    _r("loans", "preferential_loan_amount", "vnd", LOAN_CONTEXT, tier=GENERIC),
    _r("insurance_cards", "health_insurance_cards_donated_value", "vnd", rf"thẻ {BHYT}"),
    _r("insurance_cards", "social_insurance_books_donated_value", "vnd", rf"sổ {BHXH}"),
    _r("allowances", "covid_support_amount", "vnd", COVID),
    _r("allowances", "monthly_allowance_amount", "vnd", MONTHLY),
    _r("allowances", "regular_allowance_amount", "vnd", REGULAR),
    _r("allowances", "relief_amount", "vnd", rf"cứu trợ|cứu đói|hỗ trợ khẩn cấp|{DISASTER}"),
    _r("allowances", "tet_gift_amount", "vnd", r"quà.{0,60}Tết|Tết.{0,60}quà"),
    _r("allowances", "gift_amount", "vnd", r"quà"),
    _r("other", "poverty_fund_raised", "vnd", r"[Qq]u[ỹỹ]|vì người nghèo|ủng hộ|vận động", tier=GENERIC),
    _r("other", "houses_supported_amount", "vnd", r"nhà (?:ở|tình nghĩa|đại đoàn kết|tình thương)|làm nhà|xây nhà", tier=GENERIC),
    _r("allowances", "allowance_amount_total", "vnd", r"trợ cấp|chi trả|phụ cấp", tier=GENERIC),
    _r("other", "social_security_spending", "vnd", r"an sinh|(?<!đối tượng )(?<!gia đình )chính sách", tier=GENERIC),
    _r("other", "other_amount", "vnd", r"."),
    # cards
    _r("insurance_cards", "social_insurance_books_donated", "card", rf"sổ {BHXH}|sổ{E}"),
    _r("insurance_cards", "health_insurance_cards_reissued", "card", r"cấp đổi|đổi thẻ|gia hạn|cấp lại"),
    _r("insurance_cards", "health_insurance_cards_donated", "card", r"trao tặng|tặng|trao"),
    _r("insurance_cards", "health_insurance_cards_issued", "card", r"."),
    # gifts
    _r("allowances", "longevity_gift_packages", "gift", r"mừng thọ|chúc thọ"),
    _r("allowances", "tet_gift_packages", "gift", r"Tết"),
    _r("allowances", "gift_packages", "gift", r"."),
    # houses
    _r("other", "gratitude_houses_built_or_repaired", "house", r"tình nghĩa"),
    _r("other", "houses_built_for_poor", "house", r"."),
    # things counted that are neither people nor households
    _r("loans", "loan_savings_groups", "other", r"tổ tiết kiệm"),
    _r("allowances", "relief_rice_kg", "other", r"¤\s*(?:tấn|tạ|kg|ki-lô-gam)\s+gạo"),
    # people and households
    _r("loans", "labour_export_loan_borrowers", PEOPLE, rf"(?:vay|cho vay).{{0,40}}{XKLD}"),
    _r("loans", "job_creation_loan_borrowers", PEOPLE, r"(?:vay|cho vay)[^.;]{0,30}(?:giải quyết việc làm|tạo việc làm)"),
    _r("loans", "student_loan_borrowers", "person person_time", r"vay.{0,40}(?:học sinh|sinh viên)|(?:học sinh|sinh viên).{0,40}vay"),
    _r("loans", "outstanding_loan_borrowers", PEOPLE, r"còn dư nợ|đang dư nợ|hộ dư nợ|khách hàng (?:còn )?dư nợ"),
    _r("loans", "preferential_loan_borrowers", PEOPLE, LOAN),
    _r("loans", "preferential_loan_borrowers", PEOPLE, LOAN_CONTEXT, tier=GENERIC),
    # Escaping poverty as what the households did ("1.200 hộ thoát nghèo", "số hộ thoát nghèo là
    # 58"), not as one kind in a list of borrowers ("hộ nghèo và hộ mới thoát nghèo được vay").
    _r("households", "escaped_poverty_households", "household household_time",
       rf"¤\s*(?:lượt\s+)?hộ(?: dân| gia đình)?\s+(?:đã\s+|được\s+|đều\s+)?(?:{ESCAPED})|(?:{ESCAPED})[^.;,]{{0,25}}¤"),
    _r("allowances", "covid_support_recipients", PEOPLE, COVID),
    _r("allowances", "regular_allowance_recipients", PEOPLE, REGULAR),
    _r("allowances", "monthly_allowance_recipients", PEOPLE, MONTHLY),
    _r("allowances", "relief_recipients", PEOPLE, r"cứu trợ|cứu đói|hỗ trợ gạo|hỗ trợ khẩn cấp"),
    _r("allowances", "tet_gift_packages", PEOPLE, r"quà.{0,60}Tết|Tết.{0,60}quà"),
    _r("allowances", "gift_packages", PEOPLE, rf"{W}quà{E}"),
    _r("insurance_cards", "health_insurance_participants", PEOPLE, BHYT),
    _r("insurance_cards", "social_insurance_participants", PEOPLE, BHXH),
    _r("allowances", "relief_recipients", PEOPLE, rf"{SUPPORT}[^.;]{{0,60}}{DISASTER}|{DISASTER}[^.;]{{0,60}}{SUPPORT}"),
    _r("other", "labour_export_counselling", PEOPLE, r"tư vấn"),
    _r("other", "workers_sent_abroad", PEOPLE, XKLD),
    _r("other", "job_placements", PEOPLE, r"việc làm"),
    _r("other", "vocational_trainees", PEOPLE, r"đào tạo nghề|học nghề|dạy nghề"),
    _r("allowances", "allowance_recipients", PEOPLE, SUPPORT, tier=GENERIC),
    _r("households", "new_poor_households", "household household_time", r"(?:hộ nghèo|hộ cận nghèo) (?:phát sinh|mới)|phát sinh[^.;,]{0,15}¤|tái nghèo", tier=SUBJECT),
    _r("households", "poor_and_near_poor_households", "household household_time", r"hộ nghèo,? (?:và )?(?:hộ )?cận nghèo", tier=SUBJECT),
    _r("households", "near_poor_households", "household household_time", r"cận nghèo", tier=SUBJECT),
    _r("households", "poor_households", "household household_time", r"hộ nghèo", tier=SUBJECT),
    # "Xã hiện có 4.870 hộ": a bare count of households is the total.
    _r("households", "households_total", "household", r"hộ dân|hộ gia đình|tổng số hộ", tier=SUBJECT),
    # A bare count of households is the total only when no word says whose ("5.894 hộ;" after
    # "Số lượng hộ nghèo" is the poor).
    _r("households", "households_total", "household", r"¤\s*hộ(?:\s*[,.;]|\s*$|\s+(?:với|là|trong))", tier=FALLBACK),
    _r("other", "other_count", PEOPLE + " other", r"."),
]

_CHANGE_BEFORE = re.compile(
    rf"{W}(tăng|giảm)(?:\s+trưởng)?(?:\s+(?:thêm|được|mạnh|nhẹ|đáng kể|bình quân|trung bình|mỗi năm|gần|hơn|khoảng|trên|ước|xấp xỉ|chỉ|đạt|là|ở mức))*\s*$",
    re.I,
)
_LEVEL_AFTER_CHANGE = re.compile(r"(?:xuống|lên|còn|từ)\s*(?:còn|mức|tới)?\s*$", re.I)
_COMPARISON_AFTER = re.compile(r"^[^;.]{0,40}?so (?:với|cùng kỳ)", re.I)
_TARGET = re.compile(
    rf"{W}(?:phấn đấu|mục tiêu|chỉ tiêu|dự kiến|định hướng|kế hoạch (?:năm|giai đoạn|đề ra)|đề ra|sẽ|cần|yêu cầu|tiêu chí|"
    rf"phải đạt|phải có|đặt ra|nhằm đạt|hướng tới){E}",
    re.I,
)
# Names that hold a target word: "Chương trình mục tiêu quốc gia giảm nghèo bền vững".
_PROGRAMME_NAME = re.compile(r"(?:chương trình\s+)?mục tiêu quốc gia", re.I)
_DONE = re.compile(rf"{W}(?:đã|vừa)\s", re.I)
_CRITERIA_AFTER = re.compile(r"\s*(?:trở lên|trở xuống|trở đi)", re.I)
_POVERTY_LINE = re.compile(rf"{W}(?:chuẩn nghèo|chuẩn cận nghèo|ngưỡng nghèo|mức sống tối thiểu)", re.I)
# Policy limits are rules, not statistics: "mức cho vay tối đa 100 triệu đồng/hộ".
_POLICY_LIMIT = re.compile(rf"{W}(?:tối đa|hạn mức|mức (?:cho )?vay (?:tối đa|tối thiểu)|không vượt quá)[^.;]{{0,40}}$", re.I)
_PLAN_AFTER = re.compile(r"\s*(?:so với\s+)?(?:kế hoạch|KH|chỉ tiêu|mục tiêu|cùng kỳ|Quyết định|Nghị quyết)", re.I)
_MULTIPLE_BEFORE = re.compile(r"(?:gấp|bằng)\s*$", re.I)
_TIMES_AFTER = re.compile(r"\s*lần")
_LOAN_WORD = re.compile(r"vay|cho vay|mức", re.I)
_MASS_AFTER = re.compile(r"\s*(tấn|tạ|kg|ki-lô-gam)", re.I)
_CHANGE_VERB = re.compile(rf"{W}(tăng|giảm){E}[^;]*$", re.I)

_QUALIFIERS: list[tuple[str, re.Pattern[str]]] = [
    ("at_least", re.compile(rf"{W}(?:ít nhất|tối thiểu|không dưới|không ít hơn)\s*$", re.I)),
    ("less_than", re.compile(rf"{W}(?:dưới|chưa đến|chưa tới|chưa đầy|không quá|không tới|tối đa|chỉ còn dưới)\s*$", re.I)),
    ("more_than", re.compile(rf"{W}(?:hơn|trên|ngoài|vượt|hơn con số|lên tới hơn)\s*$", re.I)),
    ("nearly", re.compile(rf"{W}(?:gần|xấp xỉ|suýt soát|gần như|sấp xỉ)\s*$", re.I)),
    ("about", re.compile(rf"{W}(?:khoảng|ước|ước tính|ước đạt|ước khoảng|chừng|tầm|khoảng chừng|độ|ước chừng)\s*$", re.I)),
]
_RANGE_SEP = re.compile(r"^\s*(?:[-–—]|đến|tới|đến khoảng)\s*$", re.I)

GROUP_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("escaped_poverty_households", re.compile(r"thoát nghèo", re.I)),
    ("poor_households", re.compile(r"hộ nghèo|người nghèo|nghèo đa chiều|tỷ lệ nghèo", re.I)),
    ("near_poor_households", re.compile(r"cận nghèo", re.I)),
    ("people_with_merit", re.compile(r"người có công|gia đình chính sách|đối tượng chính sách|thương binh|liệt sĩ|tình nghĩa|bệnh binh|Mẹ Việt Nam Anh hùng", re.I)),
    ("people_with_disabilities", re.compile(r"người khuyết tật|khuyết tật", re.I)),
    ("social_protection", re.compile(r"bảo trợ xã hội|trợ cấp xã hội", re.I)),
    ("elderly", re.compile(rf"người cao tuổi|cao tuổi|mừng thọ|chúc thọ|cụ ông|cụ bà|{W}cụ{E}|hưu trí xã hội", re.I)),
    ("children", re.compile(rf"trẻ em|con em|{W}trẻ{E}|{W}cháu{E}|trẻ dưới", re.I)),
    ("students", re.compile(r"học sinh|sinh viên", re.I)),
    ("workers", re.compile(r"(?<!xuất khẩu )(?<!xuất khẩu  )(?:người )?lao động(?! ngoài nước)|tân binh|công nhân|bộ đội xuất ngũ", re.I)),
    ("ethnic_minorities", re.compile(r"dân tộc thiểu số|đồng bào dân tộc|DTTS", re.I)),
]

_TOPIC = re.compile(
    r"an sinh|ASXH|hộ nghèo|cận nghèo|giảm nghèo|thoát nghèo|BHYT|bảo hiểm y tế|BHXH|bảo hiểm xã hội|"
    r"trợ cấp|bảo trợ xã hội|người có công|Chính sách xã hội|CSXH|vay vốn|suất quà|quà Tết|cứu trợ|"
    r"gia đình chính sách|nhà đại đoàn kết|nhà tình nghĩa|người cao tuổi|việc làm",
    re.I,
)


def topic_words(text: str) -> set[str]:
    """The distinct social-security keywords of a text."""
    return {m.group().lower() for m in _TOPIC.finditer(text)}


_VIETNAMESE_LETTERS = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")


def is_vietnamese(text: str) -> bool:
    """Vietnamese text carries its diacritics on about a third of its letters; other languages
    (an English edition, a page in Chinese) on almost none."""
    letters = [c for c in text.lower() if c.isalpha()]
    if len(letters) < 50:
        return False
    return sum(c in _VIETNAMESE_LETTERS for c in letters) / len(letters) > 0.08


@dataclass
class _Candidate:
    number: NumberMention
    sentence: Sentence
    unit: str
    end: int
    value: Decimal
    qualifier: str = "exact"
    # The next figure shares this one's words: "3.958/31.526 hộ nghèo", "200 - 250 hộ".
    joined_to_next: bool = False
    how: str = ""  # how the metric was read (extract.confidence): specific, generic, subject, context ...
    # What the text before the sentence speaks of (the sentence before it in its paragraph, the
    # headline): a list item's figure ("Hà Nam với 727.215 người") is of the list's topic.
    context: str = ""
    # What all figures of the sentence share (made once by _candidates).
    reading: "_SentenceReading | None" = None


def _clause_bounds(text: str, sentence: Sentence, pos: int) -> tuple[int, int]:
    start = max(text.rfind(";", sentence.start, pos), text.rfind(":", sentence.start, pos))
    start = sentence.start if start < 0 else start + 1
    end = text.find(";", pos, sentence.end)
    return start, (sentence.end if end < 0 else end)


def _windows(text: str, c: _Candidate, neighbours: list[NumberMention]) -> tuple[str, str, str, str]:
    """Texts to classify a figure on, nearest first: the words after it (up to the next figure),
    then with them the words since the figure before it, since its clause began (semicolons part
    clauses) and since its sentence began. Words after the next figure are that figure's own.
    "¤" stands where the figure is."""
    n = c.number
    c_start, c_end = _clause_bounds(text, c.sentence, n.start)
    prev_end = max([m.end for m in neighbours if m.end <= n.start and m.start >= c_start], default=c_start)
    later = sorted(m.start for m in neighbours if m.start >= c.end and m.start < c_end)
    # A figure joined to the next one reads the words after that one too.
    next_start = (later[1] if len(later) > 1 else c_end) if c.joined_to_next else (later[0] if later else c_end)
    own_after = " ¤ " + _own_words(text[c.end:next_start])
    return (
        own_after,
        text[prev_end:n.start] + own_after,
        text[c_start:n.start] + own_after,
        text[c.sentence.start:n.start] + own_after,
    )


# After a comma, a list of beneficiaries goes on ("hộ nghèo, cận nghèo và hộ mới thoát nghèo được
# vay"); any other word starts a new clause whose verbs are not this figure's.
_LIST_GOES_ON = re.compile(
    r",\s*(?:và\s+)?(?:hộ|cận nghèo|người|đối tượng|trẻ|học sinh|sinh viên|gia đình|thân nhân|thương binh|bệnh binh|"
    r"cựu|lao động|đồng bào|phụ nữ|nạn nhân|con|cháu|em|cụ|bà mẹ|hội viên|mới thoát nghèo|thoát nghèo)",
    re.I,
)


_CLAUSE_END = re.compile(r"[;:]|\.(?!\d)")  # a dot between digits is a thousands mark
_COMMA = re.compile(r",(?!\d)")


def _own_words(after: str) -> str:
    """The words after a figure that are still about it: up to the end of the clause, or a comma
    that starts a new clause."""
    after = _CLAUSE_END.split(after, maxsplit=1)[0]
    for m in _COMMA.finditer(after):
        if not _LIST_GOES_ON.match(after, m.start()):
            return after[: m.start()]
    return after


def _distance(rule: Rule, window: str, at: int | None = None) -> int | None:
    """How far the rule's nearest match lies from the figure (¤, at ``at``) in the window."""
    if at is None:
        at = window.index("¤")
    best = None
    for m in rule.pattern.finditer(window):
        start, end = m.span()
        d = start - at if start > at else (at - end if at > end else 0)
        if best is None or d < best:
            best = d
    return best


def _fold(text: str) -> str:
    """A text as a rule's required words are compared with it: case-folded, and what (?i) takes
    for an i that case folding does not make one (ı, and İ folded to i + a combining dot) made i."""
    folded = text.casefold()
    if "ı" in folded or "\u0307" in folded:
        folded = folded.replace("ı", "i").replace("i\u0307", "i")
    return folded


# What a sentence must hold for a rule to match in it: requirements, each a tuple of words one of
# which the sentence's fold holds (None: no gate, the rule is always tried).
Gate = tuple[tuple[str, ...], ...] | None
# id(rule) -> its gate.
_GATES: dict[int, Gate] = {}
# A gate checks at most this many requirements: the most selective ones (each more costs a
# substring search per sentence, and the first few prune nearly all that the rest would).
_GATE_REQUIREMENTS = 2


def _gate(rule: Rule | re.Pattern[str]) -> Gate:
    """The requirements extract/literals.py reads from a rule's pattern, as the figure's sentence
    holds them: each a tuple of words one of which a match holds. ``(lũ|bão)…(hỗ trợ)|(hỗ trợ)…
    (lũ|bão)`` needs a help word and a storm word, and most sentences have only the first."""
    key = id(rule)
    if key not in _GATES:
        pattern = rule.pattern if isinstance(rule, Rule) else rule
        sets: list[tuple[str, ...]] = []
        for words in required_word_sets(pattern):
            words = _as_in_sentence(words)
            if words and min(map(len, words)) >= MIN_LITERAL and words not in sets:
                sets.append(words)
        # Most selective first (the shortest word longest, then the fewest words); a requirement
        # that holds whenever another does (a superset of its words) adds nothing.
        sets.sort(key=lambda ws: (-min(map(len, ws)), len(ws)))
        sets = [ws for ws in sets if not any(set(other) < set(ws) for other in sets)]
        _GATES[key] = tuple(sets[:_GATE_REQUIREMENTS]) or None
    return _GATES[key]


def _as_in_sentence(words: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """Required words as the figure's sentence holds them. Rules are gated by the sentence, but
    matched in windows that put " ¤ " where the figure is, and a match there may take those
    spaces or the ¤, which the sentence does not hold: of each word, the part that cannot reach
    into them (its longest piece between ¤s, without the spaces at its ends) is looked for."""
    if words is None:
        return None
    parts = tuple(max((piece.strip() for piece in word.split("¤")), key=len) for word in words)
    return parts if all(parts) else None


def _may_match(rule: Rule | re.Pattern[str], folded: str) -> bool:
    """Whether a rule (or a pattern) may match in a text, by its required words (``folded``: the
    text's _fold)."""
    gate = _gate(rule)
    return gate is None or holds(folded, gate)


def _live(gated: list[tuple[object, Gate]], folded: str) -> list:
    """Of items paired with their rule's _gate, in order, those that may match in ``folded``:
    what _may_match says of one rule, in one loop for a list of them (literals.holds written
    out: a call per rule and sentence cost more than the test)."""
    live = []
    for item, gate in gated:
        if gate is None:
            live.append(item)
            continue
        for words in gate:
            for word in words:
                if word in folded:
                    break
            else:
                break  # a requirement the text does not meet
        else:
            live.append(item)
    return live


_GATED_GROUPS = [((g, p), _gate(p)) for g, p in GROUP_PATTERNS]
_GATED_QUALIFIERS = [((name, p), _gate(p)) for name, p in _QUALIFIERS]


@dataclass(frozen=True)
class _UnitRules:
    rules: list[Rule]  # the unit's rules, catch-alls aside, in RULES order
    gated: list[tuple[tuple[int, Rule], Gate]]  # (order among them, rule), gate
    catch_all: Rule | None  # the first catch-all of the unit


_RULES_BY_UNIT: dict[str, _UnitRules] = {}


def _made_for(unit: str) -> _UnitRules:
    """A unit's rules: asked for every sentence and figure, so made once per unit."""
    if unit not in _RULES_BY_UNIT:
        rules = [r for r in RULES if unit in r.units and r.pattern.pattern != "."]
        _RULES_BY_UNIT[unit] = _UnitRules(
            rules,
            [((order, r), _gate(r)) for order, r in enumerate(rules)],
            next((r for r in RULES if unit in r.units and r.pattern.pattern == "."), None),
        )
    return _RULES_BY_UNIT[unit]


def _rules_of(unit: str) -> list[Rule]:
    return _made_for(unit).rules


def _catch_all_of(unit: str) -> Rule | None:
    return _made_for(unit).catch_all


class _SentenceReading:
    """What every figure of one sentence reads the same: the sentence's case fold and, by unit,
    the rules (and the group patterns) whose required words it holds. Every window a figure is
    read on is a piece of its sentence, so a rule not live in the sentence matches in none of
    them (extract/literals.py); working this out once per sentence, not once per figure and
    window, is the same reading for less work."""

    def __init__(self, sentence: Sentence) -> None:
        self.folded = _fold(sentence.text)
        self._rules: dict[str, tuple[list[Rule], dict[int, list[tuple[int, Rule]]]]] = {}
        # (unit, context) -> _nearest_specific: the figures of a sentence share its context.
        self._in_context: dict[tuple[str, str], tuple[str, str] | None] = {}
        self._may: dict[int, bool] = {}  # id of a pattern -> may

    def may(self, pattern: re.Pattern[str]) -> bool:
        """Whether the sentence holds a word the pattern needs (the searches of _fact, _is_target,
        _change, _qualifier and _per_beneficiary each read a piece of the sentence): worked out
        once per sentence and pattern, when a figure first asks."""
        key = id(pattern)
        if key not in self._may:
            self._may[key] = _may_match(pattern, self.folded)
        return self._may[key]

    @cached_property
    def qualifiers(self) -> list[tuple[str, re.Pattern[str]]]:
        return _live(_GATED_QUALIFIERS, self.folded)

    @cached_property
    def groups(self) -> list[tuple[str, re.Pattern[str]]]:
        """The group patterns that may match in the sentence, in GROUP_PATTERNS order."""
        return _live(_GATED_GROUPS, self.folded)

    def rules_of(self, unit: str) -> tuple[list[Rule], dict[int, list[tuple[int, Rule]]]]:
        """The unit's live rules, and by tier with their order among all the unit's rules."""
        if unit not in self._rules:
            live: list[Rule] = []
            by_tier: dict[int, list[tuple[int, Rule]]] = {}
            for order, r in _live(_made_for(unit).gated, self.folded):
                live.append(r)
                by_tier.setdefault(r.tier, []).append((order, r))
            self._rules[unit] = (live, by_tier)
        return self._rules[unit]

    def specific_in_context(self, unit: str, context: str) -> tuple[str, str] | None:
        if (unit, context) not in self._in_context:
            self._in_context[unit, context] = _nearest_specific(context, unit)
        return self._in_context[unit, context]



def _SPECIFIC_IN_CONTEXT(c: _Candidate, by_tier: dict[int, list[tuple[int, Rule]]], sentence: str) -> tuple[str, str] | None:
    """A SPECIFIC rule of the figure's unit that the context names, nearest its end, when the
    figure's sentence names none (the list of places under a heading that says what is counted).
    ``by_tier``: the unit's rules that may match in the sentence."""
    if not c.context or any(r.pattern.search(sentence) for _, r in by_tier.get(SPECIFIC, ())):
        return None
    return c.reading.specific_in_context(c.unit, c.context)


def _nearest_specific(context: str, unit: str) -> tuple[str, str] | None:
    """The SPECIFIC rule of the unit matched nearest the end of the context."""
    window = context + " ¤"
    folded = _fold(window)
    hits = [(_distance(r, window), order, r) for order, r in enumerate(_rules_of(unit))
            if r.tier == SPECIFIC and _may_match(r, folded)]
    hits = [h for h in hits if h[0] is not None]
    if not hits:
        return None
    rule = min(hits, key=lambda h: h[:2])[2]
    return rule.fact_table, rule.metric


def classify(c: _Candidate, windows: tuple[str, str, str, str]) -> tuple[str, str] | None:
    """What a figure measures, read as near the figure as possible.

    At each distance (the figure's own words, then its clause, then its sentence): a SPECIFIC
    rule (an action: lending, cards, allowances, relief ...) matched nearest the figure wins; then
    a GENERIC one (support, spending, lending in general) in RULES order; then a SUBJECT rule that
    names only whose figure it is ("hộ nghèo"), nearest first. FALLBACK rules and the unit's
    catch-all decide only when nothing else does.

    ``windows``: the figure's _windows."""
    sentence = windows[3]
    # Only the rules whose required words the sentence holds can match in any of the windows:
    # the others are not tried (extract/literals.py).
    live, by_tier = c.reading.rules_of(c.unit)
    # The figure's own words that name no topic ("hỗ trợ", "được vay") yield to a topic of the
    # text before it: "... mua thẻ BHYT ... Có 3 địa phương được hỗ trợ nhiều nhất là huyện A với 3.890 người".
    own = _classify_own(c, live, by_tier, windows)
    if own is None or own[1] in _WEAK_METRICS:
        in_context = _SPECIFIC_IN_CONTEXT(c, by_tier, sentence)
        if in_context is not None:
            c.how = "context"
            return in_context
    return own


# What a figure's own words say when they name no topic: support in general, a bare count.
_WEAK_METRICS = {"allowance_recipients", "allowance_amount_total", "other_count", "other_amount"}


def _classify_own(c: _Candidate, rules: list[Rule], by_tier: dict[str, list[tuple[int, Rule]]],
                  windows4: tuple[str, str, str, str]) -> tuple[str, str] | None:
    after, near, clause, sentence = windows4
    # Where no figure comes before it in its clause, the near window is the clause, and without
    # semicolons the clause is the sentence: a window every tier found nothing in is not read again.
    read: list[str] = []
    for windows in ((after, near), (clause,), (sentence,)):
        windows = [w for w in windows if w not in read]
        read.extend(windows)
        for tier in (SPECIFIC, GENERIC, SUBJECT):
            for window in windows:
                at = window.index("¤")
                hits = [(_distance(r, window, at), order, r) for order, r in by_tier.get(tier, ())]
                hits = [h for h in hits if h[0] is not None]
                if hits:
                    # GENERIC rules go by their order; the others by nearness.
                    key = (lambda h: h[1]) if tier == GENERIC else (lambda h: h[:2])
                    rule = min(hits, key=key)[2]
                    c.how = {SPECIFIC: "specific", GENERIC: "generic", SUBJECT: "subject"}[tier]
                    return rule.fact_table, rule.metric
    for window in (after, near):
        rule = next((r for r in rules if r.tier == FALLBACK and r.pattern.search(window)), None)
        if rule:
            c.how = "fallback"
            return rule.fact_table, rule.metric
    rule = _catch_all_of(c.unit)
    if rule is not None:
        # "9.800 thẻ BHYT", "300 suất quà": the unit itself says what is counted.
        c.how = "catch-all" if rule.fact_table == "other" else "specific"
        return rule.fact_table, rule.metric
    return None


def group_of(text: str, c: _Candidate, windows: tuple[str, str, str, str], metric: str) -> str | None:
    """The beneficiary group: the first group named after the figure, else the nearest before it.
    ``windows``: the figure's _windows."""
    if metric == "households_total":
        return None  # all households of a place: nobody's group
    after_window, near, clause = windows[:3]
    after = _NOUN_PHRASE_END.split(after_window, maxsplit=1)[0]  # the figure's own noun phrase
    # "chiếm 27,22% hộ nghèo", "đạt 22,30% lực lượng lao động": what follows a share is its base.
    is_share = c.unit == "percent" and _SHARE_OF.search(text, max(0, c.number.start - 25), c.number.start)
    # The windows are pieces of the sentence: a group pattern without its words there is not tried.
    patterns = c.reading.groups
    hits = [] if is_share else [(m.start(), g) for g, p in patterns for m in [p.search(after)] if m]
    if hits:
        return min(hits)[1]
    for window in (near, clause) if near != clause else (near,):  # the near window is often the clause
        before = window[: window.index("¤")]
        hits = sorted((m.start(), m.end(), g) for g, p in patterns for m in p.finditer(before))
        if hits:
            return _first_of_list(before, hits)
    # Where no group is named, some metrics say whose figure it is.
    for prefix, group in _GROUP_OF_METRIC:
        if metric.startswith(prefix):
            return group
    return None


_NOUN_PHRASE_END = re.compile(r",(?!\d)|\(")
_SHARE_OF = re.compile(rf"{W}(?:chiếm|đạt|bằng)(?:\s+(?:tỷ lệ|tỉ lệ|khoảng|gần|hơn|trên))?\s*$", re.I)
# Between two groups of one list: "hộ nghèo, cận nghèo và hộ mới thoát nghèo".
_LIST_GAP = re.compile(r"^[\s,]*(?:(?:và|hoặc|cùng)\s+)?(?:(?:hộ|người|đối tượng|gia đình)\s+)?(?:mới\s+)?$", re.I)


def _first_of_list(before: str, hits: list[tuple[int, int, str]]) -> str:
    """The group nearest before a figure; when it closes a list of groups ("cho vay hộ nghèo,
    cận nghèo, thoát nghèo là 62 tỷ"), the list's first, which names it (the gold's reading)."""
    k = max(range(len(hits)), key=lambda i: (hits[i][1], -hits[i][0]))
    while k > 0:
        prev = max((i for i in range(k) if hits[i][1] <= hits[k][0]), default=None, key=lambda i: hits[i][1])
        if prev is None or not _LIST_GAP.match(before[hits[prev][1]:hits[k][0]]):
            break
        k = prev
    return hits[k][2]


_GROUP_OF_METRIC = (
    ("job_creation_loan", "workers"),
    ("poor_household", "poor_households"),
    ("near_poor", "near_poor_households"),
    ("escaped_poverty", "escaped_poverty_households"),
    ("regular_allowance", "social_protection"),
    ("gratitude_houses", "people_with_merit"),
)


def _qualifier(text: str, start: int, floor: int, qualifiers: list[tuple[str, re.Pattern[str]]]) -> str:
    """``qualifiers``: the _QUALIFIERS that may match in the figure's sentence, which holds the
    words before it from ``floor``."""
    before = text[max(floor, start - 30):start]
    for name, pattern in qualifiers:
        if pattern.search(before):
            return name
    return "exact"


def _is_target(text: str, c: _Candidate, clause_start: int) -> bool:
    if _CRITERIA_AFTER.match(text, c.end):
        return True
    # Each search below reads a piece of the sentence: one whose words the sentence lacks is not made.
    reading = c.reading
    if (c.unit == "vnd" and reading.may(_POVERTY_LINE)
            and _POVERTY_LINE.search(text, max(clause_start, c.number.start - 80), c.number.start)):
        return True  # the poverty line is a criterion, not a transfer
    if (reading.may(_POLICY_LIMIT)
            and _POLICY_LIMIT.search(text, max(clause_start, c.number.start - 60), c.number.start)
            and _LOAN_WORD.search(text, clause_start, c.number.start)):
        return True
    if not reading.may(_TARGET):
        return False  # (nor has _PROGRAMME_NAME, which holds "mục tiêu", one of them, anything to take out)
    # A target or criterion governs the clauses that list what it asks for ("xã đạt chuẩn phải
    # có tỷ lệ ... từ 85% trở lên; tỷ lệ trẻ em suy dinh dưỡng từ 13,9% đến 31%").
    before = text[c.sentence.start:c.number.start]
    if reading.may(_PROGRAMME_NAME):
        before = _PROGRAMME_NAME.sub(" ", before)
    targets = list(_TARGET.finditer(before))
    if not targets or _PLAN_AFTER.match(text, c.end):
        return False
    # "Với mục tiêu không để ai bị bỏ lại phía sau, huyện đã trao 306 suất quà": what was done.
    return not _DONE.search(before, targets[-1].end())


def _change(text: str, c: _Candidate, prev_end: int) -> str | None:
    if not c.reading.may(_CHANGE_BEFORE):
        return None  # both readings need "tăng" or "giảm" before the figure, in its sentence
    before = text[prev_end:c.number.start]
    m = _CHANGE_BEFORE.search(before)
    if m:
        return "_increase" if m.group(1).lower() == "tăng" else "_reduction"
    # The comparison is at most 50 characters long: slicing only those keeps a long page linear.
    if _COMPARISON_AFTER.match(text[c.end:c.end + 50]):
        # "giảm 350 hộ so với năm trước", with the verb further back in the clause
        verb = _CHANGE_VERB.search(before)
        if verb and not _LEVEL_AFTER_CHANGE.search(before[verb.end():]):
            return "_increase" if verb.group(1).lower() == "tăng" else "_reduction"
    return None


_MASS_TO_KG = {"tấn": Decimal(1000), "tạ": Decimal(100), "kg": Decimal(1), "ki-lô-gam": Decimal(1)}

_PER_BEFORE = re.compile(
    rf"(?:{W}mỗi|{W}một|{W}bình quân|{W}trung bình)\s+(?:suất(?: quà)?|phần quà|hộ|người|đối tượng|trường hợp|gia đình|em|cháu|cụ|khẩu|lao động|tháng)[^.;¤]{{0,40}}$"
    rf"|{W}(?:mức (?:trợ cấp|hỗ trợ|chuẩn|quà|tặng)|trị giá mỗi|định mức)[^.;]{{0,25}}$",
    re.I,
)
_PER_AFTER = re.compile(
    r"^\s*(?:/\s*(?:suất|phần|người|hộ|đối tượng|tháng|khẩu|trường hợp|em|cháu)|(?:cho )?(?:mỗi|một) (?:suất|phần|người|hộ|đối tượng|trường hợp|em|cháu|khẩu))",
    re.I,
)


_SUPPORT_NEAR = re.compile(
    rf"{W}(?:trợ cấp|phụ cấp|hỗ trợ|trợ giúp|quà|suất|chi trả|hưởng|cứu trợ|tặng|thăm hỏi|mức chuẩn|bảo trợ|chính sách){E}", re.I
)
# A card is an insurance card only where insurance is spoken of: "4 thẻ vàng" is football.
_INSURANCE_NEAR = re.compile(rf"{BHYT}|{BHXH}|bảo hiểm|khám chữa bệnh|{W}KCB{E}", re.I)


def _per_beneficiary(text: str, c: _Candidate, prev_end: int) -> tuple[str, str] | None:
    """A money amount per gift, person or household ("mỗi suất quà 450.000 đồng",
    "500.000 đồng/người/tháng"): an allowances fact in vnd, by facts.md."""
    if c.unit != "vnd":
        return None
    before = text[max(prev_end, c.number.start - 80):c.number.start]
    after = text[c.end:c.end + 40]
    if not ((c.reading.may(_PER_BEFORE) and _PER_BEFORE.search(before)) or _PER_AFTER.match(after)):
        return None
    if not _SUPPORT_NEAR.search(c.sentence.text):
        return None  # "Giá vé 200.000 đồng/người" is a price, not what a beneficiary receives
    if re.search(r"quà|suất", before + after, re.I):
        return "allowances", "gift_package_value"
    return "allowances", "allowance_per_beneficiary"


# "1.713 hộ cận nghèo, chiếm 6,64%": a share stated right after a count is that count's rate.
_RATE_OF_COUNT = {
    "poor_households": "poor_household_rate",
    "near_poor_households": "near_poor_household_rate",
    "poor_and_near_poor_households": "poor_and_near_poor_household_rate",
}
_SHARE_AFTER_COUNT = re.compile(rf"^[^;]{{0,80}}{W}chiếm(?:\s+(?:tỷ lệ|tỉ lệ|khoảng|gần|hơn|trên))?\s*$", re.I)


def _share_of_count(text: str, c: _Candidate, earlier: list[tuple[_Candidate, Fact]]) -> tuple[str, str] | None:
    if c.unit != "percent" or not earlier:
        return None
    # "19.378 hộ cận nghèo, với 71.801 người, chiếm 4,21%": the people of those households come between.
    for cand, fact in reversed(earlier):
        if fact.unit == "person" and fact.fact_table == "other":
            continue
        if fact.metric in _RATE_OF_COUNT and _SHARE_AFTER_COUNT.match(text[cand.end:c.number.start]):
            return fact.fact_table, _RATE_OF_COUNT[fact.metric]
        return None
    return None


def _level_changed(text: str, c: _Candidate, earlier: list[tuple[_Candidate, Fact]]) -> Fact | None:
    """The level a change refers to: the nearest earlier figure of its clause that is a level,
    in the same unit (an absolute change) or any unit (a relative change in %)."""
    clause_start, _ = _clause_bounds(text, c.sentence, c.number.start)
    for cand, fact in reversed(earlier):
        if fact.metric.endswith(("_increase", "_reduction")):
            continue
        if c.number.start - cand.end > 120:
            break
        if cand.unit == c.unit or c.unit == "percent":
            # A level in an earlier clause still counts when only commas part them.
            if cand.number.start >= clause_start or ";" not in text[cand.end:c.number.start]:
                return fact
    return None


def _to_number(value: Decimal, unit: str) -> float | int:
    if unit == "vnd" or value == value.to_integral_value():
        return int(value)
    return float(value)


def extract_facts(
    text: str,
    published: date | None = None,
    province: str | None = None,
    gazetteer: "areas.Gazetteer | None" = None,
    *,
    district: str | None = None,
    layout: Layout | None = None,
) -> list[Fact]:
    """All facts of one article text. `text` must be NFC (see numbers.normalize_text).

    `province` (and `district`) is the outlet's place (extract.outlets); the article is read as
    a whole: a time stated in the headline, or leading a sentence, frames the figures after it
    until another replaces it (facts.md "Frames"); a figure's own words win.
    """
    text = normalize_text(text)
    layout = layout or Layout.of(text)
    sentences = split_sentences(text)
    numbers = find_numbers(text)
    ref_year = reference_year(text, published)
    resolver = areas.AreaResolver(gazetteer or areas.Gazetteer.load(), text, published, province,
                                  district=district, layout=layout, sentences=sentences)

    by_sentence: dict[int, list[NumberMention]] = {}
    s_index = 0
    for n in numbers:
        while s_index < len(sentences) and sentences[s_index].end <= n.start:
            s_index += 1
        if s_index == len(sentences) or sentences[s_index].start > n.start:
            continue
        by_sentence.setdefault(s_index, []).append(n)

    facts: list[Fact] = []
    # Two frames: one stated by a headline or by the first sentence of a paragraph, which holds
    # for the paragraphs after it until another replaces it; and that of the sentence before,
    # which only a sentence continuing it ("Trong đó, ...", "Cụ thể: ...") takes.
    # The sentence frame is read only when the next sentence continues its sentence (most do
    # not): reading the time expressions of every sentence was a tenth of the work.
    article_frame: Period | None = None
    frame_before: Callable[[], Period | None] = lambda: None
    for s_idx, sentence in enumerate(sentences):
        nums = by_sentence.get(s_idx, [])
        continues = s_idx > 0 and _CONTINUES.match(sentence.text) is not None
        sentence_frame = frame_before() if continues else None
        inherited = sentence_frame if sentence_frame is not None else article_frame
        candidates = _candidates(text, sentence, nums) if nums else []
        in_headline = layout.in_headline(sentence.start)
        opens_paragraph = s_idx == 0 or sentences[s_idx - 1].paragraph != sentence.paragraph
        exprs = time_expressions(sentence.text, published, ref_year) if candidates or in_headline or opens_paragraph else None
        if candidates:
            previous = sentences[s_idx - 1] if s_idx else None
            joined = previous is not None and (
                previous.paragraph == sentence.paragraph or continues or previous.text.rstrip().endswith(":"))
            before = previous.text if joined else ""
            headline = "" if layout.in_headline(sentence.start) else (layout.headline_text or "")
            for c in candidates:
                c.context = f"{headline} . {before}"
        spans = [(c.number.start - sentence.start, c.end - sentence.start) for c in candidates]
        earlier: list[tuple[_Candidate, Fact]] = []  # the sentence's facts so far: a change's level
        for i, c in enumerate(candidates):
            fact = _fact(text, c, nums, spans[i], spans[:i] + spans[i + 1 :], exprs, published, resolver, earlier, inherited)
            if fact is not None:
                facts.append(fact)
                earlier.append((c, fact))
        figures = [(n.start - sentence.start, n.end - sentence.start) for n in nums]
        frame_before = partial(_sentence_frame, sentence.text, exprs, figures, inherited, in_headline,
                                         published, ref_year)
        if in_headline or opens_paragraph:
            candidate = next_frame(sentence.text, exprs, figures, article_frame, anywhere=in_headline,
                                   adverbial=not in_headline)
            # A time after the publication frames nothing that was reported: it is a plan, or the
            # site's current-date header ("Thứ Bảy, ngày 29 tháng 11 năm 2026") left in the text.
            if not (published and candidate and candidate.start and candidate.start > published):
                article_frame = candidate
    return merge_mentions(facts)


def _sentence_frame(sentence: str, exprs: list[TimeExpression] | None, figures: list[tuple[int, int]], inherited: Period | None,
                    in_headline: bool, published: date | None, ref_year: int | None) -> Period | None:
    """The frame a sentence leaves to one that continues it (its time expressions read now if
    they were not yet)."""
    if exprs is None:
        exprs = time_expressions(sentence, published, ref_year)
    return next_frame(sentence, exprs, figures, inherited, anywhere=in_headline)


# "Số hộ nghèo toàn tỉnh còn 12.345", "tổng số thẻ BHYT đã cấp là 9.800": the counted noun comes
# before the figure.
_COUNT_NOUN_BEFORE = re.compile(
    rf"{W}(?:tổng\s+)?số\s+(lượt\s+(?:hộ|khách hàng|người|đối tượng)|hộ|người|thẻ|sổ|suất quà|suất|phần quà|"
    rf"đối tượng|lao động|khách hàng|nhân khẩu|căn nhà|ngôi nhà|nhà|trẻ em|học sinh){E}[^.;\d]{{0,60}}$",
    re.I,
)


# "Trong đó", "Cụ thể", "Riêng": the sentence breaks down the one before it, in its time frame.
_CONTINUES = re.compile(r"^(?:Trong đó|Trong số (?:này|đó)|Cụ thể|Riêng|Đáng chú ý|Ngoài ra|Bên cạnh đó|Đồng thời)\b", re.I)
_WHOLE_UNITS = {"household", "household_time", "person", "person_time", "card", "gift", "house"}


def _unit_named_before(text: str, sentence: Sentence, n: NumberMention, floor: int) -> str | None:
    m = _COUNT_NOUN_BEFORE.search(text, max(floor, n.start - 90), n.start)
    if not m:
        return None
    unit = _UNIT_AT.match(" " + m.group(1))
    return unit.lastgroup if unit else None


def _candidates(text: str, sentence: Sentence, nums: list[NumberMention]) -> list[_Candidate]:
    out: list[_Candidate] = []
    reading: _SentenceReading | None = None  # made for the sentence's first candidate
    for i, n in enumerate(nums):
        unit, end = unit_of(text, n)
        joined = False
        if unit is None and i + 1 < len(nums):
            nxt = nums[i + 1]
            between = text[n.end:nxt.start]
            # A fraction "16.003/80.276 hộ" or a range "5.000 - 8.000 suất quà" shares the next unit.
            if between.strip() == "/" or _RANGE_SEP.match(between):
                unit, _ = unit_of(text, nxt)
                joined = True
        if unit is None:
            unit = _unit_named_before(text, sentence, n, nums[i - 1].end if i else sentence.start)
        if unit is None:
            continue
        value = n.value
        if unit in _WHOLE_UNITS and re.fullmatch(r"\d{1,3},\d{3}", n.text.strip()):
            # "1,250 suất quà": a count is whole, so the comma is the English thousands mark.
            value = Decimal(n.text.replace(",", ""))
        reading = reading or _SentenceReading(sentence)
        out.append(_Candidate(n, sentence, unit, end, value, joined_to_next=joined, reading=reading))
    _apply_ranges(text, out)
    return out


def _apply_ranges(text: str, cands: list[_Candidate]) -> None:
    """'từ 3 đến 5 tỷ', '5.000 - 8.000 suất': two facts, at_least and less_than (facts.md)."""
    for a, b in zip(cands, cands[1:]):
        between = text[a.number.end:b.number.start]
        if not _RANGE_SEP.match(between):
            continue
        lead = text[max(0, a.number.start - 25):a.number.start]
        if "đến" in between or "tới" in between:
            if not re.search(rf"{W}từ\s*(?:khoảng\s*)?$", lead, re.I):
                continue
        if not a.number.has_scale and b.number.has_scale and not a.number.is_percent:
            a.value = a.number.value * b.number.factor
        if re.search(rf"{W}(?:khoảng|ước|chừng|tầm)\s+(?:từ\s+)?$", lead, re.I):
            a.qualifier = b.qualifier = "about"
        else:
            a.qualifier, b.qualifier = "at_least", "less_than"
        a.unit = b.unit


def _fact(
    text: str,
    c: _Candidate,
    nums: list[NumberMention],
    span_in_sentence: tuple[int, int],
    others_in_sentence: list[tuple[int, int]],
    exprs: list,
    published: date | None,
    resolver: "areas.AreaResolver",
    earlier: list[tuple[_Candidate, Fact]],
    inherited: Period | None = None,
) -> Fact | None:
    n = c.number
    clause_start, _ = _clause_bounds(text, c.sentence, n.start)
    if _is_target(text, c, clause_start):
        return None
    if c.unit == "card" and not _INSURANCE_NEAR.search(text, max(0, c.sentence.start - 400), c.sentence.end):
        return None
    prev_end = max([m.end for m in nums if m.end <= n.start], default=c.sentence.start)
    windows = _windows(text, c, nums)  # read by both classify and group_of
    change = _change(text, c, prev_end)
    level = _level_changed(text, c, earlier) if change else None
    per_unit = None if change else _per_beneficiary(text, c, prev_end)
    if c.reading.may(_MULTIPLE_BEFORE) and _MULTIPLE_BEFORE.search(text[prev_end:n.start]) and _TIMES_AFTER.match(text, c.end):
        table_metric: tuple[str, str] | None = ("other", "target_multiple")
        c.unit = "other"
    elif level is not None:
        # "dư nợ đạt 5.000 tỷ đồng, tăng 276 tỷ (4,2%) so với đầu năm": the change of that level.
        table_metric = (level.fact_table, level.metric)
        c.how = "level"
    elif per_unit is not None:
        table_metric = per_unit
        c.how = "specific"
    elif (share := _share_of_count(text, c, earlier)) is not None:
        table_metric = share
        c.how = "level"
    else:
        table_metric = classify(c, windows)
    if table_metric is None:
        return None
    fact_table, metric = table_metric
    if fact_table == "households" and c.unit == "household" and text[prev_end:n.start].strip() == "/":
        metric = "households_total"  # "16.003/80.276 hộ": the poor of all households
    if change and (fact_table != "other" or metric.endswith(("_rate", "_amount"))) and not metric.endswith(("_increase", "_reduction")):
        metric = metric + change
    if metric == "relief_rice_kg":
        c.value = c.value * _MASS_TO_KG[_MASS_AFTER.match(text, c.end).group(1).lower()]
    if c.qualifier == "exact":
        c.qualifier = _qualifier(text, n.start, prev_end, c.reading.qualifiers)
    period: Period = period_for(c.sentence.text, span_in_sentence, others_in_sentence, published, exprs, inherited)
    period_how = "publication" if not period.explicit else ("frame" if inherited is not None and period is inherited else "own")
    if published and period.explicit and period.start and period.start > published:
        return None  # a figure for a time still to come is a plan or a target, not a statistic
    period = period_of_metric(period, time_kind(metric), bool(change) or metric.endswith(("_increase", "_reduction")),
                              text[c.end:c.sentence.end])
    area, area_how = resolver.explain_at(n.start, c.end)
    group = group_of(text, c, windows, metric)
    confidence, reasons = assess(c.how or "specific", period_how, area_how, area.status, c.qualifier, published)
    return Fact(
        confidence=confidence,
        confidence_reasons=reasons,
        fact_table=fact_table,
        metric=metric,
        value=_to_number(c.value, c.unit),
        unit=c.unit,
        qualifier=c.qualifier,
        area=area.name,
        area_level=area.level,
        area_code=area.code,
        area_valid_from=area.valid_from.isoformat() if area.valid_from else None,
        area_status=area.status,
        province_code_today=area.province_code_current,
        period_start=period.start.isoformat() if period.start else None,
        period_end=period.end.isoformat() if period.end else None,
        period_basis="stated" if period.explicit else "publication_date",
        group=group,
        sentence=c.sentence.text,
        span=(n.start, c.end),
        mentions=[Mention((n.start, c.end), c.sentence.text, text[n.start:c.end])],
    )


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.005 * max(abs(a), abs(b))


def _precision(f: Fact) -> tuple[int, int]:
    """Which of two mentions of one figure to keep: an exact figure over a rounded one."""
    return (f.qualifier == "exact", len(str(f.value).rstrip("0")))


def merge_mentions(facts: list[Fact]) -> list[Fact]:
    """One figure printed several times (lead twice, title and body) becomes one fact.

    Mentions of one figure agree on what is measured and their values are within the scorer's
    0.5 %; a title may lack the group or place its body states, so a missing one does not part
    them. Two mentions with different stated periods are two facts ("5% năm 2015 ... 5% năm 2016").
    """
    merged: list[Fact] = []
    # Only facts of one table, metric and unit can merge: looking among those alone keeps a long
    # page's thousands of facts from being compared each with all the others.
    by_kind: dict[tuple, list[Fact]] = {}
    for f in facts:
        same_kind = by_kind.setdefault((f.fact_table, f.metric, f.unit), [])
        for g in same_kind:
            if (
                g.fact_table == f.fact_table and g.metric == f.metric and g.unit == f.unit
                and _compatible(g.group, f.group) and _compatible(g.area, f.area)
                and _close(g.value, f.value)
                and not (
                    g.period_basis == f.period_basis == "stated"
                    and (g.period_start, g.period_end) != (f.period_start, f.period_end)
                )
            ):
                _absorb(g, f)
                break
        else:
            merged.append(f)
            same_kind.append(f)
    for g in merged:
        g.mentions.sort(key=lambda m: m.span)
    return merged


def _compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


def _absorb(g: Fact, f: Fact) -> None:
    g.mentions.extend(f.mentions)
    if f.confidence > g.confidence:  # the clearer of two printings says how sure the figure is
        g.confidence, g.confidence_reasons = f.confidence, f.confidence_reasons
    if _precision(f) > _precision(g):
        g.value, g.qualifier = f.value, f.qualifier
        g.sentence, g.span = f.sentence, f.span
    if f.period_basis == "stated" and g.period_basis != "stated":
        g.period_start, g.period_end, g.period_basis = f.period_start, f.period_end, "stated"
    g.group = g.group or f.group
    if g.area is None and f.area is not None:
        g.area, g.area_level, g.area_code, g.area_status = f.area, f.area_level, f.area_code, f.area_status
        g.area_valid_from, g.province_code_today = f.area_valid_from, f.province_code_today
