//! The performance digest: the scorecard with its RAG and trends, an indicator's two years
//! as a chart and a table, and the children behind a figure. What a reader may see, and the
//! logging of every child listed, is decided in `hearth-app` (`policy::to_read_digest`,
//! `App::digest_as_seen`, `App::digest_children`); these handlers only arrange it.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use hearth_app::digest::{Computed, DigestReading, SeenDigest};
use hearth_app::policy::{DigestPermit, to_read_digest};
use hearth_performance::digest::{Counted, Rag, Series};
use hearth_performance::{Better, Comparators, PeriodKind, Shape};
use serde::Deserialize;

use super::Layout;
use super::words::{day, moment};
use crate::auth::User;
use crate::chart::{self, Chart};
use crate::error::WebError;
use crate::state::AppState;

/// Red, amber or green, for the template to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RagShown {
    Red,
    Amber,
    Green,
}

impl RagShown {
    fn of(rag: Option<Rag>) -> Option<RagShown> {
        rag.map(|r| match r {
            Rag::Red => RagShown::Red,
            Rag::Amber => RagShown::Amber,
            Rag::Green => RagShown::Green,
        })
    }
}

/// Where the digest stands, for the banner above every digest page.
pub struct Freshness {
    /// When the figures were worked out.
    pub finished: String,
    /// A newer digest is being worked out.
    pub refreshing: bool,
    /// The figures are over only the children the reader may see.
    pub partial: bool,
}

/// One indicator's row on the scorecard.
pub struct ScoreRow {
    pub id: String,
    pub title: String,
    pub period: &'static str,
    pub value: String,
    /// The month the value is for.
    pub month: String,
    pub counts: String,
    pub target: String,
    pub rag: Option<RagShown>,
    pub spark: String,
    pub trend: String,
    pub england: String,
    pub unusual: Option<String>,
}

/// The scorecard's rows of one area of the service.
pub struct Area {
    pub name: String,
    pub rows: Vec<ScoreRow>,
}

#[derive(Template)]
#[template(path = "digest.html")]
struct DigestPage {
    layout: Layout,
    name: String,
    as_at: String,
    children: u64,
    latest_month: String,
    freshness: Freshness,
    areas: Vec<Area>,
    exceptions: Vec<String>,
}

#[derive(Template)]
#[template(path = "digest_waiting.html")]
struct WaitingPage {
    layout: Layout,
    message: String,
}

/// One month of an indicator's table.
pub struct MonthRow {
    pub key: String,
    pub label: String,
    pub numerator: u64,
    /// Empty for a count, which has none.
    pub denominator: String,
    pub value: String,
    pub rag: Option<RagShown>,
    pub unusual: Option<String>,
    pub partial_month: bool,
}

/// A published figure shown beside the council's.
pub struct ComparatorRow {
    pub group: String,
    pub year: String,
    pub value: String,
    pub source: String,
    pub url: Option<String>,
}

#[derive(Template)]
#[template(path = "digest_indicator.html")]
struct IndicatorPage {
    layout: Layout,
    id: String,
    title: String,
    area: String,
    definition: String,
    target: String,
    thresholds: String,
    source: String,
    freshness: Freshness,
    chart: Chart,
    summary: String,
    months: Vec<MonthRow>,
    comparators: Vec<ComparatorRow>,
}

/// One child behind a figure.
pub struct ChildRow {
    pub id: String,
    pub team: String,
    pub worker: String,
    /// What the child added to the figure.
    pub counted: String,
    pub evidence: Vec<String>,
}

#[derive(Template)]
#[template(path = "digest_children.html")]
struct ChildrenPage {
    layout: Layout,
    id: String,
    title: String,
    month: String,
    key: String,
    shown: String,
    whole: String,
    partial: bool,
    total: usize,
    counts_words: &'static str,
    page: usize,
    pages: usize,
    children: Vec<ChildRow>,
}

fn permit(user: &User) -> Result<DigestPermit, WebError> {
    to_read_digest(user).ok_or(WebError::NotFound)
}

