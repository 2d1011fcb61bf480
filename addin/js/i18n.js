// Every word the pages show, Korean first. The language is the user's
// choice (stored per machine), else Excel's display language, else the
// browser's; Korean when in doubt.

const STRINGS = {
  ko: {
    title: "ledgerlens",
    subtitle: "예산 집행 이상 탐지",
    lang_switch: "English",
    tab_score: "점수화",
    tab_sync: "검토 동기화",
    tab_history: "이력",
    sheet: "시트",
    mapping: "열 매핑",
    mapping_hint: "자동으로 찾은 열입니다. 다르면 바꾸세요.",
    mapping_none: "(없음)",
    header_row: "머리글 행: {row}",
    required: "필수",
    score: "점수화",
    scoring_read: "시트 읽는 중… {done}/{total}행",
    scoring_send: "에이전트가 점수화하는 중… ({rows}행)",
    scoring_write: "결과 쓰는 중… {done}/{total}행",
    cancel: "취소",
    cancelled: "취소했습니다. 시트는 바뀌지 않았습니다.",
    done_score: "{rows}행을 점수화했습니다 ({seconds}초).",
    bands: "위험 등급",
    top10: "위험 상위 10건",
    top10_hint: "누르면 시트에서 그 행을 선택합니다.",
    row: "{row}행",
    kept_reviews: "기존 검토 {n}건을 행 키로 다시 연결했습니다.",
    orphans: "시트에서 사라진 행의 검토 {n}건",
    orphans_saved: "에이전트에 보관했습니다 (버리지 않음).",
    orphans_unsaved: "상태 없이 메모만 있어 저장하지 못한 {n}건",
    reviewer: "검토자",
    reviewer_hint: "검토 기록에 남는 이름",
    sync: "검토 동기화",
    sync_reading: "검토 열 읽는 중… {done}/{total}행",
    sync_sending: "검토 {n}건 보내는 중…",
    sync_saved: "검토 {n}건을 저장했습니다.",
    sync_none: "시트에 입력된 검토가 없습니다.",
    sync_invalid: "알 수 없는 검토 값 {n}건 (보내지 않음)",
    sync_misfit: "검토 결과와 맞지 않는 검토 사유 {n}건 (보내지 않음)",
    no_status: "검토 결과 없음",
    sync_unknown: "에이전트가 점수화한 적 없는 행 키 {n}건 (저장은 됨)",
    sync_vanished: "이 시트에서 사라진 행의 검토 {n}건 (에이전트에 남아 있음)",
    sync_not_scored: "이 시트에는 아직 ledgerlens 열이 없습니다. 먼저 점수화하세요.",
    history: "이력 시트 넣기",
    history_hint: "감독자용 이력 시트(실행 이력, 부서×월 플래그, 검토 결과, 월별 상위 10, 반복 플래그)를 이 통합문서 맨 뒤에 넣습니다.",
    history_done: "시트 {n}개를 맨 뒤에 넣었습니다: {names}",
    history_range: "(범위 API로 작성)",
    agent_down: "ledgerlens 에이전트에 연결할 수 없습니다.",
    agent_down_steps: "트레이의 ledgerlens 아이콘을 확인하거나 명령 창에서 ledgerlens serve 를 실행한 뒤 다시 시도하세요.",
    cert_untrusted: "인증서를 신뢰하지 않으면 연결되지 않습니다.",
    cert_steps: "처음 설치했다면 ledgerlens cert install 을 실행하고 Excel을 다시 시작하세요.",
    no_token: "이 작업창에는 에이전트 키가 없습니다.",
    no_token_steps: "ledgerlens manifest -o ledgerlens.xml 로 만든 매니페스트로 추가 기능을 다시 설치하거나, 트레이 메뉴의 대시보드 열기를 쓰거나, 데이터 폴더의 token 파일 내용을 붙여 넣으세요.",
    token_paste: "에이전트 키",
    token_save: "저장",
    bad_token: "에이전트 키가 맞지 않습니다.",
    no_ledger: "이 시트에서 원장을 찾지 못했습니다.",
    missing_fields: "필수 열이 없습니다: {fields}. 열 매핑에서 고르세요.",
    empty_sheet: "시트가 비어 있습니다.",
    paused: "에이전트가 일시 중지되어 있습니다. 트레이 메뉴에서 재개하세요.",
    excel_limit: "Excel이 요청을 거부했습니다: {message}",
    error: "오류: {message}",
    not_in_excel: "Excel 밖에서 열렸습니다. 브라우저에서는 대시보드를 쓰세요.",
    open_dashboard: "대시보드 열기",
    // Dashboard
    dash_upload: "원장 파일 올리기",
    dash_upload_hint: "xlsx, xls, ods, csv 파일을 끌어 놓거나 고르세요. 파일은 이 PC의 에이전트로만 갑니다.",
    dash_choose: "파일 선택",
    dash_uploading: "{name} 점수화 중…",
    dash_scored: "{name}: {rows}행을 점수화했습니다.",
    dash_runs: "실행 목록",
    dash_workbook: "통합문서",
    dash_started: "시작 시각",
    dash_rows_n: "행 수",
    dash_table: "점수화 결과",
    dash_filter_band: "등급",
    dash_filter_dept: "부서",
    dash_filter_text: "계정·거래처·적요 검색",
    dash_all: "전체",
    dash_prev: "이전",
    dash_next: "다음",
    dash_page: "{from}–{to} / {total}건",
    dash_heat: "부서 × 월 플래그 (높음·중간, 누적)",
    dash_heat_empty: "아직 플래그된 거래가 없습니다.",
    dash_history: "이력",
    dash_download: "이력 통합문서 내려받기 (.xlsx)",
    dash_no_runs: "아직 실행이 없습니다. 원장 파일을 올려 보세요.",
    dash_status: "상태",
    dash_interrupted: "중단됨",
    dash_interrupted_hint: "충돌로 점수 기록이 중간에 끊겼습니다. 다시 점수화하거나 삭제하세요.",
    dash_remove: "삭제",
    dash_remove_run: "{workbook} · {sheet} ({started}) 실행 삭제",
    dash_remove_confirm: "{started}에 시작한 {workbook} · {sheet} 실행을 삭제할까요?\n충돌로 점수 기록이 중간에 끊긴 실행입니다. 삭제한 사실은 감사 기록에 남습니다.",
    dash_removed: "{workbook} · {sheet} 실행을 삭제했습니다.",
    col_score: "점수",
    col_band: "등급",
    col_row: "행",
    col_date: "집행일자",
    col_dept: "부서",
    col_account: "계정과목",
    col_vendor: "거래처",
    col_desc: "적요",
    col_amount: "금액",
    col_reasons: "사유",
  },
  en: {
    title: "ledgerlens",
    subtitle: "Spending anomaly check",
    lang_switch: "한국어",
    tab_score: "Score",
    tab_sync: "Sync reviews",
    tab_history: "History",
    sheet: "Sheet",
    mapping: "Column mapping",
    mapping_hint: "Columns found automatically. Change any that are wrong.",
    mapping_none: "(none)",
    header_row: "Header row: {row}",
    required: "required",
    score: "Score",
    scoring_read: "Reading the sheet… {done}/{total} rows",
    scoring_send: "The agent is scoring… ({rows} rows)",
    scoring_write: "Writing results… {done}/{total} rows",
    cancel: "Cancel",
    cancelled: "Cancelled. The sheet was not changed.",
    done_score: "Scored {rows} rows ({seconds} s).",
    bands: "Risk bands",
    top10: "Ten highest risks",
    top10_hint: "Click one to select its row in the sheet.",
    row: "row {row}",
    kept_reviews: "Reconnected {n} earlier reviews by row key.",
    orphans: "{n} reviews of rows no longer in the sheet",
    orphans_saved: "Kept in the agent (not dropped).",
    orphans_unsaved: "{n} with a note but no status could not be saved",
    reviewer: "Reviewer",
    reviewer_hint: "The name recorded with each review",
    sync: "Sync reviews",
    sync_reading: "Reading review columns… {done}/{total} rows",
    sync_sending: "Sending {n} reviews…",
    sync_saved: "Saved {n} reviews.",
    sync_none: "No reviews entered in the sheet.",
    sync_invalid: "{n} unrecognised review values (not sent)",
    sync_misfit: "{n} review reasons that do not fit the review (not sent)",
    no_status: "no review",
    sync_unknown: "{n} row keys the agent never scored (saved anyway)",
    sync_vanished: "{n} reviews of rows no longer in this sheet (still kept by the agent)",
    sync_not_scored: "This sheet has no ledgerlens columns yet. Score it first.",
    history: "Insert history sheets",
    history_hint: "Adds the supervisors' history sheets (runs, flags by department × month, review outcomes, top 10 by month, flagged again) at the end of this workbook.",
    history_done: "Added {n} sheets at the end: {names}",
    history_range: "(written through the range API)",
    agent_down: "Cannot reach the ledgerlens agent.",
    agent_down_steps: "Check the ledgerlens tray icon, or run ledgerlens serve in a terminal, then try again.",
    cert_untrusted: "It cannot connect while its certificate is not trusted.",
    cert_steps: "On a first install, run ledgerlens cert install and restart Excel.",
    no_token: "This pane has no agent key.",
    no_token_steps: "Reinstall the add-in from a manifest written by ledgerlens manifest -o ledgerlens.xml, use Open dashboard in the tray menu, or paste the contents of the token file in the data folder.",
    token_paste: "Agent key",
    token_save: "Save",
    bad_token: "The agent key does not match.",
    no_ledger: "No ledger found on this sheet.",
    missing_fields: "Required columns missing: {fields}. Choose them under Column mapping.",
    empty_sheet: "The sheet is empty.",
    paused: "The agent is paused. Resume it from the tray menu.",
    excel_limit: "Excel refused the request: {message}",
    error: "Error: {message}",
    not_in_excel: "Opened outside Excel. In a browser, use the dashboard.",
    open_dashboard: "Open the dashboard",
    dash_upload: "Upload a ledger file",
    dash_upload_hint: "Drop or choose an xlsx, xls, ods or csv file. It goes only to the agent on this PC.",
    dash_choose: "Choose file",
    dash_uploading: "Scoring {name}…",
    dash_scored: "{name}: scored {rows} rows.",
    dash_runs: "Runs",
    dash_workbook: "Workbook",
    dash_started: "Started",
    dash_rows_n: "Rows",
    dash_table: "Scored rows",
    dash_filter_band: "Band",
    dash_filter_dept: "Department",
    dash_filter_text: "Search account, vendor, description",
    dash_all: "All",
    dash_prev: "Previous",
    dash_next: "Next",
    dash_page: "{from}–{to} of {total}",
    dash_heat: "Flags by department × month (high and medium, all runs)",
    dash_heat_empty: "No flagged transactions yet.",
    dash_history: "History",
    dash_download: "Download the history workbook (.xlsx)",
    dash_no_runs: "No runs yet. Upload a ledger file.",
    dash_status: "Status",
    dash_interrupted: "Interrupted",
    dash_interrupted_hint: "The run was cut off by a crash before all its rows were recorded: score the file again or remove the run.",
    dash_remove: "Remove",
    dash_remove_run: "Remove the run of {workbook} · {sheet} ({started})",
    dash_remove_confirm: "Remove the run of {workbook} · {sheet} started {started}?\nIt was cut off by a crash before all its rows were recorded. The removal is recorded in the audit trail.",
    dash_removed: "Removed the run of {workbook} · {sheet}.",
    col_score: "Score",
    col_band: "Band",
    col_row: "Row",
    col_date: "Date",
    col_dept: "Department",
    col_account: "Account",
    col_vendor: "Vendor",
    col_desc: "Description",
    col_amount: "Amount",
    col_reasons: "Reasons",
  },
};

const STORAGE_KEY = "ledgerlens.lang";
let current = "ko";

/** Picks the starting language: saved choice, then the host's, then Korean. */
export function initLang(hostLanguage) {
  let saved = null;
  try {
    saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  } catch {
    // Storage can be off in a locked-down WebView; the default serves.
  }
  const hint = saved || hostLanguage || globalThis.navigator?.language || "ko";
  current = String(hint).toLowerCase().startsWith("en") ? "en" : "ko";
  return current;
}

export function lang() {
  return current;
}

export function setLang(next) {
  current = next === "en" ? "en" : "ko";
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, current);
  } catch {
    // As above.
  }
}

/** The string for `key` with `{name}` placeholders filled in. */
export function t(key, vars = {}) {
  const text = STRINGS[current][key] ?? STRINGS.ko[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

/** Every key exists in both languages (checked by the unit tests). */
export function missingKeys() {
  const ko = Object.keys(STRINGS.ko);
  const en = Object.keys(STRINGS.en);
  return {
    en: ko.filter((k) => !(k in STRINGS.en)),
    ko: en.filter((k) => !(k in STRINGS.ko)),
  };
}
