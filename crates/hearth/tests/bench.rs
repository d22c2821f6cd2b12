//! `hearth bench` runs the `hearth-bench` program beside it, passing its arguments, the
//! store and council through, and exiting as it exits; without one it says how to build it.
//! The real binary is linked into a directory of the test's own, next to a small script
//! standing in for hearth-bench that reports what it was given.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const HEARTH: &str = env!("CARGO_BIN_EXE_hearth");

/// A fresh directory holding `hearth` (a hard link to the real binary, so that it finds its
/// neighbours there; a copy where the file system cannot link).
fn alone() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let hearth = dir.path().join("hearth");
    if std::fs::hard_link(HEARTH, &hearth).is_err() {
        std::fs::copy(HEARTH, &hearth).unwrap();
    }
    (dir, hearth)
}

fn run(hearth: &Path, args: &[&str]) -> Output {
    Command::new(hearth)
        .args(args)
        .env_remove("HEARTH_COUNCIL")
        .env_remove("HEARTH_DATABASE_URL")
        .output()
        .unwrap()
}

#[test]
fn bench_runs_hearth_bench_beside_it_with_the_arguments_store_and_council() {
    let (dir, hearth) = alone();
    let stand_in = dir.path().join("hearth-bench");
    std::fs::write(
        &stand_in,
        "#!/bin/sh\necho \"$@\"\necho \"db=$HEARTH_DATABASE_URL council=$HEARTH_COUNCIL\"\nexit 3\n",
    )
    .unwrap();
    std::fs::set_permissions(&stand_in, std::fs::Permissions::from_mode(0o755)).unwrap();

    // Everything after `bench` goes through as it was given, its own --db and --help
    // included; the store and council given to hearth go as the environment.
    let out = run(
        &hearth,
        &[
            "--db",
            "sqlite://a.db",
            "--council",
            "c1",
            "bench",
            "standards",
            "--as-at",
            "2024-03-21",
            "--db",
            "sqlite://b.db",
            "--help",
        ],
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "standards --as-at 2024-03-21 --db sqlite://b.db --help\ndb=sqlite://a.db council=c1\n"
    );
    assert_eq!(out.status.code(), Some(3));

    // The defaults are passed on too.
    let out = run(&hearth, &["bench", "store"]);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "store\ndb=sqlite://hearth.db council=default\n"
    );
}

#[test]
fn without_hearth_bench_beside_it_bench_says_how_to_build_it() {
    let (_dir, hearth) = alone();
    let out = run(&hearth, &["bench", "store"]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("hearth-bench") && err.contains("cargo build --release -p hearth-bench"),
        "{err}"
    );
}
