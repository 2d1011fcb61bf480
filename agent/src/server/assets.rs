//! The task pane (`addin/`) and the manifest folder (`manifest/`), served
//! from the agent itself so the pane and the API share one origin. Release
//! builds carry the files inside the binary; debug builds read them from
//! the source tree so a page edit needs no rebuild.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use rust_embed::RustEmbed;

use super::errors::{request_lang, Error, Kind};
use super::security::Guard;
use crate::i18n::Text;

#[derive(RustEmbed)]
#[folder = "../addin/"]
#[exclude = "node_modules/*"]
#[exclude = "test/*"]
#[exclude = "*.md"]
#[exclude = "package.json"]
struct Addin;

#[derive(RustEmbed)]
#[folder = "../manifest/"]
#[exclude = "*.md"]
#[exclude = "*.py"]
struct Manifest;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/addin/{path:.*}", web::get().to(addin))
        .route("/manifest/{path:.*}", web::get().to(manifest));
}

/// Pages Office shows inside its own frame (Excel on the web puts the task
/// pane in an iframe of an Office origin); every other page, the dashboard
/// first, may not be framed at all, so no other site can overlay it.
const PANE_PAGES: [&str; 2] = ["taskpane.html", "help.html"];

/// The Office origins that frame a task pane.
const OFFICE_FRAME_ANCESTORS: &str = "frame-ancestors 'self' https://*.office.com \
https://*.officeapps.live.com https://*.office365.com https://*.sharepoint.com \
https://*.microsoft365.com https://*.cloud.microsoft";

fn serve(req: &HttpRequest, path: &str, file: Option<rust_embed::EmbeddedFile>) -> HttpResponse {
    match file {
        Some(file) => {
            let mut response = HttpResponse::Ok();
            response
                .content_type(file.metadata.mimetype())
                // The pane must never run stale code against a newer agent.
                .insert_header((header::CACHE_CONTROL, "no-cache"))
                .insert_header(("X-Content-Type-Options", "nosniff"));
            if PANE_PAGES.contains(&path) {
                response.insert_header((header::CONTENT_SECURITY_POLICY, OFFICE_FRAME_ANCESTORS));
            } else {
                response.insert_header((header::X_FRAME_OPTIONS, "DENY"));
            }
            response.body(file.data.into_owned())
        }
        None => {
            let missing = Error::new(
                Kind::NotFound,
                "not_found",
                Text::new(
                    format!("파일이 없습니다: {path}"),
                    format!("no such file: {path}"),
                ),
            );
            super::errors::to_response(&missing, request_lang(req))
        }
    }
}

async fn addin(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let path = match path.as_str() {
        "" => "index.html",
        p => p,
    };
    serve(&req, path, Addin::get(path))
}

async fn manifest(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    if path.as_str() == "manifest.xml" {
        // Written for the port this agent listens on; without the token,
        // which only `ledgerlens manifest` writes into a private file.
        let port = req
            .app_data::<web::Data<Guard>>()
            .map_or(super::DEFAULT_PORT, |g| g.port);
        return HttpResponse::Ok()
            .content_type("application/xml; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(super::manifest::for_port(port, None));
    }
    serve(&req, &path, Manifest::get(&path))
}

/// `/` is the browser dashboard; the query (the tray passes the token in
/// it) goes along.
pub async fn to_dashboard(req: HttpRequest) -> HttpResponse {
    let location = match req.query_string() {
        "" => "/addin/".to_string(),
        query => format!("/addin/?{query}"),
    };
    HttpResponse::Found()
        .insert_header((header::LOCATION, location))
        .finish()
}
