//! `hearth serve`, `hearth demo` and `hearth account`: the web application, a demonstration
//! borough with a sign-in for every role, and local accounts.

use std::io::BufRead;
use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use std::collections::HashMap;

use std::sync::Arc;

use hearth_app::records::Records;
use hearth_app::{App, Clock, SignInPolicy};
use hearth_domain::StaffId;
use hearth_domain::codes::StaffRole;
use hearth_domain::directory::MemoryDirectory;
use hearth_standards::Calendar;
use hearth_store::{AccountRow, Store};
use hearth_web::{AppState, Settings, hash_password};

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
    /// A folder of the council's own audit templates (`*.toml`), added to the shipped ones
    /// (one with a shipped template's id replaces it).
    #[arg(long)]
    audit_templates: Option<std::path::PathBuf>,
    /// A session ends after this many minutes without a request.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=24 * 60))]
    session_idle_minutes: u64,
    /// A session ends this many hours after sign-in, however busy.
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u64).range(1..=7 * 24))]
    session_hours: u64,
    /// An account is locked after this many failed sign-ins in a row, until an administrator
    /// unlocks it on the accounts page.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(3..=1000))]
    lockout_after: u32,
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
    sign_in: SignInPolicy,
    listen: SocketAddr,
) -> anyhow::Result<(tokio::net::TcpListener, AppState)> {
    let ruleset = super::standards::ruleset(ruleset)?;
    let records = Records::open(store).await?;
    let app = App::start(
        records,
        ruleset,
        Calendar::england_and_wales(),
        Clock::new(crate::clock::now),
    )
    .with_digest(super::digest::setup("standard", 24)?)
    .with_sign_in_policy(sign_in);
    // The digest takes a while on a real borough: start it now, so the first reader of the
    // digest's pages finds it ready.
    app.start_digest();
    let state = AppState::new(Arc::new(app), settings);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    Ok((listener, state))
}

impl Serve {
    /// Serves until stopped.
    pub async fn run(self, db: &str, council: &str) -> anyhow::Result<ExitCode> {
        if let Some(dir) = &self.audit_templates {
            audit_templates(dir)?;
        }
        let store = super::open(db, council).await?;
        let settings = Settings {
            secure_cookies: !self.insecure_cookies,
            ..Settings::default()
        };
        let sign_in = SignInPolicy {
            idle: std::time::Duration::from_secs(self.session_idle_minutes * 60),
            lifetime: std::time::Duration::from_secs(self.session_hours * 60 * 60),
            lockout_after: self.lockout_after,
            ..SignInPolicy::default()
        };
        let (listener, state) = start(store, &self.ruleset, settings, sign_in, self.listen).await?;
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
            // Plain HTTP on the loopback address. Chromium would keep a Secure cookie from
            // 127.0.0.1, but not every browser does, and the demo must work in any.
            secure_cookies: false,
            council_name: "London Borough of Bromley (synthetic)".into(),
        };
        let (listener, state) = start(
            store,
            "bromley",
            settings,
            SignInPolicy::default(),
            self.listen,
        )
        .await?;
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

/// Reads a council's audit templates from a folder and puts them in use: a fault in any
/// file is refused with its file, line and key, and nothing is served.
fn audit_templates(dir: &std::path::Path) -> anyhow::Result<()> {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut templates = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        templates.push(hearth_assurance::Template::parse(
            &text,
            &path.display().to_string(),
        )?);
    }
    hearth_app::assurance::use_council_templates(templates).map_err(anyhow::Error::msg)?;
    eprintln!(
        "audit templates: the shipped ones and {} of the council's from {}",
        files.len(),
        dir.display()
    );
    Ok(())
}

