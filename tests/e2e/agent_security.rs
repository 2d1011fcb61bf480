//! The agent attacked as an adversary and a careless user would, over real
//! HTTPS and on its files: what it refuses (foreign Hosts and Origins, any
//! spelling of a path without the token, stalled, huge or countless bodies
//! and connections, overlong texts, hostile workbooks, a damaged database),
//! and what it never loses (acknowledged reviews across a SIGKILL or a bit
//! flip) or hides (interrupted runs). docs/ARCHITECTURE.md ("Security")
//! lists every threat with the test here that tries it.

use std::io::Read as _;
use std::time::{Duration, Instant};

use crate::common::agent::Agent;
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

/// Spellings of `path` that a router, a proxy or a browser might take for
/// the same route: percent-encoded characters (each segment's first, then
/// every one, in both hex cases), double encoding, dot segments (plain and
/// encoded), doubled slashes, other letter cases, a trailing slash or
/// semicolon, backslashes, an encoded slash and the absolute form.
fn spellings(path: &str, port: u16) -> Vec<String> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let join = |parts: &[String]| format!("/{}", parts.join("/"));
    let owned: Vec<String> = segments.iter().map(|s| s.to_string()).collect();
    let mut out = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        let first = segment.as_bytes()[0];
        for encoded in [format!("%{first:02x}"), format!("%{first:02X}")] {
            let mut parts = owned.clone();
            parts[i] = format!("{encoded}{}", &segment[1..]);
            out.push(join(&parts));
        }
        let mut parts = owned.clone();
        parts[i] = format!("%25{first:02x}{}", &segment[1..]);
        out.push(join(&parts));
        // Dot segments and doubled slashes around this segment.
        for (before, after) in [
            ("", "/."),
            ("", "/%2e"),
            ("x/../", ""),
            ("x/%2e%2e/", ""),
            ("/", ""),
            ("", "/"),
        ] {
            let mut parts = owned.clone();
            parts[i] = format!("{before}{segment}{after}");
            out.push(join(&parts));
        }
        let mut parts = owned.clone();
        parts[i] = segment.to_uppercase();
        out.push(join(&parts));
    }
    let every: String = path
        .bytes()
        .map(|b| {
            if b == b'/' {
                "/".to_string()
            } else {
                format!("%{b:02x}")
            }
        })
        .collect();
    out.push(every);
    out.push(path.to_uppercase());
    out.push(format!("/{path}"));
    out.push(format!("{path}/"));
    out.push(format!("{path};"));
    out.push(format!("{path}/."));
    out.push(format!("/./{}", &path[1..]));
    out.push(path.replace('/', "\\"));
    out.push(path.replacen('/', "%2f", 2).replacen("%2f", "/", 1));
    out.push(format!("https://localhost:{port}{path}"));
    out.push(format!("https://localhost:{port}/%61{}", &path[2..]));
    out
}

