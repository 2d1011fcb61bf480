#!/usr/bin/env python3
"""Synthetic ledgers with labelled anomalies ("worlds") for bench/quality.py.

    python3 bench/worlds.py WORLD OUT_DIR --seed N [--rows 30000] [--kinds K ...]
                            [--background]
    python3 bench/worlds.py --list

Why: the real backgrounds (bench/inject_real.py) are few and all of one or two
kinds. A world is a parameter set -- currency and scale, header language,
vendor concentration, weekend/holiday habits, history length, amount
granularity, anomaly rate -- so ledgerlens can be judged on ledgers it was not
built on. This generator is written from audit practice and from what real
exports look like, independently of ledgerlens's own demo generator (which it
does not read or imitate); every injected amount is relative to the generated
background itself (its department-account medians, its recurring bills, its
per-payment limit).

Writes
  OUT_DIR/ledger.csv      UTF-8 with BOM, a header row, then rows sorted by
                          date (and time), the injected rows among them
  OUT_DIR/labels.csv      row,kind,event,orig_row,detail -- the format of
                          bench/inject_real.py: `row` is the sheet row (header 1,
                          first record 2), only injected rows are listed,
                          `orig_row` is a duplicate's original
  OUT_DIR/meta.json       the world, the seed, kinds injected and kinds
                          skipped (with why), counts, limit, window, headers
  OUT_DIR/background.csv  (--background) the same ledger before injection, so
                          a detector's high-band share on clean data can be read

Kinds (each labelled row has exactly one):
  amount_outlier   10-30x its department-account median
  duplicate        an existing payment repeated 0-5 days later: same vendor,
                   amount, department, account, text; a new voucher/invoice
  split            one bill over the world's per-payment limit paid as 2-4 parts
                   just under it to one vendor within 0-3 days
  recurring_jump   one monthly bill 1.8-4x its usual (needs >= 3 months)
  non_working_day  a weekend/holiday payment by a department that rarely pays then
                   (Korean public holidays in KRW worlds; Jan 1, Dec 25-26 elsewhere)
  late_night       23:00-04:59 (only worlds with a time column)
  year_end         large late-December payments in a department whose December is
                   otherwise ordinary (needs >= 12 months)
  small_repeat     15-25 payments in one month to one vendor from one department
                   whose usual month has 0-2 (needs >= 3 months for a "usual")
A kind a world cannot have is skipped and said so (stderr "note:" lines, meta.json).

Background (what every world has, in its own proportions): log-normal amounts
per department x account (each department its own median and spread around
the account's), each department its own handful of vendors plus 12% from the
account's Zipf-popular long tail; monthly bills (utilities, phones, leases,
rent) to a fixed vendor on a fixed day with small drift, a yearly cycle or an
annual rent step; an ordinary December rush (three departments in four pay
~2x in the last fortnight); refunds (0.5%, the negative of an earlier payment)
and zero corrections (0.15%, not in card worlds); weekend/holiday payments
concentrated in the departments that work then (duty departments in "rare"
worlds, most departments in "routine" ones); card worlds carry a time of use
(lunch/dinner or office hours, 8% blank, one duty department at night). Some
worlds add a supermarket paid one standing price most working days, or a few
distributors that take most payments. Amounts are rounded to the world's
unit. Calendars: Korean public holidays (bench/inject_real.py's table) for
KRW worlds; weekends plus Jan 1 and Dec 25-26 for GBP/USD/EUR worlds.

Deterministic for a given world, seed, --rows and --kinds (Python's own
random.Random seeded with a string).
"""

import argparse
import bisect
import csv
import dataclasses
import datetime as dt
import json
import math
import os
import random
import statistics
import sys

sys.dont_write_bytecode = True  # no bench/__pycache__ from importing inject_real
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from inject_real import KR_HOLIDAYS as _KR_2022_2026  # noqa: E402

# 2021-12 is the only 2021 month a shipped world uses; its one holiday
# (Christmas) falls on a Saturday, but it is listed so the calendar is exact.
KR_HOLIDAYS = set(_KR_2022_2026) | {dt.date(2021, 12, 25)}
WEST_HOLIDAYS = {(1, 1), (12, 25), (12, 26)}  # fixed-date closures in GBP/USD/EUR worlds

ALL_KINDS = ["amount_outlier", "duplicate", "split", "recurring_jump", "non_working_day",
             "late_night", "year_end", "small_repeat"]

# ------------------------------------------------------------------ catalogs


@dataclasses.dataclass(frozen=True)
class Spend:
    """A kind of ordinary spending: account label, vendor family, size, spread."""
    account: str
    vendor_kind: str
    median: float
    sigma: float
    weight: float
    texts: tuple
    when: str = "day"  # card worlds: "meal" (lunch/dinner) or "day" (office hours)


@dataclasses.dataclass(frozen=True)
class Bill:
    """A monthly recurring bill (utilities, rent, leases) with small drift."""
    account: str
    vendors: tuple
    median: float
    spread: float      # between departments (log sd)
    share: float       # share of departments that have it
    day: int           # usual day of the month
    text: str
    drift: float = 0.0     # per month
    seasonal: float = 0.0  # amplitude of a yearly cycle (heating/cooling)
    noise: float = 0.02
    step: float = 0.0      # yearly increase (rent)


KR_TOPICS = ["청년일자리", "도시재생", "복지사각지대", "탄소중립", "구민축제", "민원처리", "예산편성",
             "안전점검", "골목상권", "평생학습", "주민자치", "재난대응", "보건사업", "교통정책"]
EN_TOPICS = ["safeguarding", "highways", "recycling", "budget", "planning", "youth services",
             "library", "digital", "housing", "public health", "procurement", "estates"]

