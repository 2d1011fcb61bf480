//! The local agent: HTTPS on loopback only, serving the task pane, the
//! manifest and the JSON API from one origin.
//!
//! Start-up order matters: claim the data folder (one agent per folder),
//! make or renew the certificates, load the token, open the store, bind,
//! and only then announce the port.

pub mod api;
pub mod assets;
pub mod errors;
pub mod instance;
pub mod manifest;
pub mod rows;
pub mod security;
pub mod tls;
pub mod trust;

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use actix_web::{middleware, web, App, HttpServer};
use anyhow::Context;

use crate::config::Config;
use crate::i18n::{Lang, Localized};
use crate::store::{Store, DATABASE_FILE};
use errors::ApiError;

/// The agent's port unless `--port` says otherwise.
pub const DEFAULT_PORT: u16 = 48_620;

/// Scoring jobs that may run at once; more wait their turn. Two matches
/// the machines accountants use and bounds the memory in use.
const SCORING_SLOTS: usize = 2;

pub struct ServeOptions {
    pub port: u16,
    pub data_dir: PathBuf,
    pub config: Config,
    pub tray: bool,
}

/// State shared by every request.
pub struct AppState {
    store: Mutex<Store>,
    pub config: Config,
    scoring: tokio::sync::Semaphore,
    paused: AtomicBool,
    /// "run id (rows)" of the latest run, for the tray's tooltip.
    last_run: Mutex<Option<String>>,
}

impl AppState {
    fn store(&self) -> Result<MutexGuard<'_, Store>, ApiError> {
        // A panic while holding the store cannot leave SQLite half-written
        // (transactions roll back), so a poisoned lock is still usable.
        Ok(self.store.lock().unwrap_or_else(|p| p.into_inner()))
    }

    pub fn is_paused(&self) -> bool {
        self.paused.load(Ordering::Relaxed)
    }

    pub fn set_paused(&self, paused: bool) {
        self.paused.store(paused, Ordering::Relaxed);
    }

    fn note_run(&self, id: &str, rows: usize) {
        *self.last_run.lock().unwrap_or_else(|p| p.into_inner()) = Some(format!("{id} ({rows})"));
    }

    pub fn last_run(&self) -> Option<String> {
        self.last_run
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// Who is running the agent, recorded with each run.
pub fn os_user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "unknown".to_string())
}

/// Writes a file readable by the user only (private keys, the token).
pub fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    // An existing file keeps its old mode on open; tighten it as well.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(contents)?;
    file.sync_all()
}

/// Binds 127.0.0.1 only (port 0 picks a free one), as the design asks.
/// Browsers that try `localhost` on ::1 first fall back to 127.0.0.1; the
/// leaf certificate still names ::1 so a later IPv6 listener needs no new one.
fn bind_loopback(port: u16) -> anyhow::Result<TcpListener> {
    TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
        .with_context(|| format!("binding 127.0.0.1:{port}"))
}

/// Creates the data folder if needed, readable by the user only: it holds
/// ledger data, keys and the token.
pub fn prepare_data_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("restricting {}", dir.display()))?;
    }
    Ok(())
}

pub fn run(options: ServeOptions, lang: Lang) -> anyhow::Result<()> {
    let dir = &options.data_dir;
    prepare_data_dir(dir)?;
    let _lock = match instance::claim(dir)? {
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
            return Err(Localized::new(ko, en).into());
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
    let store = Store::open(&dir.join(DATABASE_FILE)).map_err(|e| Localized(e.message()))?;

    let listener = bind_loopback(options.port)?;
    let port = listener.local_addr()?.port();
    let url = format!("https://localhost:{port}/");
    let state = web::Data::new(AppState {
        store: Mutex::new(store),
        config: options.config,
        scoring: tokio::sync::Semaphore::new(SCORING_SLOTS),
        paused: AtomicBool::new(false),
        last_run: Mutex::new(None),
    });
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
                .wrap(middleware::from_fn(security::guard))
                .wrap(
                    middleware::DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("Referrer-Policy", "no-referrer")),
                )
                .configure(api::routes)
                .configure(assets::routes)
                .route("/", web::get().to(assets::to_dashboard))
                .default_service(web::to(api::not_found))
        })
        // Scoring a big sheet takes seconds; keep the connection open.
        .client_request_timeout(std::time::Duration::from_secs(30))
        .listen_rustls_0_23(listener, tls_config)?
        .run()
    };
    instance::announce(
        dir,
        &instance::Running {
            port,
            pid: std::process::id(),
            url: url.clone(),
        },
    )?;
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

    system.block_on(server)?;
    Ok(())
}
