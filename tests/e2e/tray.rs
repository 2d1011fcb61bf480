//! The tray icon on Linux, driven the way a desktop drives it: over D-Bus.
//! A private session bus and a stand-in StatusNotifierWatcher (the part of
//! a desktop panel that collects tray icons) are started here; the agent
//! registers its icon with it, and the test reads the tooltip and clicks
//! the menu items through the icon's `com.canonical.dbusmenu` interface.

#![cfg(all(target_os = "linux", feature = "tray"))]

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::agent::Agent;
use zbus::zvariant::{OwnedValue, Structure, Value};

/// A private session bus, stopped when dropped.
struct SessionBus {
    daemon: Child,
    address: String,
}

impl SessionBus {
    fn start() -> SessionBus {
        let mut daemon = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (Debian package dbus-daemon) runs");
        let mut address = String::new();
        BufReader::new(daemon.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        SessionBus {
            daemon,
            address: address.trim().to_string(),
        }
    }
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

/// The stand-in watcher: passes on each registered item's bus name.
struct Watcher {
    items: mpsc::SyncSender<String>,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    fn register_status_notifier_item(&self, service: &str) {
        let _ = self.items.send(service.to_string());
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }
}

/// The stand-in notification service (what a desktop runs as
/// org.freedesktop.Notifications): passes on each notification's summary
/// and body.
struct Notifications {
    shown: mpsc::SyncSender<(String, String)>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Notifications {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        _app_name: &str,
        _replaces_id: u32,
        _app_icon: &str,
        summary: &str,
        body: &str,
        _actions: Vec<String>,
        _hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let _ = self.shown.send((summary.to_string(), body.to_string()));
        1
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "stand-in".into(),
            "ledgerlens tests".into(),
            "1".into(),
            "1.2".into(),
        )
    }
}

/// A dbusmenu layout node: id, properties, children (each a node in a variant).
type MenuNode = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);
/// A StatusNotifierItem tooltip: icon name, icon pixmaps, title, text.
type ToolTip = (String, Vec<(i32, i32, Vec<u8>)>, String, String);

/// The menu's items as (id, label), read from the dbusmenu layout.
fn menu_items(menu: &zbus::blocking::Proxy<'_>) -> Vec<(i32, String)> {
    let (_revision, (_root, _props, children)): (u32, MenuNode) = menu
        .call("GetLayout", &(0i32, -1i32, Vec::<String>::new()))
        .unwrap();
    children
        .iter()
        .filter_map(|child| {
            let Value::Structure(item) = &**child else {
                return None;
            };
            item_id_and_label(item)
        })
        .collect()
}

fn item_id_and_label(item: &Structure<'_>) -> Option<(i32, String)> {
    let fields = item.fields();
    let Value::I32(id) = fields.first()? else {
        return None;
    };
    let Value::Dict(props) = fields.get(1)? else {
        return None;
    };
    let label: Option<String> = props.get::<&str, String>(&"label").ok().flatten();
    Some((*id, label.unwrap_or_default()))
}

/// Clicks the item whose label contains `label_part`.
fn click(menu: &zbus::blocking::Proxy<'_>, label_part: &str) -> zbus::Result<()> {
    let items = menu_items(menu);
    let (id, _) = items
        .iter()
        .find(|(_, label)| label.contains(label_part))
        .unwrap_or_else(|| panic!("no menu item with {label_part:?} in {items:?}"));
    menu.call_method("Event", &(*id, "clicked", Value::from(0i32), 0u32))
        .map(|_| ())
}

