//! What the agent refuses: foreign Hosts, foreign Origins, missing or
//! wrong tokens, oversized bodies and hostile workbooks; and what it never
//! loses: acknowledged reviews across a SIGKILL.

mod common;

use std::time::{Duration, Instant};

use common::agent::Agent;
use serde_json::json;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Every API route with its method, read from the agent's own OpenAPI
/// document so a new route cannot escape these tests.
fn api_routes(agent: &Agent) -> Vec<(String, String)> {
    let doc = agent.get("/api/v1/openapi.json").json();
    let mut routes = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let path = path.replace("{id}", "some-run");
            routes.push((method.to_uppercase(), format!("/api/v1{path}")));
        }
    }
    assert!(routes.len() >= 8, "{routes:?}");
    routes
}

fn request(method: &str, path: &str, host: Option<&str>, extra: &str) -> Vec<u8> {
    let host = host.map(|h| format!("Host: {h}\r\n")).unwrap_or_default();
    format!(
        "{method} {path} HTTP/1.1\r\n{host}{extra}Content-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .into_bytes()
}

#[test]
fn hosts_tokens_and_origins() {
    let dir = tempfile::tempdir().unwrap();
    let agent = Agent::start(dir.path());
    let own = format!("localhost:{}", agent.port);
    let auth = format!("Authorization: Bearer {}\r\n", agent.token);
    let wait = Duration::from_secs(10);

    // DNS rebinding: a foreign or empty Host gets 403, token or not.
    for host in [
        format!("evil.example:{}", agent.port),
        format!("localhost.evil.example:{}", agent.port),
        "localhost:1".to_string(),
        String::new(),
    ] {
        for path in ["/api/v1/health", "/addin/index.html"] {
            let (status, text) = agent.raw(&request("GET", path, Some(&host), &auth), wait);
            assert_eq!(status, 403, "Host {host:?} {path}: {text}");
            assert!(text.contains("\"code\":\"bad_host\""), "{text}");
        }
    }
    // No Host at all: HTTP/1.1 makes it a malformed request (400 from the
    // HTTP layer); HTTP/1.0 allows it, and the guard refuses it.
    let (status, text) = agent.raw(&request("GET", "/api/v1/health", None, &auth), wait);
    assert_eq!(status, 400, "{text}");
    let http10 = format!("GET /api/v1/health HTTP/1.0\r\n{auth}\r\n");
    let (status, text) = agent.raw(http10.as_bytes(), wait);
    assert_eq!(status, 403, "{text}");
    assert!(text.contains("bad_host"), "{text}");
    let (status, _) = agent.raw(&request("GET", "/api/v1/health", Some(&own), &auth), wait);
    assert_eq!(status, 200);
    let ipv4 = format!("127.0.0.1:{}", agent.port);
    let (status, _) = agent.raw(&request("GET", "/api/v1/health", Some(&ipv4), &auth), wait);
    assert_eq!(status, 200);

    // Every API route needs the token: missing or wrong gets 401.
    for (method, path) in api_routes(&agent) {
        let (status, text) = agent.raw(&request(&method, &path, Some(&own), ""), wait);
        assert_eq!(status, 401, "{method} {path} without token: {text}");
        assert!(text.contains("missing_token"), "{text}");
        let wrong = format!("Authorization: Bearer {}\r\n", "0".repeat(64));
        let (status, text) = agent.raw(&request(&method, &path, Some(&own), &wrong), wait);
        assert_eq!(status, 401, "{method} {path} with a wrong token: {text}");
        assert!(text.contains("bad_token"), "{text}");
    }

    // A foreign Origin gets no CORS grant, on a simple request or a preflight.
    for origin in [
        "https://evil.example",
        "null",
        &format!("http://localhost:{}", agent.port),
    ] {
        let headers = format!("{auth}Origin: {origin}\r\n");
        let (status, text) = agent.raw(
            &request("GET", "/api/v1/health", Some(&own), &headers),
            wait,
        );
        assert_eq!(status, 403, "Origin {origin}: {text}");
        assert!(
            !text
                .to_ascii_lowercase()
                .contains("access-control-allow-origin"),
            "{text}"
        );
        let preflight = format!(
            "Origin: {origin}\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: authorization\r\n"
        );
        let (_, text) = agent.raw(
            &request("OPTIONS", "/api/v1/score", Some(&own), &preflight),
            wait,
        );
        assert!(
            !text.to_ascii_lowercase().contains("access-control-allow"),
            "{text}"
        );
    }
    // Unknown paths get a JSON 404, inside the API and out.
    for path in ["/api/v1/nope", "/nope"] {
        let (status, text) = agent.raw(&request("GET", path, Some(&own), &auth), wait);
        assert_eq!(status, 404, "{text}");
        assert!(text.contains("\"code\":\"not_found\""), "{text}");
    }
    // The agent's own origin (the task pane) is served.
    let headers = format!("{auth}Origin: https://localhost:{}\r\n", agent.port);
    let (status, text) = agent.raw(
        &request("GET", "/api/v1/health", Some(&own), &headers),
        wait,
    );
    assert_eq!(status, 200, "{text}");
}

#[test]
fn oversized_bodies_and_sheets_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let agent = Agent::start(dir.path());
    let own = format!("localhost:{}", agent.port);

    // A body declared at 10 GB is refused at once, before it is sent.
    for path in ["/api/v1/score", "/api/v1/reviews"] {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {own}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: 10737418240\r\n\r\n{{\"rows\": [",
            agent.token
        );
        let started = Instant::now();
        let (status, text) = agent.raw(head.as_bytes(), Duration::from_secs(10));
        assert_eq!(status, 413, "{path}: {text}");
        assert!(text.contains("body_too_large"), "{text}");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
    }

    // Too many columns in a row: 422 with a clear message.
    let wide = json!({ "rows": [vec!["집행금액"; 300]] });
    let reply = agent.post_json("/api/v1/score?lang=en", &wide);
    assert_eq!(reply.status, 422);
    assert_eq!(reply.error_code(), "too_many_cells");
    assert!(reply.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("256 columns"));

    // Not JSON, an unknown content type, and a sheet with no ledger in it.
    let reply = agent.post("/api/v1/score", "application/json", b"{\"rows\": [[1,2");
    assert_eq!(
        (reply.status, reply.error_code().as_str()),
        (400, "bad_json")
    );
    let reply = agent.post("/api/v1/score", "image/png", b"\x89PNG");
    assert_eq!(reply.status, 415);
    let reply = agent.post_json(
        "/api/v1/score",
        &json!({ "rows": [["가", "나"], ["1", "2"]] }),
    );
    reply.expect(422);
    assert_eq!(agent.get("/api/v1/health").status, 200);
}

#[test]
fn hostile_workbooks_get_a_clear_4xx_and_the_agent_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let agent = Agent::start(dir.path());
    let base = common::small_ledger_xlsx(false);

    // A zip bomb: 200 MB of one repeated byte, under 1 MB on the wire.
    let sheet = common::bomb_sheet_xml(200);
    let bomb = common::rewrite_entry(&base, "xl/worksheets/sheet1.xml", &sheet);
    drop(sheet);
    assert!(bomb.len() < 1 << 20);
    let reply = agent.post("/api/v1/score?workbook=bomb.xlsx&lang=en", XLSX, &bomb);
    assert_eq!(reply.status, 422);
    assert_eq!(reply.error_code(), "hostile_workbook");
    assert!(reply.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("zip bomb"));

    // Far-apart cells: refused, naming the cell.
    let reply = agent.post(
        "/api/v1/score?workbook=far.xlsx&lang=en",
        XLSX,
        &common::small_ledger_xlsx(true),
    );
    assert_eq!(reply.status, 422);
    assert_eq!(reply.error_code(), "far_cell");
    let message = reply.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("far.xlsx [Sheet1] cell XFD1048576"),
        "{message}"
    );

    // A shared-string table declaring 10^18 entries.
    let strings = common::rewrite_entry(&base, "xl/sharedStrings.xml", common::GIANT_SST);
    let reply = agent.post("/api/v1/score?workbook=sst.xlsx", XLSX, &strings);
    reply.expect(422);

    // The agent keeps answering, and its memory stayed bounded.
    assert_eq!(agent.get("/api/v1/health").status, 200);
    let ok = agent.post("/api/v1/score?workbook=ok.xlsx", XLSX, &base);
    ok.expect(200);
    if let Some(peak) = agent.peak_rss_mb() {
        assert!(peak < 512.0, "peak resident memory {peak:.0} MB");
    }
}

