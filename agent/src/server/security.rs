//! What a local agent must refuse: a Host that is not its own (DNS
//! rebinding) and a foreign Origin (no CORS grant is ever made: the pane and
//! the API share one origin), checked before routing on every request; and
//! an API call without the token.
//!
//! The token is checked by middleware wrapped around the `/api/v1` scope
//! itself, not by looking at the path before routing: the router matches
//! the percent-decoded path (`/%61pi/v1/runs` is `/api/v1/runs` to it), so
//! any check on the raw path could be walked around by spelling the path
//! differently. Whatever spelling reaches an API handler, it went through
//! the scope, and so through [`require_token`].

use std::path::Path;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::web;

use super::errors::{Error, Kind};
use crate::files::write_private;
use crate::i18n::Text;

pub const TOKEN_FILE: &str = "token";

/// Reads the API token, making a new random one on first start. The file
/// is readable by the user only; an existing file is tightened to that.
pub fn load_or_create_token(dir: &Path) -> Result<String, Error> {
    let path = dir.join(TOKEN_FILE);
    let failed =
        |e: std::io::Error| Error::file(Text::new("에이전트 키 파일", "the agent's key"), &path, e);
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let token = existing.trim().to_string();
        if token.len() >= 32 {
            crate::files::restrict(&path).map_err(failed)?;
            return Ok(token);
        }
    }
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    let token = crate::hex::hex(&bytes);
    write_private(&path, token.as_bytes()).map_err(failed)?;
    Ok(token)
}

/// The agent's own names and port, and its token.
pub struct Guard {
    pub port: u16,
    pub token: String,
}

impl Guard {
    /// Host values the agent answers to: its loopback names with its port.
    fn host_allowed(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        let port = self.port.to_string();
        ["localhost", "127.0.0.1", "[::1]"].iter().any(|name| {
            host.strip_prefix(name)
                .and_then(|rest| rest.strip_prefix(':'))
                .is_some_and(|p| p == port)
        })
    }

    fn origin_allowed(&self, origin: &str) -> bool {
        origin
            .strip_prefix("https://")
            .is_some_and(|host| self.host_allowed(host))
    }

    fn token_matches(&self, given: &str) -> bool {
        // Constant time: the comparison must not reveal how much matched.
        let (a, b) = (given.as_bytes(), self.token.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }

    /// The first rule of the origin a request breaks, if any.
    pub fn check_origin(&self, req: &ServiceRequest) -> Result<(), Error> {
        let host = header_text(req, header::HOST)
            .or_else(|| req.uri().authority().map(|a| a.to_string()))
            .unwrap_or_default();
        if !self.host_allowed(&host) {
            return Err(Error::new(
                Kind::Forbidden,
                "bad_host",
                Text::new(
                    format!(
                        "이 에이전트는 localhost:{}로만 응답합니다 (받은 Host: {host:?})",
                        self.port
                    ),
                    format!(
                        "this agent answers only to localhost:{} (Host was {host:?})",
                        self.port
                    ),
                ),
            ));
        }
        if let Some(origin) = header_text(req, header::ORIGIN) {
            if !self.origin_allowed(&origin) {
                return Err(Error::new(
                    Kind::Forbidden,
                    "cross_origin",
                    Text::new(
                        format!("다른 출처({origin})의 요청은 받지 않습니다"),
                        format!("requests from another origin ({origin}) are refused"),
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Whether the request carries this agent's token.
    pub fn check_token(&self, req: &ServiceRequest) -> Result<(), Error> {
        let bearer = header_text(req, header::AUTHORIZATION)
            .and_then(|v| v.strip_prefix("Bearer ").map(|t| t.trim().to_string()));
        match bearer {
            Some(token) if self.token_matches(&token) => Ok(()),
            Some(_) => Err(Error::new(
                Kind::Unauthenticated,
                "bad_token",
                Text::new(
                    "토큰이 맞지 않습니다. 데이터 폴더의 token 파일을 확인하세요",
                    "wrong token: see the token file in the data folder",
                ),
            )),
            None => Err(Error::new(
                Kind::Unauthenticated,
                "missing_token",
                Text::new(
                    "Authorization: Bearer <토큰> 헤더가 필요합니다",
                    "an Authorization: Bearer <token> header is required",
                ),
            )),
        }
    }
}

fn header_text(req: &ServiceRequest, name: header::HeaderName) -> Option<String> {
    req.headers()
        .get(name)
        .map(|v| v.to_str().unwrap_or("\u{fffd}").to_string())
}

/// Runs one of the guard's checks and answers its refusal as a JSON error.
async fn refuse_unless(
    check: fn(&Guard, &ServiceRequest) -> Result<(), Error>,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let guard = req
        .app_data::<web::Data<Guard>>()
        .expect("the guard is registered with the app")
        .clone();
    if let Err(refusal) = check(&guard, &req) {
        let lang = super::errors::request_lang(req.request());
        return Ok(req.into_response(super::errors::to_response(&refusal, lang)));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// Around the whole app: Host and Origin, before routing.
pub async fn guard_origin(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    refuse_unless(Guard::check_origin, req, next).await
}

/// Around the `/api/v1` scope: the token, on whatever the router matched.
pub async fn require_token(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    refuse_unless(Guard::check_token, req, next).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard() -> Guard {
        Guard {
            port: 4443,
            token: "t".repeat(64),
        }
    }

    #[test]
    fn only_own_hosts_and_origins_pass() {
        let g = guard();
        for ok in [
            "localhost:4443",
            "LOCALHOST:4443",
            "127.0.0.1:4443",
            "[::1]:4443",
        ] {
            assert!(g.host_allowed(ok), "{ok}");
        }
        for bad in [
            "",
            "localhost",
            "localhost:4444",
            "evil.com:4443",
            "localhost.evil.com:4443",
            "127.0.0.1:4443.evil.com",
            "127.0.0.2:4443",
        ] {
            assert!(!g.host_allowed(bad), "{bad}");
        }
        assert!(g.origin_allowed("https://localhost:4443"));
        assert!(!g.origin_allowed("http://localhost:4443"));
        assert!(!g.origin_allowed("null"));
        assert!(!g.origin_allowed("https://evil.com"));
    }

    #[test]
    fn token_must_match_exactly() {
        let g = guard();
        assert!(g.token_matches(&"t".repeat(64)));
        assert!(!g.token_matches(&"t".repeat(63)));
        assert!(!g.token_matches(""));
    }

    #[cfg(unix)]
    #[test]
    fn token_file_is_private_and_stable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_create_token(dir.path()).unwrap();
        assert_eq!(first.len(), 64);
        let path = dir.path().join(TOKEN_FILE);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(load_or_create_token(dir.path()).unwrap(), first);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