fn wait_for(what: &str, mut check: impl FnMut() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "timed out waiting: {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn tray_menu_pauses_resumes_and_quits_the_agent() {
    let bus = SessionBus::start();
    let (items, registered) = mpsc::sync_channel(4);
    let (shown, notified) = mpsc::sync_channel(4);
    let conn = zbus::blocking::connection::Builder::address(bus.address.as_str())
        .unwrap()
        .name("org.kde.StatusNotifierWatcher")
        .unwrap()
        .serve_at("/StatusNotifierWatcher", Watcher { items })
        .unwrap()
        .build()
        .unwrap();
    let _notifications = zbus::blocking::connection::Builder::address(bus.address.as_str())
        .unwrap()
        .name("org.freedesktop.Notifications")
        .unwrap()
        .serve_at("/org/freedesktop/Notifications", Notifications { shown })
        .unwrap()
        .build()
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let mut agent = Agent::start_with(
        dir.path(),
        &[],
        &[("DBUS_SESSION_BUS_ADDRESS", bus.address.as_str())],
    );
    let service = registered
        .recv_timeout(Duration::from_secs(20))
        .expect("the agent registers a tray icon");

    // The tooltip says where the agent listens.
    let icon = zbus::blocking::Proxy::new(
        &conn,
        service.as_str(),
        "/StatusNotifierItem",
        "org.kde.StatusNotifierItem",
    )
    .unwrap();
    let (_, _, title, text): ToolTip = icon.get_property("ToolTip").unwrap();
    let tooltip = format!("{title}\n{text}");
    assert!(
        tooltip.contains(&format!("https://localhost:{}/", agent.port)),
        "{tooltip}"
    );

    let menu = zbus::blocking::Proxy::new(
        &conn,
        service.as_str(),
        "/MenuBar",
        "com.canonical.dbusmenu",
    )
    .unwrap();
    let labels: Vec<String> = menu_items(&menu).into_iter().map(|(_, l)| l).collect();
    for expected in ["Open dashboard", "Open data folder", "Pause", "Quit"] {
        assert!(
            labels.iter().any(|l| l.contains(expected)),
            "{expected} in {labels:?}"
        );
    }

    // Pause: scoring is refused with 503 until Resume.
    click(&menu, "Pause").unwrap();
    wait_for("paused", || {
        agent.get("/api/v1/health").json()["paused"] == true
    });
    let refused = agent.post_json(
        "/api/v1/score",
        &crate::common::agent::demo_score_request(200, 1),
    );
    refused.expect(503);
    assert_eq!(refused.error_code(), "paused");
    click(&menu, "Resume").unwrap();
    wait_for("resumed", || {
        agent.get("/api/v1/health").json()["paused"] == false
    });
    let scored = agent
        .post_json(
            "/api/v1/score",
            &crate::common::agent::demo_score_request(200, 1),
        )
        .expect(200)
        .json();
    assert!(
        notified.try_recv().is_err(),
        "no model yet, so no alert to notify"
    );

    // Reviews teach a model; a Score with unreviewed rows it is sure of
    // (at the 1% this Score asks for) is notified by the tray, once.
    let mut rows: Vec<&serde_json::Value> = scored["results"].as_array().unwrap().iter().collect();
    rows.sort_by(|a, b| {
        b["score"]
            .as_f64()
            .unwrap()
            .total_cmp(&a["score"].as_f64().unwrap())
    });
    let reviews: Vec<serde_json::Value> = rows[..20]
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let status = if i < 10 { "confirmed" } else { "normal" };
            serde_json::json!({ "key": r["key"], "status": status, "reviewer": "tester" })
        })
        .collect();
    agent
        .post_json(
            "/api/v1/reviews",
            &serde_json::json!({ "reviews": reviews }),
        )
        .expect(200);
    wait_for("a model learnt from the reviews", || {
        let status = agent.get("/api/v1/model/status").json();
        !status["in_use"].is_null() && status["training"] == false
    });
    let alerted = agent
        .post_json(
            "/api/v1/score?alert_confidence=0.01",
            &crate::common::agent::demo_score_request(200, 1),
        )
        .expect(200)
        .json();
    let count = alerted["alert"]["count"].as_u64().unwrap();
    assert!(count > 0, "{}", alerted["alert"]);
    let (summary, body) = notified
        .recv_timeout(Duration::from_secs(20))
        .expect("the tray notifies the alert");
    assert!(
        summary.contains(&format!("{count} unreviewed rows")),
        "{summary}"
    );
    assert!(
        summary.contains(&format!("미검토 행 {count}건")),
        "{summary}"
    );
    assert!(
        body.contains(alerted["run_id"].as_str().unwrap()) && body.contains("1%"),
        "{body}"
    );
    std::thread::sleep(Duration::from_millis(600));
    assert!(notified.try_recv().is_err(), "one notification per run");

    // Quit stops the agent, which may leave the bus before it replies.
    let _ = click(&menu, "Quit");
    wait_for("the agent to exit", || {
        agent.child.try_wait().unwrap().is_some()
    });
}
