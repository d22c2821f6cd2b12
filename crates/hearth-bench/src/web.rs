//! `hearth-bench web`: the web application's response times under concurrent load, from a
//! second process on loopback. My work and the child's record are timed against the static
//! health endpoint, measured in the same run by the same client.

use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;

/// Arguments of `web`.
#[derive(Debug, Args)]
pub struct BenchWeb {
    /// The running app, such as http://127.0.0.1:8080 (from `hearth demo` or `hearth serve`).
    #[arg(long)]
    url: String,
    /// Who to sign in as: someone with a caseload.
    #[arg(long, default_value = "social.worker")]
    username: String,
    /// Their password (by default the one `hearth demo` gives every sign-in).
    #[arg(long, default_value = "hearth-demo")]
    password: String,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Requests to each page.
    #[arg(long, default_value_t = 400)]
    requests: usize,
    /// Further pages to time, by path (such as `/digest,/digest/open-cases` signed in as
    /// head.of.service).
    #[arg(long, value_delimiter = ',')]
    pages: Vec<String>,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

async fn time(
    client: &reqwest::Client,
    urls: &[String],
    requests: usize,
    concurrency: usize,
) -> anyhow::Result<Vec<Duration>> {
    let per_task = requests.div_ceil(concurrency.max(1));
    let mut tasks = Vec::new();
    for t in 0..concurrency.max(1) {
        let client = client.clone();
        let urls = urls.to_vec();
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::with_capacity(per_task);
            for i in 0..per_task {
                let url = &urls[(t * per_task + i) % urls.len()];
                let started = Instant::now();
                let response = client.get(url).send().await?;
                let status = response.status();
                response.bytes().await?;
                if !status.is_success() {
                    anyhow::bail!("{url} answered {status}");
                }
                out.push(started.elapsed());
            }
            Ok::<_, anyhow::Error>(out)
        }));
    }
    let mut all = Vec::with_capacity(requests);
    for t in tasks {
        all.extend(t.await??);
    }
    all.sort();
    Ok(all)
}

impl BenchWeb {
    /// Signs in, finds the user's children, and times the health endpoint, My work, the
    /// child's record (when the user has children) and any further pages named.
    pub async fn run(self) -> anyhow::Result<()> {
        let base = self.url.trim_end_matches('/').to_owned();
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .pool_max_idle_per_host(self.concurrency)
            .build()?;
        let form = client
            .get(format!("{base}/sign-in"))
            .send()
            .await
            .with_context(|| format!("cannot reach {base}"))?
            .text()
            .await?;
        let csrf = form
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .context("the sign-in page has no form token")?;
        let my_work = client
            .post(format!("{base}/sign-in"))
            .form(&[
                ("username", self.username.as_str()),
                ("password", self.password.as_str()),
                ("csrf", csrf),
            ])
            .send()
            .await?
            .text()
            .await?;
        let children: Vec<String> = my_work
            .split("href=\"/children/")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .map(|id| format!("{base}/children/{id}"))
            .collect();
        if children.is_empty() && self.pages.is_empty() {
            anyhow::bail!(
                "{} has no children on My work to time the record with; name --pages to time",
                self.username
            );
        }
        let health = vec![format!("{base}/health")];
        let home = vec![format!("{base}/")];
        let extra: Vec<(String, Vec<String>)> = self
            .pages
            .iter()
            .map(|p| (p.clone(), vec![format!("{base}{p}")]))
            .collect();
        // Warm up each page once, so no side pays for first use.
        let mut warm: Vec<&String> = vec![&health[0], &home[0]];
        warm.extend(children.first());
        warm.extend(extra.iter().map(|(_, u)| &u[0]));
        for url in warm {
            client.get(url).send().await?.bytes().await?;
        }
        let mut rows = vec![
            (
                "static health endpoint".to_owned(),
                time(&client, &health, self.requests, self.concurrency).await?,
            ),
            (
                "My work".to_owned(),
                time(&client, &home, self.requests, self.concurrency).await?,
            ),
        ];
        if !children.is_empty() {
            rows.push((
                "the child's record".to_owned(),
                time(&client, &children, self.requests, self.concurrency).await?,
            ));
        }
        for (path, urls) in &extra {
            rows.push((
                format!("`{path}`"),
                time(&client, urls, self.requests, self.concurrency).await?,
            ));
        }
        let base_p50 = percentile(&rows[0].1, 0.50).as_secs_f64();
        let base_p95 = percentile(&rows[0].1, 0.95).as_secs_f64();
        println!(
            "hearth-bench web: {} requests to each page, {} at a time, as {} ({} children)",
            self.requests,
            self.concurrency,
            self.username,
            children.len()
        );
        println!("| page | p50 (ms) | p95 (ms) | p50 ÷ health p50 | p95 ÷ health p95 |");
        println!("|---|---|---|---|---|");
        for (name, times) in &rows {
            let p50 = percentile(times, 0.50).as_secs_f64();
            let p95 = percentile(times, 0.95).as_secs_f64();
            println!(
                "| {name} | {:.2} | {:.2} | {:.1}× | {:.1}× |",
                p50 * 1000.0,
                p95 * 1000.0,
                p50 / base_p50.max(f64::MIN_POSITIVE),
                p95 / base_p95.max(f64::MIN_POSITIVE)
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let d: Vec<Duration> = (1..=20).map(Duration::from_millis).collect();
        assert_eq!(percentile(&d, 0.50), Duration::from_millis(10));
        assert_eq!(percentile(&d, 0.95), Duration::from_millis(19));
        assert_eq!(percentile(&[], 0.5), Duration::ZERO);
    }
}
