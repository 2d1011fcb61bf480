//! The vocabulary of the demo ledger: departments, accounts with their
//! typical amounts, vendor name parts and descriptions, modelled on a Korean
//! public body's budget-execution export.

pub const DEPARTMENTS: [(&str, f64); 12] = [
    ("기획조정실", 1.2),
    ("총무과", 1.6),
    ("재무과", 1.0),
    ("인사과", 0.8),
    ("정보통신과", 1.1),
    ("시설관리과", 1.3),
    ("교육지원과", 1.0),
    ("홍보담당관", 0.7),
    ("복지정책과", 1.2),
    ("환경정책과", 0.9),
    ("감사담당관", 0.5),
    ("연구개발팀", 0.9),
];

/// How an account's payments look.
#[derive(Debug, Clone, Copy)]
pub struct AccountSpec {
    pub name: &'static str,
    pub budget_item: &'static str,
    /// Median payment in won.
    pub median: f64,
    /// Spread of ln(amount).
    pub sigma: f64,
    /// Relative share of ordinary (non-recurring) payments.
    pub weight: f64,
    pub vendor_pool: usize,
    /// Vendor name stems and suffixes.
    pub suffixes: &'static [&'static str],
    pub items: &'static [&'static str],
    /// Won to round to (10 = to the ten won).
    pub rounding: f64,
    /// Share of payments made by corporate card (else transfer).
    pub card_share: f64,
}

pub const ACCOUNTS: [AccountSpec; 11] = [
    AccountSpec {
        name: "사무용품비",
        budget_item: "기본경비",
        median: 120_000.0,
        sigma: 0.7,
        weight: 14.0,
        vendor_pool: 40,
        suffixes: &["문구", "오피스", "사무기기", "오피스몰"],
        items: &["복사용지 구입", "사무용품 구입", "토너 구입", "문구류 구입", "파일철 구입"],
        rounding: 10.0,
        card_share: 0.7,
    },
    AccountSpec {
        name: "소모품비",
        budget_item: "기본경비",
        median: 230_000.0,
        sigma: 0.8,
        weight: 12.0,
        vendor_pool: 50,
        suffixes: &["상사", "유통", "마트", "산업"],
        items: &["청소용품 구입", "전산소모품 구입", "생활용품 구입", "소모성 자재 구입"],
        rounding: 10.0,
        card_share: 0.6,
    },
    AccountSpec {
        name: "업무추진비",
        budget_item: "기관운영업무추진비",
        median: 260_000.0,
        sigma: 0.55,
        weight: 12.0,
        vendor_pool: 120,
        suffixes: &["식당", "한정식", "갈비", "카페", "횟집", "국밥"],
        items: &["업무협의 간담회", "유관기관 협의", "현안 업무 간담회", "직원 격려 간담회"],
        rounding: 100.0,
        card_share: 0.95,
    },
    AccountSpec {
        name: "국내여비",
        budget_item: "기본경비",
        median: 85_000.0,
        sigma: 0.6,
        weight: 10.0,
        vendor_pool: 25,
        suffixes: &["고속", "항공", "여행사", "철도"],
        items: &["출장 교통비", "관외 출장 여비", "업무 출장비"],
        rounding: 100.0,
        card_share: 0.5,
    },
    AccountSpec {
        name: "회의비",
        budget_item: "기본경비",
        median: 170_000.0,
        sigma: 0.5,
        weight: 6.0,
        vendor_pool: 40,
        suffixes: &["케이터링", "다과", "베이커리", "도시락"],
        items: &["회의 다과 구입", "위원회 회의비", "자문회의 도시락"],
        rounding: 100.0,
        card_share: 0.9,
    },
    AccountSpec {
        name: "인쇄비",
        budget_item: "사업추진비",
        median: 600_000.0,
        sigma: 0.8,
        weight: 5.0,
        vendor_pool: 20,
        suffixes: &["인쇄", "기획", "디자인", "출판"],
        items: &["홍보물 인쇄", "책자 제작", "현수막 제작", "리플릿 인쇄"],
        rounding: 10.0,
        card_share: 0.2,
    },
    AccountSpec {
        name: "교육훈련비",
        budget_item: "인력개발비",
        median: 850_000.0,
        sigma: 0.7,
        weight: 4.0,
        vendor_pool: 25,
        suffixes: &["아카데미", "교육원", "연수원", "컨설팅"],
        items: &["직무교육 수강료", "위탁교육비", "전문교육 과정"],
        rounding: 10.0,
        card_share: 0.3,
    },
    AccountSpec {
        name: "홍보비",
        budget_item: "사업추진비",
        median: 2_800_000.0,
        sigma: 0.9,
        weight: 3.0,
        vendor_pool: 25,
        suffixes: &["애드", "미디어", "커뮤니케이션", "방송"],
        items: &["온라인 광고", "신문 광고 게재", "홍보영상 제작"],
        rounding: 10.0,
        card_share: 0.1,
    },
    AccountSpec {
        name: "시설유지비",
        budget_item: "시설관리비",
        median: 2_400_000.0,
        sigma: 1.0,
        weight: 4.0,
        vendor_pool: 30,
        suffixes: &["건설", "설비", "전기", "종합관리", "공조"],
        items: &["냉난방기 수리", "청사 보수공사", "전기설비 점검", "승강기 유지보수"],
        rounding: 10.0,
        card_share: 0.1,
    },
    AccountSpec {
        name: "용역비",
        budget_item: "사업추진비",
        median: 8_500_000.0,
        sigma: 0.8,
        weight: 3.0,
        vendor_pool: 35,
        suffixes: &["연구소", "엔지니어링", "정보기술", "컨설팅그룹"],
        items: &["연구용역 대금", "시스템 유지관리 용역", "정책 연구용역", "조사 용역"],
        rounding: 10.0,
        card_share: 0.0,
    },
    AccountSpec {
        name: "자산취득비",
        budget_item: "자산취득비",
        median: 3_800_000.0,
        sigma: 0.9,
        weight: 3.0,
        vendor_pool: 30,
        suffixes: &["시스템", "테크", "전자", "가구"],
        items: &["노트북 구입", "서버 장비 구입", "사무가구 구입", "복합기 구입"],
        rounding: 10.0,
        card_share: 0.05,
    },
];