#[test]
fn no_spelling_of_a_path_reaches_a_handler_without_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let agent = Agent::start(dir.path());
    let own = format!("localhost:{}", agent.port);
    let wait = Duration::from_secs(10);
    // A run and a review exist, so a leaking route would have data to show.
    agent
        .post_json(
            "/api/v1/score",
            &crate::common::agent::demo_score_request(300, 3),
        )
        .expect(200);
    agent
        .post_json(
            "/api/v1/reviews",
            &json!({ "reviews": [{ "key": "real-review", "status": "normal" }] }),
        )
        .expect(200);

    let mut tried = 0;
    for (method, path) in api_routes(&agent) {
        for spelled in spellings(&path, agent.port) {
            let body =
                json!({ "reviews": [{ "key": format!("bypass {spelled}"), "status": "confirmed" }],
                               "rows": [["집행일자", "집행금액"], ["2024-01-02", 1000]] })
                .to_string();
            let head = format!(
                "{method} {spelled} HTTP/1.1\r\nHost: {own}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let (status, text) = agent.raw(head.as_bytes(), wait);
            tried += 1;
            assert!(
                status >= 400,
                "{method} {spelled} without a token answered {status}: {}",
                &text[..text.len().min(400)]
            );
            // A refusal never carries the data it guards.
            assert!(
                !text.contains("real-review") && !text.contains("\"run_id\""),
                "{method} {spelled}: {text}"
            );
        }
    }
    assert!(tried > 300, "{tried} spellings tried");

    // Nothing was saved or scored through any of them.
    let reviews = agent.get("/api/v1/reviews").json();
    let keys: Vec<&str> = reviews["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["real-review"], "a review got in without the token");
    let runs = agent.get("/api/v1/runs").json();
    assert_eq!(
        runs["runs"].as_array().unwrap().len(),
        1,
        "a run got in without the token"
    );

    // The spellings the router does decode still work with the token.
    let auth = format!("Authorization: Bearer {}\r\n", agent.token);
    let (status, text) = agent.raw(&request("GET", "/%61pi/v1/runs", Some(&own), &auth), wait);
    assert_eq!(status, 200, "{text}");
    // An unknown path inside the API is refused without the token too.
    let (status, text) = agent.raw(&request("GET", "/api/v1/nope", Some(&own), ""), wait);
    assert_eq!(status, 401, "{text}");
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
    let base = crate::common::small_ledger_xlsx(false);

    // A zip bomb: 200 MB of one repeated byte, under 1 MB on the wire.
    let sheet = crate::common::bomb_sheet_xml(200);
    let bomb = crate::common::rewrite_entry(&base, "xl/worksheets/sheet1.xml", &sheet);
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
        &crate::common::small_ledger_xlsx(true),
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
    let strings =
        crate::common::rewrite_entry(&base, "xl/sharedStrings.xml", crate::common::GIANT_SST);
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

    let verify = crate::common::run(&[
        "history",
        "verify",
        "--lang",
        "en",
        "--data-dir",
        dir.path().to_str().unwrap(),
    ]);
    let out = crate::common::stdout(&verify);
    assert!(
        verify.status.success(),
        "{out}{}",
        crate::common::stderr(&verify)
    );
    assert!(
        out.contains("integrity_check: ok") && out.contains("hash chain intact"),
        "{out}"
    );
}

/// The head of a POST with a declared body, without the body.
fn post_head(agent: &Agent, path: &str, length: usize) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: localhost:{}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n",
        agent.port, agent.token
    )
}

