//! API errors: `{"error": {"code": "...", "message": "..."}}` with the
//! status its [`Kind`] maps to, the message in the caller's language. Every
//! error a handler meets is an [`Error`] (see `error.rs`) by then.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;

pub use crate::error::{Error, Kind};
use crate::i18n::Lang;

/// The one conversion of an [`Error`] into an HTTP status.
pub fn status(kind: Kind) -> StatusCode {
    match kind {
        Kind::Malformed => StatusCode::BAD_REQUEST,
        Kind::Unauthenticated => StatusCode::UNAUTHORIZED,
        Kind::Forbidden => StatusCode::FORBIDDEN,
        Kind::NotFound => StatusCode::NOT_FOUND,
        Kind::TimedOut => StatusCode::REQUEST_TIMEOUT,
        Kind::Conflict => StatusCode::CONFLICT,
        Kind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Kind::UnsupportedType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Kind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        Kind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The one conversion of an [`Error`] into the API's JSON error.
pub fn to_response(error: &Error, lang: Lang) -> HttpResponse {
    let status = status(error.kind);
    let mut response = HttpResponse::build(status);
    if status == StatusCode::UNAUTHORIZED {
        response.insert_header(("WWW-Authenticate", "Bearer"));
    }
    // A body refused part-way leaves the rest of it on the connection:
    // close it rather than read on (a stalled client is not kept).
    if matches!(
        status,
        StatusCode::REQUEST_TIMEOUT | StatusCode::PAYLOAD_TOO_LARGE
    ) {
        response.force_close();
    }
    response.json(json!({
        "error": { "code": error.code, "message": error.get(lang) }
    }))
}

/// The caller's language: `?lang=en|ko`, else `Accept-Language`, else Korean.
pub fn request_lang(req: &HttpRequest) -> Lang {
    let query = req.query_string();
    for pair in query.split('&') {
        match pair {
            "lang=en" => return Lang::En,
            "lang=ko" => return Lang::Ko,
            _ => {}
        }
    }
    let accept = req
        .headers()
        .get(actix_web::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.trim_start().to_ascii_lowercase().starts_with("en") {
        Lang::En
    } else {
        Lang::Ko
    }
}

/// An error bound to the request's language, returned from handlers.
pub struct Refusal(pub Error, pub Lang);

impl std::fmt::Debug for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.0.code, self.0)
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.get(self.1))
    }
}

impl actix_web::ResponseError for Refusal {
    fn status_code(&self) -> StatusCode {
        status(self.0.kind)
    }

    fn error_response(&self) -> HttpResponse {
        to_response(&self.0, self.1)
    }
}
