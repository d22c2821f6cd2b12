//! A council's SSDA903 tables read back into journeys, so that Hearth can start from its
//! last return. Each child becomes the events the return implies, dated as the return
//! dates them and recorded by `system/import-ssda903`; the social workers it names become
//! staff of one team. Every child is checked against the record's rules here, so a child
//! whose rows are wrong is reported with the file, line and column, and nothing of that
//! child is imported. `docs/returns-ssda903.md` lists the defaults used for what the return
//! does not hold.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use hearth_domain::child::{ChildEvent, ChildStream};
use hearth_domain::codes::*;
use hearth_domain::directory::{MemoryDirectory, Staff, StaffEvent, TeamEvent, fold_directory};
use hearth_domain::event::{Actor, Recorded};
use hearth_domain::ids::{ChildId, StaffId, TeamId};
use hearth_domain::interchange::{Journey, JourneyLine};
use hearth_domain::people::{ChildDetails, PersonName};
use hearth_domain::time::{Timestamp, age_on, birthday};
use hearth_domain::values::{
    Line, PartialDate, PermanenceAuthority, Postcode, SdqScore, SweNumber, Text, Upn, Urn,
};

use super::csv::{self, CsvError};
use super::{DATE, Table};
use crate::CollectionYear;

/// The team the return's social workers are placed in, and the manager who allocates them.
pub const TEAM: &str = "SSDA903";
/// The manager recorded as deciding the allocations the return reports.
pub const MANAGER: &str = "SSDA903MANAGER";
/// The author of every imported event.
pub const AUTHOR: &str = "import-ssda903";

/// Something in the files that could not be imported, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The file.
    pub file: String,
    /// The line (from 1; the header is line 1).
    pub line: usize,
    /// The column, when one value is at fault.
    pub column: Option<String>,
    /// The child, when the line names one.
    pub child: Option<String>,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} line {}", self.file, self.line)?;
        if let Some(c) = &self.column {
            write!(f, ", column {c}")?;
        }
        if let Some(c) = &self.child {
            write!(f, " (child {c})")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// Why nothing could be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// A file is not readable CSV.
    #[error("{file}: {error}")]
    Csv {
        /// The file.
        file: String,
        /// What is wrong.
        error: CsvError,
    },
    /// A file's header names no 903 table.
    #[error("{file} line 1: the columns {columns} are not those of any SSDA903 table")]
    UnknownTable {
        /// The file.
        file: String,
        /// Its columns.
        columns: String,
    },
    /// Two files hold the same table.
    #[error("{file} and {other} both hold the {table} table")]
    TwoFiles {
        /// One file.
        file: String,
        /// The other.
        other: String,
        /// The table.
        table: &'static str,
    },
    /// No Header table.
    #[error("there is no Header table (header.csv): every child needs a Header row")]
    NoHeader,
    /// The year could not be worked out.
    #[error("the tables hold no dates to tell the collection year from: give the year")]
    NoYear,
}

/// A child ready to import: the journey, and where each of its events came from.
#[derive(Debug, Clone)]
pub struct ImportedChild {
    /// The child.
    pub id: ChildId,
    /// The child's whole record as one line.
    pub line: JourneyLine,
    /// The file and line each event came from, in event order.
    pub sources: Vec<(String, usize)>,
}

/// What the tables hold, ready for the record's import.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The collection year the tables are for.
    pub year: CollectionYear,
    /// The team, its manager and the social workers, to import before the children.
    pub directory: Vec<JourneyLine>,
    /// Each child that passed every check.
    pub children: Vec<ImportedChild>,
    /// Everything that stopped a child from being imported.
    pub refused: Vec<Located>,
}

/// One row of a table, with where it is.
#[derive(Debug, Clone)]
struct Row {
    table: Table,
    file: String,
    line: usize,
    values: HashMap<&'static str, String>,
}

impl Row {
    fn get(&self, column: &str) -> &str {
        self.values.get(column).map_or("", String::as_str)
    }

    fn err(&self, column: Option<&str>, reason: impl Into<String>) -> Located {
        Located {
            file: self.file.clone(),
            line: self.line,
            column: column.map(str::to_owned),
            child: Some(self.get("CHILD").to_owned()).filter(|c| !c.is_empty()),
            reason: reason.into(),
        }
    }

    fn source(&self) -> (String, usize) {
        (self.file.clone(), self.line)
    }
}

/// Reads typed values from a row, collecting every problem rather than stopping at one.
struct Reader<'r> {
    row: &'r Row,
    errors: &'r mut Vec<Located>,
}

impl Reader<'_> {
    fn opt<T>(&mut self, column: &str, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        let v = self.row.get(column);
        if v.is_empty() {
            return None;
        }
        match parse(v) {
            Ok(t) => Some(t),
            Err(why) => {
                self.errors.push(self.row.err(Some(column), why));
                None
            }
        }
    }

    fn req<T>(&mut self, column: &str, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        if self.row.get(column).is_empty() {
            self.errors
                .push(self.row.err(Some(column), format!("{column} is required")));
            return None;
        }
        self.opt(column, parse)
    }

    fn date(&mut self, column: &str) -> Option<NaiveDate> {
        self.opt(column, parse_date)
    }

    fn req_date(&mut self, column: &str) -> Option<NaiveDate> {
        self.req(column, parse_date)
    }

    fn code<T: FromStr<Err = UnknownCode>>(&mut self, column: &str) -> Option<T> {
        self.opt(column, |v| v.parse::<T>().map_err(|e| e.to_string()))
    }

    fn req_code<T: FromStr<Err = UnknownCode>>(&mut self, column: &str) -> Option<T> {
        self.req(column, |v| v.parse::<T>().map_err(|e| e.to_string()))
    }

    fn flag(&mut self, column: &str) -> Option<bool> {
        self.opt(column, |v| match v {
            "0" => Ok(false),
            "1" => Ok(true),
            _ => Err(format!("'{v}' is not 0 or 1")),
        })
    }
}