CATALOGS = {
    # ERP budget execution of a Korean local government (집행금액 in 원).
    "kr_erp": dict(
        headers=dict(voucher="전표번호", date="집행일자", dept="부서명", account="계정과목",
                     vendor="거래처", text="적요", amount="집행금액"),
        topics=KR_TOPICS,
        spends=[
            Spend("사무관리비", "supplies", 180_000, 0.9, 14,
                  ("사무용품 구입", "복사용지 구입", "프린터 토너 구입", "{m}월 소모품 구입")),
            Spend("업무추진비", "restaurant", 250_000, 0.6, 12,
                  ("{topic} 업무협의 간담회", "유관기관 간담회", "직원 격려 간담회")),
            Spend("국내여비", "travel", 120_000, 0.7, 10,
                  ("{m}월 관내출장 여비", "출장 교통비", "{topic} 관련 출장")),
            Spend("일반용역비", "services", 6_500_000, 1.0, 6,
                  ("{topic} 용역", "{topic} 위탁운영비", "{topic} 시스템 유지보수")),
            Spend("시설장비유지비", "facility", 2_200_000, 1.0, 7,
                  ("청사 시설 보수", "냉난방기 수리", "{topic} 시설 유지보수")),
            Spend("재료비", "supplies2", 900_000, 0.9, 7, ("{topic} 재료 구입", "행사 물품 구입")),
            Spend("행사운영비", "events", 3_000_000, 0.9, 5, ("{topic} 행사 운영", "{topic} 홍보물 제작")),
            Spend("교육훈련비", "training", 450_000, 0.7, 4, ("직원 {topic} 교육", "직무교육 수강료")),
            Spend("자산취득비", "equipment", 7_000_000, 1.1, 3,
                  ("업무용 PC 구입", "{topic} 장비 구입", "사무용 가구 구입")),
            Spend("우편료", "post", 35_000, 0.8, 8, ("등기우편 발송", "{m}월 우편요금", "민원서류 발송")),
        ],
        bills=[
            Bill("공공요금및제세", ("한국전력공사",), 1_600_000, 0.6, 0.9, 20, "{y}년 {m}월 전기요금",
                 drift=0.004, seasonal=0.12),
            Bill("공공요금및제세", ("서울특별시 서부수도사업소", "서울특별시 중부수도사업소"), 380_000, 0.5,
                 0.6, 25, "{m}월 상하수도요금", seasonal=0.05),
            Bill("공공요금및제세", ("(주)케이티", "에스케이브로드밴드(주)"), 220_000, 0.5, 0.9, 15,
                 "{m}월 통신요금"),
            Bill("임차료", ("신도리코(주)", "롯데렌탈(주)"), 165_000, 0.3, 0.7, 10, "{m}월 복합기 임차료",
                 noise=0.0),
            Bill("임차료", ("(주)한결개발", "대성빌딩관리(주)"), 5_500_000, 0.5, 0.25, 1,
                 "{m}월 사무실 임차료", noise=0.0, step=0.03),
        ],
        supermarket=("재료비", "하나로마트 {branch}점", "직원 휴게실 다과 구입"),
        depts="kr",
    ),
    # 업무추진비 card records (사용금액 in 원, with a time of use).
    "kr_card": dict(
        headers=dict(date="사용일", time="사용시간", dept="부서명", vendor="사용장소", text="사용목적",
                     amount="사용금액", account="비목"),
        topics=KR_TOPICS,
        card_accounts=("기관운영", "시책추진", "부서운영"),
        spends=[
            Spend("(비목)", "restaurant", 120_000, 0.65, 55,
                  ("{topic} 관련 간담회", "업무협의 간담회", "직원 격려 급식", "{topic} 추진 관계자 간담회"),
                  when="meal"),
            Spend("(비목)", "cafe", 18_000, 0.6, 15, ("업무협의 다과", "회의 음료 구입", "{topic} 회의 다과")),
            Spend("(비목)", "mart", 45_000, 0.8, 10, ("회의용 다과 구입", "행사 물품 구입", "생수 구입")),
            Spend("(비목)", "gift", 60_000, 0.5, 6, ("{topic} 유관기관 방문 기념품", "경조사 화환", "격려 물품 구입")),
            Spend("(비목)", "bakery", 80_000, 0.5, 4, ("{topic} 회의 떡 구입", "직원 격려 간식")),
        ],
        bills=[
            Bill("부서운영", ("조선일보 마포지국", "한겨레신문 서부지국", "지역신문 구독센터"), 20_000, 0.2, 0.5, 5,
                 "{m}월 신문 구독료", noise=0.0),
            Bill("부서운영", ("코웨이(주)", "청호나이스(주)"), 33_000, 0.15, 0.5, 25, "{m}월 정수기 렌탈료",
                 noise=0.0),
        ],
        supermarket=("부서운영", "하나로마트 {branch}점", "직원 휴게실 생수 및 다과 구입"),
        depts="kr",
    ),
    # Purchase-card / small-spend ledger of a public body (two decimals).
    "en_pcard": dict(
        headers=dict(date="Transaction Date", dept="Cost Centre", account="Expense Type",
                     vendor="Merchant Name", text="Description", amount="Amount", currency="Currency"),
        topics=EN_TOPICS,
        spends=[
            Spend("Subsistence", "restaurant", 18, 0.7, 14,
                  ("Working lunch", "Subsistence - {topic} visit", "Refreshments for meeting")),
            Spend("Travel - Rail", "travel", 65, 0.7, 10,
                  ("Rail fare - {topic} visit", "Train tickets - conference")),
            Spend("Travel - Accommodation", "hotel", 110, 0.5, 5,
                  ("Hotel - {topic} conference", "Overnight stay")),
            Spend("Stationery", "supplies", 45, 0.9, 14,
                  ("Stationery order", "Printer toner", "Office supplies")),
            Spend("Catering", "catering", 160, 0.8, 8,
                  ("Catering for {topic} event", "Buffet - {topic} workshop")),
            Spend("Training", "training", 380, 0.8, 5, ("Course fee - {topic}", "Conference registration")),
            Spend("Equipment", "equipment", 240, 1.0, 8,
                  ("Equipment for {topic} team", "Tools and consumables")),
            Spend("IT Hardware", "it", 650, 0.9, 4, ("Laptop dock and monitors", "Replacement laptop")),
            Spend("Furniture", "furniture", 850, 0.9, 2, ("Office chairs", "Desk for {topic} team")),
            Spend("Repairs & Maintenance", "facility", 320, 1.0, 7,
                  ("Repair - {topic} site", "Lock replacement")),
            Spend("Postage", "post", 12, 0.8, 6, ("Recorded delivery", "Postage - {topic} letters")),
            Spend("Books & Publications", "books", 35, 0.6, 4, ("Reference books", "Journal article")),
        ],
        bills=[
            Bill("Subscriptions", ("Microsoft", "Adobe Systems"), 45, 0.4, 0.6, 3,
                 "Software subscription {mon} {y}", noise=0.0),
            Bill("Telephone", ("Vodafone Business", "BT Business"), 95, 0.5, 0.8, 12,
                 "Mobile phones {mon} {y}", noise=0.03),
            Bill("Utilities - Electricity", ("EDF Energy", "British Gas Business"), 1_100, 0.6, 0.5, 18,
                 "Electricity {mon} {y}", drift=0.003, seasonal=0.15),
            Bill("Utilities - Water", ("Thames Water", "Anglian Water"), 160, 0.4, 0.4, 22, "Water {mon} {y}",
                 seasonal=0.05),
        ],
        supermarket=("Catering", "{chain}", "Milk and refreshments for staff room"),
        depts="en_council",
    ),
    # Accounts-payable vendor payments (two decimals, larger bills).
    "en_ap": dict(
        headers=dict(date="Transaction Date", dept="Cost Centre", account="Expense Type",
                     vendor="Merchant Name", text="Description", amount="Amount", currency="Currency"),
        topics=EN_TOPICS,
        spends=[
            Spend("Professional Services", "services", 6_000, 1.0, 8,
                  ("Consultancy - {topic}", "Advisory fees")),
            Spend("Supplies", "supplies", 900, 1.0, 16, ("Consumables", "Supplies - {topic}", "Stock order")),
            Spend("Maintenance & Repairs", "facility", 1_800, 1.0, 10,
                  ("Reactive repair", "Planned maintenance")),
            Spend("Freight & Courier", "courier", 240, 0.8, 10, ("Courier", "Freight - {topic} delivery")),
            Spend("Software & Licences", "it", 2_500, 1.1, 4, ("Licence renewal", "Software - {topic}")),
            Spend("Equipment", "equipment", 3_500, 1.0, 5, ("Equipment purchase", "Equipment - {topic}")),
            Spend("Catering Supplies", "catering", 420, 0.7, 8, ("Catering supplies", "Kitchen provisions")),
            Spend("Cleaning Services", "cleaning", 1_500, 0.6, 6, ("Cleaning - {topic} site", "Deep clean")),
            Spend("Agency Staff", "agency", 2_800, 0.7, 8, ("Agency staff week {week}", "Locum cover")),
            Spend("Travel & Expenses", "travel", 300, 0.8, 6, ("Travel - {topic}", "Mileage and parking")),
        ],
        bills=[
            Bill("Rent", ("Meridian Property Holdings", "Granite Estates"), 18_000, 0.5, 0.3, 1,
                 "Rent {mon} {y}", noise=0.0, step=0.03),
            Bill("Utilities - Electricity", ("Union Power", "Northgrid Energy"), 4_200, 0.6, 0.8, 18,
                 "Electricity {mon} {y}", drift=0.003, seasonal=0.15),
            Bill("Utilities - Gas", ("Heritage Gas", "Sterling Gas Supply"), 2_100, 0.6, 0.5, 20,
                 "Gas {mon} {y}", seasonal=0.25),
            Bill("Telephone", ("Beacon Telecom", "Summit Communications"), 650, 0.5, 0.8, 12,
                 "Telephony {mon} {y}", noise=0.03),
            Bill("Waste Collection", ("Kestrel Waste Services",), 900, 0.4, 0.5, 8,
                 "Waste collection {mon} {y}", noise=0.01),
            Bill("Equipment Lease", ("Pioneer Leasing", "Falcon Asset Finance"), 1_200, 0.4, 0.4, 5,
                 "Lease {mon} {y}", noise=0.0),
        ],
        supermarket=("Catering Supplies", "{chain}", "Milk, tea and coffee"),
        depts="en_trust",
    ),
}