#[test]
fn stalled_and_trickling_uploads_are_cut_off_and_do_not_hold_scoring() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let agent = Agent::start(dir.path());
    let wait = Duration::from_secs(40);
    // Four uploads that declare a megabyte and send three bytes, on every
    // body-reading route; before the fix two of them held both scoring slots.
    let mut stalled: Vec<_> = [
        "/api/v1/score",
        "/api/v1/score",
        "/api/v1/reviews",
        "/api/v1/columns",
    ]
    .iter()
    .map(|path| {
        let mut tls = agent.tls(wait);
        tls.write_all(post_head(&agent, path, 1_000_000).as_bytes())
            .unwrap();
        tls.write_all(b"{\"r").unwrap();
        tls.flush().unwrap();
        tls
    })
    .collect();
    // One that keeps sending, one byte a second: never idle, always too slow.
    let mut trickle = agent.tls(Duration::from_millis(900));
    trickle
        .write_all(post_head(&agent, "/api/v1/reviews?lang=en", 100_000).as_bytes())
        .unwrap();
    let trickler = std::thread::spawn(move || {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if trickle
                .write_all(b" ")
                .and_then(|()| trickle.flush())
                .is_err()
            {
                break;
            }
            // Listen between bytes: the answer comes while we still send.
            let answer =
                crate::common::agent::read_response(&mut trickle, Duration::from_millis(900));
            if answer.0 != 0 {
                return answer;
            }
        }
        (0, String::new())
    });
    std::thread::sleep(Duration::from_millis(300));

    // A real Score goes through at once.
    let started = Instant::now();
    agent
        .post_json(
            "/api/v1/score",
            &crate::common::agent::demo_score_request(500, 2),
        )
        .expect(200);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "a real score waited {:?} behind stalled uploads",
        started.elapsed()
    );

    // The stalled ones are answered 408 and closed within the idle timeout.
    for tls in &mut stalled {
        let (status, text) = crate::common::agent::read_response(tls, Duration::from_secs(20));
        assert_eq!(status, 408, "{text}");
        assert!(text.contains("body_timeout"), "{text}");
        assert!(
            text.to_ascii_lowercase().contains("connection: close"),
            "{text}"
        );
        let mut rest = [0u8; 16];
        assert!(
            matches!(std::io::Read::read(tls, &mut rest), Ok(0) | Err(_)),
            "the connection is closed"
        );
    }
    let (status, text) = trickler.join().unwrap();
    assert_eq!(status, 408, "{text}");
    assert!(text.contains("too slowly"), "{text}");

    // A chunked body (no declared length) is taken up to its own, smaller
    // reservation; past it, refused.
    let small = "{\"reviews\": []}";
    let chunked = format!(
        "POST /api/v1/reviews HTTP/1.1\r\nHost: localhost:{}\r\nAuthorization: Bearer {}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{small}\r\n0\r\n\r\n",
        agent.port,
        agent.token,
        small.len()
    );
    let (status, text) = agent.raw(chunked.as_bytes(), Duration::from_secs(10));
    assert_eq!(status, 200, "{text}");
    let big = agent
        .http
        .post(agent.url("/api/v1/reviews"))
        .header("Authorization", format!("Bearer {}", agent.token))
        .header("Content-Type", "application/json")
        .send(ureq::SendBody::from_reader(
            &mut std::io::repeat(b' ').take(40 << 20),
        ))
        .unwrap();
    assert_eq!(big.status(), 413);
    assert_eq!(agent.get("/api/v1/health").status, 200);
}

#[test]
fn parallel_large_bodies_wait_their_turn_within_a_memory_budget() {
    let dir = tempfile::tempdir().unwrap();
    let agent = Agent::start(dir.path());
    // 24 review bodies with a 30 MB note and 24 column-preview bodies of
    // 3.5 MB of short cells (their limit is 4 MB), all at once (before: 60
    // bodies of 30 MB took the agent to 3.7 GB).
    let note = "가".repeat(10 << 20);
    let review = serde_json::to_vec(
        &json!({ "reviews": [{ "key": "k", "status": "normal", "note": note }] }),
    )
    .unwrap();
    let row: Vec<String> = (0..50).map(|i| format!("셀{i}")).collect();
    let rows = vec![row; 9_000];
    let columns = serde_json::to_vec(&json!({ "rows": rows })).unwrap();
    assert!(review.len() > 29 << 20, "{}", review.len());
    assert!(
        columns.len() > 3 << 20 && columns.len() < 4 << 20,
        "{}",
        columns.len()
    );
    let review = std::sync::Arc::new(review);
    let columns = std::sync::Arc::new(columns);
    let senders: Vec<_> = (0..48)
        .map(|i| {
            let (http, auth) = (agent.http.clone(), format!("Bearer {}", agent.token));
            let (path, body) = if i % 2 == 0 {
                (agent.url("/api/v1/reviews?lang=en"), review.clone())
            } else {
                (agent.url("/api/v1/columns"), columns.clone())
            };
            std::thread::spawn(move || {
                let response = http
                    .post(&path)
                    .header("Authorization", &auth)
                    .header("Content-Type", "application/json")
                    .send(&body[..])
                    .expect("every request is answered");
                response.status().as_u16()
            })
        })
        .collect();
    let statuses: Vec<u16> = senders.into_iter().map(|s| s.join().unwrap()).collect();
    // The long notes are refused (422), the columns answered (200); none is
    // dropped; some may be told to come back (503 busy).
    assert!(
        statuses.iter().all(|s| [200, 422, 503].contains(s)),
        "{statuses:?}"
    );
    assert!(
        statuses.iter().filter(|&&s| s == 422).count() >= 20,
        "{statuses:?}"
    );
    let peak = agent.peak_rss_mb().unwrap_or(0.0);
    eprintln!("peak agent RSS with 48 parallel large bodies: {peak:.0} MB");
    assert!(peak < 1000.0, "peak resident memory {peak:.0} MB");
    assert_eq!(agent.get("/api/v1/health").status, 200);
}