/// Monthly bills: (account, budget item, vendors, base amount range, day of month).
pub struct RecurringSpec {
    pub account: &'static str,
    pub budget_item: &'static str,
    pub vendors: &'static [&'static str],
    pub base: (f64, f64),
    pub description: &'static str,
    /// Round the amount to this many won (a lease is a round figure).
    pub rounding: f64,
    /// Summer and winter months cost more (electricity).
    pub seasonal: bool,
}

pub const RECURRING: [RecurringSpec; 4] = [
    RecurringSpec {
        account: "통신비",
        budget_item: "기본경비",
        vendors: &["(주)케이티", "에스케이텔레콤(주)", "(주)엘지유플러스"],
        base: (250_000.0, 1_800_000.0),
        description: "전화·인터넷 요금",
        rounding: 10.0,
        seasonal: false,
    },
    RecurringSpec {
        account: "공공요금",
        budget_item: "기본경비",
        vendors: &["한국전력공사"],
        base: (900_000.0, 4_500_000.0),
        description: "전기요금",
        rounding: 10.0,
        seasonal: true,
    },
    RecurringSpec {
        account: "공공요금",
        budget_item: "기본경비",
        vendors: &["지역상수도사업소"],
        base: (120_000.0, 600_000.0),
        description: "상하수도 요금",
        rounding: 10.0,
        seasonal: false,
    },
    RecurringSpec {
        account: "임차료",
        budget_item: "기본경비",
        vendors: &["(주)한빛빌딩", "대성자산관리(주)", "(주)미래오피스"],
        base: (2_000_000.0, 6_000_000.0),
        description: "사무실 임차료",
        rounding: 100_000.0,
        seasonal: false,
    },
];

pub const NAME_STEMS: [&str; 60] = [
    "한빛", "대한", "미래", "서울", "우리", "푸른", "새한", "동방", "태평", "한결", "누리", "다온",
    "세종", "금강", "백두", "한라", "청솔", "은하", "해오름", "가온", "나래", "다솜", "라온", "마루",
    "바른", "사랑", "아름", "자연", "하늘", "한울", "햇살", "성원", "삼정", "동아", "신성", "영진",
    "현대", "중앙", "제일", "상록", "정우", "혜성", "광명", "진성", "유성", "보람", "명성", "창성",
    "대원", "일신", "국제", "한성", "동일", "신한", "경인", "호남", "영남", "충청", "강원", "제주",
];

pub const CORP_FORMS: [&str; 4] = ["(주)", "", "", "주식회사 "];
