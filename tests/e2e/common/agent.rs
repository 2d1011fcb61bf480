//! Starting the real agent binary and talking to it over real HTTPS,
//! trusting only the CA it generated in its data folder.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ledgerlens::ingest::Cell;

pub struct Agent {
    pub child: Child,
    pub port: u16,
    pub token: String,
    pub data_dir: PathBuf,
    pub http: ureq::Agent,
}

/// A response read whole.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body[..self.body.len().min(500)])
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Asserts the status, showing the body when it differs.
    pub fn expect(&self, status: u16) -> &Self {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body[..self.body.len().min(2000)])
        );
        self
    }

    /// The error code of a JSON error body.
    pub fn error_code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code in {}", String::from_utf8_lossy(&self.body)))
            .to_string()
    }
}

/// A ureq client that trusts only the agent's CA.
fn client(ca_pem: &[u8]) -> ureq::Agent {
    let certs = ureq::tls::parse_pem(ca_pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect::<Vec<_>>();
    assert!(!certs.is_empty(), "ca.pem holds a certificate");
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::Specific(Arc::new(certs)))
        .build();
    ureq::Agent::config_builder()
        .tls_config(tls)
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

impl Agent {
    /// Starts `ledgerlens serve --port 0 --no-tray` on `data_dir` and waits until it listens.
    pub fn start(data_dir: &Path) -> Agent {
        Self::start_with(data_dir, &["--no-tray"], &[])
    }

    /// Starts the agent with extra arguments and environment.
    pub fn start_with(data_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Agent {
        let mut child = super::ledgerlens()
            .args(["serve", "--port", "0"])
            .args(args)
            .arg("--data-dir")
            .arg(data_dir)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the agent");
        // Its stderr is kept (and drained, so the agent never blocks on
        // it) to say why, should it stop before it listens.
        let stderr = child.stderr.take().unwrap();
        let said = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let keep = said.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut kept = keep.lock().unwrap();
                if kept.len() < 64 * 1024 {
                    kept.push_str(&line);
                    kept.push('\n');
                }
            }
        });
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.trim().strip_prefix("url: ") {
                    let _ = tx.send(url.to_string());
                }
            }
        });
        let url = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(url) => url,
            Err(e) => {
                let status = child.try_wait();
                std::thread::sleep(Duration::from_millis(200));
                panic!(
                    "the agent prints its url: {e}; exit {status:?}; stderr:\n{}",
                    said.lock().unwrap()
                );
            }
        };
        let port: u16 = url
            .trim_end_matches('/')
            .rsplit(':')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let token = std::fs::read_to_string(data_dir.join("token")).unwrap();
        let ca = std::fs::read(data_dir.join("ca.pem")).unwrap();
        Agent {
            child,
            port,
            token: token.trim().to_string(),
            data_dir: data_dir.to_path_buf(),
            http: client(&ca),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.port)
    }

    fn finish(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
        let mut response = response.expect("request reached the agent");
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(1 << 30)
            .read_to_vec()
            .unwrap();
        Reply {
            status,
            headers,
            body,
        }
    }

    pub fn get(&self, path: &str) -> Reply {
        Self::finish(
            self.http
                .get(self.url(path))
                .header("Authorization", format!("Bearer {}", self.token))
                .call(),
        )
    }

    pub fn post(&self, path: &str, content_type: &str, body: &[u8]) -> Reply {
        Self::finish(
            self.http
                .post(self.url(path))
                .header("Authorization", format!("Bearer {}", self.token))
                .header("Content-Type", content_type)
                .send(body),
        )
    }

    pub fn delete(&self, path: &str) -> Reply {
        Self::finish(
            self.http
                .delete(self.url(path))
                .header("Authorization", format!("Bearer {}", self.token))
                .call(),
        )
    }

    pub fn post_json(&self, path: &str, body: &serde_json::Value) -> Reply {
        self.post(path, "application/json", &serde_json::to_vec(body).unwrap())
    }

    /// Stops the agent with SIGKILL (on Unix `Child::kill` sends it).
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Peak resident memory of the agent so far, in MB (Linux).
    pub fn peak_rss_mb(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb / 1024.0)
    }

    /// A TLS connection to the agent (trusting only its CA), the handshake
    /// not yet made: it happens on the first write or read.
    pub fn tls(&self, read_timeout: Duration) -> Tls {
        let ca = std::fs::read(self.data_dir.join("ca.pem")).unwrap();
        let mut roots = rustls::RootCertStore::empty();
        for item in ureq::tls::parse_pem(&ca) {
            if let Ok(ureq::tls::PemItem::Certificate(c)) = item {
                roots.add(c.der().to_vec().into()).unwrap();
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        let conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
        let tcp = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        tcp.set_read_timeout(Some(read_timeout)).unwrap();
        rustls::StreamOwned::new(conn, tcp)
    }

    /// Sends raw bytes over TLS (trusting only the agent's CA) and returns
    /// the response head and what body arrived within `wait`.
    pub fn raw(&self, request: &[u8], wait: Duration) -> (u16, String) {
        let mut tls = self.tls(wait);
        tls.write_all(request).unwrap();
        tls.flush().unwrap();
        read_response(&mut tls, wait)
    }

    /// Open file descriptors of the agent (Linux).
    pub fn open_fds(&self) -> Option<usize> {
        Some(
            std::fs::read_dir(format!("/proc/{}/fd", self.child.id()))
                .ok()?
                .count(),
        )
    }
}

pub type Tls = rustls::StreamOwned<rustls::ClientConnection, TcpStream>;

/// Reads a response until it is complete, the peer closes, or `wait` passes;
/// returns its status (0 if none came) and its text.
pub fn read_response(tls: &mut Tls, wait: Duration) -> (u16, String) {
    let started = Instant::now();
    let mut received = Vec::new();
    let mut buf = [0u8; 16384];
    while started.elapsed() < wait {
        match tls.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                received.extend_from_slice(&buf[..n]);
                if response_complete(&received) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    let text = String::from_utf8_lossy(&received).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// True once a response's head and its Content-Length of body are in.
fn response_complete(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let Some(end) = text.find("\r\n\r\n") else {
        return false;
    };
    let length = text[..end]
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    bytes.len() >= end + 4 + length
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A cell as Office.js `range.values` gives it: dates as serial numbers.
fn office_value(cell: &Cell) -> serde_json::Value {
    match cell {
        Cell::Empty => serde_json::Value::String(String::new()),
        Cell::Number(n) => serde_json::json!(n),
        Cell::Text(t) | Cell::Error(t) => serde_json::json!(t),
        Cell::Bool(b) => serde_json::json!(b),
        Cell::DateTime(dt) => {
            let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap();
            serde_json::json!((*dt - epoch).num_seconds() as f64 / 86_400.0)
        }
    }
}

/// A demo ledger as the add-in would send it.
pub fn demo_score_request(rows: usize, seed: u64) -> serde_json::Value {
    let grid = ledgerlens::demo::generate(rows, seed).to_grid();
    let values: Vec<Vec<serde_json::Value>> = grid
        .rows
        .iter()
        .map(|r| r.iter().map(office_value).collect())
        .collect();
    serde_json::json!({ "workbook": "demo.xlsx", "sheet": grid.sheet, "rows": values })
}