# ------------------------------------------------------------------- names

KR_DEPTS = ["총무과", "기획예산과", "재무과", "세무1과", "세무2과", "민원여권과", "복지정책과", "노인장애인과",
            "아동청소년과", "여성가족과", "일자리경제과", "문화체육과", "관광진흥과", "교육지원과", "환경과",
            "청소행정과", "공원녹지과", "도시계획과", "건축과", "주택과", "도로과", "치수과", "교통행정과",
            "주차관리과", "보건행정과", "건강증진과", "재난안전과", "감사담당관", "홍보담당관", "정보통신과",
            "자치행정과", "토지관리과", "지역개발과", "위생과", "의약과", "부동산정보과", "평생학습과",
            "체육시설관리소", "합정동주민센터", "망원1동주민센터", "서교동주민센터", "성산2동주민센터"]
EN_COUNCIL = ["Adult Social Care", "Children's Services", "Highways", "Waste & Recycling", "Libraries",
              "Leisure Centres", "Planning", "Housing", "Finance", "HR", "ICT", "Legal Services", "Parks",
              "Public Health", "Democratic Services", "Trading Standards", "Environmental Health",
              "Schools - Primary", "Facilities Management", "Customer Services", "Registrars",
              "Building Control", "Economic Development", "Transport", "Museums", "Youth Offending",
              "Emergency Planning", "Procurement", "Revenues & Benefits", "Community Safety",
              "Adult Learning", "Coroner", "Electoral Services", "Early Years", "Fostering",
              "Street Lighting", "Cemeteries", "Markets", "Car Parks", "Archives"]
EN_TRUST = ["Estates", "Catering", "Pharmacy", "Radiology", "Pathology", "Theatres", "Outpatients",
            "Emergency Department", "Maternity", "Ward 3", "Ward 7", "Ward 12", "Critical Care",
            "Physiotherapy", "Medical Records", "IT Services", "Finance", "HR", "Procurement",
            "Facilities", "Portering", "Laundry", "Security", "Community Nursing", "Dental",
            "Oncology", "Cardiology", "Renal Unit", "Paediatrics", "Occupational Health"]
EN_CORP = ["Operations", "Sales", "Marketing", "Finance", "Legal", "IT", "HR", "Facilities", "Logistics",
           "Customer Support", "R&D", "Procurement", "Plant 1", "Plant 2", "Warehouse East",
           "Warehouse West", "Quality", "Engineering", "Field Service", "Executive Office"]
DEPT_NAMES = {"kr": KR_DEPTS, "en_council": EN_COUNCIL, "en_trust": EN_TRUST, "en_corp": EN_CORP}

KR_STEMS = ["한빛", "대성", "우리", "동방", "미래", "세종", "청솔", "푸른", "금강", "삼정", "태양", "새한", "나래",
            "보람", "다온", "가온", "한결", "은하", "서진", "정우", "명성", "해오름", "솔빛", "누리", "한마음",
            "초록", "새봄", "바른", "큰별", "온누리", "참좋은", "하늘", "백두", "서광", "신흥", "진성", "영진"]
KR_BRANCH = ["마포", "서교", "합정", "망원", "연남", "공덕", "신촌", "아현", "상암", "성산", "도화", "용강"]
KR_SUFFIX = {
    "supplies": ["(주){s}오피스", "{s}문구", "(주){s}상사"],
    "supplies2": ["{s}산업(주)", "(주){s}유통"],
    "restaurant": ["{s}식당", "{s}한정식", "{s}갈비", "{s}국밥", "{s}횟집", "{s}칼국수", "{s}중화요리", "{s}한우",
                   "{s} 순대국 {b}점"],
    "cafe": ["카페 {s}", "{s}커피 {b}점", "스타벅스 {b}점", "이디야커피 {b}점"],
    "mart": ["{s}마트", "GS25 {b}점", "CU {b}{n}호점", "이마트24 {b}점"],
    "gift": ["{s}꽃집", "{s}플라워", "{s}기념품"],
    "bakery": ["{s}떡집", "{s}제과", "파리바게뜨 {b}점"],
    "travel": ["한국철도공사", "{s}고속", "(주){s}여행사", "{s}택시"],
    "services": ["(주){s}컨설팅", "{s}엔지니어링(주)", "(주){s}시스템", "{s}기술(주)"],
    "facility": ["{s}건설(주)", "{s}설비", "(주){s}전기", "{s}환경(주)"],
    "distributor": ["{s}유통(주)", "(주){s}종합상사"],
    "events": ["(주){s}기획", "{s}이벤트", "(주){s}커뮤니케이션"],
    "training": ["{s}교육원", "(사){s}연수원"],
    "equipment": ["(주){s}전자", "{s}정보통신(주)", "{s}가구"],
    "post": ["우정사업본부 {b}우체국", "{b}우체국"],
}
EN_STEMS = ["North", "West", "Albion", "Crown", "Riverside", "Oak", "Summit", "Kestrel", "Harbour",
            "Beacon", "Meridian", "Pioneer", "Sterling", "Union", "Victoria", "Lakeside", "Granite",
            "Falcon", "Orchard", "Heritage", "Ashford", "Bramley", "Cobalt", "Dunmore", "Everett",
            "Fairview", "Glenwood", "Hawthorn", "Ivy", "Juniper", "Kingsway", "Larch", "Marlow"]
EN_PLACES = ["Street", "Park", "Bridge", "Green", "Hill", "Lane", "Square", "Road", "Gate", "Field",
             "Vale", "Cross"]
EN_KIND = {
    "restaurant": ["{s} Cafe", "{s} Kitchen", "{s} Deli", "{s} Sandwich Bar"],
    "travel": ["{s} Rail", "{s} Travel", "{s} Taxis"],
    "hotel": ["{s} Hotel", "{s} Lodge", "{s} Inn"],
    "supplies": ["{s} Office Supplies", "{s} Stationers", "{s} Supplies"],
    "catering": ["{s} Catering", "{s} Foods", "{s} Provisions"],
    "training": ["{s} Training", "{s} Academy", "{s} Learning"],
    "equipment": ["{s} Equipment", "{s} Tools", "{s} Hire"],
    "it": ["{s} Digital", "{s} Computing", "{s} IT Solutions"],
    "furniture": ["{s} Furniture", "{s} Interiors"],
    "facility": ["{s} Maintenance", "{s} Building Services", "{s} Engineering"],
    "post": ["{s} Post", "{s} Couriers"],
    "books": ["{s} Books", "{s} Publishing"],
    "services": ["{s} Consulting", "{s} Advisory", "{s} Partners"],
    "courier": ["{s} Logistics", "{s} Express", "{s} Freight"],
    "cleaning": ["{s} Cleaning", "{s} Hygiene"],
    "distributor": ["{s} Distribution", "{s} Wholesale", "{s} Trading"],
    "agency": ["{s} Recruitment", "{s} Staffing", "{s} Healthcare Staffing"],
}
EN_LEGAL = {"GBP": ["Ltd", "Limited", "plc", "& Co"], "USD": ["Inc", "LLC", "Corp", "Co"],
            "EUR": ["GmbH", "BV", "SAS", "S.r.l."]}
