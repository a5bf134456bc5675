//! The shell is locked down, checked from the files that decide it: no devtools in release
//! builds, a strict Content-Security-Policy, no remote URL anywhere the window could load,
//! and capabilities that grant exactly the app's own commands.

use std::collections::BTreeSet;
use std::path::Path;

fn read(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn config() -> serde_json::Value {
    serde_json::from_str(&read("tauri.conf.json")).unwrap()
}

/// Tauri turns devtools on in debug builds only, unless its "devtools" feature is enabled.
#[test]
fn devtools_are_not_enabled_for_release_builds() {
    let manifest = read("Cargo.toml");
    for (n, line) in manifest.lines().enumerate() {
        let code = line.split('#').next().unwrap_or("");
        assert!(
            !code.contains("devtools"),
            "src-tauri/Cargo.toml line {}: {line}",
            n + 1
        );
    }
    let lock = read("../Cargo.lock");
    assert!(lock.contains("name = \"tauri\""));
    // The windows themselves may not ask for it either.
    for window in config()["app"]["windows"].as_array().unwrap() {
        assert_ne!(window.get("devtools"), Some(&serde_json::Value::Bool(true)));
    }
}

#[test]
fn the_content_security_policy_allows_no_inline_script_no_eval_no_remote_origin() {
    let csp = config()["app"]["security"]["csp"]
        .as_str()
        .expect("a CSP string")
        .to_owned();
    let directives: Vec<(&str, Vec<&str>)> = csp
        .split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| {
            let mut parts = d.split_whitespace();
            (parts.next().unwrap(), parts.collect())
        })
        .collect();
    let sources = |name: &str| {
        directives
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| s.clone())
    };
    let default = sources("default-src").expect("default-src");
    assert_eq!(default, ["'self'"]);
    let script = sources("script-src").unwrap_or(default.clone());
    assert!(
        !script.contains(&"'unsafe-inline'") && !script.contains(&"'unsafe-eval'"),
        "{csp}"
    );
    assert!(!csp.contains("'unsafe-eval'"), "{csp}");
    for (name, list) in &directives {
        for source in list {
            let remote = source.starts_with("http:")
                || source.starts_with("https:")
                || source.starts_with("ws")
                || *source == "*";
            // Tauri's IPC endpoint is the only http origin, and it is local.
            assert!(
                !remote || *source == "http://ipc.localhost",
                "{name} allows {source}"
            );
        }
    }
}

#[test]
fn nothing_loads_a_remote_url() {
    let conf = config();
    assert!(conf["build"].get("devUrl").is_none(), "devUrl set");
    assert_eq!(conf["build"]["frontendDist"], "../ui/dist");
    for window in conf["app"]["windows"].as_array().unwrap() {
        if let Some(url) = window.get("url").and_then(|u| u.as_str()) {
            assert!(!url.contains("://"), "window url {url}");
        }
    }
    // The UI's own sources name no remote address (the generated bindings have none either).
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui");
    let mut files = vec![ui.join("index.html")];
    let mut dirs = vec![ui.join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 10);
    // The About dialog's generated list names each component's homepage as text; it is shown,
    // never loaded.
    files.retain(|f| !f.ends_with("about/licenses.json"));
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for pattern in ["http://", "https://", "//cdn", "ws://", "wss://"] {
            assert!(
                !text.contains(pattern),
                "{} contains {pattern}",
                file.display()
            );
        }
    }
    let html = read("../ui/index.html");
    assert!(!html.contains("<script>"), "inline script in index.html");
}

#[test]
fn capabilities_grant_exactly_the_apps_own_commands() {
    // The one list build.rs, the handler and the window's Command type are made from.
    let names: &[&str] = app_commands!(command_names);
    let commands: BTreeSet<String> = names.iter().map(|&n| n.to_owned()).collect();
    assert_eq!(commands.len(), names.len(), "a command listed twice");
    let caps: serde_json::Value = serde_json::from_str(&read("capabilities/default.json")).unwrap();
    let granted: BTreeSet<String> = caps["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().expect("plain permission names").to_owned())
        .collect();
    let mut expected: BTreeSet<String> = commands
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    // The one grant beyond the app's commands: listening to the menu's events (Tauri cannot
    // narrow it to one event name; the shell emits only MenuCommand).
    expected.extend([
        "core:event:allow-listen".to_owned(),
        "core:event:allow-unlisten".to_owned(),
    ]);
    assert_eq!(granted, expected);
    assert_eq!(caps["windows"], serde_json::json!(["main"]));
    let scopes = read("capabilities/default.json");
    assert_eq!(
        scopes.matches("core:").count(),
        2,
        "a core permission beyond listening to menu events is granted"
    );
    assert!(
        !scopes.contains("dialog:"),
        "dialogs are shown by Rust, not the page"
    );
}
