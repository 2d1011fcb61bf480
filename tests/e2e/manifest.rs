//! The add-in manifest: well-formed XML, every element where the Office
//! manifest schemas (OfficeAppManifestV1_1, TaskPaneAppVersionOverridesV1_0)
//! put it, and every localhost address in it served by the real agent.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::agent::Agent;
use quick_xml::events::Event;
use quick_xml::Reader;

/// One element of the manifest: local name, xsi:type, attributes, children.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attrs: BTreeMap<String, String>,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn kind(&self) -> &str {
        self.attrs.get("xsi:type").map_or("", String::as_str)
    }

    fn walk<'a>(&'a self, out: &mut Vec<&'a Node>) {
        out.push(self);
        for c in &self.children {
            c.walk(out);
        }
    }
}

fn local(name: &str) -> String {
    name.rsplit(':').next().unwrap().to_string()
}

/// Parses the whole document; any XML error fails the test.
fn parse(xml: &str) -> Node {
    let mut reader = Reader::from_str(xml);
    let mut stack = vec![Node::default()];
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push(node(&e)),
            Event::Empty(e) => {
                let n = node(&e);
                stack.last_mut().unwrap().children.push(n);
            }
            Event::End(_) => {
                let n = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(n);
            }
            Event::Text(t) => {
                let text = t.xml_content(quick_xml::XmlVersion::Implicit1_0);
                stack.last_mut().unwrap().text.push_str(text.trim());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    let mut root = stack.pop().unwrap();
    assert_eq!(root.children.len(), 1, "one root element");
    root.children.pop().unwrap()
}

fn node(e: &quick_xml::events::BytesStart<'_>) -> Node {
    let attrs = e
        .attributes()
        .map(|a| {
            let a = a.expect("well-formed attribute");
            (
                a.key.as_ref().to_string(),
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .unwrap()
                    .into_owned(),
            )
        })
        .collect();
    Node {
        name: local(e.name().as_ref()),
        attrs,
        ..Node::default()
    }
}

/// The schemas' sequences: for a parent (by name and xsi:type where the
/// schema dispatches on it), its children in order, with the required ones
/// marked `!`. Taken from the xs:sequence definitions (extension sequences
/// after their base).
fn sequence(parent: &Node, grandparent: &str) -> Option<&'static [&'static str]> {
    Some(match (parent.name.as_str(), parent.kind(), grandparent) {
        ("OfficeApp", "TaskPaneApp", _) => &[
            "!Id",
            "AlternateId",
            "!Version",
            "!ProviderName",
            "!DefaultLocale",
            "!DisplayName",
            "!Description",
            "IconUrl",
            "HighResolutionIconUrl",
            "SupportUrl",
            "AppDomains",
            "Hosts",
            "Requirements",
            "!DefaultSettings",
            "!Permissions",
            "Dictionary",
            "VersionOverrides",
        ],
        ("DefaultSettings", _, _) => &["!SourceLocation"],
        ("Requirements", _, "OfficeApp") => &["Sets", "Methods"],
        ("Requirements", _, "VersionOverrides") => &["!Sets"],
        ("Sets", _, _) => &["!Set"],
        ("Hosts", _, _) => &["!Host"],
        ("VersionOverrides", _, _) => &[
            "Description",
            "Requirements",
            "Hosts",
            "Resources",
            "WebApplicationInfo",
            "EquivalentAddins",
            "VersionOverrides",
        ],
        ("Host", "Workbook", _) => &["AllFormFactors", "DesktopFormFactor"],
        ("DesktopFormFactor", _, _) => &["GetStarted", "FunctionFile", "!ExtensionPoint"],
        ("GetStarted", _, _) => &["!Title", "!Description", "!LearnMoreUrl"],
        ("ExtensionPoint", "PrimaryCommandSurface", _) => &["OfficeTab", "CustomTab"],
        ("OfficeTab", _, _) => &["!Group"],
        ("Group", _, _) => &["!Label", "!Icon", "!Control"],
        ("Control", "Button", _) => &["!Label", "!Supertip", "!Icon", "!Action"],
        ("Supertip", _, _) => &["!Title", "!Description"],
        ("Icon", _, _) => &["!Image"],
        ("Action", "ShowTaskpane", _) => &["TaskpaneId", "!SourceLocation", "Title"],
        ("Resources", _, _) => &["Images", "Urls", "ShortStrings", "LongStrings"],
        ("Images", _, _) => &["Image"],
        ("Urls", _, _) => &["Url"],
        ("ShortStrings" | "LongStrings", _, _) => &["String"],
        ("DisplayName" | "Description" | "String", _, _) => &["Override"],
        _ => return None,
    })
}

