//! The local agent: HTTPS on loopback only, serving the task pane, the
//! manifest and the JSON API from one origin.
//!
//! Start-up order matters: claim the data folder (one agent per folder),
//! make or renew the certificates, load the token, open the store, bind,
//! and only then announce the port.

pub mod api;
pub mod assets;
pub mod body;
pub mod errors;
pub mod instance;
pub mod manifest;
pub mod rows;
pub mod security;
pub mod tls;
mod training;
pub mod trust;

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use actix_web::{middleware, web, App, HttpServer};

use crate::config::Checked;
use crate::i18n::{Lang, Text};
use crate::store::{Store, DATABASE_FILE};
use errors::{Error, Kind};

/// The agent's port unless `--port` says otherwise.
pub const DEFAULT_PORT: u16 = 48_620;

/// Scoring jobs that may run at once; more wait their turn. Two matches
/// the machines accountants use and bounds the memory in use.
const SCORING_SLOTS: usize = 2;

/// Review and column-preview bodies parsed at once: what a body parses into
/// is larger than the body, so few, beside the body budget.
const PARSING_SLOTS: usize = 2;

/// Async workers: the work itself runs on the blocking pool, so two are
/// plenty for one user, and a fixed count keeps [`MAX_CONNECTIONS`] fixed.
const WORKERS: usize = 2;

/// Open connections at once, across workers: far under the usual 1,024
/// file descriptors a process may hold, far over what a pane and a browser
/// open.
const MAX_CONNECTIONS: usize = 512;

pub struct ServeOptions {
    pub port: u16,
    pub data_dir: PathBuf,
    pub config: Checked,
    pub tray: bool,
}

/// State shared by every request.
pub struct AppState {
    store: Mutex<Store>,
    pub config: Checked,
    scoring: tokio::sync::Semaphore,
    /// Every body being read or worked on counts against this.
    bodies: body::BodyBudget,
    /// Reviews and column previews parsed at once (scoring has its slots).
    parsing: tokio::sync::Semaphore,
    paused: AtomicBool,
    /// The latest run, for the tray's tooltip and notification.
    last_run: Mutex<Option<LastRun>>,
    /// The reviews' model scores are blended with (`training.rs`).
    learned: std::sync::RwLock<Option<std::sync::Arc<crate::learn::lessons::Learned>>>,
    training: AtomicBool,
    train_again: AtomicBool,
    last_training: Mutex<Option<training::Outcome>>,
    /// The training worker and the Scores it stops for.
    gate: Mutex<training::Gate>,
    /// The last model report and the store's stamp it was made at.
    report_cache: Mutex<Option<(crate::store::ReportStamp, crate::learn::report::ModelReport)>>,
}

/// The latest run as the tray shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct LastRun {
    pub id: String,
    pub rows: usize,
    /// Its unreviewed rows at or above the alert confidence, and that
    /// confidence, when there were any (`api::Alert`).
    pub alert: Option<(usize, f64)>,
}

/// Which of the agent's work queues a request waits in once its body is in.
#[derive(Clone, Copy)]
pub(crate) enum Queue {
    /// `POST score`: scoring is the heavy work.
    Scoring,
    /// Reviews and column previews: parsing is larger than the body.
    Parsing,
}

impl AppState {
    /// A request's body, read under the shared body budget (an oversized
    /// one is refused before a byte is read), then a place in `queue`: a
    /// place is held while work is done, never while a client uploads.
    pub(crate) async fn body_then_place(
        &self,
        req: &actix_web::HttpRequest,
        payload: web::Payload,
        limit: u64,
        queue: Queue,
    ) -> Result<(body::Body, tokio::sync::SemaphorePermit<'_>), Error> {
        let body = self.bodies.read(req, payload, limit).await?;
        let slots = match queue {
            Queue::Scoring => &self.scoring,
            Queue::Parsing => &self.parsing,
        };
        Ok((body, body::slot(slots).await?))
    }

