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
    let conn = zbus::blocking::connection::Builder::address(bus.address.as_str())
        .unwrap()
        .name("org.kde.StatusNotifierWatcher")
        .unwrap()
        .serve_at("/StatusNotifierWatcher", Watcher { items })
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
    agent
        .post_json(
            "/api/v1/score",
            &crate::common::agent::demo_score_request(200, 1),
        )
        .expect(200);

    // Quit stops the agent, which may leave the bus before it replies.
    let _ = click(&menu, "Quit");
    wait_for("the agent to exit", || {
        agent.child.try_wait().unwrap().is_some()
    });
}