fn parse_date(v: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(v, DATE)
        .ok()
        .filter(|_| v.len() == 10)
        .ok_or_else(|| format!("'{v}' is not a date written dd/mm/yyyy"))
}

/// `DATE_PERM` may have `ZZ` for an unknown day, or day and month.
fn parse_partial(v: &str) -> Result<PartialDate, String> {
    let bad = || format!("'{v}' is not a date written dd/mm/yyyy (ZZ for an unknown day or month)");
    let parts: Vec<&str> = v.split('/').collect();
    let [day, month, year] = parts.as_slice() else {
        return Err(bad());
    };
    let iso = match (*day, *month) {
        ("ZZ", "ZZ") => (*year).to_owned(),
        ("ZZ", m) => format!("{year}-{m}"),
        (d, m) => format!("{year}-{m}-{d}"),
    };
    PartialDate::parse(&iso).map_err(|_| bad())
}

fn when(date: NaiveDate) -> Timestamp {
    Timestamp::start_of_london_day(date)
}

/// The order of events on one day: a day's changes of episode come first, then what
/// happened during it, and leaving care last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Register,
    Referral,
    Allocate,
    EpisodeChange,
    EpisodeStart,
    Adoption,
    During,
    Ending,
    AdoptionOrder,
    Unallocate,
    LeaveCare,
    CareLeaver,
}

struct Planned {
    date: NaiveDate,
    step: Step,
    event: ChildEvent,
    source: (String, usize),
}

/// Reads the 903 tables (file name and bytes) into journeys. `year` is the collection year
/// (worked out from the latest date in the tables when not given); `today` says only
/// whether the year is over.
///
/// The journeys depend on the tables alone, not on when they are read: every event,
/// the staff's and team's included, is recorded as at the moment it happened. Importing the
/// same return again then finds every line already present; stamped with the run's time,
/// the second run's lines would differ from the first's and be refused.
pub fn import(
    files: &[(String, Vec<u8>)],
    year: Option<CollectionYear>,
    today: NaiveDate,
) -> Result<Imported, ImportError> {
    let mut by_table: BTreeMap<Table, String> = BTreeMap::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut refused: Vec<Located> = Vec::new();
    for (file, bytes) in files {
        let lines = csv::read(bytes).map_err(|error| ImportError::Csv {
            file: file.clone(),
            error,
        })?;
        let header: Vec<&str> = lines[0].values.iter().map(|v| v.trim()).collect();
        let table = Table::with_columns(&header).ok_or_else(|| ImportError::UnknownTable {
            file: file.clone(),
            columns: header.join(","),
        })?;
        if let Some(other) = by_table.insert(table, file.clone()) {
            return Err(ImportError::TwoFiles {
                file: file.clone(),
                other,
                table: table.name(),
            });
        }
        let columns: Vec<&'static str> = header
            .iter()
            .filter_map(|h| table.columns().iter().find(|c| *c == h).copied())
            .collect();
        for l in &lines[1..] {
            if l.values.len() != columns.len() {
                refused.push(Located {
                    file: file.clone(),
                    line: l.number,
                    column: None,
                    child: l.values.first().cloned().filter(|c| !c.is_empty()),
                    reason: format!(
                        "the line has {} values but the table has {} columns",
                        l.values.len(),
                        columns.len()
                    ),
                });
                continue;
            }
            rows.push(Row {
                table,
                file: file.clone(),
                line: l.number,
                values: columns
                    .iter()
                    .zip(&l.values)
                    .map(|(c, v)| (*c, v.trim().to_owned()))
                    .collect(),
            });
        }
    }
    if !by_table.contains_key(&Table::Header) {
        return Err(ImportError::NoHeader);
    }
    let latest = latest_date(&rows);
    let year = match year {
        Some(y) => y,
        None => latest
            .and_then(|d| CollectionYear::containing(d).ok())
            .ok_or(ImportError::NoYear)?,
    };
    // OC2 says what happened in the year, not when: its last day, or, while the year is
    // still running, the latest day the tables reach (not today, so that importing the same
    // tables on another day gives the same record).
    let outcomes_day = if today > year.end() {
        year.end()
    } else {
        latest.map_or(today, |d| d.min(year.end()))
    };

    // Rows by child, keeping file order within each table.
    let mut children: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    let mut unreadable: Vec<String> = Vec::new();
    for row in rows {
        let child = row.get("CHILD").to_owned();
        if ChildId::parse(&child).is_err() {
            refused.push(row.err(
                Some("CHILD"),
                format!("'{child}' is not a child id: use 1 to 20 letters and digits"),
            ));
            unreadable.push(child);
            continue;
        }
        children.entry(child).or_default().push(row);
    }

    let mut parsed: Vec<(ChildId, ChildReturn)> = Vec::new();
    for (id, rows) in children {
        let mut errors = Vec::new();
        let ret = ChildReturn::read(&rows, year, &mut errors);
        match ret {
            Some(r) if errors.is_empty() && !unreadable.contains(&id) => {
                if let Ok(cid) = ChildId::parse(&id) {
                    parsed.push((cid, r));
                }
            }
            _ => refused.extend(errors),
        }
    }

    let (directory, dir) = staff(&parsed);
    let mut out = Vec::new();
    for (id, ret) in parsed {
        let planned = ret.plan(year, outcomes_day);
        let mut stream = ChildStream::new(id.clone());
        let author = Actor::System(AUTHOR.to_owned());
        let (events, sources): (Vec<Recorded<ChildEvent>>, Vec<(String, usize)>) = planned
            .into_iter()
            .map(|p| {
                (
                    Recorded {
                        occurred_at: when(p.date),
                        recorded_at: when(p.date),
                        recorded_by: author.clone(),
                        event: p.event,
                    },
                    p.source,
                )
            })
            .unzip();
        match stream.append(events.clone(), &dir) {
            Ok(()) => out.push(ImportedChild {
                id: id.clone(),
                line: JourneyLine {
                    from_version: 1,
                    journey: Journey::Child(id, events),
                },
                sources,
            }),
            Err(r) => {
                let (file, line) = sources.get(r.index).cloned().unwrap_or_default();
                refused.push(Located {
                    file,
                    line,
                    column: None,
                    child: Some(id.to_string()),
                    reason: format!(
                        "the record refuses {}: {}",
                        events
                            .get(r.index)
                            .map_or("an event", |e| hearth_domain::EventKind::kind(&e.event))
                            .replace('_', " "),
                        r.violation
                    ),
                });
            }
        }
    }
    refused.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    Ok(Imported {
        year,
        directory,
        children: out,
        refused,
    })
}