CHAINS = {"GBP": "Tesco Express", "USD": "Costco Wholesale", "EUR": "Carrefour Market"}
MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# -------------------------------------------------------------------- worlds


@dataclasses.dataclass(frozen=True)
class World:
    """One synthetic institution. Every field is a habit a real ledger has."""
    name: str
    about: str
    catalog: str          # key of CATALOGS (headers, accounts, bills, names)
    currency: str         # KRW (whole won, Korean calendar) or GBP/USD/EUR (two decimals)
    unit: float           # amount granularity: 10 or 100 won, 10,000 won, 0.01 or 1.00
    end: tuple            # last month (year, month); nothing after today
    months: int           # history length
    depts: int
    vendors: int          # ordinary vendors across all accounts
    zipf: float           # vendor popularity exponent (high = a few vendors take most)
    weekend: float        # share of rows on weekends/holidays
    rate: float           # share of rows injected
    limit: float          # per-payment limit that splits dodge
    scale: float = 1.0    # multiplies the catalog's medians
    supermarket: bool = False   # a vendor paid the same price several times a week
    rush: float = 0.75    # share of departments with the ordinary December rush
    invoice: bool = False  # an "Invoice Number" column (accounts-payable exports)
    anchors: int = 0      # a few distributors paid across every account ...
    anchor_share: float = 0.0  # ... taking this share of ordinary payments
    dept_names: str = ""  # overrides the catalog's department list

    @property
    def decimals(self):
        return 0 if self.currency == "KRW" else 2


WORLDS = {w.name: w for w in [
    World("kr-city-erp", "Korean city office ERP, exact won, 36 months, rare holidays, 1%",
          catalog="kr_erp", currency="KRW", unit=10, end=(2026, 11), months=36, depts=24,
          vendors=900, zipf=1.0, weekend=0.003, rate=0.01, limit=20_000_000),
    World("kr-agency-10k", "Korean facilities agency, amounts rounded to 10,000원, 60 months, "
          "pays on weekends routinely (~4%), 3%",
          catalog="kr_erp", currency="KRW", unit=10_000, end=(2026, 11), months=60, depts=16,
          vendors=500, zipf=1.1, weekend=0.04, rate=0.03, limit=20_000_000, scale=1.3),
    World("kr-card-upchu", "Korean 업무추진비 card records with times, 24 months, a mart paid the "
          "same price several times a week, 1.5%",
          catalog="kr_card", currency="KRW", unit=100, end=(2026, 11), months=24, depts=30,
          vendors=1500, zipf=0.9, weekend=0.008, rate=0.015, limit=500_000, supermarket=True),
    World("kr-card-short", "Korean card records, 3 months only, a welfare centre open at weekends "
          "(~4%), 0.5%",
          catalog="kr_card", currency="KRW", unit=100, end=(2026, 11), months=3, depts=14,
          vendors=700, zipf=0.9, weekend=0.04, rate=0.005, limit=500_000),
    World("uk-council-pcard", "UK council purchase cards, exact pence, 12 months, long tail of "
          "merchants, 0.3%",
          catalog="en_pcard", currency="GBP", unit=0.01, end=(2026, 11), months=12, depts=40,
          vendors=2500, zipf=0.7, weekend=0.004, rate=0.003, limit=5_000),
    World("uk-trust-pounds", "UK health trust payments in whole pounds, 60 months, open 7 days "
          "(~4% weekend rows), 2%",
          catalog="en_ap", currency="GBP", unit=1.0, end=(2026, 11), months=60, depts=24,
          vendors=400, zipf=1.0, weekend=0.04, rate=0.02, limit=10_000),
    World("us-ap-concentrated", "US accounts payable, 1 month, a few vendors take most payments, 1%",
          catalog="en_ap", currency="USD", unit=0.01, end=(2026, 11), months=1, depts=12,
          vendors=60, zipf=1.6, weekend=0.002, rate=0.01, limit=10_000, invoice=True,
          anchors=4, anchor_share=0.6, dept_names="en_corp"),
    World("eu-longtail-6m", "EU agency purchase cards, 6 months, very long tail of merchants, a "
          "supermarket paid the same price several times a week, 2%",
          catalog="en_pcard", currency="EUR", unit=0.01, end=(2026, 11), months=6, depts=30,
          vendors=4000, zipf=0.6, weekend=0.005, rate=0.02, limit=5_000, scale=1.15,
          supermarket=True),
]}

# ------------------------------------------------------------------ calendar


