//! `hearth serve`, `hearth demo` and `hearth account`: the web application, a demonstration
//! borough with a sign-in for every role, and local accounts.

use std::io::BufRead;
use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use hearth_domain::StaffId;
use hearth_domain::codes::StaffRole;
use hearth_domain::directory::MemoryDirectory;
use hearth_store::records::Records;
use hearth_store::{AccountRow, Store};
use hearth_web::{AppState, Clock, Settings, hash_password};

/// The password every demo account is given. The demo is synthetic data on a loopback
/// address; a real council's accounts are set with `hearth account`.
pub const DEMO_PASSWORD: &str = "hearth-demo";

/// The roles the demo signs in as, in the order they are printed.
const DEMO_ROLES: [StaffRole; 8] = [
    StaffRole::SocialWorker,
    StaffRole::PersonalAdviser,
    StaffRole::TeamManager,
    StaffRole::ReviewingOfficer,
    StaffRole::QualityAssuranceLead,
    StaffRole::PerformanceAnalyst,
    StaffRole::HeadOfService,
    StaffRole::Administrator,
];

/// Arguments of `serve`.
#[derive(Debug, Args)]
pub struct Serve {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// A shipped ruleset or a ruleset file: the standards the pages measure against.
    #[arg(long, default_value = "bromley")]
    ruleset: String,
    /// Send cookies without the Secure flag, for plain HTTP on this machine only.
    #[arg(long)]
    insecure_cookies: bool,
}

/// Arguments of `demo`.
#[derive(Debug, Args)]
pub struct Demo {
    /// Address and port to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
}

/// Arguments of `account`.
#[derive(Debug, Args)]
pub struct Account {
    /// The username to create or replace.
    username: String,
    /// The member of staff it signs in as (their staff id, such as S0001).
    #[arg(long)]
    staff: String,
    /// Refuse sign-in for this account.
    #[arg(long)]
    disable: bool,
}

async fn start(
    store: Store,
    ruleset: &str,
    settings: Settings,
    listen: SocketAddr,
) -> anyhow::Result<(tokio::net::TcpListener, AppState)> {
    let ruleset = super::standards::ruleset(ruleset)?;
    let records = Records::open(store).await?;
    let state = AppState::new(records, ruleset, Clock::new(crate::clock::now), settings).await?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    Ok((listener, state))
}

impl Serve {
    /// Serves until stopped.
    pub async fn run(self, db: &str, council: &str) -> anyhow::Result<ExitCode> {
        let store = super::open(db, council).await?;
        let settings = Settings {
            secure_cookies: !self.insecure_cookies,
            ..Settings::default()
        };
        let (listener, state) = start(store, &self.ruleset, settings, self.listen).await?;
        println!(
            "Hearth is serving {db} at http://{}/",
            listener.local_addr()?
        );
        hearth_web::serve(listener, state).await?;
        Ok(ExitCode::SUCCESS)
    }
}

impl Demo {
    /// Builds the default borough if the store is empty, makes a sign-in for every role, and
    /// serves.
    pub async fn run(self, db: &str, council: &str) -> anyhow::Result<ExitCode> {
        let store = super::open(db, council).await?;
        if store.count_events().await? == 0 {
            store.close().await;
            eprintln!(
                "No borough at {db} yet: generating the default synthetic borough (a minute or two, once)."
            );
            super::generate::Generate::default_borough()
                .run(db, council)
                .await?;
        } else {
            store.close().await;
        }
        let store = super::open(db, council).await?;
        let workforce = hearth_store::reading::workforce(&store).await?;
        let sign_ins = demo_accounts(&store, &workforce).await?;
        let settings = Settings {
            // Plain HTTP on the loopback address: browsers would drop Secure cookies there.
            secure_cookies: false,
            council_name: "London Borough of Bromley (synthetic)".into(),
            ..Settings::default()
        };
        let (listener, state) = start(store, "bromley", settings, self.listen).await?;
        let url = format!("http://{}/", listener.local_addr()?);
        println!("Hearth demo: {url}");
        println!();
        println!("Sign in as any of these (password: {DEMO_PASSWORD}):");
        for (role, username, name) in &sign_ins {
            println!("  {:<24} {:<28} {}", role.label(), username, name);
        }
        println!();
        println!("Everything here is synthetic. Stop with Ctrl-C.");
        hearth_web::serve(listener, state).await?;
        Ok(ExitCode::SUCCESS)
    }
}

/// One account per role, for someone in post with that role (for a social worker or a
/// personal adviser, the one with the most open cases, so My work has something in it).
/// Existing accounts are kept.
async fn demo_accounts(
    store: &Store,
    workforce: &MemoryDirectory,
) -> anyhow::Result<Vec<(StaffRole, String, String)>> {
    let today = crate::clock::now().london_date();
    let caseload = store.caseload(None).await?;
    let open_cases = |id: &StaffId| {
        caseload
            .iter()
            .filter(|r| r.open_on(today) && r.worker_id.as_deref() == Some(id.as_str()))
            .count()
    };
    let mut out = Vec::new();
    for role in DEMO_ROLES {
        let mut candidates: Vec<(&StaffId, _)> = workforce
            .staff
            .iter()
            .filter(|(_, m)| m.role == role && m.in_post_on(today))
            .collect();
        candidates
            .sort_by_key(|(id, _)| (std::cmp::Reverse(open_cases(id)), id.as_str().to_owned()));
        let Some((id, member)) = candidates.first() else {
            eprintln!(
                "hearth: no {} in post in this borough; no demo sign-in for that role",
                role.label()
            );
            continue;
        };
        let username = role.code().to_lowercase().replace('_', ".");
        if store.account(&username).await?.is_none() {
            store
                .put_account(&AccountRow {
                    username: username.clone(),
                    staff_id: id.as_str().to_owned(),
                    password_hash: hash_password(DEMO_PASSWORD)?,
                    changed_at: crate::clock::now(),
                    disabled: false,
                })
                .await?;
        }
        out.push((role, username, member.name.display()));
    }
    Ok(out)
}

impl Account {
    /// Creates or replaces an account. The password is read from the first line of
    /// standard input, so it never appears in the process list or shell history.
    pub async fn run(self, db: &str, council: &str) -> anyhow::Result<ExitCode> {
        let staff = StaffId::parse(&self.staff)?;
        let store = super::open(db, council).await?;
        let workforce = hearth_store::reading::workforce(&store).await?;
        if !workforce.staff.contains_key(&staff) {
            anyhow::bail!("there is no member of staff {staff} in this store");
        }
        let username = self.username.trim().to_lowercase();
        if username.is_empty() || username.chars().any(|c| c.is_whitespace()) {
            anyhow::bail!("a username cannot be empty or contain spaces");
        }
        let mut password = String::new();
        std::io::stdin().lock().read_line(&mut password)?;
        let password = password.trim_end_matches(['\r', '\n']);
        if password.chars().count() < 12 {
            anyhow::bail!("the password must be at least 12 characters; nothing was changed");
        }
        store
            .put_account(&AccountRow {
                username: username.clone(),
                staff_id: staff.as_str().to_owned(),
                password_hash: hash_password(password)?,
                changed_at: crate::clock::now(),
                disabled: self.disable,
            })
            .await?;
        store.close().await;
        println!("account {username} set for staff/{staff}");
        Ok(ExitCode::SUCCESS)
    }
}