/// The latest date in the episodes, reviews and other dated rows.
fn latest_date(rows: &[Row]) -> Option<NaiveDate> {
    const DATED: &[&str] = &[
        "DECOM",
        "DEC",
        "REVIEW",
        "MIS_START",
        "MIS_END",
        "SW_DECOM",
        "SW_DEC",
        "DOLO_START",
        "DOLO_END",
        "DATE_INT",
        "DATE_MATCH",
        "DATE_PLACED",
        "DATE_PLACED_CEASED",
    ];
    rows.iter()
        .flat_map(|r| DATED.iter().filter_map(|c| parse_date(r.get(c)).ok()))
        .max()
}

/// The team, the manager and one member of staff per social worker, each joining on the
/// earliest day the return has them allocated.
fn staff(children: &[(ChildId, ChildReturn)]) -> (Vec<JourneyLine>, MemoryDirectory) {
    let mut workers: BTreeMap<String, (SweNumber, NaiveDate)> = BTreeMap::new();
    for (_, c) in children {
        for sw in &c.social_workers {
            let e = workers
                .entry(sw.id.as_str().to_owned())
                .or_insert((sw.id.clone(), sw.from));
            e.1 = e.1.min(sw.from);
        }
    }
    let mut dir = MemoryDirectory::default();
    let Some(first) = workers.values().map(|(_, d)| *d).min() else {
        return (Vec::new(), dir);
    };
    let (Ok(team), Ok(manager)) = (TeamId::parse(TEAM), StaffId::parse(MANAGER)) else {
        return (Vec::new(), dir);
    };
    let author = Actor::System(AUTHOR.to_owned());
    let rec = |date: NaiveDate| Recorded {
        occurred_at: when(date),
        recorded_at: when(date),
        recorded_by: author.clone(),
        event: (),
    };
    let line = |s: &str| Line::parse(s).ok();
    let (Some(team_name), Some(import), Some(manager_name)) = (
        line("Social workers named in the SSDA903 return"),
        line("SSDA903"),
        line("import"),
    ) else {
        return (Vec::new(), dir);
    };
    let team_events = vec![with(
        rec(first),
        TeamEvent::TeamFormed {
            name: team_name,
            service: ServiceArea::LookedAfter,
        },
    )];
    dir.teams.insert(team.clone(), fold_directory(&team_events));
    let mut lines = vec![JourneyLine {
        from_version: 1,
        journey: Journey::Team(team.clone(), team_events),
    }];
    let joined = |name: PersonName,
                  role: StaffRole,
                  registration: Option<SweNumber>,
                  boss: Option<StaffId>,
                  date| {
        vec![with(
            rec(date),
            StaffEvent::StaffJoined {
                name,
                role,
                team: team.clone(),
                registration,
                email: None,
                phone: None,
                line_manager: boss,
            },
        )]
    };
    let m = joined(
        PersonName {
            given: import,
            family: manager_name,
            preferred: None,
        },
        StaffRole::HeadOfService,
        None,
        None,
        first,
    );
    if let Staff(Some(s)) = fold_directory(&m) {
        dir.staff.insert(manager.clone(), s);
    }
    lines.push(JourneyLine {
        from_version: 1,
        journey: Journey::Staff(manager.clone(), m),
    });
    for (id, (number, from)) in workers {
        let (Ok(sid), Some(given), Some(family)) =
            (StaffId::parse(&id), line("Social worker"), line(&id))
        else {
            continue;
        };
        let events = joined(
            PersonName {
                given,
                family,
                preferred: None,
            },
            StaffRole::SocialWorker,
            Some(number),
            Some(manager.clone()),
            from,
        );
        if let Staff(Some(s)) = fold_directory(&events) {
            dir.staff.insert(sid.clone(), s);
        }
        lines.push(JourneyLine {
            from_version: 1,
            journey: Journey::Staff(sid, events),
        });
    }
    (lines, dir)
}