class Calendar:
    """The world's days: which are working days, and samplers over them."""

    def __init__(self, world):
        self.kr = world.currency == "KRW"
        y, m = world.end
        last = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1))
        k = y * 12 + (m - 1) - (world.months - 1)
        self.start = dt.date(k // 12, k % 12 + 1, 1)
        self.end = last
        self.days = [self.start + dt.timedelta(days=i) for i in range((last - self.start).days + 1)]
        self.month_keys = sorted({(d.year, d.month) for d in self.days})

    def holiday(self, d):
        return d in KR_HOLIDAYS if self.kr else (d.month, d.day) in WEST_HOLIDAYS

    def working(self, d):
        return d.weekday() < 5 and not self.holiday(d)

    def next_working(self, d):
        while not self.working(d):
            d += dt.timedelta(days=1)
        return d

    def late_december(self, d):
        return d.month == 12 and d.day >= 16


class Sampler:
    """Draws from a fixed weighted list in O(log n) (cumulative weights)."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cum = []
        t = 0.0
        for w in weights:
            t += w
            self.cum.append(t)
        self.total = t

    def draw(self, rng):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]

    def __bool__(self):
        return bool(self.items) and self.total > 0


def zipf_weights(n, s):
    return [1.0 / (i + 1) ** s for i in range(n)]


# ----------------------------------------------------------------------- rows


class Row:
    """One ledger line. `origin` says what made it (ordinary, bill, mart,
    refund, zero, or an injected kind) so the injector picks donors honestly.
    The text is kept as a template and a topic, so a row moved to another
    date by the injector says that date's month ("3월 전기요금")."""
    __slots__ = ("date", "time", "dept", "account", "vendor", "tmpl", "topic", "amount", "origin",
                 "series", "kind", "event", "detail", "orig", "tb", "voucher")

    def __init__(self, date, dept, account, vendor, tmpl, topic, amount, origin, time=None,
                 series=None):
        self.date, self.time, self.dept, self.account = date, time, dept, account
        self.vendor, self.tmpl, self.topic = vendor, tmpl, topic
        self.amount, self.origin, self.series = amount, origin, series
        self.kind = self.event = self.detail = self.orig = self.voucher = None
        self.tb = 0.0

    @property
    def text(self):
        d = self.date
        return self.tmpl.format(m=d.month, y=d.year, mon=MONTHS_EN[d.month - 1], topic=self.topic,
                                week=d.isocalendar()[1])

    def copy(self):
        return Row(self.date, self.dept, self.account, self.vendor, self.tmpl, self.topic, self.amount,
                   self.origin, self.time, self.series)


class Dept:
    """A department: size, weekend habit, December rush, and its spending cells."""

    def __init__(self, name, weight):
        self.name, self.weight = name, weight
        self.off_p = 0.001    # probability a row falls on a non-working day
        self.rush = True
        self.night = False    # card worlds: a duty department with routine late use
        self.cells = {}       # spend index -> (median, sigma, Sampler over vendors)
        self.spend = None     # Sampler over spend indexes
        self.card_account = None  # Sampler over 비목 (card worlds)


# ----------------------------------------------------------------- background


class Background:
    """Generates the clean ledger of a world: ordinary spending (log-normal
    per department x account), monthly bills with drift, a supermarket habit,
    an ordinary December rush, refunds and zero lines."""

    def __init__(self, world, rng, n_rows):
        self.w, self.rng = world, rng
        self.cat = CATALOGS[world.catalog]
        self.cal = Calendar(world)
        self.has_time = "time" in self.cat["headers"]
        self.rows = []
        self.month_factor = {k: rng.uniform(0.85, 1.15) for k in self.cal.month_keys}
        self._vendor_names = set()
        self._make_vendors()
        self._make_depts()
        self._make_day_samplers()
        self.bills()
        if world.supermarket:
            self.supermarket()
        n_fixed = len(self.rows)
        n_refund = round(0.005 * n_rows)
        n_zero = 0 if self.has_time else round(0.0015 * n_rows)
        n_ord = max(100, n_rows - n_fixed - n_refund - n_zero)
        self.ordinary(n_ord)
        self.refunds(n_refund)
        self.zeros(n_zero)

    # names ---------------------------------------------------------------
    def vendor_name(self, kind):
        """A new, unique vendor name of this family in the world's language."""
        rng = self.rng
        for attempt in range(200):
            if self.w.currency == "KRW":
                pats = KR_SUFFIX.get(kind, ["(주){s}"])
                stem = rng.choice(KR_STEMS)
                if rng.random() < 0.5:
                    stem = rng.choice(KR_BRANCH) + stem
                name = rng.choice(pats).format(s=stem, b=rng.choice(KR_BRANCH), n=rng.randint(1, 9))
            else:
                pats = EN_KIND.get(kind, ["{s} Services"])
                stem = rng.choice(EN_STEMS)
                if rng.random() < 0.5:
                    stem += " " + rng.choice(EN_PLACES)
                name = rng.choice(pats).format(s=stem)
                if rng.random() < 0.6:
                    name += " " + rng.choice(EN_LEGAL[self.w.currency])
            if attempt > 20:
                name += f" {attempt}"
            if name not in self._vendor_names:
                self._vendor_names.add(name)
                return name
        raise RuntimeError("vendor names exhausted")

    def topic(self):
        return self.rng.choice(self.cat["topics"])

    # structure -----------------------------------------------------------
    def _make_vendors(self):
        """A vendor pool per spend kind, sized by the kind's weight; popularity
        follows a Zipf law whose exponent is the world's concentration."""
        spends = self.cat["spends"]
        tot = sum(s.weight for s in spends)
        self.pools = []
        for s in spends:
            n = max(2, round(self.w.vendors * s.weight / tot))
            names = [self.vendor_name(s.vendor_kind) for _ in range(n)]
            self.pools.append(Sampler(names, zipf_weights(n, self.w.zipf)))
        a = [self.vendor_name("distributor") for _ in range(self.w.anchors)]
        self.anchors = Sampler(a, zipf_weights(len(a), 1.0))

    def _make_depts(self):
        """Departments with their own size, spending mix, vendor habits,
        weekend habit and December rush."""
        rng, w = self.rng, self.w
        names = list(DEPT_NAMES[self.w.dept_names or self.cat["depts"]])
        rng.shuffle(names)
        while len(names) < w.depts:
            names.append(f"{names[len(names) % 10]} {len(names) // 10 + 1}")
        self.depts = [Dept(n, rng.lognormvariate(0, 0.6)) for n in names[:w.depts]]
        spends = self.cat["spends"]
        for d in self.depts:
            idx = [i for i in range(len(spends)) if rng.random() < 0.75] or [0, 1, 2]
            if len(idx) < 3:
                idx = sorted(set(idx) | set(rng.sample(range(len(spends)), 3)))
            d.spend = Sampler(idx, [spends[i].weight * rng.lognormvariate(0, 0.7) for i in idx])
            for i in idx:
                s = spends[i]
                med = s.median * w.scale * rng.lognormvariate(0, 0.35)
                sig = s.sigma * rng.uniform(0.75, 1.3)
                pool = self.pools[i]
                k = min(len(pool.items), 2 + int(rng.expovariate(1 / 6)))
                own = []
                while len(own) < k:
                    v = pool.draw(rng)
                    if v not in own:
                        own.append(v)
                d.cells[i] = (med, sig, Sampler(own, zipf_weights(k, w.zipf)))
            if "card_accounts" in self.cat:
                accs = list(self.cat["card_accounts"])
                rng.shuffle(accs)
                d.card_account = Sampler(accs, [0.65, 0.25, 0.10])
        # Weekend habit: routine worlds have most departments open at weekends,
        # rare worlds a few duty departments; everyone else almost never.
        share_open = 0.6 if w.weekend >= 0.02 else 0.12
        order = list(self.depts)
        rng.shuffle(order)
        n_open = max(1, round(share_open * len(order)))
        open_ = order[:n_open]
        open_weight = sum(d.weight for d in open_) / sum(d.weight for d in self.depts)
        p_open = min(0.25, max(0.0, w.weekend - 0.001) / open_weight)
        for d in open_:
            d.off_p = p_open
        if self.has_time:
            open_[0].night = True
        # The December rush: most departments spend ~2x in the last fortnight.
        for d in self.depts:
            d.rush = rng.random() < w.rush

    def _make_day_samplers(self):
        cal, mf = self.cal, self.month_factor
        work = [d for d in cal.days if cal.working(d)]
        off = [d for d in cal.days if not cal.working(d)]
        self.work_plain = Sampler(work, [mf[(d.year, d.month)] for d in work])
        self.work_rush = Sampler(work, [mf[(d.year, d.month)] * (2.0 if cal.late_december(d) else 1.0)
                                        for d in work])
        self.off_days = Sampler(off, [mf[(d.year, d.month)] for d in off])

    # amounts and times ---------------------------------------------------
    def round_amount(self, x, floor=False):
        u = self.w.unit
        q = (math.floor(x / u) if floor else round(x / u)) * u
        q = max(u, q)
        return round(q, 2) if self.w.decimals else float(int(q))

    def usual_time(self, when):
        """Minutes since midnight of an ordinary card use; None for an empty
        cell (exports leave some times blank)."""
        rng = self.rng
        if rng.random() < 0.08:
            return None
        if when == "meal":
            if rng.random() < 0.5:
                return rng.randint(11 * 60 + 20, 13 * 60 + 30)
            return rng.randint(17 * 60 + 50, 21 * 60 + 30)
        return rng.randint(9 * 60, 18 * 60)

    # generators -----------------------------------------------------------
    def bills(self):
        """Monthly recurring bills: fixed vendor and day, small drift,
        optional yearly cycle or annual rent step; paid on the next working day."""
        rng, cal = self.rng, self.cal
        sid = 0
        for d in self.depts:
            for b in self.cat["bills"]:
                if rng.random() >= b.share:
                    continue
                sid += 1
                vendor = rng.choice(b.vendors)
                base = b.median * self.w.scale * rng.lognormvariate(0, b.spread)
                day = min(28, max(1, b.day + rng.randint(-2, 2)))
                for i, (y, m) in enumerate(cal.month_keys):
                    when = cal.next_working(dt.date(y, m, day))
                    if when > cal.end:
                        continue
                    a = base * (1 + b.drift) ** i * (1 + b.step) ** (i // 12)
                    a *= 1 + b.seasonal * math.cos(2 * math.pi * (m - 1) / 12)
                    a *= 1 + rng.gauss(0, b.noise)
                    t = rng.randint(9 * 60, 11 * 60) if self.has_time else None
                    self.rows.append(Row(when, d.name, b.account, vendor, b.text, "",
                                         self.round_amount(a), "bill", time=t, series=sid))

    def supermarket(self):
        """Two departments buy at one supermarket at one standing price on
        most working days (~3.5 times a week): same vendor, same amount, days
        apart -- what a naive duplicate test flags all year."""
        rng, cal = self.rng, self.cal
        account, vendor_t, text = self.cat["supermarket"]
        vendor = vendor_t.format(branch=rng.choice(KR_BRANCH), chain=CHAINS.get(self.w.currency, ""))
        for d in rng.sample(self.depts, 2):
            if self.w.currency == "KRW":
                price = rng.choice([27_500, 30_000, 32_400, 35_000])
            else:
                price = round(rng.uniform(30, 70) * self.w.scale, 1)
            acc = d.card_account.items[0] if d.card_account else account
            for day in cal.days:
                if not cal.working(day) or rng.random() >= 0.7:
                    continue
                a = price if rng.random() < 0.92 else self.round_amount(price * rng.uniform(0.5, 1.6))
                t = rng.randint(8 * 60 + 30, 10 * 60) if self.has_time else None
                self.rows.append(Row(day, d.name, acc, vendor, text, "", float(a), "mart", time=t))

    def ordinary(self, n):
        """Ordinary payments: department by size, spending kind by the
        department's mix, log-normal amount for its cell, the department's own
        vendors (12% from the whole long tail; in a concentrated world first a
        share to the few anchor distributors)."""
        rng = self.rng
        spends = self.cat["spends"]
        dept_s = Sampler(self.depts, [d.weight for d in self.depts])
        for _ in range(n):
            d = dept_s.draw(rng)
            off = rng.random() < d.off_p and self.off_days
            day = (self.off_days if off else (self.work_rush if d.rush else self.work_plain)).draw(rng)
            i = d.spend.draw(rng)
            s = spends[i]
            med, sig, own = d.cells[i]
            u = rng.random()
            vendor = (self.anchors.draw(rng) if u < self.w.anchor_share else
                      self.pools[i].draw(rng) if u < self.w.anchor_share + 0.12 else own.draw(rng))
            amount = self.round_amount(med * math.exp(rng.gauss(0, sig)))
            account = d.card_account.draw(rng) if d.card_account else s.account
            t = None
            if self.has_time:
                t = self.usual_time(s.when)
                if d.night and rng.random() < 0.08:
                    t = (22 * 60 + rng.randint(0, 150)) % (24 * 60)
            self.rows.append(Row(day, d.name, account, vendor, rng.choice(s.texts), self.topic(),
                                 amount, "ordinary", time=t))

    def refunds(self, n):
        """Refunds / cancellations: the negative of an earlier ordinary payment,
        0-20 days later (cards: the same or next day)."""
        rng, cal = self.rng, self.cal
        pool = [r for r in self.rows if r.origin == "ordinary"]
        for _ in range(n):
            r0 = rng.choice(pool)
            lag = rng.randint(0, 1) if self.has_time else rng.randint(0, 20)
            day = cal.next_working(r0.date + dt.timedelta(days=lag))
            if day > cal.end:
                continue
            r = r0.copy()
            r.date, r.amount, r.origin = day, -r0.amount, "refund"
            if self.has_time:
                r.tmpl = "승인취소 " + r0.text
                r.time = None if r0.time is None else min(r0.time + rng.randint(5, 90), 22 * 60 + 59)
            else:
                r.tmpl = (r0.text + " (반납)") if self.w.currency == "KRW" else ("Refund - " + r0.text)
            self.rows.append(r)

    def zeros(self, n):
        """Zero lines: corrections that net to nothing."""
        rng = self.rng
        pool = [r for r in self.rows if r.origin == "ordinary"]
        for _ in range(n):
            r = rng.choice(pool).copy()
            r.amount, r.origin = 0.0, "zero"
            r.tmpl = "정정분" if self.w.currency == "KRW" else "Adjustment"
            self.rows.append(r)


# ------------------------------------------------------------------- injector


class Injector:
    """Adds labelled anomalies, each drawn relative to the background's own
    statistics (cell medians, bills' usual amounts, department habits)."""

    def __init__(self, bg, rng):
        self.bg, self.rng, self.w, self.cal = bg, rng, bg.w, bg.cal
        self.new = []       # injected rows (recurring_jump edits rows in place)
        self.edited = []    # background rows turned into recurring_jump
        self.used = set()   # ids of background rows already used as a donor
        self.events = 0
        self.cells = {}
        for r in bg.rows:
            if r.origin == "ordinary" and r.amount > 0:
                self.cells.setdefault((r.dept, r.account), []).append(r)
        self.median = {k: statistics.median(x.amount for x in v) for k, v in self.cells.items()}
        self.by_dept = {}
        for r in bg.rows:
            self.by_dept.setdefault(r.dept, []).append(r)
        self.off_share = {d: sum(not self.cal.working(r.date) for r in rs) / len(rs)
                          for d, rs in self.by_dept.items()}
        self.night_share = {d: sum(r.time is not None and (r.time >= 23 * 60 or r.time < 5 * 60)
                                   for r in rs) / len(rs) for d, rs in self.by_dept.items()}
        self.ordinary = [r for r in bg.rows if r.origin == "ordinary" and r.amount > 0]
        self.dept_ordinary = {}
        for r in self.ordinary:
            self.dept_ordinary.setdefault(r.dept, []).append(r)

    # helpers --------------------------------------------------------------
    def fmt(self, a):
        return f"{a:,.{self.w.decimals}f}"

    def next_event(self, kind):
        self.events += 1
        return f"{kind}-{self.events}"

    def emit(self, r, kind, detail, event=None, orig=None, new=True):
        """Label r; a new row joins the ledger, an edited one is already in it."""
        r.kind, r.detail, r.orig = kind, detail, orig
        r.event = event or self.next_event(kind)
        r.origin = kind
        (self.new if new else self.edited).append(r)

    def donor(self, pool, cond=lambda r: True, tries=300):
        """A random unused background row of pool satisfying cond, marked used."""
        for _ in range(tries):
            r = self.rng.choice(pool)
            if id(r) not in self.used and cond(r):
                self.used.add(id(r))
                return r
        return None

    def work_day(self, lo=None, hi=None):
        """A random working day in [lo, hi] (default: the whole window)."""
        lo, hi = lo or self.cal.start, hi or self.cal.end
        days = [d for d in self.cal.days if lo <= d <= hi and self.cal.working(d)]
        return self.rng.choice(days) if days else None

    def plain_time(self):
        """A daytime/meal time for an injected card row (never late)."""
        if not self.bg.has_time:
            return None
        return self.rng.choice([self.rng.randint(11 * 60 + 20, 13 * 60 + 30),
                                self.rng.randint(14 * 60, 17 * 60),
                                self.rng.randint(18 * 60, 21 * 60)])

    def big_cells(self, min_rows=20):
        return [k for k, v in self.cells.items() if len(v) >= min_rows]

    # kinds ----------------------------------------------------------------
    def amount_outlier(self, n):
        cells = self.big_cells()
        for _ in range(n):
            k = self.rng.choice(cells)
            r0 = self.donor(self.cells[k])
            if r0 is None:
                continue
            med = self.median[k]
            amt = self.bg.round_amount(med * math.exp(self.rng.uniform(math.log(10), math.log(30))))
            r = r0.copy()
            r.date, r.amount, r.time = self.work_day(), amt, self.plain_time()
            self.emit(r, "amount_outlier",
                      f"amount={self.fmt(amt)} cell_median={self.fmt(med)} x{amt / med:.1f}")

    def duplicate(self, n):
        floor = 10_000 if self.w.currency == "KRW" else 10.0
        for _ in range(n):
            r0 = self.donor(self.ordinary, lambda r: r.amount >= floor and self.cal.working(r.date))
            if r0 is None:
                continue
            offs = [o for o in range(6) if self.cal.working(r0.date + dt.timedelta(days=o))
                    and r0.date + dt.timedelta(days=o) <= self.cal.end]
            o = self.rng.choice(offs)
            r = r0.copy()
            r.tmpl = r0.text  # claimed again: the same words, even across a month end
            r.date = r0.date + dt.timedelta(days=o)
            if self.bg.has_time and r0.time is not None:
                r.time = (min(r0.time + self.rng.randint(1, 20), 22 * 60 + 59) if o == 0
                          else self.plain_time())
            self.emit(r, "duplicate", f"amount={self.fmt(r0.amount)} +{o}d", orig=r0)

    def split(self, n_events):
        L = self.w.limit
        # cells where a bill near the limit is plausible (some payments >= L/5)
        cells = [k for k in self.big_cells(10) if max(x.amount for x in self.cells[k]) >= L / 5]
        cells = cells or self.big_cells(10)
        for _ in range(n_events):
            r0 = self.donor(self.cells[self.rng.choice(cells)])
            if r0 is None:
                continue
            k = self.rng.choices([2, 3, 4], weights=[5, 3, 2])[0]
            d0 = self.work_day(hi=self.cal.end - dt.timedelta(days=3))
            offs = sorted([0] + [self.rng.randint(0, 3) for _ in range(k - 1)])
            parts = []
            for _j in range(k):
                a = self.bg.round_amount(L * self.rng.uniform(0.85, 0.995), floor=True)
                parts.append(min(a, L - self.w.unit))
            event = self.next_event("split")
            t = self.plain_time()
            for j, (o, a) in enumerate(zip(offs, parts)):
                r = r0.copy()
                day = self.cal.next_working(d0 + dt.timedelta(days=o))
                r.date, r.amount = (day if day <= self.cal.end else d0), a
                if t is not None:
                    r.time = t + 2 * j if o == offs[0] else self.plain_time()
                self.emit(r, "split", f"part {j + 1}/{k} amount={self.fmt(a)} limit={self.fmt(L)} "
                          f"total={self.fmt(sum(parts))}", event=event)

    def recurring_jump(self, n):
        series = {}
        for r in self.bg.rows:
            if r.series is not None:
                series.setdefault(r.series, []).append(r)
        ids = [s for s, rs in series.items() if len(rs) >= 3]
        self.rng.shuffle(ids)
        for s in ids[:n]:
            rs = sorted(series[s], key=lambda r: r.date)
            i = self.rng.randrange(2, len(rs))
            usual = statistics.median(r.amount for r in rs[max(0, i - 6):i])
            mult = self.rng.uniform(1.8, 4.0)
            r = rs[i]
            r.amount = self.bg.round_amount(usual * mult)
            self.emit(r, "recurring_jump", f"amount={self.fmt(r.amount)} usual={self.fmt(usual)} "
                      f"x{r.amount / usual:.1f} bill {i + 1} of {len(rs)}", new=False)

    def non_working_day(self, n):
        quiet = [d for d, s in self.off_share.items() if s <= 0.02 and len(self.by_dept[d]) >= 30]
        pool = [r for r in self.ordinary if r.dept in quiet]
        if not pool:
            return
        off = [d for d in self.cal.days if not self.cal.working(d)]
        hol = [d for d in off if d.weekday() < 5]
        wkd = [d for d in off if d.weekday() >= 5]
        # Korean worlds: a third on public holidays, as bench/inject_real.py
        # (audits look at 명절 use); elsewhere only three fixed closures are
        # known, so every off day is equally likely.
        p_hol = 1 / 3 if self.cal.kr else len(hol) / max(1, len(off))
        for _ in range(n):
            r0 = self.donor(pool)
            if r0 is None:
                continue
            src = hol if (hol and self.rng.random() < p_hol) else wkd
            day = self.rng.choice(src)
            typical = self.rng.choice(self.dept_ordinary[r0.dept])
            r = r0.copy()
            r.date, r.amount, r.time = day, typical.amount, self.plain_time()
            what = "holiday" if self.cal.holiday(day) else day.strftime("%A")
            self.emit(r, "non_working_day", f"{day.isoformat()} ({what}) dept off-day share "
                      f"{100 * self.off_share[r0.dept]:.1f}% amount={self.fmt(r.amount)}")

    def late_night(self, n):
        quiet = {d for d, s in self.night_share.items() if s <= 0.01}
        pool = [r for r in self.ordinary if r.dept in quiet]
        for _ in range(n):
            r0 = self.donor(pool)
            if r0 is None:
                continue
            t = (23 * 60 + self.rng.randrange(6 * 60)) % (24 * 60)  # 23:00 .. 04:59
            typical = self.rng.choice(self.cells[(r0.dept, r0.account)])
            r = r0.copy()
            r.date, r.time, r.amount = self.work_day(), t, typical.amount
            self.emit(r, "late_night", f"time={t // 60:02d}:{t % 60:02d} amount={self.fmt(r.amount)}")

    def year_end(self, n_events):
        decembers = sorted({d.year for d in self.cal.days if self.cal.late_december(d)})
        calm = [d for d in self.bg.depts if not d.rush]
        pairs = [(d, y) for d in calm for y in decembers]
        self.rng.shuffle(pairs)
        for dept, y in pairs[:n_events]:
            cells = [k for k in self.big_cells(10) if k[0] == dept.name]
            if not cells:
                continue
            k = self.rng.choice(cells)
            med = self.median[k]
            event = self.next_event("year_end")
            for _j in range(self.rng.randint(1, 3)):
                r0 = self.rng.choice(self.cells[k])
                r = r0.copy()
                r.date = self.work_day(dt.date(y, 12, 16), dt.date(y, 12, 31))
                r.amount = self.bg.round_amount(med * math.exp(self.rng.uniform(math.log(3), math.log(8))))
                r.time = self.plain_time()
                self.emit(r, "year_end", f"{r.date.isoformat()} amount={self.fmt(r.amount)} "
                          f"cell_median={self.fmt(med)} (department without a December rush)",
                          event=event)

    def small_repeat(self, n_events):
        months = self.cal.month_keys
        per_month = {}
        for r in self.ordinary:
            key = (r.dept, r.vendor)
            per_month.setdefault(key, {}).setdefault((r.date.year, r.date.month), []).append(r)
        pairs = [k for k, m in per_month.items()
                 if sum(len(v) for v in m.values()) >= 3 and max(len(v) for v in m.values()) <= 2]
        pairs.sort()
        self.rng.shuffle(pairs)
        for key in pairs[:n_events]:
            y, m = self.rng.choice(months[2:] or months)
            lo = dt.date(y, m, 1)
            hi = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1))
            rows = [r for v in per_month[key].values() for r in v]
            med = statistics.median(r.amount for r in rows)
            event = self.next_event("small_repeat")
            k = self.rng.randint(15, 25)
            for _j in range(k):
                r0 = self.rng.choice(rows)
                r = r0.copy()
                r.date = self.work_day(lo, min(hi, self.cal.end))
                r.amount = self.bg.round_amount(med * self.rng.uniform(0.3, 1.0))
                r.time = self.plain_time()
                self.emit(r, "small_repeat", f"{k} payments in {y}-{m:02d} to this vendor "
                          f"(usual month <= 2) amount={self.fmt(r.amount)}", event=event)