#[cfg(unix)]
#[test]
fn acknowledged_reviews_survive_sigkill() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};

    let dir = tempfile::tempdir().unwrap();
    let agent = Agent::start(dir.path());
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
            let (http, url) = (agent.http.clone(), agent.url("/api/v1/reviews"));
            let auth = format!("Bearer {}", agent.token);
            std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let key = format!("w{w}-{n}");
                    let body = json!({ "reviews": [
                        { "key": key, "status": "needs_evidence", "note": format!("메모 {n}"), "reviewer": "검토자" }
                    ]});
                    // Once the agent is killed the request fails: not acknowledged.
                    let Ok(response) = http
                        .post(&url)
                        .header("Authorization", &auth)
                        .send_json(&body)
                    else {
                        break;
                    };
                    if response.status() == 200 {
                        acknowledged.lock().unwrap().push(key);
                    }
                    n += 1;
                }
            })
        })
        .collect();
    // Let the stream run, then kill the agent in the middle of it.
    std::thread::sleep(Duration::from_millis(1500));
    agent.kill();
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() > 20,
        "the stream was running: {}",
        acknowledged.len()
    );

    let agent = Agent::start(dir.path());
    let reviews = agent.get("/api/v1/reviews").json();
    let stored: std::collections::HashSet<String> = reviews["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap().to_string())
        .collect();
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|k| !stored.contains(*k))
        .collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    drop(agent);

    let verify = common::run(&[
        "history",
        "verify",
        "--lang",
        "en",
        "--data-dir",
        dir.path().to_str().unwrap(),
    ]);
    let out = common::stdout(&verify);
    assert!(verify.status.success(), "{out}{}", common::stderr(&verify));
    assert!(
        out.contains("integrity_check: ok") && out.contains("hash chain intact"),
        "{out}"
    );
}
