// What the agent serves at GET /api/v1/layout (its one vocabulary), for the
// unit tests, which run without it. pane.e2e.test.mjs checks that this is
// exactly what the agent serves, so the two cannot drift apart.

export const layout = {
  ko: {
    columns: { score: "위험점수", band: "위험등급", cluster: "군집", reasons: "사유", review: "검토 결과", review_reason: "검토 사유", note: "검토 메모", key: "행 키" },
    bands: { high: "높음", medium: "중간", low: "낮음" },
    reviews: ["확인된 이상", "정상", "증빙 필요"],
    review_reasons: ["규정상 허용", "승인된 예외", "오탐(데이터 특성)", "중복", "분할", "증빙 부족", "목적 외 사용", "기타"],
    open: "미검토",
    matched_by: { mapping: "지정한 대로", name: "머리글 이름으로", part_of_name: "머리글 일부로", values: "값을 보고 (이름으로 찾지 못함)" },
    detectors: { account_outlier: "계정 대비 고액", amount_outlier: "부서·계정 대비 고액", benford: "벤포드 이탈", duplicate: "중복 지급", entertainment: "유흥·사행 업소", isolation: "다변량 이상치", late_night: "심야 사용", non_working_day: "휴일 집행", rare_vendor: "드문 거래처·계정", recurring_jump: "정기 지출 급증", round_amount: "큰 정액", small_repeat: "소액 반복", split: "분할 집행", year_end: "연말 집중" },
    score_kinds: { blend: "혼합 점수", supervised: "지도 모델 (앞 검토로 학습)", unsupervised: "비지도 점수", weighted: "학습된 가중치 점수 (앞 검토로 학습)" },
    next_views: { sure: "확인 가능성 높은 순", teach: "학습 효과 큰 순" },
    selection_methods: ["고정 간격 금액단위", "셀 금액단위", "무작위 항목"],
    sample_sheets: ["표본", "표본 정보"],
  },
  en: {
    columns: { score: "Risk score", band: "Risk band", cluster: "Cluster", reasons: "Reasons", review: "Review", review_reason: "Review reason", note: "Review note", key: "Row key" },
    bands: { high: "High", medium: "Medium", low: "Low" },
    reviews: ["Confirmed anomaly", "Normal", "Needs evidence"],
    review_reasons: ["Allowed by the rules", "Approved exception", "False alarm (a trait of the data)", "Duplicate", "Split", "Insufficient evidence", "Used outside its purpose", "Other"],
    open: "Open",
    matched_by: { mapping: "as mapped", name: "by its header", part_of_name: "by part of its header", values: "by its values (no header named it)" },
    detectors: { account_outlier: "Large for the account", amount_outlier: "Large for department and account", benford: "Benford deviation", duplicate: "Duplicate payment", entertainment: "Entertainment venue", isolation: "Multivariate outlier", late_night: "Late-night use", non_working_day: "Paid on a non-working day", rare_vendor: "Rare vendor for the account", recurring_jump: "Recurring bill jump", round_amount: "Large round amount", small_repeat: "Repeated small payments", split: "Split purchase", year_end: "Year-end concentration" },
    score_kinds: { blend: "blended score", supervised: "supervised model (trained on the earlier reviews)", unsupervised: "unsupervised score", weighted: "score with learnt weights (from the earlier reviews)" },
    next_views: { sure: "most likely confirmed", teach: "would teach the model most" },
    selection_methods: ["fixed-interval monetary units", "cell monetary units", "random items"],
    sample_sheets: ["Sample", "Sample parameters"],
  },
  columns: ["score", "band", "cluster", "reasons", "review", "review_reason", "note", "key"],
  band_codes: ["high", "medium", "low"],
  review_codes: ["confirmed", "normal", "needs_evidence"],
  review_reason_codes: ["allowed_by_rules", "approved_exception", "false_alarm", "duplicate", "split", "missing_evidence", "off_purpose", "other"],
  selection_method_codes: ["interval", "cell", "items"],
  next_view_codes: ["sure", "teach"],
  review_reason_status: ["normal", "normal", "normal", "confirmed", "confirmed", "confirmed", "confirmed", "confirmed"],
  band_colours: {
    high: { fill: "#FFC7CE", font: "#9C0006" },
    medium: { fill: "#FFEB9C", font: "#9C5700" },
    low: { fill: "#C6EFCE", font: "#006100" },
  },
  review_colours: {
    confirmed: { fill: "#FFC7CE", font: "#9C0006" },
    normal: { fill: "#C6EFCE", font: "#006100" },
    needs_evidence: { fill: "#FFEB9C", font: "#9C5700" },
  },
  cluster_palette: ["#DDEBF7", "#FCE4D6", "#E2EFDA", "#FFF2CC", "#EDE1F5", "#D9F2F2", "#F8D7E3", "#E7E6E6"],
  header_fill: "#1F3864",
  added_header_fill: "#7030A0",
  header_scan_rows: 40,
};
