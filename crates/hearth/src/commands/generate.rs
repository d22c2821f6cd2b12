//! `hearth generate`: a synthetic borough, written through the record's own rules.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{NaiveDate, NaiveTime};
use clap::Args;
use hearth_app::records::Records;
use hearth_domain::Timestamp;
use hearth_returns::council::Council;
use hearth_synth::run::{Progress, generate};
use hearth_synth::{Inputs, Params, Postcodes, Profile, Rates};

/// Arguments of `generate`.
#[derive(Debug, Args)]
pub struct Generate {
    /// Children under 18 in the borough (default: the profile's figure, 71,200 for Bromley).
    #[arg(long)]
    population: Option<u64>,
    /// Years of history.
    #[arg(long, default_value_t = 6)]
    years: u32,
    /// The seed; the same seed and parameters give the same borough.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The date the history runs to (its end of day); default: now.
    #[arg(long)]
    as_at: Option<NaiveDate>,
    /// A council profile file (default: the built-in London Borough of Bromley).
    #[arg(long)]
    profile: Option<PathBuf>,
    /// A rates file (default: the built-in rates, crates/hearth-synth/config/rates.toml).
    #[arg(long)]
    rates: Option<PathBuf>,
    /// Also write a year of case audits to the as-at date, through the audit record's
    /// rules (the demo does). The summary and fingerprint are the borough's without them.
    #[arg(long)]
    audits: bool,
    /// End with the summary as one JSON object on the last line.
    #[arg(long)]
    summary_json: bool,
}

/// The instant an as-at date means: the last moment of that day in England.
pub fn end_of_day(date: NaiveDate) -> Timestamp {
    let time = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN);
    Timestamp::at_london_time(date, time)
}

impl Generate {
    /// The default borough, to the present day: what the demo builds.
    pub fn default_borough() -> Generate {
        Generate {
            population: None,
            years: 6,
            seed: 1,
            as_at: None,
            profile: None,
            rates: None,
            audits: true,
            summary_json: false,
        }
    }

    /// Generates the borough.
    pub async fn run(self, db: &str, council: &str) -> anyhow::Result<ExitCode> {
        let mut inputs = Inputs::builtin()?;
        if let Some(path) = &self.profile {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            inputs.profile = Profile::parse(&path.display().to_string(), &text)?;
            inputs.postcodes = Postcodes::builtin(&inputs.profile.council.ons_code)?;
        }
        if let Some(path) = &self.rates {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            inputs.rates = Rates::parse(&path.display().to_string(), &text)?;
        }
        let params = Params {
            population: self.population.unwrap_or(inputs.profile.council.children),
            years: self.years,
            seed: self.seed,
            as_at: self.as_at.map_or_else(crate::clock::now, end_of_day),
        };
        let store = super::open(db, council).await?;
        if store.count_events().await? > 0 {
            anyhow::bail!("the store at {db} already holds records; generate into an empty store");
        }
        // The borough's store knows which council it imitates, as a council's own store would.
        let profile = &inputs.profile.council;
        let identity = Council::parse(&profile.name, &profile.la_number, &profile.ons_code)
            .context("the profile's [council]")?;
        super::council::store(&store, &identity).await?;
        store
            .put_caseload_promise(inputs.rates.staff.caseload_promise)
            .await?;
        let records = Records::open(store).await?;
        eprintln!(
            "generating {} (DfE number {}, ONS code {}) for {} children, {} years to {}, seed {}",
            identity.name,
            identity.la,
            identity.ons_code,
            params.population,
            params.years,
            params.as_at,
            params.seed
        );
        let started = Instant::now();
        let mut last = Instant::now();
        let summary = generate(&records, params, inputs, |p: Progress| {
            if last.elapsed() >= Duration::from_secs(2) || p.fraction >= 1.0 {
                last = Instant::now();
                eprintln!(
                    "  {:>5.1}%  {} lines, {} events, {:.0} s",
                    p.fraction * 100.0,
                    p.lines,
                    p.events,
                    started.elapsed().as_secs_f64()
                );
            }
        })
        .await?;
        let audits = if self.audits {
            eprintln!("writing a year of case audits");
            Some(hearth_synth::audits::generate_audits(&records, params.as_at, params.seed).await?)
        } else {
            None
        };
        let mut out = std::io::stdout().lock();
        writeln!(out, "children known: {}", summary.children_known)?;
        writeln!(
            out,
            "open cases today: {}; on a child protection plan: {}; looked after: {}; care leavers: {}",
            summary.open_cases, summary.cp_plans, summary.looked_after, summary.care_leavers
        )?;
        writeln!(
            out,
            "referrals in the last 12 months: {}; staff: {}; events: {}",
            summary.referrals_last_year, summary.staff, summary.events
        )?;
        writeln!(
            out,
            "adoptions and special guardianship orders in the year to {}: {} and {}",
            summary.collection_year_end,
            summary.adoptions_in_year,
            summary.special_guardianship_in_year
        )?;
        writeln!(out, "fingerprint: {}", summary.hash)?;
        if let Some(a) = audits {
            writeln!(
                out,
                "case audits in the last year: {} ({} completed), {} events",
                a.audits, a.completed, a.events
            )?;
            if !a.refused.is_empty() {
                let rules: Vec<String> =
                    a.refused.iter().map(|(r, n)| format!("{r} {n}")).collect();
                writeln!(out, "audit steps the rules refused: {}", rules.join(", "))?;
            }
        }
        writeln!(out)?;
        writeln!(
            out,
            "{:<72} {:>10} {:>10}",
            format!("measured (year to {})", summary.collection_year_end),
            "configured",
            "generated"
        )?;
        for f in &summary.figures {
            writeln!(
                out,
                "{:<72} {:>10.3} {:>10.3} {}",
                f.name,
                f.configured,
                f.generated,
                if f.within_15_percent {
                    ""
                } else {
                    "  outside ±15%"
                }
            )?;
        }
        if summary.kinds_missing.is_empty() {
            writeln!(out, "every kind of event appears at least once")?;
        } else {
            writeln!(
                out,
                "event kinds that do not appear: {}",
                summary.kinds_missing.join(", ")
            )?;
        }
        writeln!(out, "generated in {:.1} s", started.elapsed().as_secs_f64())?;
        if self.summary_json {
            writeln!(out, "{}", serde_json::to_string(&summary)?)?;
        }
        Ok(ExitCode::SUCCESS)
    }
}