    fn store(&self) -> Result<MutexGuard<'_, Store>, Error> {
        // A panic while holding the store cannot leave SQLite half-written
        // (transactions roll back), so a poisoned lock is still usable.
        Ok(self.store.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Runs `work` on the store; a failure that looks like a damaged file
    /// makes the store check itself before its next write.
    fn with_store<T>(
        &self,
        work: impl FnOnce(&mut Store) -> Result<T, crate::store::StoreError>,
    ) -> Result<T, Error> {
        let mut store = self.store()?;
        let result = work(&mut store);
        Ok(store.noting(result)?)
    }

    pub fn is_paused(&self) -> bool {
        self.paused.load(Ordering::Relaxed)
    }

    pub fn set_paused(&self, paused: bool) {
        self.paused.store(paused, Ordering::Relaxed);
    }

    fn note_run(&self, id: &str, rows: usize, alert: Option<&api::Alert>) {
        *self.last_run.lock().unwrap_or_else(|p| p.into_inner()) = Some(LastRun {
            id: id.to_string(),
            rows,
            alert: alert
                .filter(|a| a.count > 0)
                .map(|a| (a.count, a.confidence)),
        });
    }

    pub fn last_run(&self) -> Option<LastRun> {
        self.last_run
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// Takes an automatic backup when one is due; a failure is logged, never
/// fatal to the work that triggered it.
fn backup_if_due(store: &mut Store) {
    match store.backup_if_due(&crate::store::backup::Policy::default()) {
        Ok(Some(path)) => tracing::info!("backup written: {}", path.display()),
        Ok(None) => {}
        Err(e) => tracing::error!("no backup taken: {e}"),
    }
}

/// Who is running the agent, recorded with each run.
pub fn os_user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "unknown".to_string())
}

/// Binds 127.0.0.1 only (port 0 picks a free one), as the design asks.
/// Browsers that try `localhost` on ::1 first fall back to 127.0.0.1; the
/// leaf certificate still names ::1 so a later IPv6 listener needs no new one.
fn bind_loopback(port: u16) -> Result<TcpListener, Error> {
    TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).map_err(|e| {
        Error::new(
            Kind::Unavailable,
            "cannot_listen",
            Text::new(
                format!("127.0.0.1:{port}에서 대기할 수 없습니다: {e}"),
                format!("binding 127.0.0.1:{port}: {e}"),
            ),
        )
    })
}

