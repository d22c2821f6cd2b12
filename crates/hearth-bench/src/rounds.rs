//! Timing sides of a benchmark against each other: every side once per round, interleaved so
//! that drift in the machine falls on all, keeping each side's fastest pass.

use std::future::Future;
use std::time::Duration;

/// A timed pass of one side.
pub trait Timed {
    /// How long it took.
    fn time(&self) -> Duration;
}

/// Runs each of `sides` once per round for `rounds` rounds, in order within a round, and
/// returns each side's fastest pass, in the order of `sides`.
pub async fn fastest<S, P, F, Fut>(
    sides: &[S],
    rounds: u32,
    name: impl Fn(S) -> &'static str,
    mut pass: F,
) -> anyhow::Result<Vec<P>>
where
    S: Copy,
    P: Timed,
    F: FnMut(S) -> Fut,
    Fut: Future<Output = anyhow::Result<P>>,
{
    let mut best: Vec<Option<P>> = sides.iter().map(|_| None).collect();
    for round in 0..rounds {
        for (i, &side) in sides.iter().enumerate() {
            let p = pass(side).await?;
            eprintln!(
                "  round {}: {}: {:.2} s",
                round + 1,
                name(side),
                p.time().as_secs_f64()
            );
            if best[i].as_ref().is_none_or(|b| p.time() < b.time()) {
                best[i] = Some(p);
            }
        }
    }
    let best: Vec<P> = best.into_iter().flatten().collect();
    if best.len() != sides.len() {
        anyhow::bail!("no pass was timed");
    }
    Ok(best)
}