# ---------------------------------------------------------------------- plan


def plan_kinds(world, wanted, has_time):
    """(kinds to inject, {kind: why skipped}) -- skip what the world cannot have."""
    skipped = {}
    why = {
        "late_night": None if has_time else "no time column in this world",
        "recurring_jump": None if world.months >= 3 else f"{world.months} month(s) of history, needs >= 3",
        "year_end": None if world.months >= 12 else f"{world.months} month(s) of history, needs >= 12",
        "small_repeat": None if world.months >= 3 else
        f"{world.months} month(s) of history: no usual month to exceed, needs >= 3",
    }
    kinds = []
    for k in ALL_KINDS:
        if k not in wanted:
            continue
        if why.get(k):
            skipped[k] = why[k]
        else:
            kinds.append(k)
    return kinds, skipped


def inject(bg, kinds, n_inj, rng):
    """Run each kind with its share of n_inj rows (events for multi-row kinds)."""
    inj = Injector(bg, rng)
    per = max(1, round(n_inj / max(1, len(kinds))))
    events = {"split": max(1, round(per / 2.9)), "year_end": max(1, round(per / 2)),
              "small_repeat": max(1, round(per / 20))}
    for k in kinds:
        getattr(inj, k)(events.get(k, per))
    return inj


# --------------------------------------------------------------------- write