pub fn run(options: ServeOptions, lang: Lang) -> Result<(), Error> {
    let dir = &options.data_dir;
    crate::data_folder::prepare(dir)?;
    let in_folder =
        |e: std::io::Error| Error::file(Text::new("데이터 폴더 오류", "data folder"), dir, e);
    let _lock = match instance::claim(dir).map_err(in_folder)? {
        instance::Claim::Claimed(lock) => lock,
        instance::Claim::Taken(running) => {
            let (ko, en) = match running {
                Some(r) => (
                    format!(
                        "ledgerlens 에이전트가 이미 {}에서 실행 중입니다 (pid {}, 데이터 폴더 {})",
                        r.url,
                        r.pid,
                        dir.display()
                    ),
                    format!(
                        "a ledgerlens agent is already running at {} (pid {}, data folder {})",
                        r.url,
                        r.pid,
                        dir.display()
                    ),
                ),
                None => (
                    format!(
                        "ledgerlens 에이전트가 이미 데이터 폴더 {}를 사용 중입니다",
                        dir.display()
                    ),
                    format!(
                        "a ledgerlens agent is already using the data folder {}",
                        dir.display()
                    ),
                ),
            };
            return Err(Error::new(
                Kind::Conflict,
                "already_running",
                Text::new(ko, en),
            ));
        }
    };
    let certificates = tls::ensure(dir)?;
    if certificates.renewed {
        tracing::info!(
            "made a new leaf certificate {}",
            certificates.leaf.display()
        );
    }
    let tls_config = tls::server_config(&certificates)?;
    let token = security::load_or_create_token(dir)?;
    let mut store = Store::open(&dir.join(DATABASE_FILE))?;
    // Runs a crash cut off are said at start; the dashboard marks them and
    // `DELETE runs/{id}` (or `history remove-run`) removes them.
    for run in store.interrupted_runs()? {
        tracing::warn!(
            "run {run} was interrupted before all its scored rows were recorded: score it again, or remove it from the dashboard or with `ledgerlens history remove-run {run}`"
        );
    }
    backup_if_due(&mut store);
    // A stored model this version cannot use (trained on other features,
    // or unreadable) is not a reason to refuse to serve: the agent scores
    // without it and trains a new one from the reviews.
    let learned = match store.latest_model() {
        Ok(model) => model.map(std::sync::Arc::new),
        Err(e) => {
            tracing::warn!("the stored model is not used, a new one will be trained: {e}");
            None
        }
    };

    let listener = bind_loopback(options.port)?;
    let port = listener.local_addr().map_err(Error::internal)?.port();
    let url = format!("https://localhost:{port}/");
    let state = web::Data::new(AppState {
        store: Mutex::new(store),
        config: options.config,
        scoring: tokio::sync::Semaphore::new(SCORING_SLOTS),
        bodies: body::BodyBudget::default(),
        parsing: tokio::sync::Semaphore::new(PARSING_SLOTS),
        paused: AtomicBool::new(false),
        last_run: Mutex::new(None),
        learned: std::sync::RwLock::new(learned),
        training: AtomicBool::new(false),
        train_again: AtomicBool::new(false),
        last_training: Mutex::new(None),
        gate: Mutex::new(training::Gate::default()),
        report_cache: Mutex::new(None),
    });
    // Reviews saved since the last model (or by an agent that stopped
    // mid-training) are learnt from now.
    state.clone().into_inner().train_soon();
    // The tray's Open dashboard hands the token to the page in its address.
    #[cfg(feature = "tray")]
    let dashboard = format!("https://localhost:{port}/?token={token}");
    let guard = web::Data::new(security::Guard { port, token });

    let system = actix_web::rt::System::new();
    let server = {
        let state = state.clone();
        HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(guard.clone())
                .wrap(middleware::from_fn(security::guard_origin))
                .wrap(
                    middleware::DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("Referrer-Policy", "no-referrer"))
                        // Nothing the agent serves may be framed by another
                        // site; the pane's pages widen this to Office's
                        // origins (`assets`).
                        .add(("Content-Security-Policy", "frame-ancestors 'none'")),
                )
                .configure(api::routes)
                .configure(assets::routes)
                .route("/", web::get().to(assets::to_dashboard))
                .default_service(web::to(api::not_found))
        })
        // Bounds on every connection, so idle or stalled clients cannot
        // hold the agent's file descriptors or its threads: a TLS handshake
        // in 3 s, a request head in 10 s, 5 s of keep-alive, and at most
        // MAX_CONNECTIONS open at once (the rest wait in the kernel's
        // backlog). Bodies have their own timeouts (`body`).
        .workers(WORKERS)
        .max_connections(MAX_CONNECTIONS / WORKERS)
        .max_connection_rate(64)
        .tls_handshake_timeout(std::time::Duration::from_secs(3))
        .client_request_timeout(std::time::Duration::from_secs(10))
        .client_disconnect_timeout(std::time::Duration::from_secs(2))
        .keep_alive(std::time::Duration::from_secs(5))
        .listen_rustls_0_23(listener, tls_config)
        .map_err(Error::internal)?
        .run()
    };
    instance::announce(
        dir,
        &instance::Running {
            port,
            pid: std::process::id(),
            url: url.clone(),
        },
    )
    .map_err(in_folder)?;
    println!(
        "{}",
        crate::i18n::pick(lang, "ledgerlens 에이전트", "ledgerlens agent")
    );
    println!("  url: {url}");
    println!("  data: {}", dir.display());
    println!("  ca: {}", certificates.ca.display());

    #[cfg(feature = "tray")]
    let _tray = options
        .tray
        .then(|| {
            crate::tray::start(
                port,
                dashboard,
                dir,
                state.clone().into_inner(),
                server.handle(),
            )
        })
        .flatten();
    #[cfg(not(feature = "tray"))]
    let _ = options.tray;

    system.block_on(server).map_err(Error::internal)
}
