//! The tray icon: where the agent listens and its last run in the tooltip,
//! Open dashboard, Open data folder, Pause/Resume and Quit, and a
//! notification when a Score holds unreviewed rows the reviews' model is
//! sure of (issue 12.5).
//!
//! On Linux it uses tray-icon's StatusNotifierItem (ksni) backend, which
//! runs its own D-Bus thread and needs no GTK. On Windows the tray thread
//! pumps its own window messages. macOS wants the icon on the main thread
//! inside a Cocoa run loop, which the agent does not run: there the agent
//! logs that it has no tray and keeps serving.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use tray_icon::menu::{Menu, MenuEvent, MenuItem};
use tray_icon::{Icon, TrayIconBuilder};

use crate::server::AppState;

/// Keeps the tray thread's handle; the thread ends with the process.
pub struct Tray {
    _thread: std::thread::JoinHandle<()>,
}

/// Starts the tray on its own thread; `None` (and a log line) where the
/// desktop offers no tray, such as a headless session.
pub fn start(
    port: u16,
    dashboard: String,
    data_dir: &Path,
    state: Arc<AppState>,
    server: ServerHandle,
) -> Option<Tray> {
    if cfg!(target_os = "macos") {
        tracing::info!("no tray icon on macOS yet; the agent runs without one");
        return None;
    }
    let data_dir = data_dir.to_path_buf();
    let thread = std::thread::Builder::new()
        .name("tray".into())
        .spawn(move || {
            if let Err(e) = run(port, &dashboard, data_dir, state, server) {
                tracing::warn!("no tray icon: {e}");
            }
        })
        .ok()?;
    Some(Tray { _thread: thread })
}

/// A 32×32 icon drawn here: a teal lens with a light ring, no image file.
fn icon() -> Icon {
    const SIZE: u32 = 32;
    let mut rgba = Vec::with_capacity((SIZE * SIZE * 4) as usize);
    for y in 0..SIZE {
        for x in 0..SIZE {
            let (dx, dy) = (x as f32 - 15.5, y as f32 - 15.5);
            let r = (dx * dx + dy * dy).sqrt();
            let pixel = if r < 11.0 {
                [0x0F, 0x76, 0x6E, 0xFF]
            } else if r < 14.5 {
                [0xE6, 0xF4, 0xF1, 0xFF]
            } else {
                [0, 0, 0, 0]
            };
            rgba.extend_from_slice(&pixel);
        }
    }
    Icon::from_rgba(rgba, SIZE, SIZE).expect("a well-formed 32x32 RGBA image")
}

fn open_in_desktop(target: &str) {
    let result = if cfg!(target_os = "windows") {
        std::process::Command::new("explorer").arg(target).spawn()
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(target).spawn()
    } else {
        std::process::Command::new("xdg-open").arg(target).spawn()
    };
    if let Err(e) = result {
        tracing::warn!("could not open {target}: {e}");
    }
}

fn tooltip(port: u16, state: &AppState) -> String {
    let last = state
        .last_run()
        .map_or_else(|| "-".into(), |r| format!("{} ({})", r.id, r.rows));
    let paused = if state.is_paused() {
        " · 일시 중지 / paused"
    } else {
        ""
    };
    format!("ledgerlens · https://localhost:{port}/{paused}\n마지막 실행 / last run: {last}")
}

fn run(
    port: u16,
    dashboard: &str,
    data_dir: PathBuf,
    state: Arc<AppState>,
    server: ServerHandle,
) -> Result<(), Box<dyn std::error::Error>> {
    let menu = Menu::new();
    let open = MenuItem::new("대시보드 열기 / Open dashboard", true, None);
    let folder = MenuItem::new("데이터 폴더 열기 / Open data folder", true, None);
    let pause = MenuItem::new("일시 중지 / Pause", true, None);
    let quit = MenuItem::new("종료 / Quit", true, None);
    menu.append_items(&[&open, &folder, &pause, &quit])?;
    let tray = TrayIconBuilder::new()
        .with_menu(Box::new(menu))
        .with_tooltip(tooltip(port, &state))
        .with_icon(icon())
        .build()?;
    let mut shown = String::new();
    // The run whose alert was last notified: one notification per run.
    let mut notified: Option<String> = None;
    loop {
        pump_messages();
        if let Ok(event) = MenuEvent::receiver().recv_timeout(Duration::from_millis(200)) {
            if event.id == open.id() {
                open_in_desktop(dashboard);
            } else if event.id == folder.id() {
                open_in_desktop(&data_dir.display().to_string());
            } else if event.id == pause.id() {
                let paused = !state.is_paused();
                state.set_paused(paused);
                pause.set_text(if paused {
                    "재개 / Resume"
                } else {
                    "일시 중지 / Pause"
                });
            } else if event.id == quit.id() {
                // Sends the stop at once; the server finishes open requests.
                drop(server.stop(true));
                return Ok(());
            }
        }
        if let Some(run) = state.last_run() {
            if let Some((count, confidence)) = run.alert {
                if notified.as_deref() != Some(run.id.as_str()) {
                    notify_alert(&run.id, count, confidence);
                    notified = Some(run.id);
                }
            }
        }
        let text = tooltip(port, &state);
        if text != shown {
            tray.set_tooltip(Some(&text))?;
            shown = text;
        }
    }
}

/// Tells the desktop that a Score holds unreviewed rows the reviews' model
/// is sure of (`server::api::Alert`). On a thread of its own: a desktop
/// with no notification service would hold the tray for a D-Bus timeout.
fn notify_alert(run: &str, count: usize, confidence: f64) {
    let percent = (confidence * 100.0).round();
    let summary = format!(
        "ledgerlens: 확인 가능성 높은 미검토 행 {count}건 / {count} unreviewed rows likely confirmed"
    );
    let body = format!(
        "실행 {run}: 검토로 학습한 모델이 {percent}% 이상 확인된 이상으로 봅니다. 작업창의 다음 검토 탭에서 보세요.\n\
         Run {run}: the model learnt from reviews gives them at least {percent}% of being confirmed. See the pane's Review next tab."
    );
    let spawned = std::thread::Builder::new()
        .name("tray-notification".into())
        .spawn(move || {
            if let Err(e) = notify_rust::Notification::new()
                .appname("ledgerlens")
                .summary(&summary)
                .body(&body)
                .show()
            {
                tracing::warn!("no notification shown: {e}");
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("no notification shown: {e}");
    }
}

#[cfg(windows)]
fn pump_messages() {
    use windows_sys::Win32::UI::WindowsAndMessaging::{
        DispatchMessageW, PeekMessageW, TranslateMessage, MSG, PM_REMOVE,
    };
    let mut msg = MSG::default();
    // SAFETY: `msg` is a valid MSG to fill; these calls only read and
    // dispatch this thread's own queue, which holds the tray's hidden window.
    unsafe {
        while PeekMessageW(&mut msg, std::ptr::null_mut(), 0, 0, PM_REMOVE) != 0 {
            TranslateMessage(&msg);
            DispatchMessageW(&msg);
        }
    }
}

#[cfg(not(windows))]
fn pump_messages() {}
