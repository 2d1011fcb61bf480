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
    score_kinds: { blend: "혼합 점수", supervised: "지도 모델 (앞 검토로 학습)", unsupervised: "비지도 점수" },
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
    score_kinds: { blend: "blended score", supervised: "supervised model (trained on the earlier reviews)", unsupervised: "unsupervised score" },
    selection_methods: ["fixed-interval monetary units", "cell monetary units", "random items"],
    sample_sheets: ["Sample", "Sample parameters"],
  },
  columns: ["score", "band", "cluster", "reasons", "review", "review_reason", "note", "key"],
  band_codes: ["high", "medium", "low"],
  review_codes: ["confirmed", "normal", "needs_evidence"],
  review_reason_codes: ["allowed_by_rules", "approved_exception", "false_alarm", "duplicate", "split", "missing_evidence", "off_purpose", "other"],
  selection_method_codes: ["interval", "cell", "items"],
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