/// Checks every parent the schemas describe: only known children, in the
/// schema's order (repeats allowed where the schema allows them), the
/// required ones present. Returns how many parents were checked.
fn check_order(parent: &Node, grandparent: &str) -> usize {
    let mut checked = 0;
    if let Some(seq) = sequence(parent, grandparent) {
        checked += 1;
        let names: Vec<&str> = seq.iter().map(|s| s.trim_start_matches('!')).collect();
        let mut last = 0;
        for child in &parent.children {
            let at = names
                .iter()
                .position(|n| *n == child.name)
                .unwrap_or_else(|| {
                    panic!(
                        "<{}> is not a child the schema allows under <{}>",
                        child.name, parent.name
                    )
                });
            assert!(
                at >= last,
                "<{}> comes after <{}> under <{}>, against the schema's order",
                child.name,
                names[last],
                parent.name
            );
            last = at;
        }
        for required in seq.iter().filter(|s| s.starts_with('!')) {
            let name = &required[1..];
            assert!(
                parent.children.iter().any(|c| c.name == name),
                "<{}> lacks the required <{name}>",
                parent.name
            );
        }
    }
    for child in &parent.children {
        checked += check_order(child, &parent.name);
    }
    checked
}

fn child<'a>(parent: &'a Node, name: &str) -> &'a Node {
    parent
        .children
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("<{}> has no <{name}>", parent.name))
}