#[test]
fn stored_texts_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let agent = Agent::start(dir.path());
    // A workbook name of a megabyte, by query and in the JSON body.
    let long = "w".repeat(1 << 20);
    let mut request = crate::common::agent::demo_score_request(200, 1);
    let reply = agent.post_json(
        &format!("/api/v1/score?lang=en&workbook={}", "q".repeat(300)),
        &request,
    );
    reply.expect(422);
    assert_eq!(reply.error_code(), "text_too_long");
    assert!(reply.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("workbook name"));
    request["workbook"] = json!(long);
    let reply = agent.post_json("/api/v1/score", &request);
    assert_eq!(
        (reply.status, reply.error_code().as_str()),
        (422, "text_too_long")
    );
    request["workbook"] = json!("a.xlsx");
    request["sheet"] = json!("s".repeat(300));
    assert_eq!(agent.post_json("/api/v1/score", &request).status, 422);
    // Review fields.
    for review in [
        json!({ "key": "k".repeat(65), "status": "normal" }),
        json!({ "key": "k", "status": "normal", "reviewer": "r".repeat(201) }),
        json!({ "key": "k", "status": "normal", "note": "n".repeat(10_001) }),
    ] {
        let reply = agent.post_json("/api/v1/reviews", &json!({ "reviews": [review] }));
        assert_eq!(
            (reply.status, reply.error_code().as_str()),
            (422, "text_too_long")
        );
    }
    // A cell longer than Excel allows is refused naming it.
    let mut request = crate::common::agent::demo_score_request(50, 1);
    request["rows"][3][4] = json!("x".repeat(40_000));
    let reply = agent.post_json("/api/v1/score?lang=en", &request);
    assert_eq!(
        (reply.status, reply.error_code().as_str()),
        (422, "long_cell")
    );
    assert!(reply.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("cell E4"));
    // Nothing was recorded, and the run list stays small.
    let runs = agent.get("/api/v1/runs");
    assert!(runs.body.len() < 1000, "{} bytes", runs.body.len());
}

#[test]
fn connections_are_capped_and_idle_ones_closed() {
    use std::io::Write;
    use std::net::{SocketAddr, TcpStream};
    let dir = tempfile::tempdir().unwrap();
    let agent = Agent::start(dir.path());
    let before = agent.open_fds().unwrap();
    // 1,200 connections that never start TLS (before: about 20k idle
    // connections exhausted the agent's file descriptors).
    let addr = SocketAddr::from(([127, 0, 0, 1], agent.port));
    let silent: Vec<TcpStream> = (0..1200)
        .filter_map(|_| TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok())
        .collect();
    let mut most = 0;
    for _ in 0..10 {
        most = most.max(agent.open_fds().unwrap());
        std::thread::sleep(Duration::from_millis(200));
    }
    eprintln!(
        "agent descriptors: {before} at rest, at most {most} with {} silent connections",
        silent.len()
    );
    assert!(silent.len() > 1000, "{} connected", silent.len());
    assert!(
        most < before + 530,
        "{most} descriptors open (cap 512 connections)"
    );
    // A real request behind them is answered while they are still held:
    // the handshake timeout (3 s) frees their places.
    let started = Instant::now();
    let auth = format!("Authorization: Bearer {}\r\n", agent.token);
    let own = format!("localhost:{}", agent.port);
    let (status, _) = agent.raw(
        &request("GET", "/api/v1/health", Some(&own), &auth),
        Duration::from_secs(30),
    );
    assert_eq!(status, 200);
    eprintln!(
        "a request behind them was answered after {:?}",
        started.elapsed()
    );
    drop(silent);

    // TLS connections that finish the handshake and send nothing are
    // closed once the 10 s for a request head have passed.
    let idle: Vec<_> = (0..100)
        .map(|_| {
            let mut tls = agent.tls(Duration::from_millis(300));
            tls.conn.complete_io(&mut tls.sock).unwrap();
            let _ = tls.flush();
            tls
        })
        .collect();
    let held = agent.open_fds().unwrap();
    assert!(
        held >= before + 90,
        "{held} descriptors with 100 idle TLS connections"
    );
    std::thread::sleep(Duration::from_secs(12));
    let after = agent.open_fds().unwrap();
    eprintln!("100 idle TLS connections: {held} descriptors, {after} after 12 s");
    assert!(
        after + 90 <= held,
        "idle connections were kept: {held} descriptors, {after} after 12 s"
    );
    drop(idle);
}