def header_and_cells(world):
    """The header row and a function turning a Row into its cells."""
    h = CATALOGS[world.catalog]["headers"]
    cols = list(h.values())
    if world.invoice:
        cols.insert(0, "Invoice Number")

    def cells(r):
        out = []
        if world.invoice:
            out.append(r.voucher)
        for field in h:
            if field == "voucher":
                out.append(r.voucher)
            elif field == "date":
                out.append(r.date.isoformat())
            elif field == "time":
                out.append("" if r.time is None else f"{r.time // 60:02d}:{r.time % 60:02d}")
            elif field == "amount":
                out.append(str(int(r.amount)) if world.decimals == 0 else f"{r.amount:.2f}")
            elif field == "currency":
                out.append(world.currency)
            else:
                out.append(getattr(r, {"dept": "dept", "account": "account", "vendor": "vendor",
                                       "text": "text"}[field]))
        return out

    return cols, cells


def order_rows(rows, rng):
    """Date order (then time), ties in a random but seeded order: exports are
    sorted by date, and an injected row must not sit at a telling position."""
    for r in rows:
        r.tb = rng.random()
    return sorted(rows, key=lambda r: (r.date, -1 if r.time is None else r.time, r.tb))


def assign_vouchers(rows, world, rng):
    """전표번호 (year-sequence) or invoice numbers; every row its own, so an
    injected duplicate carries a new one."""
    seq, seen = {}, set()
    for r in rows:
        if world.invoice:
            while True:
                v = f"INV{rng.randint(100000, 999999)}"
                if v not in seen:
                    seen.add(v)
                    break
            r.voucher = v
        else:
            seq[r.date.year] = seq.get(r.date.year, 0) + 1
            r.voucher = f"{r.date.year}-{seq[r.date.year]:06d}"


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)