fn with<E>(r: Recorded<()>, event: E) -> Recorded<E> {
    Recorded {
        occurred_at: r.occurred_at,
        recorded_at: r.recorded_at,
        recorded_by: r.recorded_by,
        event,
    }
}

struct EpisodeRow {
    source: (String, usize),
    start: NaiveDate,
    reason: ReasonNewEpisode,
    legal_status: LegalStatus,
    need: CategoryOfNeed,
    placement: PlacementType,
    provider: Option<PlacementProvider>,
    end: Option<(NaiveDate, ReasonEpisodeCeased)>,
    change: Option<ReasonPlaceChange>,
    home: Option<Postcode>,
    placed_at: Option<Postcode>,
    urn: Option<Urn>,
}

struct SocialWorkerRow {
    source: (String, usize),
    id: SweNumber,
    from: NaiveDate,
    until: Option<NaiveDate>,
    reason: WorkerChangeReason,
}

/// The file and line a row came from.
type Source = (String, usize);
/// A care leaver's row: in touch, activity and accommodation.
type CareLeaverRow = (
    Source,
    CareLeaverInTouch,
    Option<CareLeaverActivity>,
    Option<CareLeaverAccommodation>,
);
/// A decision to place for adoption, and its end.
type DecisionRow = (Source, NaiveDate, Option<(NaiveDate, ReasonPlacedCeased)>);
/// A missing or away episode.
type MissingRow = (Source, MissingKind, NaiveDate, Option<NaiveDate>);

/// One child's rows, typed.
struct ChildReturn {
    header: (String, usize),
    details: ChildDetails,
    mother: Option<NaiveDate>,
    episodes: Vec<EpisodeRow>,
    reviews: Vec<((String, usize), NaiveDate, ReviewParticipation)>,
    oc2: Option<((String, usize), Vec<ChildEvent>)>,
    oc3: Option<CareLeaverRow>,
    match_: Option<((String, usize), NaiveDate, NaiveDate, ChildEvent)>,
    decisions: Vec<DecisionRow>,
    previous: Option<((String, usize), ChildEvent)>,
    missing: Vec<MissingRow>,
    social_workers: Vec<SocialWorkerRow>,
    dolo: Vec<((String, usize), NaiveDate, Option<NaiveDate>)>,
}