#[test]
fn query_errors_offsets_and_framing() {
    let dir = tempfile::tempdir().unwrap();
    let agent = Agent::start(dir.path());
    let run = agent
        .post_json(
            "/api/v1/score",
            &crate::common::agent::demo_score_request(300, 1),
        )
        .json()["run_id"]
        .as_str()
        .unwrap()
        .to_string();
    // A malformed query string gets the JSON error format, not plain text.
    let reply = agent.get(&format!("/api/v1/runs/{run}/rows?offset=minus"));
    assert_eq!(reply.status, 400);
    assert_eq!(reply.error_code(), "bad_query");
    // An offset past 2^63 does not wrap round to the first page.
    let reply = agent.get(&format!("/api/v1/runs/{run}/rows?offset={}", 1u64 << 63));
    assert_eq!(
        (reply.status, reply.error_code().as_str()),
        (422, "bad_offset")
    );
    let last = agent
        .get(&format!("/api/v1/runs/{run}/rows?offset={}", i64::MAX))
        .json();
    assert!(last["rows"].as_array().unwrap().is_empty(), "{last}");
    // The dashboard may not be framed; the task pane only by Office.
    let dashboard = agent.get("/addin/index.html");
    assert_eq!(dashboard.header("X-Frame-Options"), Some("DENY"));
    assert_eq!(
        dashboard.header("Content-Security-Policy"),
        Some("frame-ancestors 'none'")
    );
    let pane = agent.get("/addin/taskpane.html");
    assert_eq!(pane.header("X-Frame-Options"), None);
    let csp = pane.header("Content-Security-Policy").unwrap();
    assert!(
        csp.starts_with("frame-ancestors 'self' https://*.office.com"),
        "{csp}"
    );
    let api = agent.get("/api/v1/health");
    assert_eq!(
        api.header("Content-Security-Policy"),
        Some("frame-ancestors 'none'")
    );
}

/// Makes a run whose scored rows never got in, as a crash between the
/// answer and the rows leaves it.
fn interrupted_run(data_dir: &std::path::Path) -> String {
    use ledgerlens::ingest::{ledger_from_grid, IngestOptions};
    let mut store = ledgerlens::store::Store::open(&data_dir.join("ledgerlens.sqlite")).unwrap();
    let grid = ledgerlens::demo::generate(300, 4).to_grid();
    let ledger = ledger_from_grid(grid, "cut.xlsx", &IngestOptions::default()).unwrap();
    let scored =
        ledgerlens::pipeline::score(ledger, &ledgerlens::config::Checked::default(), None).unwrap();
    let meta = ledgerlens::store::RunMeta {
        actor: "tester".into(),
        workbook: "cut.xlsx".into(),
        input_sha256: "00".into(),
        config_json: "{}".into(),
        ingest_s: 0.0,
        forecast_model: None,
        execution: None,
    };
    store.record_run_header(&meta, &scored).unwrap()
}