/// The digest held, or the page saying it is being worked out.
async fn held(
    state: &AppState,
    user: &User,
    permit: &DigestPermit,
) -> Result<Result<(std::sync::Arc<Computed>, bool), Html<String>>, WebError> {
    let waiting = |message: String| -> Result<Html<String>, WebError> {
        Ok(Html(
            WaitingPage {
                layout: Layout::new(state, user),
                message,
            }
            .render()?,
        ))
    };
    Ok(match state.app.digest(permit).await? {
        DigestReading::Ready {
            computed,
            refreshing,
        } => Ok((computed, refreshing)),
        DigestReading::NotYet { started } => Err(waiting(format!(
            "The figures are being worked out from every child's record (started {}). On a whole borough this takes a minute or two: refresh this page shortly.",
            moment(started)
        ))?),
        DigestReading::NoScorecard => Err(waiting(
            "This service has no scorecard set, so there is no digest.".to_owned(),
        )?),
    })
}

fn freshness(computed: &Computed, refreshing: bool, seen: &SeenDigest) -> Freshness {
    Freshness {
        finished: moment(computed.finished),
        refreshing,
        partial: seen.partial,
    }
}

/// A value in the indicator's unit.
fn value_words(shape: Shape, v: Option<f64>) -> String {
    match (shape, v) {
        (_, None) => "No figure".to_owned(),
        (Shape::Rate, Some(v)) => format!("{v:.1}%"),
        (Shape::Average, Some(v)) => format!("{v:.1}"),
        (Shape::Count, Some(v)) => format!("{v:.0}"),
    }
}

fn unit(shape: Shape) -> &'static str {
    if shape == Shape::Rate { "%" } else { "" }
}

fn counts_words(shape: Shape, numerator: u64, denominator: u64) -> String {
    match shape {
        Shape::Rate => format!("{numerator} of {denominator}"),
        Shape::Count => format!("{numerator}"),
        Shape::Average => format!("{numerator} over {denominator}"),
    }
}

fn target_words(series: &Series) -> String {
    let i = &series.indicator;
    match i.target {
        Some(t) => format!(
            "{} ({} is better)",
            value_words(i.shape(), Some(t)),
            match i.better {
                Better::Higher => "higher",
                Better::Lower => "lower",
            }
        ),
        None => "None set".to_owned(),
    }
}

fn unusual_words(shape: Shape, f: &hearth_performance::Figure) -> Option<String> {
    f.anomaly.map(|a| {
        format!(
            "{} the usual range ({} to {})",
            if a.above { "Above" } else { "Below" },
            value_words(shape, Some(a.usual_from)),
            value_words(shape, Some(a.usual_to))
        )
    })
}

/// How the latest whole month compares with the one a year before, in words.
fn trend_words(series: &Series) -> String {
    let shape = series.indicator.shape();
    let whole: Vec<&hearth_performance::Figure> = series
        .figures
        .iter()
        .filter(|f| !f.month.partial())
        .collect();
    let (Some(last), Some(before)) = (
        whole.last().copied(),
        whole
            .len()
            .checked_sub(13)
            .and_then(|i| whole.get(i).copied()),
    ) else {
        return "Not enough months to compare".to_owned();
    };
    match (last.value, before.value) {
        (Some(now), Some(then)) => {
            let direction = if (now - then).abs() < 0.05 {
                "level with".to_owned()
            } else {
                let up = now > then;
                let better = match series.indicator.better {
                    Better::Higher => up,
                    Better::Lower => !up,
                };
                format!(
                    "{} from {} ({})",
                    if up { "up" } else { "down" },
                    value_words(shape, Some(then)),
                    if better { "better" } else { "worse" }
                )
            };
            format!(
                "{} in {}, {} a year before",
                value_words(shape, Some(now)),
                last.month.short(),
                direction
            )
        }
        _ => "Not enough months to compare".to_owned(),
    }
}

fn england_words(comparators: Option<&Comparators>, series: &Series) -> String {
    comparators
        .and_then(|c| c.latest(&series.indicator.id, "England"))
        .map(|c| {
            format!(
                "{} ({})",
                value_words(series.indicator.shape(), Some(c.value)),
                c.year
            )
        })
        .unwrap_or_default()
}