impl ChildReturn {
    fn read(rows: &[Row], year: CollectionYear, errors: &mut Vec<Located>) -> Option<ChildReturn> {
        let headers: Vec<&Row> = rows.iter().filter(|r| r.table == Table::Header).collect();
        let Some(h) = headers.first().copied() else {
            for r in rows {
                errors.push(r.err(
                    Some("CHILD"),
                    format!("the child is in {} but has no Header row", r.table.name()),
                ));
            }
            return None;
        };
        for extra in &headers[1..] {
            errors.push(extra.err(Some("CHILD"), "the child has more than one Header row"));
        }
        for t in [
            Table::Uasc,
            Table::Oc2,
            Table::Oc3,
            Table::Ad1,
            Table::PrevPerm,
        ] {
            for extra in rows.iter().filter(|r| r.table == t).skip(1) {
                errors.push(extra.err(
                    Some("CHILD"),
                    format!("the child has more than one {} row", t.name()),
                ));
            }
        }
        let mut rd = Reader {
            row: h,
            errors: &mut *errors,
        };
        let sex = rd.req("SEX", |v| parse_sex(v, year));
        let dob = rd.req_date("DOB");
        let ethnicity: Option<Ethnicity> = rd.req_code("ETHNIC");
        let upn_value = h.get("UPN");
        let (upn, upn_unknown) = if upn_value.is_empty() {
            (None, None)
        } else if let Ok(why) = upn_value.parse::<UpnUnknown>() {
            (None, Some(why))
        } else {
            (
                rd.opt("UPN", |v| Upn::parse(v).map_err(|e| e.to_string())),
                None,
            )
        };
        let mother = rd.flag("MOTHER");
        let mc_dob = rd.date("MC_DOB");
        let mother = match (mother, mc_dob) {
            (Some(true), Some(b)) => Some(b),
            (Some(true), None) => {
                errors.push(h.err(
                    Some("MC_DOB"),
                    "a mother needs the date her first child was born",
                ));
                None
            }
            (_, Some(_)) => {
                errors.push(h.err(Some("MC_DOB"), "MC_DOB is given only when MOTHER is 1"));
                None
            }
            _ => None,
        };
        let (Some(sex), Some(dob), Some(ethnicity)) = (sex, dob, ethnicity) else {
            return None;
        };

        // Every other table repeats the date of birth, and UASC the sex.
        for r in rows.iter().filter(|r| r.table != Table::Header) {
            let mut rd = Reader {
                row: r,
                errors: &mut *errors,
            };
            if rd.date("DOB").is_some_and(|d| d != dob) {
                errors.push(r.err(
                    Some("DOB"),
                    "the date of birth differs from the Header row's",
                ));
            }
        }

        let mut uasc = (false, None);
        let mut episodes = Vec::new();
        let mut reviews = Vec::new();
        let mut oc2 = None;
        let mut oc3 = None;
        let mut match_ = None;
        let mut decisions = Vec::new();
        let mut previous = None;
        let mut missing = Vec::new();
        let mut social_workers = Vec::new();
        let mut dolo = Vec::new();
        for r in rows {
            let src = r.source();
            let mut rd = Reader {
                row: r,
                errors: &mut *errors,
            };
            match r.table {
                Table::Header => {}
                Table::Uasc => {
                    if rd
                        .opt("SEX", |v| parse_sex(v, year))
                        .is_some_and(|s| s != sex)
                    {
                        errors.push(r.err(Some("SEX"), "the sex differs from the Header row's"));
                    }
                    let mut rd = Reader {
                        row: r,
                        errors: &mut *errors,
                    };
                    uasc = (true, rd.date("DUC"));
                }
                Table::Episodes => {
                    let start = rd.req_date("DECOM");
                    let reason = rd.req_code("RNE");
                    let legal_status = rd.req_code("LS");
                    let need = rd.req_code("CIN");
                    let placement = rd.req_code("PLACE");
                    let provider = rd.code("PLACE_PROVIDER");
                    let dec = rd.date("DEC");
                    let rec: Option<ReasonEpisodeCeased> = rd.code("REC");
                    let change = rd.code("REASON_PLACE_CHANGE");
                    let home = rd.opt("HOME_POST", |v| {
                        Postcode::parse(v).map_err(|e| e.to_string())
                    });
                    let placed_at =
                        rd.opt("PL_POST", |v| Postcode::parse(v).map_err(|e| e.to_string()));
                    let urn = rd.opt("URN", |v| Urn::parse(v).map_err(|e| e.to_string()));
                    if dec.is_some_and(|d| start.is_some_and(|s| d < s)) {
                        errors.push(r.err(Some("DEC"), "the episode ends before it starts"));
                    }
                    let end = match (dec, rec) {
                        (Some(d), Some(why)) => Some((d, why)),
                        (None, None) => None,
                        _ => {
                            errors.push(r.err(
                                Some(if dec.is_some() { "REC" } else { "DEC" }),
                                "DEC and REC are given together or not at all",
                            ));
                            None
                        }
                    };
                    if let (
                        Some(start),
                        Some(reason),
                        Some(legal_status),
                        Some(need),
                        Some(placement),
                    ) = (start, reason, legal_status, need, placement)
                    {
                        episodes.push(EpisodeRow {
                            source: src,
                            start,
                            reason,
                            legal_status,
                            need,
                            placement,
                            provider,
                            end,
                            change,
                            home,
                            placed_at,
                            urn,
                        });
                    }
                }
                Table::Reviews => {
                    if let (Some(d), Some(p)) = (rd.req_date("REVIEW"), rd.req_code("REVIEW_CODE"))
                    {
                        reviews.push((src, d, p));
                    }
                }
                Table::Oc2 => {
                    let mut events = Vec::new();
                    let score = rd.opt("SDQ_SCORE", |v| {
                        v.parse::<u8>()
                            .map_err(|_| format!("'{v}' is not a score"))
                            .and_then(|n| SdqScore::new(n).map_err(|e| e.to_string()))
                    });
                    let reason = rd.code("SDQ_REASON");
                    if score.is_some() || reason.is_some() {
                        events.push(ChildEvent::SdqRecorded { score, reason });
                    }
                    if rd.flag("CONVICTED") == Some(true) {
                        events.push(ChildEvent::ConvictionRecorded {});
                    }
                    if rd.flag("HEALTH_CHECK") == Some(true) {
                        events.push(ChildEvent::DevelopmentCheckCompleted {});
                    }
                    if rd.flag("IMMUNISATIONS") == Some(true) {
                        events.push(ChildEvent::ImmunisationsRecorded { up_to_date: true });
                    }
                    if rd.flag("TEETH_CHECK") == Some(true) {
                        events.push(ChildEvent::DentalCheckCompleted {});
                    }
                    if rd.flag("HEALTH_ASSESSMENT") == Some(true) {
                        events.push(ChildEvent::HealthAssessmentCompleted {});
                    }
                    let misuse = rd.flag("SUBSTANCE_MISUSE");
                    let received = rd.flag("INTERVENTION_RECEIVED");
                    let offered = rd.flag("INTERVENTION_OFFERED");
                    if misuse == Some(true) {
                        let received = received == Some(true);
                        events.push(ChildEvent::SubstanceMisuseRecorded {
                            intervention_offered: received || offered == Some(true),
                            intervention_received: received,
                        });
                    }
                    oc2 = Some((src, events));
                }
                Table::Oc3 => {
                    let in_touch = rd.req_code("IN_TOUCH");
                    let activity = rd.code("ACTIV");
                    let accommodation = rd.code("ACCOM");
                    if let Some(t) = in_touch {
                        oc3 = Some((src, t, activity, accommodation));
                    }
                }
                Table::Ad1 => {
                    let decided = rd.req_date("DATE_INT");
                    let matched = rd.req_date("DATE_MATCH");
                    let foster = rd.req("FOSTER_CARE", |v| match v {
                        "0" => Ok(false),
                        "1" => Ok(true),
                        _ => Err(format!("'{v}' is not 0 or 1")),
                    });
                    let number = rd.req("NB_ADOPTR", |v| {
                        v.parse::<u8>().map_err(|_| format!("'{v}' is not 1 or 2"))
                    });
                    let sex: Option<AdopterSex> = rd.req_code("SEX_ADOPTR");
                    let legal = rd.req_code("LS_ADOPTR");
                    if let (Some(s), Some(n)) = (sex, number)
                        && s.number() != n
                    {
                        errors.push(r.err(
                            Some("NB_ADOPTR"),
                            format!("{s} means {} adopters, not {n}", s.number()),
                        ));
                    }
                    if let (Some(d), Some(m), Some(f), Some(s), Some(l)) =
                        (decided, matched, foster, sex, legal)
                    {
                        match_ = Some((
                            src,
                            d,
                            m,
                            ChildEvent::AdoptionMatched {
                                adopter_sex: s,
                                adopter_legal_status: l,
                                foster_carers_adopting: f,
                                adopter: None,
                            },
                        ));
                    }
                }
                Table::PlacedAdoption => {
                    let decided = rd.req_date("DATE_PLACED");
                    let ceased = rd.date("DATE_PLACED_CEASED");
                    let why = rd.code("REASON_PLACED_CEASED");
                    let ended = match (ceased, why) {
                        (Some(c), Some(w)) => Some((c, w)),
                        (None, None) => None,
                        _ => {
                            errors.push(r.err(
                                Some("REASON_PLACED_CEASED"),
                                "the date and the reason the child should no longer be placed go together",
                            ));
                            None
                        }
                    };
                    if let Some(d) = decided {
                        decisions.push((src, d, ended));
                    }
                }
                Table::PrevPerm => {
                    let order = rd.req_code("PREV_PERM");
                    let authority = rd.opt("LA_PERM", |v| {
                        PermanenceAuthority::parse(v).map_err(|e| e.to_string())
                    });
                    let date = rd.opt("DATE_PERM", parse_partial);
                    if let Some(order) = order {
                        previous = Some((
                            src,
                            ChildEvent::PreviousPermanenceRecorded {
                                order,
                                authority,
                                date,
                            },
                        ));
                    }
                }
                Table::Missing => {
                    let kind = rd.req_code("MISSING");
                    let from = rd.req_date("MIS_START");
                    let until = rd.date("MIS_END");
                    if until.is_some_and(|u| from.is_some_and(|f| u < f)) {
                        errors.push(
                            r.err(Some("MIS_END"), "the missing episode ends before it starts"),
                        );
                    }
                    if let (Some(k), Some(f)) = (kind, from) {
                        missing.push((src, k, f, until));
                    }
                }
                Table::SwEpisodes => {
                    let id = rd.req("SW_ID", |v| {
                        SweNumber::parse(v).map_err(|_| {
                            format!("'{v}' is not a Social Work England number (SW and digits), which the record needs for a social worker")
                        })
                    });
                    let from = rd.req_date("SW_DECOM");
                    let until = rd.date("SW_DEC");
                    let reason = rd.req_code("SW_REASON");
                    if until.is_some_and(|u| from.is_some_and(|f| u < f)) {
                        errors.push(r.err(
                            Some("SW_DEC"),
                            "the social worker episode ends before it starts",
                        ));
                    }
                    if let (Some(id), Some(from), Some(reason)) = (id, from, reason) {
                        social_workers.push(SocialWorkerRow {
                            source: src,
                            id,
                            from,
                            until,
                            reason,
                        });
                    }
                }
                Table::DoLo => {
                    if let Some(from) = rd.req_date("DOLO_START") {
                        let until = rd.date("DOLO_END");
                        if until.is_some_and(|u| u < from) {
                            errors.push(r.err(Some("DOLO_END"), "the order ends before it starts"));
                        }
                        dolo.push((src, from, until));
                    }
                }
            }
        }
        episodes.sort_by_key(|e| e.start);
        social_workers.sort_by_key(|s| s.from);
        let Ok(given) = Line::parse("Child") else {
            return None;
        };
        let Ok(family) = Line::parse(h.get("CHILD")) else {
            return None;
        };
        Some(ChildReturn {
            header: h.source(),
            details: ChildDetails {
                name: PersonName {
                    given,
                    family,
                    preferred: None,
                },
                sex,
                gender: None,
                date_of_birth: Some(dob),
                expected_date_of_birth: None,
                ethnicity,
                upn,
                former_upn: None,
                upn_unknown,
                nhs_number: None,
                disabilities: Vec::new(),
                first_language: None,
                communication_needs: None,
                religion: None,
                immigration_status: None,
                uasc: uasc.0,
                uasc_ceased: uasc.1,
            },
            mother,
            episodes,
            reviews,
            oc2,
            oc3,
            match_,
            decisions,
            previous,
            missing,
            social_workers,
            dolo,
        })
    }

