//! `POST reviews` and `GET reviews`: reviewers' verdicts, appended and
//! durable before the answer.

use actix_web::{web, HttpRequest};
use serde::{Deserialize, Serialize};

use super::{answer_json, bad_json, blocking, check_length, json_bytes, json_ok, refuse, Reply};
use crate::i18n::Text;
use crate::limits::{MAX_KEY_CHARS, MAX_NOTE_CHARS, MAX_REVIEWER_CHARS, MAX_REVIEWS_BODY};
use crate::server::errors::{request_lang, Error};
use crate::server::{AppState, Queue};
use crate::store::NewReview;
use crate::vocabulary::{ReviewReason, ReviewStatus};

#[derive(Deserialize)]
struct ReviewsRequest {
    reviews: Vec<ReviewIn>,
}

#[derive(Deserialize)]
struct ReviewIn {
    key: String,
    status: String,
    /// A `ReviewReason` code that fits the status; absent, null or "" for none.
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    reviewer: String,
}

#[derive(Serialize)]
struct ReviewsSaved {
    saved: usize,
    /// Keys no run has scored: saved all the same, and reported.
    unknown_keys: Vec<String>,
}

pub(super) async fn post_reviews(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Reply {
    let lang = request_lang(&req);
    let state = state.into_inner();
    let (body, _permit) = state
        .body_then_place(&req, payload, MAX_REVIEWS_BODY, Queue::Parsing)
        .await
        .map_err(refuse(lang))?;
    let job = state.clone();
    let body = blocking(lang, move || {
        let request: ReviewsRequest =
            serde_json::from_slice(&body.bytes).map_err(|e| bad_json(&e))?;
        let mut reviews = Vec::with_capacity(request.reviews.len());
        for (i, r) in request.reviews.into_iter().enumerate() {
            if r.key.trim().is_empty() {
                return Err(Error::invalid(
                    "missing_key",
                    Text::new(
                        format!("{}번째 검토에 행 키가 없습니다", i + 1),
                        format!("review {} has no row key", i + 1),
                    ),
                ));
            }
            let nth = |ko: &str, en: &str| {
                Text::new(
                    format!("{}번째 검토의 {ko}", i + 1),
                    format!("review {}'s {en}", i + 1),
                )
            };
            check_length(nth("행 키", "row key"), &r.key, MAX_KEY_CHARS)?;
            check_length(nth("메모", "note"), &r.note, MAX_NOTE_CHARS)?;
            check_length(nth("검토자", "reviewer"), &r.reviewer, MAX_REVIEWER_CHARS)?;
            let reviewer = if r.reviewer.trim().is_empty() {
                crate::server::os_user()
            } else {
                r.reviewer
            };
            let status = ReviewStatus::from_code(&r.status).ok_or_else(|| {
                Error::invalid(
                    "bad_status",
                    Text::new(
                        format!(
                            "검토 상태 {:?}는 {} 중 하나여야 합니다",
                            r.status,
                            ReviewStatus::codes()
                        ),
                        format!(
                            "review status {:?} must be one of {}",
                            r.status,
                            ReviewStatus::codes()
                        ),
                    ),
                )
            })?;
            let reason = match r.reason.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(code) => {
                    let reason = ReviewReason::from_code(code).ok_or_else(|| {
                        Error::invalid(
                            "bad_reason",
                            Text::new(
                                format!(
                                    "{}번째 검토의 사유 {code:?}는 {} 중 하나여야 합니다",
                                    i + 1,
                                    ReviewReason::codes()
                                ),
                                format!(
                                    "review {}'s reason {code:?} must be one of {}",
                                    i + 1,
                                    ReviewReason::codes()
                                ),
                            ),
                        )
                    })?;
                    if let Err(why) = reason.fits(status) {
                        return Err(Error::invalid(
                            "reason_not_for_status",
                            Text::new(
                                format!("{}번째 검토: {}", i + 1, why.ko),
                                format!("review {}: {}", i + 1, why.en),
                            ),
                        ));
                    }
                    Some(reason)
                }
            };
            reviews.push(NewReview {
                key: r.key,
                status,
                reason,
                note: r.note,
                reviewer,
            });
        }
        // add_reviews returns once the transaction is on disk (WAL,
        // synchronous=FULL), and refuses a store found damaged.
        let (saved, unknown_keys) = job.with_store(|store| {
            let saved = store.add_reviews(&reviews)?;
            Ok((
                saved,
                store.unknown_keys(reviews.iter().map(|r| r.key.as_str()))?,
            ))
        })?;
        json_bytes(&ReviewsSaved {
            saved,
            unknown_keys,
        })
    })
    .await?;
    // On disk: now the model may learn from them, in the background.
    state.train_soon();
    Ok(json_ok(body))
}

pub(super) async fn get_reviews(req: HttpRequest, state: web::Data<AppState>) -> Reply {
    answer_json(&req, state, |state, _| {
        Ok(serde_json::json!({ "reviews": state.with_store(|s| s.latest_reviews())? }))
    })
    .await
}