#[test]
fn manifest_follows_the_schema_and_every_address_is_served() {
    let dir = tempfile::tempdir().unwrap();
    let agent = Agent::start(dir.path());
    let file = dir.path().join("ledgerlens.xml");
    let out = crate::common::run(&[
        "manifest",
        "--port",
        &agent.port.to_string(),
        "-o",
        file.to_str().unwrap(),
        "--data-dir",
        dir.path().to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", crate::common::stderr(&out));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the manifest carries the key: user only");
    }
    let xml = std::fs::read_to_string(&file).unwrap();
    let root = parse(&xml);

    assert_eq!(root.name, "OfficeApp");
    assert_eq!(
        root.attrs["xmlns"],
        "http://schemas.microsoft.com/office/appforoffice/1.1"
    );
    assert_eq!(root.kind(), "TaskPaneApp");
    assert!(
        check_order(&root, "") >= 20,
        "the schema table covers the manifest"
    );

    // What the issue asks of it.
    let id = &child(&root, "Id").text;
    let groups: Vec<usize> = id.split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12], "Id {id} is a GUID");
    assert!(id.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
    assert_eq!(child(&root, "Permissions").text, "ReadWriteDocument");
    assert_eq!(child(&root, "DefaultLocale").text, "ko-KR");
    let mut all = Vec::new();
    root.walk(&mut all);
    let host = all
        .iter()
        .find(|n| n.name == "Host" && n.attrs.contains_key("Name"))
        .unwrap();
    assert_eq!(host.attrs["Name"], "Workbook");
    let set = all.iter().find(|n| n.name == "Set").unwrap();
    assert_eq!(set.attrs["Name"], "ExcelApi");
    assert_eq!(set.attrs["MinVersion"], "1.9");
    assert!(all
        .iter()
        .any(|n| n.name == "OfficeTab" && n.attrs["id"] == "TabHome"));
    assert!(all
        .iter()
        .any(|n| n.name == "Action" && n.kind() == "ShowTaskpane"));

    // Resource ids: at most 32 characters, every reference defined.
    let defined: BTreeSet<&str> = all
        .iter()
        .filter(|n| {
            ["Image", "Url", "String"].contains(&n.name.as_str()) && n.attrs.contains_key("id")
        })
        .map(|n| n.attrs["id"].as_str())
        .collect();
    for n in &all {
        if let Some(resid) = n.attrs.get("resid") {
            assert!(resid.len() <= 32, "resid {resid} is over 32 characters");
            assert!(
                defined.contains(resid.as_str()),
                "resid {resid} is not defined"
            );
        }
        if n.name == "String" {
            let limit = if xml.contains("<bt:LongStrings>") && is_long(&all, n) {
                250
            } else {
                125
            };
            for value in n
                .attrs
                .get("DefaultValue")
                .into_iter()
                .chain(n.attrs.get("Value"))
            {
                assert!(
                    value.chars().count() <= limit,
                    "string over {limit}: {value}"
                );
            }
        }
    }

    // Every address is on this agent, over HTTPS, and the agent serves it.
    let origin = format!("https://localhost:{}", agent.port);
    let urls: BTreeSet<String> = all
        .iter()
        .flat_map(|n| n.attrs.iter())
        .filter(|(k, _)| !k.starts_with("xmlns"))
        .map(|(_, v)| v)
        .chain(
            all.iter()
                .filter(|n| n.name == "AppDomain")
                .map(|n| &n.text),
        )
        .filter(|v| v.starts_with("http"))
        .cloned()
        .collect();
    assert!(urls.len() >= 6, "{urls:?}");
    for url in &urls {
        assert!(url.starts_with(&origin), "{url} is not the agent");
        let path = &url[origin.len()..];
        if path.is_empty() {
            continue; // the AppDomain itself
        }
        let reply = agent.get(path);
        assert_eq!(reply.status, 200, "{url}");
        let content_type = reply.header("content-type").unwrap_or("").to_string();
        if path.ends_with(".png") {
            assert_eq!(content_type, "image/png", "{url}");
            assert_eq!(&reply.body[..8], b"\x89PNG\r\n\x1a\n", "{url}");
            let width = u32::from_be_bytes(reply.body[16..20].try_into().unwrap());
            let size: u32 = path
                .rsplit('-')
                .next()
                .unwrap()
                .trim_end_matches(".png")
                .parse()
                .unwrap();
            assert_eq!(width, size, "{url} is {width} pixels wide");
        } else {
            assert!(
                content_type.starts_with("text/html"),
                "{url}: {content_type}"
            );
        }
    }
    // The pane's address carries this agent's key, and only there.
    let pane = format!("{origin}/addin/taskpane.html?token={}", agent.token);
    assert!(urls.contains(&pane), "{urls:?}");
    assert_eq!(xml.matches("token=").count(), 2);

    // The agent serves the same manifest for its own port, without the key.
    let served = agent.get("/manifest/manifest.xml");
    served.expect(200);
    let served = String::from_utf8(served.body.clone()).unwrap();
    assert!(!served.contains("token="));
    assert_eq!(served, xml.replace(&format!("?token={}", agent.token), ""));
    check_order(&parse(&served), "");
}

/// Whether a `String` sits under `LongStrings`.
fn is_long(all: &[&Node], string: &Node) -> bool {
    all.iter()
        .find(|n| n.name == "LongStrings")
        .is_some_and(|long| long.children.iter().any(|c| std::ptr::eq(c, string)))
}

#[test]
fn the_manifest_command_prints_without_a_file_and_never_overwrites_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let out = crate::common::run(&["manifest", "--port", "50001", "--data-dir", data]);
    assert!(out.status.success(), "{}", crate::common::stderr(&out));
    let printed = crate::common::stdout(&out);
    assert!(printed.contains("https://localhost:50001/addin/taskpane.html?token="));
    parse(&printed);

    let ledger = dir.path().join("ledger.xlsx");
    std::fs::write(&ledger, b"not ours").unwrap();
    let out = crate::common::run(&[
        "manifest",
        "-o",
        ledger.to_str().unwrap(),
        "--data-dir",
        data,
    ]);
    assert!(!out.status.success());
    assert_eq!(std::fs::read(&ledger).unwrap(), b"not ours");
}