    /// The events the rows imply, in the order they happened.
    fn plan(self, year: CollectionYear, outcomes_day: NaiveDate) -> Vec<Planned> {
        let mut p: Vec<Planned> = Vec::new();
        let mut add = |date: NaiveDate, step: Step, event: ChildEvent, source: &(String, usize)| {
            p.push(Planned {
                date,
                step,
                event,
                source: source.clone(),
            })
        };
        let dob = self.details.date_of_birth;

        // Care episodes; the reason a placement changed moves to the episode that begins.
        let mut change = None;
        for e in &self.episodes {
            add(
                e.start,
                Step::EpisodeStart,
                ChildEvent::EpisodeStarted {
                    reason: e.reason,
                    legal_status: e.legal_status,
                    placement: e.placement,
                    category_of_need: e.need,
                    provider: e.provider,
                    urn: e.urn.clone(),
                    home_postcode: e.home.clone(),
                    placement_postcode: e.placed_at.clone(),
                    placement_change_reason: change.take(),
                },
                &e.source,
            );
            if let Some((d, why)) = e.end {
                let step = if why.leaves_care() {
                    Step::LeaveCare
                } else {
                    change = e.change;
                    Step::EpisodeChange
                };
                add(d, step, ChildEvent::EpisodeEnded { reason: why }, &e.source);
            }
        }

        // A looked-after child has an open child in need case, and allocations need one.
        let first_case = self
            .episodes
            .first()
            .map(|e| (e.start, e.need, e.source.clone()))
            .into_iter()
            .chain(
                self.social_workers
                    .first()
                    .map(|s| (s.from, CategoryOfNeed::N1, s.source.clone())),
            )
            .min_by_key(|(d, _, _)| *d);
        if let Some((d, need, src)) = &first_case {
            let primary_need = self
                .episodes
                .first()
                .map_or(PrimaryNeed::N0, |_| need_of(*need));
            add(
                *d,
                Step::Referral,
                ChildEvent::ReferralReceived {
                    source: ReferralSource::Unknown,
                    primary_need: Some(primary_need),
                    no_further_action: false,
                    summary: None,
                },
                src,
            );
        }

        for (i, sw) in self.social_workers.iter().enumerate() {
            let (Ok(worker), Ok(team), Ok(manager), Ok(oversight)) = (
                StaffId::parse(sw.id.as_str()),
                TeamId::parse(TEAM),
                StaffId::parse(MANAGER),
                Text::parse("Allocation reported in the SSDA903 return"),
            ) else {
                continue;
            };
            add(
                sw.from,
                Step::Allocate,
                ChildEvent::WorkerAllocated {
                    worker,
                    team,
                    decided_by: manager,
                    oversight,
                    reason: sw.reason,
                },
                &sw.source,
            );
            let next = self.social_workers.get(i + 1);
            if let Some(until) = sw.until
                && next.is_none_or(|n| n.from != until)
            {
                // A later allocation on the same day ends this one itself.
                add(
                    until,
                    Step::Unallocate,
                    ChildEvent::WorkerUnallocated {
                        reason: next.map_or(WorkerChangeReason::Others, |n| n.reason),
                    },
                    &sw.source,
                );
            }
        }

        for (src, d, why) in &self.reviews {
            add(
                *d,
                Step::During,
                ChildEvent::ClaReviewHeld {
                    participation: *why,
                },
                src,
            );
        }
        for (src, kind, from, until) in &self.missing {
            add(
                *from,
                Step::During,
                ChildEvent::MissingEpisodeStarted { kind: *kind },
                src,
            );
            if let Some(u) = until {
                add(*u, Step::Ending, ChildEvent::MissingEpisodeEnded {}, src);
            }
        }
        for (src, from, until) in &self.dolo {
            add(
                *from,
                Step::During,
                ChildEvent::DeprivationOfLibertyStarted {},
                src,
            );
            if let Some(u) = until {
                add(
                    *u,
                    Step::Ending,
                    ChildEvent::DeprivationOfLibertyEnded {},
                    src,
                );
            }
        }
        if let Some((src, ev)) = &self.previous {
            let started = self
                .episodes
                .iter()
                .rev()
                .find(|e| e.reason == ReasonNewEpisode::S)
                .or(self.episodes.first())
                .map(|e| e.start);
            if let Some(d) = started {
                add(d, Step::During, ev.clone(), src);
            }
        }
        if let Some(b) = self.mother {
            add(
                b,
                Step::During,
                ChildEvent::ParenthoodRecorded {
                    first_child_born: b,
                },
                &self.header,
            );
        }
        if let Some((src, events)) = &self.oc2 {
            for ev in events {
                add(outcomes_day, Step::During, ev.clone(), src);
            }
        }

        // Adoption: each decision, its placement order and end; the match and placement
        // from AD1; the order on the day the child left care adopted.
        let mut decisions = self.decisions.clone();
        if let Some((src, decided, _, _)) = &self.match_
            && !decisions.iter().any(|(_, d, _)| d == decided)
        {
            decisions.push((src.clone(), *decided, None));
        }
        decisions.sort_by_key(|(_, d, _)| *d);
        for (src, decided, ended) in &decisions {
            // A decision made in an episode the return does not hold is recorded when the
            // first episode it holds starts, with its own date.
            let in_care = self
                .episodes
                .first()
                .map_or(*decided, |e| e.start.max(*decided));
            add(
                in_care,
                Step::Adoption,
                ChildEvent::AdoptionDecisionMade {
                    decided_on: (in_care != *decided).then_some(*decided),
                },
                src,
            );
            let order = self.episodes.iter().find(|e| {
                e.legal_status == LegalStatus::E1
                    && e.start >= *decided
                    && ended.is_none_or(|(c, _)| e.start <= c)
            });
            if let Some(e) = order {
                add(
                    e.start,
                    Step::Adoption,
                    ChildEvent::PlacementOrderGranted {},
                    &e.source,
                );
            }
            if let Some((src_m, d, matched, ev)) = &self.match_
                && d == decided
            {
                add(*matched, Step::Adoption, ev.clone(), src_m);
                let placed = self
                    .episodes
                    .iter()
                    .find(|e| e.placement.is_adoption() && e.start >= *matched)
                    .map_or(*matched, |e| e.start);
                add(
                    placed,
                    Step::Adoption,
                    ChildEvent::PlacedForAdoption {},
                    src_m,
                );
                let adopted = self
                    .episodes
                    .iter()
                    .find_map(|e| e.end.filter(|(_, why)| why.is_adoption()));
                if let Some((day, _)) = adopted {
                    add(
                        day,
                        Step::AdoptionOrder,
                        ChildEvent::AdoptionOrderGranted {},
                        src_m,
                    );
                }
            }
            if let Some((c, why)) = ended {
                add(
                    *c,
                    Step::Ending,
                    ChildEvent::AdoptionPlanEnded { reason: *why },
                    src,
                );
            }
        }

        // Care leavers: the checks around the birthday that falls in the year.
        if let Some((src, in_touch, activity, accommodation)) = &self.oc3
            && let Some(dob) = dob
        {
            let day = (17..=21)
                .filter_map(|age| birthday(dob, age))
                .find(|b| year.contains(*b))
                .unwrap_or(year.end());
            let category = if age_on(dob, day) >= 18 {
                CareLeaverCategory::FormerRelevant
            } else {
                CareLeaverCategory::Relevant
            };
            add(
                day,
                Step::CareLeaver,
                ChildEvent::CareLeaverStatusRecorded { category },
                src,
            );
            add(
                day,
                Step::CareLeaver,
                ChildEvent::CareLeaverContactRecorded {
                    in_touch: *in_touch,
                },
                src,
            );
            if let Some(a) = activity {
                add(
                    day,
                    Step::CareLeaver,
                    ChildEvent::CareLeaverActivityRecorded { activity: *a },
                    src,
                );
            }
            if let Some(a) = accommodation {
                add(
                    day,
                    Step::CareLeaver,
                    ChildEvent::CareLeaverAccommodationRecorded { accommodation: *a },
                    src,
                );
            }
        }

        // Registered on the first day the return knows of the child.
        let first = p
            .iter()
            .map(|e| e.date)
            .min()
            .or(dob)
            .unwrap_or(year.start());
        p.push(Planned {
            date: first,
            step: Step::Register,
            event: ChildEvent::ChildRegistered {
                details: self.details.clone(),
                address: None,
            },
            source: self.header.clone(),
        });
        // Stable: events of the same day and step keep the order they were planned in.
        p.sort_by_key(|e| (e.date, e.step));
        p
    }
}