#[test]
fn interrupted_runs_are_marked_and_removed_with_an_audit_event() {
    let dir = tempfile::tempdir().unwrap();
    let cut = interrupted_run(dir.path());
    let agent = Agent::start(dir.path());
    let done = agent
        .post_json(
            "/api/v1/score",
            &crate::common::agent::demo_score_request(300, 1),
        )
        .json()["run_id"]
        .as_str()
        .unwrap()
        .to_string();
    let runs = agent.get("/api/v1/runs").json();
    let state: Vec<(String, bool)> = runs["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["interrupted"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(
        state.contains(&(cut.clone(), true)) && state.contains(&(done.clone(), false)),
        "{state:?}"
    );
    // `history verify` says so, without calling it tampering.
    let data = dir.path().to_str().unwrap();
    let o = crate::common::run(&["history", "verify", "--data-dir", data, "--lang", "en"]);
    assert!(o.status.success(), "{}", crate::common::stderr(&o));
    assert!(
        crate::common::stdout(&o).contains(&format!("interrupted run: {cut}")),
        "{}",
        crate::common::stdout(&o)
    );
    // A complete run is evidence: it cannot be removed.
    let reply = agent.delete(&format!("/api/v1/runs/{done}"));
    assert_eq!(
        (reply.status, reply.error_code().as_str()),
        (409, "run_not_interrupted")
    );
    let reply = agent.delete(&format!("/api/v1/runs/{cut}"));
    reply.expect(200);
    assert_eq!(reply.json()["removed"], cut.as_str());
    assert_eq!(agent.delete(&format!("/api/v1/runs/{cut}")).status, 404);
    drop(agent);
    let o = crate::common::run(&["history", "verify", "--data-dir", data, "--lang", "en"]);
    assert!(o.status.success(), "{}", crate::common::stderr(&o));
    assert!(
        !crate::common::stdout(&o).contains("interrupted run"),
        "{}",
        crate::common::stdout(&o)
    );
    let conn = rusqlite::Connection::open(dir.path().join("ledgerlens.sqlite")).unwrap();
    let detail: String = conn
        .query_row(
            "SELECT detail_json FROM audit_events WHERE kind = 'run_removed'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(detail.contains(&cut), "{detail}");
}

#[cfg(unix)]
#[test]
fn a_damaged_database_is_refused_with_where_the_backup_is() {
    let dir = tempfile::tempdir().unwrap();
    {
        let agent = Agent::start(dir.path());
        agent
            .post_json(
                "/api/v1/score",
                &crate::common::agent::demo_score_request(2000, 1),
            )
            .expect(200);
        agent
            .post_json(
                "/api/v1/reviews",
                &json!({ "reviews": [{ "key": "k1", "status": "normal" }] }),
            )
            .expect(200);
    }
    // The next start takes the first automatic backup (a used store, none yet).
    drop(Agent::start(dir.path()));
    let backups: Vec<_> = std::fs::read_dir(dir.path().join("backups"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    let backup = backups[0].path();
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    // Garbage over a page in the middle of the file (its pages moved in
    // from the write-ahead log first, as a clean stop would).
    let db = dir.path().join("ledgerlens.sqlite");
    checkpoint(&db);
    let mut bytes = std::fs::read(&db).unwrap();
    let middle = (bytes.len() / 4096 / 2) * 4096;
    for b in &mut bytes[middle..middle + 4096] {
        *b = 0x5a;
    }
    std::fs::write(&db, &bytes).unwrap();
    let out =
        start_briefly(dir.path(), &["--lang", "en"]).expect("a damaged store must not be served");
    assert_eq!(
        out.status.code(),
        Some(1),
        "a damaged store must not be served"
    );
    let err = crate::common::stderr(&out);
    assert!(
        err.contains("is damaged and will not be written to"),
        "{err}"
    );
    assert!(err.contains(&backup.display().to_string()), "{err}");
}

/// Moves every page from the write-ahead log into the database file.
fn checkpoint(db: &std::path::Path) {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
}

/// Starts the agent on `dir`: its output if it exited, `None` (after
/// stopping it) once it announced it is serving.
fn start_briefly(dir: &std::path::Path, args: &[&str]) -> Option<std::process::Output> {
    use std::io::BufRead;
    let mut child = crate::common::ledgerlens()
        .args(["serve", "--port", "0", "--no-tray"])
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut text = String::new();
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if line.trim().starts_with("url: ") {
                let _ = tx.send(true);
            }
            text.push_str(&line);
        }
        let _ = tx.send(false);
    });
    let serving = rx.recv_timeout(Duration::from_secs(30)).unwrap_or(false);
    if serving {
        let _ = child.kill();
        let _ = child.wait();
        return None;
    }
    Some(child.wait_with_output().unwrap())
}

