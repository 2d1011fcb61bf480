//! Reading request bodies: every route that takes a body reads it here, so
//! one set of rules bounds them all.
//!
//! - A body must declare its length (411 otherwise), and a declared length
//!   over the route's limit is refused before a byte is read (413).
//! - The bytes of every body being read or worked on are counted against
//!   one budget ([`BODY_BUDGET_MB`]): a request reserves its declared length
//!   before reading, and gives it back when its handler is done with the
//!   bytes. Sixty parallel 30 MB bodies therefore wait their turn instead
//!   of taking the agent to gigabytes.
//! - A body that stalls (no bytes for [`IDLE`]) or trickles (under
//!   [`MIN_RATE`] on average once [`GRACE`] has passed) is cut off with 408
//!   and its connection closed: a client cannot hold a reservation, or a
//!   scoring slot, by sending three bytes and waiting.
//!
//! Scoring slots are taken only after the body is in (`api::score`), so
//! they are held while work is done, never while a client is uploading.

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest};
use futures_util::StreamExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::errors::ApiError;
use crate::i18n::Text;

/// Body bytes held at once across all requests, in MiB.
pub const BODY_BUDGET_MB: u32 = 384;
/// Longest wait for the budget (or a scoring slot) before answering 503.
pub const QUEUE_WAIT: Duration = Duration::from_secs(60);
/// A body that sends nothing for this long is cut off.
const IDLE: Duration = Duration::from_secs(10);
/// Time allowed before the average rate must reach [`MIN_RATE`].
const GRACE: Duration = Duration::from_secs(10);
/// Slowest average a body may arrive at once [`GRACE`] has passed, in
/// bytes per second (a slow office link moves fifty times this).
const MIN_RATE: u64 = 64 * 1024;

const MB: u64 = 1024 * 1024;

/// The shared budget of body bytes.
pub struct BodyBudget(Arc<Semaphore>);

impl Default for BodyBudget {
    fn default() -> Self {
        BodyBudget(Arc::new(Semaphore::new(BODY_BUDGET_MB as usize)))
    }
}

/// A body read whole, with its share of the budget.
pub struct Body {
    pub bytes: web::Bytes,
    /// Keep it for as long as the bytes, or what was parsed from them, are
    /// in use: dropping it gives the share back.
    pub reserved: OwnedSemaphorePermit,
}

pub fn too_large(limit: u64) -> ApiError {
    let mb = limit / MB;
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
        Text::new(
            format!("요청 본문이 {mb} MB 한도를 넘습니다. 시트를 나누어 보내세요"),
            format!("the request body exceeds the {mb} MB limit; send the sheet in parts"),
        ),
    )
}

pub fn busy() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "busy",
        Text::new(
            "에이전트가 다른 요청을 처리하느라 바쁩니다. 잠시 후 다시 시도하세요",
            "the agent is busy with other requests; try again in a moment",
        ),
    )
}

fn timed_out(received: u64, declared: u64, why_ko: &str, why_en: &str) -> ApiError {
    ApiError::new(
        StatusCode::REQUEST_TIMEOUT,
        "body_timeout",
        Text::new(
            format!("요청 본문이 {why_ko} ({declared}바이트 중 {received}바이트 받음)"),
            format!("the request body {why_en} ({received} of {declared} bytes received)"),
        ),
    )
}

/// The declared body length; a body without one is refused.
pub fn declared_length(req: &HttpRequest, limit: u64) -> Result<u64, ApiError> {
    let headers = req.headers();
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(len) if len > limit => Err(too_large(limit)),
        Some(len) => Ok(len),
        // No length and no chunked framing: HTTP/1.1 says the body is empty.
        None if !headers.contains_key(header::TRANSFER_ENCODING) => Ok(0),
        None => Err(ApiError::new(
            StatusCode::LENGTH_REQUIRED,
            "length_required",
            Text::new(
                "요청 본문의 길이(Content-Length)를 밝혀야 합니다",
                "the request must declare its body's length (Content-Length)",
            ),
        )),
    }
}

impl BodyBudget {
    /// Reads a body of at most `limit` bytes, as the module header says.
    pub async fn read(
        &self,
        req: &HttpRequest,
        mut payload: web::Payload,
        limit: u64,
    ) -> Result<Body, ApiError> {
        let declared = declared_length(req, limit)?;
        let mb = declared.div_ceil(MB).clamp(1, u64::from(BODY_BUDGET_MB)) as u32;
        let reserved =
            match actix_web::rt::time::timeout(QUEUE_WAIT, self.0.clone().acquire_many_owned(mb))
                .await
            {
                Ok(Ok(permit)) => permit,
                Ok(Err(e)) => return Err(ApiError::internal(e)),
                Err(_) => return Err(busy()),
            };
        let started = Instant::now();
        let mut bytes = web::BytesMut::with_capacity(declared as usize);
        loop {
            let next = match actix_web::rt::time::timeout(IDLE, payload.next()).await {
                Ok(next) => next,
                Err(_) => {
                    return Err(timed_out(
                        bytes.len() as u64,
                        declared,
                        &format!("{}초 동안 오지 않았습니다", IDLE.as_secs()),
                        &format!("stalled for {} s", IDLE.as_secs()),
                    ))
                }
            };
            match next {
                None => break,
                Some(Ok(chunk)) => {
                    if (bytes.len() + chunk.len()) as u64 > declared {
                        return Err(too_large(limit));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Some(Err(e)) => {
                    return Err(ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "bad_body",
                        Text::new(
                            format!("요청 본문을 읽지 못했습니다: {e}"),
                            format!("could not read the request body: {e}"),
                        ),
                    ))
                }
            }
            let elapsed = started.elapsed();
            if elapsed > GRACE && (bytes.len() as u64) < MIN_RATE * elapsed.as_secs() {
                return Err(timed_out(
                    bytes.len() as u64,
                    declared,
                    &format!("너무 느리게 옵니다 (초당 {} KB 미만)", MIN_RATE / 1024),
                    &format!("arrives too slowly (under {} kB/s)", MIN_RATE / 1024),
                ));
            }
        }
        Ok(Body {
            bytes: bytes.freeze(),
            reserved,
        })
    }
}