/// The record's primary need for a category of need: the two lists share their codes.
fn need_of(c: CategoryOfNeed) -> PrimaryNeed {
    c.code().parse().unwrap_or(PrimaryNeed::N0)
}

/// SEX is M, F or U from 2024/25; before, 1 (male) or 2 (female).
fn parse_sex(v: &str, year: CollectionYear) -> Result<Sex, String> {
    match (v, year.ending_year() >= 2025) {
        ("1", false) => Ok(Sex::M),
        ("2", false) => Ok(Sex::F),
        (_, true) => v.parse::<Sex>().map_err(|e| e.to_string()),
        _ => Err(format!("'{v}' is not 1 or 2")),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn valid_sample() -> Vec<(String, Vec<u8>)> {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/ssda903/valid");
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| {
                let path = e.unwrap().path();
                (path.display().to_string(), std::fs::read(&path).unwrap())
            })
            .collect();
        files.sort();
        files
    }

    fn lines(i: &Imported) -> Vec<String> {
        i.directory
            .iter()
            .chain(i.children.iter().map(|c| &c.line))
            .map(|l| l.to_line().unwrap())
            .collect()
    }

    #[test]
    fn the_same_tables_give_the_same_journeys_on_any_day_they_are_read() {
        let files = valid_sample();
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // The year over: read on two days months apart.
        let a = import(&files, None, day("2026-06-01")).unwrap();
        let b = import(&files, None, day("2026-12-07")).unwrap();
        assert!(!a.directory.is_empty() && a.children.len() == 5);
        assert_eq!(lines(&a), lines(&b));
        // The year still running: read on two days of it.
        let year = Some(a.year);
        let c = import(&files, year, day("2026-03-20")).unwrap();
        let d = import(&files, year, day("2026-03-27")).unwrap();
        assert_eq!(lines(&c), lines(&d));
        // Nothing is stamped with the day of reading: each event is recorded as it happened.
        for l in lines(&a) {
            assert!(!l.contains("2026-06-01"), "{l}");
        }
    }
}
