#![allow(clippy::panic)] // A build script reports failure by panicking.

//! Builds the front-end assets from npm packages pinned by the committed lockfile:
//! `npm ci` installs them when they are missing or stale, Sass compiles GOV.UK Frontend with
//! the fallback fonts, and the files the app serves are copied into OUT_DIR to be embedded.

use std::path::{Path, PathBuf};
use std::process::Command;

fn run(cmd: &mut Command, what: &str) {
    let status = cmd.status().unwrap_or_else(|e| {
        panic!("hearth-web build: cannot run {what} ({e}); Node.js and npm are needed to build the web assets")
    });
    assert!(
        status.success(),
        "hearth-web build: {what} failed ({status})"
    );
}

fn modified(p: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(p).and_then(|m| m.modified()).ok()
}

fn main() {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    for f in [
        "package.json",
        "package-lock.json",
        "assets/hearth.scss",
        "assets/hearth.js",
    ] {
        println!("cargo:rerun-if-changed={f}");
    }
    let lock = dir.join("package-lock.json");
    let installed = dir.join("node_modules/.package-lock.json");
    if modified(&installed).is_none() || modified(&installed) < modified(&lock) {
        run(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
                .current_dir(&dir),
            "npm ci",
        );
    }
    run(
        Command::new("node")
            .arg(dir.join("node_modules/sass/sass.js"))
            .args([
                "--style=compressed",
                "--no-source-map",
                "--pkg-importer=node",
            ])
            .arg(dir.join("assets/hearth.scss"))
            .arg(out.join("hearth.css"))
            .current_dir(&dir),
        "sass",
    );
    let govuk = dir.join("node_modules/govuk-frontend/dist/govuk");
    for (from, to) in [
        (govuk.join("govuk-frontend.min.js"), "govuk-frontend.min.js"),
        (dir.join("assets/hearth.js"), "hearth.js"),
    ] {
        if let Err(e) = std::fs::copy(&from, out.join(to)) {
            panic!("hearth-web build: cannot copy {}: {e}", from.display());
        }
    }
}
