//! Reading request bodies: every route that takes a body reads it here, so
//! one set of rules bounds them all.
//!
//! - A declared length over the route's limit is refused before a byte is
//!   read (413). A chunked body, which declares none, may bring at most
//!   [`CHUNKED_MAX`] (413 past it, asking for a Content-Length).
//! - The bytes of every body being read or worked on are counted against
//!   one budget ([`BODY_BUDGET_MB`]): a request reserves its declared length
//!   (a chunked one, [`CHUNKED_MAX`]) before reading, and gives it back when
//!   its handler is done with the bytes. Sixty parallel 30 MB bodies therefore wait their turn instead
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

use actix_web::http::header;
use actix_web::{web, HttpRequest};
use futures_util::StreamExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::errors::{Error, Kind};
use crate::i18n::Text;

/// Body bytes held at once across all requests, in MiB.
pub const BODY_BUDGET_MB: u32 = 384;
/// Most a chunked body may bring: it is reserved whole before reading, so
/// it is kept small beside the budget (browsers always declare a length).
pub const CHUNKED_MAX: u64 = 32 * 1024 * 1024;
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

pub fn too_large(limit: u64) -> Error {
    let mb = limit / MB;
    Error::new(
        Kind::TooLarge,
        "body_too_large",
        Text::new(
            format!("요청 본문이 {mb} MB 한도를 넘습니다. 시트를 나누어 보내세요"),
            format!("the request body exceeds the {mb} MB limit; send the sheet in parts"),
        ),
    )
}

/// Waits up to [`QUEUE_WAIT`] for a slot of `slots`; 503 `busy` after.
pub async fn slot(slots: &Semaphore) -> Result<tokio::sync::SemaphorePermit<'_>, Error> {
    match actix_web::rt::time::timeout(QUEUE_WAIT, slots.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        Ok(Err(e)) => Err(Error::internal(e)),
        Err(_) => Err(busy()),
    }
}

pub fn busy() -> Error {
    Error::new(
        Kind::Unavailable,
        "busy",
        Text::new(
            "에이전트가 다른 요청을 처리하느라 바쁩니다. 잠시 후 다시 시도하세요",
            "the agent is busy with other requests; try again in a moment",
        ),
    )
}

fn timed_out(received: u64, expected: u64, why_ko: &str, why_en: &str) -> Error {
    Error::new(
        Kind::TimedOut,
        "body_timeout",
        Text::new(
            format!("요청 본문이 {why_ko} ({expected}바이트 중 {received}바이트 받음)"),
            format!("the request body {why_en} ({received} of {expected} bytes received)"),
        ),
    )
}

/// How many bytes a body may bring.
struct Allowance {
    bytes: u64,
    /// Whether the request declared them (else it is chunked).
    declared: bool,
}

/// A body's declared length (refused over `limit`), or for a chunked body
/// the smaller of `limit` and [`CHUNKED_MAX`].
fn allowance(req: &HttpRequest, limit: u64) -> Result<Allowance, Error> {
    let headers = req.headers();
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(len) if len > limit => Err(too_large(limit)),
        Some(len) => Ok(Allowance {
            bytes: len,
            declared: true,
        }),
        None if headers.contains_key(header::TRANSFER_ENCODING) => Ok(Allowance {
            bytes: limit.min(CHUNKED_MAX),
            declared: false,
        }),
        // No length and no chunked framing: HTTP/1.1 says the body is empty.
        None => Ok(Allowance {
            bytes: 0,
            declared: true,
        }),
    }
}

impl BodyBudget {
    /// Reads a body of at most `limit` bytes, as the module header says.
    pub async fn read(
        &self,
        req: &HttpRequest,
        mut payload: web::Payload,
        limit: u64,
    ) -> Result<Body, Error> {
        let allowance = allowance(req, limit)?;
        let allowed = allowance.bytes;
        let mb = allowed.div_ceil(MB).clamp(1, u64::from(BODY_BUDGET_MB)) as u32;
        let reserved =
            match actix_web::rt::time::timeout(QUEUE_WAIT, self.0.clone().acquire_many_owned(mb))
                .await
            {
                Ok(Ok(permit)) => permit,
                Ok(Err(e)) => return Err(Error::internal(e)),
                Err(_) => return Err(busy()),
            };
        let started = Instant::now();
        // A declared body is allocated once; a chunked one grows as it comes.
        let mut bytes = web::BytesMut::with_capacity(if allowance.declared {
            allowed as usize
        } else {
            0
        });
        loop {
            let next = match actix_web::rt::time::timeout(IDLE, payload.next()).await {
                Ok(next) => next,
                Err(_) => {
                    return Err(timed_out(
                        bytes.len() as u64,
                        allowed,
                        &format!("{}초 동안 오지 않았습니다", IDLE.as_secs()),
                        &format!("stalled for {} s", IDLE.as_secs()),
                    ))
                }
            };
            match next {
                None => break,
                Some(Ok(chunk)) => {
                    if (bytes.len() + chunk.len()) as u64 > allowed {
                        return Err(too_large(allowed.max(1)));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Some(Err(e)) => {
                    return Err(Error::new(
                        Kind::Malformed,
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
                    allowed,
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