/// Flips one random bit of a used database, many times over: the agent
/// either refuses the file at start, or every review it acknowledges is
/// there after a restart (before: 2 of 40 acknowledged reviews vanished).
#[test]
fn bit_flips_never_lose_an_acknowledged_review() {
    use rand::{Rng, SeedableRng};
    let good = tempfile::tempdir().unwrap();
    {
        let agent = Agent::start(good.path());
        agent
            .post_json(
                "/api/v1/score",
                &crate::common::agent::demo_score_request(1500, 2),
            )
            .expect(200);
        let reviews: Vec<_> = (0..200)
            .map(|i| json!({ "key": format!("old-{i}"), "status": "normal", "note": "메모" }))
            .collect();
        agent
            .post_json("/api/v1/reviews", &json!({ "reviews": reviews }))
            .expect(200);
    }
    checkpoint(&good.path().join("ledgerlens.sqlite"));
    let db = std::fs::read(good.path().join("ledgerlens.sqlite")).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    let (mut refused, mut served) = (0, 0);
    for trial in 0..40 {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "ledgerlens.sqlite",
            "audit.key",
            "audit.anchor",
            "token",
            "ca.pem",
            "ca-key.pem",
            "localhost.pem",
            "localhost-key.pem",
            "localhost.expires",
        ] {
            let from = good.path().join(name);
            if from.exists() {
                std::fs::copy(&from, dir.path().join(name)).unwrap();
            }
        }
        let mut bytes = db.clone();
        // Past the 100-byte file header, which SQLite rejects on its own.
        let at = rng.gen_range(100..bytes.len());
        bytes[at] ^= 1 << rng.gen_range(0..8);
        std::fs::write(dir.path().join("ledgerlens.sqlite"), &bytes).unwrap();
        // A store the start-up check passes goes on serving; stop it and
        // start it again below as a client would find it.
        let out = start_briefly(dir.path(), &[]);
        if let Some(out) = out {
            assert_eq!(out.status.code(), Some(1), "trial {trial}");
            assert!(
                crate::common::stderr(&out).contains("손상"),
                "trial {trial}: {}",
                crate::common::stderr(&out)
            );
            refused += 1;
            continue;
        }
        let agent = Agent::start(dir.path());
        let key = format!("new-{trial}");
        let reply = agent.post_json(
            "/api/v1/reviews",
            &json!({ "reviews": [{ "key": key, "status": "confirmed" }] }),
        );
        let acknowledged = reply.status == 200;
        agent.kill();
        if acknowledged {
            let agent = Agent::start(dir.path());
            let reviews = agent.get("/api/v1/reviews");
            assert_eq!(
                reviews.status, 200,
                "trial {trial}: acknowledged, then unreadable"
            );
            assert!(
                reviews.json()["reviews"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| r["key"] == key.as_str()),
                "trial {trial}: an acknowledged review vanished"
            );
        }
        served += 1;
    }
    eprintln!("bit flips: {refused} refused at start, {served} served without loss");
}