def write_labels(path, rows):
    pos = {id(r): i + 2 for i, r in enumerate(rows)}
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["row", "kind", "event", "orig_row", "detail"])
        for r in rows:
            if r.kind:
                w.writerow([pos[id(r)], r.kind, r.event, pos[id(r.orig)] if r.orig else "", r.detail])


# ---------------------------------------------------------------------- main


def generate(world, seed, n_rows, wanted, out_dir, background=False):
    """Build, inject, write. Returns the metadata dict (also meta.json)."""
    has_time = "time" in CATALOGS[world.catalog]["headers"]
    kinds, skipped = plan_kinds(world, wanted, has_time)
    n_inj = max(len(kinds), round(world.rate * n_rows))
    bg = Background(world, random.Random(f"{world.name}:{seed}"), n_rows - n_inj)
    header, cells = header_and_cells(world)
    os.makedirs(out_dir, exist_ok=True)
    if background:
        clean = order_rows(list(bg.rows), random.Random(f"{world.name}:{seed}:background"))
        assign_vouchers(clean, world, random.Random(f"{world.name}:{seed}:vouchers"))
        write_csv(os.path.join(out_dir, "background.csv"), header, [cells(r) for r in clean])
    inj = inject(bg, kinds, n_inj, random.Random(f"{world.name}:{seed}:inject"))
    for k in kinds:
        if not any(r.kind == k for r in inj.new + inj.edited):
            skipped[k] = "no candidate in this background"
    rows = order_rows(bg.rows + inj.new, random.Random(f"{world.name}:{seed}:order"))
    assign_vouchers(rows, world, random.Random(f"{world.name}:{seed}:vouchers"))
    write_csv(os.path.join(out_dir, "ledger.csv"), header, [cells(r) for r in rows])
    write_labels(os.path.join(out_dir, "labels.csv"), rows)
    counts = {}
    for r in rows:
        if r.kind:
            counts[r.kind] = counts.get(r.kind, 0) + 1
    meta = dict(world=dataclasses.asdict(world), seed=seed, rows=len(rows),
                injected=sum(counts.values()), counts=counts,
                kinds=[k for k in kinds if k in counts], skipped=skipped,
                window=[bg.cal.start.isoformat(), bg.cal.end.isoformat()], headers=header,
                weekend_share=round(sum(not bg.cal.working(r.date) for r in rows) / len(rows), 4))
    with open(os.path.join(out_dir, "meta.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, ensure_ascii=False, indent=1)
    return meta


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("world", nargs="?", help="a world name (see --list)")
    ap.add_argument("out_dir", nargs="?")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rows", type=int, default=30_000, help="about this many rows (default 30,000)")
    ap.add_argument("--kinds", nargs="+", choices=ALL_KINDS, default=ALL_KINDS)
    ap.add_argument("--background", action="store_true", help="also write background.csv")
    ap.add_argument("--list", action="store_true", help="list the worlds and exit")
    args = ap.parse_args(argv)
    if args.list:
        for w in WORLDS.values():
            print(f"{w.name:20s} {w.about}")
        return
    if args.world not in WORLDS or not args.out_dir:
        ap.error(f"need WORLD OUT_DIR; worlds: {', '.join(WORLDS)}")
    world = WORLDS[args.world]
    meta = generate(world, args.seed, args.rows, args.kinds, args.out_dir, args.background)
    print(f"{world.name}: rows={meta['rows']} window={meta['window'][0]}..{meta['window'][1]} "
          f"currency={world.currency} limit={world.limit:,.0f} weekend_share={meta['weekend_share']:.3f} "
          f"injected={meta['injected']} " + " ".join(f"{k}={v}" for k, v in meta["counts"].items()),
          file=sys.stderr)
    for k, why in meta["skipped"].items():
        print(f"note: {world.name}: {k} skipped: {why}", file=sys.stderr)


if __name__ == "__main__":
    main()