/// The scorecard.
pub async fn page(State(state): State<AppState>, user: User) -> Result<Response, WebError> {
    let permit = permit(&user)?;
    let (computed, refreshing) = match held(&state, &user, &permit).await? {
        Ok(held) => held,
        Err(waiting) => return Ok(waiting.into_response()),
    };
    let seen = state.app.digest_as_seen(&permit, &computed).await?;
    let d = &seen.digest;
    let mut areas: Vec<Area> = Vec::new();
    let mut exceptions = Vec::new();
    for s in &d.series {
        let shape = s.indicator.shape();
        let Some(latest) = s.latest() else { continue };
        let values: Vec<Option<f64>> = s.figures.iter().map(|f| f.value).collect();
        // The latest whole month is the one to judge: the current month is still running.
        let judged = s
            .figures
            .iter()
            .rev()
            .find(|f| !f.month.partial() || s.indicator.period == PeriodKind::AtEnd)
            .unwrap_or(latest);
        if judged.rag == Some(Rag::Red) || judged.anomaly.is_some() {
            exceptions.push(format!(
                "{}: {} in {}{}",
                s.indicator.title,
                value_words(shape, judged.value),
                judged.month.short(),
                match (judged.rag, unusual_words(shape, judged)) {
                    (_, Some(u)) => format!(", {}", u.to_lowercase()),
                    (Some(Rag::Red), None) =>
                        format!(", red against a target of {}", target_words(s)),
                    _ => String::new(),
                }
            ));
        }
        let row = ScoreRow {
            id: s.indicator.id.clone(),
            title: s.indicator.title.clone(),
            period: s.indicator.period.label(),
            value: value_words(shape, judged.value),
            month: judged.month.short(),
            counts: match shape {
                Shape::Count => String::new(),
                _ => counts_words(shape, judged.numerator, judged.denominator),
            },
            target: target_words(s),
            rag: RagShown::of(judged.rag),
            spark: chart::spark(&values, shape == Shape::Rate),
            trend: trend_words(s),
            england: england_words(state.app.comparators(), s),
            unusual: unusual_words(shape, judged),
        };
        match areas.iter_mut().find(|a| a.name == s.indicator.area) {
            Some(a) => a.rows.push(row),
            None => areas.push(Area {
                name: s.indicator.area.clone(),
                rows: vec![row],
            }),
        }
    }
    let page = DigestPage {
        layout: Layout::new(&state, &user),
        name: d.name.clone(),
        as_at: day(d.as_at),
        children: d.children,
        latest_month: d.months.last().map(|m| m.label()).unwrap_or_default(),
        freshness: freshness(&computed, refreshing, &seen),
        areas,
        exceptions,
    };
    Ok(Html(page.render()?).into_response())
}

