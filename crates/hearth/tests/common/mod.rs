//! What the web tests share: the real binary, a fresh store holding the fixture, the app
//! serving it on a free port, and a client that signs in the way a browser does.

// Each test file uses a different part of this module.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const HEARTH: &str = env!("CARGO_BIN_EXE_hearth");
pub const PASSWORD: &str = "a long test password";

/// The journey fixture that holds every event kind.
pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/journeys/every-event-kind.jsonl")
}

/// Runs the command line against a store, with `stdin` as its input, and fails the test if
/// it fails.
pub fn hearth(db: &str, args: &[&str], stdin: Option<&str>) {
    let mut child = Command::new(HEARTH)
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("HEARTH_COUNCIL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "hearth {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A fresh store in a temporary directory, with the fixture imported.
pub fn fresh_store() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("hearth.db").display());
    hearth(
        &db,
        &["import", "journeys", fixture().to_str().unwrap()],
        None,
    );
    // The council's caseload promise is a setting, as a council's own store holds it.
    hearth(&db, &["council", "promise", "--cases", "15"], None);
    (dir, db)
}

/// Imports journey lines (JSON, one per line) into the store.
pub fn import_lines(dir: &tempfile::TempDir, db: &str, name: &str, lines: &str) {
    let path = dir.path().join(name);
    std::fs::write(&path, lines).unwrap();
    hearth(db, &["import", "journeys", path.to_str().unwrap()], None);
}

/// Gives each (username, staff id) an account with the test password.
pub fn accounts<'a>(db: &str, users: impl IntoIterator<Item = (&'a str, &'a str)>) {
    for (username, staff) in users {
        hearth(
            db,
            &["account", username, "--staff", staff],
            Some(&format!("{PASSWORD}\n")),
        );
    }
}

/// The app serving a store; stopped when dropped.
pub struct App {
    process: Child,
    pub url: String,
    pub db: String,
    _dir: tempfile::TempDir,
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// Serves the store on a free port, and waits for the health endpoint rather than a fixed
/// time.
pub async fn serve(dir: tempfile::TempDir, db: String) -> App {
    serve_with(dir, db, &[]).await
}

/// As [`serve`], with more arguments to `hearth serve`.
pub async fn serve_with(dir: tempfile::TempDir, db: String, more: &[&str]) -> App {
    let mut process = Command::new(HEARTH)
        .args([
            "--db",
            &db,
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--insecure-cookies",
        ])
        .args(more)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(process.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .trim_end_matches('/')
        .to_owned();
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if client.get(format!("{url}/health")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    App {
        process,
        url,
        db,
        _dir: dir,
    }
}

/// A client that keeps cookies and follows redirects, as a browser does.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::limited(5))
        .build()
        .unwrap()
}

/// The value of a hidden field in a page.
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + marker.len();
    html[at..].split('"').next().unwrap().to_owned()
}

/// Signs in through the form (with its token): the client and the response to the post.
pub async fn sign_in_with(
    app: &App,
    username: &str,
    password: &str,
) -> (reqwest::Client, reqwest::Response) {
    let client = browser();
    let form = client
        .get(format!("{}/sign-in", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let response = client
        .post(format!("{}/sign-in", app.url))
        .form(&[
            ("username", username),
            ("password", password),
            ("csrf", &hidden(&form, "csrf")),
        ])
        .send()
        .await
        .unwrap();
    (client, response)
}

/// A page: its status and body.
pub async fn page(client: &reqwest::Client, url: String) -> (u16, String) {
    let r = client.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// An instant `days` from now (negative for the past), as the interchange writes it. Records
/// added by the web tests are dated relative to now, because the server reads the real clock.
#[allow(clippy::disallowed_methods)]
pub fn at(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// An event of an interchange line, `days` from now, recorded then by `by`.
pub fn event(days: i64, by: &str, event: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "occurred_at": at(days),
        "recorded_at": at(days),
        "recorded_by": by,
        "event": event,
    })
}

/// An interchange line for a member of staff who joined in 2021: id, role, team and line
/// manager. Roles that must be registered with Social Work England get a number made from
/// the id.
pub fn staff_line(id: &str, role: &str, team: &str, manager: Option<&str>) -> String {
    let mut joined = serde_json::json!({
        "type": "staff_joined",
        "name": {"given": "Test", "family": id},
        "role": role,
        "team": team,
    });
    if let Some(m) = manager {
        joined["line_manager"] = serde_json::json!(m);
    }
    if ["SOCIAL_WORKER", "REVIEWING_OFFICER", "TEAM_MANAGER"].contains(&role) {
        joined["registration"] =
            serde_json::json!(format!("SW9{:05}", id.bytes().map(u32::from).sum::<u32>()));
    }
    let line = serde_json::json!({
        "stream": format!("staff/{id}"),
        "events": [{
            "occurred_at": "2021-01-04T09:00:00Z",
            "recorded_at": "2021-01-04T09:00:00Z",
            "recorded_by": "system/import",
            "event": joined,
        }]
    });
    format!("{line}\n")
}