/// One account per role, for someone in post with that role, chosen so that each sign-in
/// shows the work: the social worker with the most open cases; the team manager of that
/// worker's team (their line manager where they have one), so the team view shows them; the
/// personal adviser of the most care leavers still supported; anyone in post for the other
/// roles (they land on their oversight pages). Existing accounts are kept.
async fn demo_accounts(
    store: &Store,
    workforce: &MemoryDirectory,
) -> anyhow::Result<Vec<(StaffRole, String, String)>> {
    let today = crate::clock::now().london_date();
    let caseload = store.caseload(None).await?;
    let chosen = choose_demo_staff(workforce, &caseload, today);
    let mut out = Vec::new();
    for role in DEMO_ROLES {
        let Some(id) = chosen.get(&role) else {
            eprintln!(
                "hearth: no {} in post in this borough; no demo sign-in for that role",
                role.label()
            );
            continue;
        };
        let Some(member) = workforce.staff.get(id) else {
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

/// The member of staff each demo role signs in as (see `demo_accounts`). Pure, for testing.
fn choose_demo_staff(
    workforce: &MemoryDirectory,
    caseload: &[hearth_store::CaseloadRow],
    today: chrono::NaiveDate,
) -> HashMap<StaffRole, StaffId> {
    let open_cases = |id: &StaffId| {
        caseload
            .iter()
            .filter(|r| r.open_on(today) && r.worker_id.as_deref() == Some(id.as_str()))
            .count()
    };
    let in_post = |role: StaffRole| {
        let mut staff: Vec<&StaffId> = workforce
            .staff
            .iter()
            .filter(|(_, m)| m.role == role && m.in_post_on(today))
            .map(|(id, _)| id)
            .collect();
        staff.sort_by_key(|id| id.as_str().to_owned());
        staff
    };
    let busiest = |staff: Vec<&StaffId>, load: &dyn Fn(&StaffId) -> usize| {
        staff
            .into_iter()
            .max_by_key(|id| (load(id), std::cmp::Reverse(id.as_str().to_owned())))
            .cloned()
    };
    let mut out = HashMap::new();
    let worker = busiest(in_post(StaffRole::SocialWorker), &open_cases);
    if let Some(w) = &worker {
        out.insert(StaffRole::SocialWorker, w.clone());
    }
    let member = |id: &StaffId| workforce.staff.get(id);
    // The worker's own manager if they are a team manager in post in the worker's team, or
    // else a team manager of that team: the team view lists the team's workers.
    let manager = worker.as_ref().and_then(member).and_then(|w| {
        w.line_manager
            .as_ref()
            .filter(|m| {
                member(m).is_some_and(|m| {
                    m.role == StaffRole::TeamManager && m.team == w.team && m.in_post_on(today)
                })
            })
            .cloned()
            .or_else(|| {
                in_post(StaffRole::TeamManager)
                    .into_iter()
                    .find(|m| member(m).is_some_and(|m| m.team == w.team))
                    .cloned()
            })
    });
    if let Some(m) = manager.or_else(|| busiest(in_post(StaffRole::TeamManager), &open_cases)) {
        out.insert(StaffRole::TeamManager, m);
    }
    // A supported care leaver's caseload row is held by their personal adviser.
    if let Some(pa) = busiest(in_post(StaffRole::PersonalAdviser), &open_cases) {
        out.insert(StaffRole::PersonalAdviser, pa);
    }
    for role in DEMO_ROLES {
        if !out.contains_key(&role)
            && let Some(first) = in_post(role).into_iter().next()
        {
            out.insert(role, first.clone());
        }
    }
    out
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use chrono::NaiveDate;
    use hearth_domain::TeamId;
    use hearth_domain::directory::StaffMember;
    use hearth_domain::people::PersonName;
    use hearth_domain::values::Line;
    use hearth_store::CaseloadRow;

    use super::*;

    fn staff(
        dir: &mut MemoryDirectory,
        id: &str,
        role: StaffRole,
        team: &str,
        manager: Option<&str>,
    ) {
        dir.staff.insert(
            StaffId::parse(id).unwrap(),
            StaffMember {
                name: PersonName {
                    given: Line::parse("Test").unwrap(),
                    family: Line::parse(id).unwrap(),
                    preferred: None,
                },
                role,
                team: TeamId::parse(team).unwrap(),
                registration: None,
                email: None,
                phone: None,
                line_manager: manager.map(|m| StaffId::parse(m).unwrap()),
                joined: NaiveDate::from_ymd_opt(2020, 1, 6).unwrap(),
                left: None,
            },
        );
    }

    fn row(child: &str, worker: &str, status: &str) -> CaseloadRow {
        CaseloadRow {
            child_id: child.into(),
            display_name: child.into(),
            is_open: status != "closed",
            status: status.into(),
            worker_id: Some(worker.into()),
            team_id: None,
            legal_status: None,
            cp_category: None,
            opened_on: None,
            last_activity_at: None,
            open_until: None,
        }
    }

    /// Point 20 of issue 12: the demo's team manager manages its social worker (not the first
    /// manager by id, in another team), and its personal adviser is the one with care leavers.
    #[test]
    fn the_demo_sign_ins_show_the_work() {
        let mut dir = MemoryDirectory::default();
        staff(&mut dir, "TM1", StaffRole::TeamManager, "T1", None);
        staff(&mut dir, "TM2", StaffRole::TeamManager, "T2", None);
        staff(&mut dir, "SW1", StaffRole::SocialWorker, "T1", Some("TM1"));
        staff(&mut dir, "SW2", StaffRole::SocialWorker, "T2", Some("TM2"));
        staff(&mut dir, "PA1", StaffRole::PersonalAdviser, "T3", None);
        staff(&mut dir, "PA2", StaffRole::PersonalAdviser, "T3", None);
        let caseload = vec![
            row("C1", "SW2", "cin_plan"),
            row("C2", "SW2", "cp_plan"),
            row("C3", "SW1", "referral"),
            row("C4", "PA2", "care_leaver"),
            row("C5", "PA2", "care_leaver"),
            row("C6", "PA2", "care_leaver"),
            row("C7", "PA1", "closed"),
        ];
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let chosen = choose_demo_staff(&dir, &caseload, today);
        let id = |role| chosen.get(&role).map(StaffId::as_str);
        assert_eq!(id(StaffRole::SocialWorker), Some("SW2"));
        assert_eq!(id(StaffRole::TeamManager), Some("TM2"));
        assert_eq!(id(StaffRole::PersonalAdviser), Some("PA2"));
    }
}