/// The scorecard as a workbook, over the figures the reader may see.
pub async fn workbook(State(state): State<AppState>, user: User) -> Result<Response, WebError> {
    let permit = permit(&user)?;
    let (computed, _) = match held(&state, &user, &permit).await? {
        Ok(held) => held,
        Err(waiting) => return Ok(waiting.into_response()),
    };
    let seen = state.app.digest_as_seen(&permit, &computed).await?;
    let none = Comparators::default();
    let bytes = hearth_performance::workbook::workbook(
        &seen.digest,
        state.app.comparators().unwrap_or(&none),
    )
    .map_err(WebError::internal)?;
    let name = format!("attachment; filename=\"digest-{}.xlsx\"", seen.digest.as_at);
    let disposition = HeaderValue::from_str(&name).map_err(WebError::internal)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

fn month_key(m: &hearth_performance::Month) -> String {
    m.first.format("%Y-%m").to_string()
}

/// One indicator: its chart, its months and the published figures beside it.
pub async fn indicator(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let permit = permit(&user)?;
    let (computed, refreshing) = match held(&state, &user, &permit).await? {
        Ok(held) => held,
        Err(waiting) => return Ok(waiting.into_response()),
    };
    let seen = state.app.digest_as_seen(&permit, &computed).await?;
    let s = seen.digest.series(&id).ok_or(WebError::NotFound)?;
    let i = &s.indicator;
    let shape = i.shape();
    let labels: Vec<String> = s.figures.iter().map(|f| f.month.short()).collect();
    let values: Vec<Option<f64>> = s.figures.iter().map(|f| f.value).collect();
    let chart = chart::line(
        &labels,
        &values,
        i.target,
        shape == Shape::Rate,
        unit(shape),
    );
    let months = s
        .figures
        .iter()
        .rev()
        .map(|f| MonthRow {
            key: month_key(&f.month),
            label: f.month.label(),
            numerator: f.numerator,
            denominator: if shape == Shape::Count {
                String::new()
            } else {
                f.denominator.to_string()
            },
            value: value_words(shape, f.value),
            rag: RagShown::of(f.rag),
            unusual: unusual_words(shape, f),
            partial_month: f.month.partial(),
        })
        .collect();
    let comparators = state
        .app
        .comparators()
        .map(|c| c.for_indicator(&i.id))
        .unwrap_or_default()
        .into_iter()
        .map(|c| ComparatorRow {
            group: c.group.clone(),
            year: format!("{}-{:02}", c.year - 1, c.year % 100),
            value: value_words(shape, Some(c.value)),
            source: c.source.clone(),
            url: c.url.clone(),
        })
        .collect();
    let green_amber = i
        .thresholds
        .map(|t| {
            format!(
                "Green at {} or {}, amber at {} or {}, red beyond",
                value_words(shape, Some(t.green)),
                if i.better == Better::Higher {
                    "more"
                } else {
                    "less"
                },
                value_words(shape, Some(t.amber)),
                if i.better == Better::Higher {
                    "more"
                } else {
                    "less"
                },
            )
        })
        .unwrap_or_else(|| "None set".to_owned());
    let page = IndicatorPage {
        layout: Layout::new(&state, &user),
        id: i.id.clone(),
        title: i.title.clone(),
        area: i.area.clone(),
        definition: format!(
            "A {} {}.",
            match shape {
                Shape::Rate => "percentage",
                Shape::Count => "count",
                Shape::Average => "average",
            },
            i.period.label()
        ),
        target: target_words(s),
        thresholds: green_amber,
        source: i.source.clone(),
        freshness: freshness(&computed, refreshing, &seen),
        summary: trend_words(s),
        chart,
        months,
        comparators,
    };
    Ok(Html(page.render()?).into_response())
}

/// Which page of a drill-down.
#[derive(Debug, Deserialize)]
pub struct PageParam {
    page: Option<usize>,
}

/// The children behind one month's figure, a page at a time.
pub async fn children(
    State(state): State<AppState>,
    user: User,
    Path((id, key)): Path<(String, String)>,
    Query(p): Query<PageParam>,
) -> Result<Response, WebError> {
    let permit = permit(&user)?;
    let (computed, _) = match held(&state, &user, &permit).await? {
        Ok(held) => held,
        Err(waiting) => return Ok(waiting.into_response()),
    };
    let s = computed.digest.series(&id).ok_or(WebError::NotFound)?;
    let month = s
        .figures
        .iter()
        .position(|f| month_key(&f.month) == key)
        .ok_or(WebError::NotFound)?;
    let shape = s.indicator.shape();
    let drill = state
        .app
        .digest_children(&permit, s, month, p.page.unwrap_or(1))
        .await?;
    let workforce = state.app.workforce().await;
    let children = drill
        .children
        .iter()
        .map(|c| ChildRow {
            id: c.child.as_str().to_owned(),
            team: c
                .team
                .as_ref()
                .map(|t| {
                    workforce
                        .teams
                        .get(t)
                        .map_or_else(|| t.as_str().to_owned(), |team| team.name().to_owned())
                })
                .unwrap_or_default(),
            worker: c
                .worker
                .as_ref()
                .map(|w| {
                    workforce
                        .staff
                        .get(w)
                        .map_or_else(|| w.as_str().to_owned(), |s| s.name.display())
                })
                .unwrap_or_default(),
            counted: match shape {
                Shape::Rate => format!("{} of {}", c.numerator, c.denominator),
                Shape::Count | Shape::Average => c.numerator.to_string(),
            },
            evidence: c
                .evidence
                .iter()
                .map(|e| {
                    format!(
                        "{} on {} ({})",
                        hearth_domain::words::kind_capitalised(e.kind),
                        day(e.at.london_date()),
                        match (shape, e.counted) {
                            (Shape::Rate, Counted::Numerator) => "met on time",
                            (Shape::Rate, Counted::Denominator) => "fell due",
                            _ => "counted",
                        }
                    )
                })
                .collect(),
        })
        .collect();
    drop(workforce);
    let page = ChildrenPage {
        layout: Layout::new(&state, &user),
        id: s.indicator.id.clone(),
        title: s.indicator.title.clone(),
        month: drill.month.label(),
        key,
        shown: format!(
            "{} ({})",
            value_words(shape, drill.value),
            counts_words(shape, drill.numerator, drill.denominator)
        ),
        whole: counts_words(shape, drill.whole.0, drill.whole.1),
        partial: drill.partial,
        total: drill.total_children,
        counts_words: match shape {
            Shape::Rate => "Met on time, of those due",
            Shape::Count | Shape::Average => "Counted",
        },
        page: drill.page,
        pages: drill.pages,
        children,
    };
    Ok(Html(page.render()?).into_response())
}
