//! API errors: `{"error": {"code": "...", "message": "..."}}` with a fitting
//! status, the message in the caller's language.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;

use crate::i18n::{Lang, Text};
use crate::ingest::IngestError;
use crate::store::StoreError;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: Text,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: Text) -> Self {
        ApiError {
            status,
            code,
            message,
        }
    }

    pub fn forbidden(code: &'static str, message: Text) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, message)
    }

    pub fn unauthorized(code: &'static str, message: Text) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }

    pub fn unprocessable(code: &'static str, message: Text) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!("internal error: {detail}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            Text::new(
                format!("에이전트 내부 오류: {detail}"),
                format!("internal agent error: {detail}"),
            ),
        )
    }

    pub fn to_response(&self, lang: Lang) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header(("WWW-Authenticate", "Bearer"));
        }
        // A body refused part-way leaves the rest of it on the connection:
        // close it rather than read on (a stalled client is not kept).
        if matches!(
            self.status,
            StatusCode::REQUEST_TIMEOUT | StatusCode::PAYLOAD_TOO_LARGE
        ) {
            response.force_close();
        }
        response.json(json!({
            "error": { "code": self.code, "message": self.message.get(lang) }
        }))
    }
}

impl From<IngestError> for ApiError {
    fn from(e: IngestError) -> Self {
        let status = match e {
            IngestError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            IngestError::Io { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::new(status, e.code(), e.message())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Damaged { .. } => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "store_damaged",
                e.message(),
            ),
            StoreError::MissingKey | StoreError::BadKey(_) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "audit_key_missing",
                e.message(),
            ),
            StoreError::NotInterrupted(_) => {
                ApiError::new(StatusCode::CONFLICT, "run_not_interrupted", e.message())
            }
            _ => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "store", e.message()),
        }
    }
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
pub struct Refusal(pub ApiError, pub Lang);

impl std::fmt::Debug for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.0.code, self.0.message.en)
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.message.get(self.1))
    }
}

impl actix_web::ResponseError for Refusal {
    fn status_code(&self) -> StatusCode {
        self.0.status
    }

    fn error_response(&self) -> HttpResponse {
        self.0.to_response(self.1)
    }
}
