//! The add-in manifest for a given port. `manifest/manifest.xml` is written
//! for the default port; the agent serves it rewritten for the port it
//! listens on, and `ledgerlens manifest` also puts the agent's token in the
//! task pane's address, so the pane can call the API without the token ever
//! being served to whoever asks.

use super::DEFAULT_PORT;

/// The manifest as kept in `manifest/`, written for [`DEFAULT_PORT`].
pub const TEMPLATE: &str = include_str!("../../../manifest/manifest.xml");

/// The task pane's page; the token rides on its address.
const PANE_PATH: &str = "/addin/taskpane.html";

/// The manifest for `port`; with `token`, the task pane's address carries it.
pub fn for_port(port: u16, token: Option<&str>) -> String {
    let default_origin = format!("https://localhost:{DEFAULT_PORT}");
    let origin = format!("https://localhost:{port}");
    let mut xml = TEMPLATE.replace(&default_origin, &origin);
    if let Some(token) = token {
        // The token is hex, so it needs no escaping in XML or in a URL.
        debug_assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
        let pane = format!("{origin}{PANE_PATH}\"");
        xml = xml.replace(&pane, &format!("{origin}{PANE_PATH}?token={token}\""));
    }
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_agent_address_follows_the_port_and_only_the_pane_carries_the_token() {
        let xml = for_port(50123, Some("00ff"));
        assert!(!xml.contains(&format!(":{DEFAULT_PORT}")));
        assert_eq!(xml.matches("taskpane.html?token=00ff\"").count(), 2);
        assert_eq!(xml.matches("token=").count(), 2);
        let plain = for_port(50123, None);
        assert!(!plain.contains("token="));
        assert!(plain.contains("https://localhost:50123/manifest/icons/icon-32.png"));
    }
}
