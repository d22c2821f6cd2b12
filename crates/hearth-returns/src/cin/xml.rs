//! The census file: written in the element order of DfE's schema, with ISO dates and
//! lower-case booleans and no namespace (the DfE-rule validator reads none); read back into
//! a [`Census`] with every problem located by line and element.
//!
//! Reading keeps going past a bad child: each child is taken or refused whole, so one
//! mistake does not hold back the rest of a council's return.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::str::FromStr;

use chrono::NaiveDate;
use hearth_domain::ChildId;
use hearth_domain::codes::{Sex, UnknownCode};
use hearth_domain::values::Upn;
use quick_xml::events::Event;

use super::{
    Census, CensusAssessment, CensusChild, CensusCpPlan, CensusSection47, CinDetails,
    FIRST_YEAR_WITH_SEX, LaNumber,
};
use crate::year::CollectionYear;

/// The software named in the header.
const SOFTWARE: &str = "Hearth";

/// Writes the file as children are added.
#[derive(Debug)]
pub struct Writer {
    out: String,
}

impl Writer {
    /// The declaration and header, and the opening of the children.
    pub fn start(year: CollectionYear, la: LaNumber) -> Writer {
        let mut w = Writer { out: String::new() };
        w.line(0, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        w.open(0, "Message");
        w.open(1, "Header");
        w.open(2, "CollectionDetails");
        w.leaf(3, "Collection", "CIN");
        w.leaf(3, "Year", &year.ending_year().to_string());
        w.leaf(3, "ReferenceDate", &year.end().to_string());
        w.close(2, "CollectionDetails");
        w.open(2, "Source");
        w.leaf(3, "SourceLevel", "L");
        w.leaf(3, "LEA", &la.to_string());
        w.leaf(3, "SoftwareCode", SOFTWARE);
        w.leaf(3, "Release", env!("CARGO_PKG_VERSION"));
        w.leaf(3, "SerialNo", "001");
        w.close(2, "Source");
        w.close(1, "Header");
        w.open(1, "Children");
        w
    }

    /// One child, in the schema's element order.
    pub fn child(&mut self, c: &CensusChild) {
        self.open(2, "Child");
        self.open(3, "ChildIdentifiers");
        self.leaf(4, "LAchildID", c.id.as_str());
        self.opt(4, "UPN", c.upn.as_ref());
        self.opt(4, "FormerUPN", c.former_upn.as_ref());
        self.opt(4, "UPNunknown", c.upn_unknown.as_ref());
        self.opt(4, "PersonBirthDate", c.birth_date.as_ref());
        self.opt(4, "ExpectedPersonBirthDate", c.expected_birth_date.as_ref());
        self.leaf(4, "Sex", c.sex.code());
        self.opt(4, "PersonDeathDate", c.death_date.as_ref());
        self.close(3, "ChildIdentifiers");
        self.open(3, "ChildCharacteristics");
        self.leaf(4, "Ethnicity", c.ethnicity.code());
        if !c.disabilities.is_empty() {
            self.open(4, "Disabilities");
            for d in &c.disabilities {
                self.leaf(5, "Disability", d.code());
            }
            self.close(4, "Disabilities");
        }
        self.close(3, "ChildCharacteristics");
        for e in &c.episodes {
            self.episode(e);
        }
        self.close(2, "Child");
    }

    fn episode(&mut self, e: &CinDetails) {
        self.open(3, "CINdetails");
        self.leaf(4, "CINreferralDate", &e.referral_date.to_string());
        self.leaf(4, "ReferralSource", e.source.code());
        self.opt(4, "PrimaryNeedCode", e.primary_need.as_ref());
        if let Some((date, reason)) = &e.closure {
            self.leaf(4, "CINclosureDate", &date.to_string());
            self.leaf(4, "ReasonForClosure", reason.code());
        }
        self.opt(4, "DateOfInitialCPC", e.initial_conference.as_ref());
        for a in &e.assessments {
            self.open(4, "Assessments");
            self.leaf(5, "AssessmentActualStartDate", &a.start.to_string());
            self.opt(5, "AssessmentAuthorisationDate", a.authorised.as_ref());
            if !a.factors.is_empty() {
                self.open(5, "FactorsIdentifiedAtAssessment");
                for f in &a.factors {
                    self.leaf(6, "AssessmentFactors", f.code());
                }
                self.close(5, "FactorsIdentifiedAtAssessment");
            }
            self.close(4, "Assessments");
        }
        for (start, end) in &e.cin_plans {
            self.open(4, "CINPlanDates");
            self.leaf(5, "CINPlanStartDate", &start.to_string());
            self.opt(5, "CINPlanEndDate", end.as_ref());
            self.close(4, "CINPlanDates");
        }
        for s in &e.enquiries {
            self.open(4, "Section47");
            self.leaf(5, "S47ActualStartDate", &s.start.to_string());
            self.opt(5, "DateOfInitialCPC", s.conference.as_ref());
            self.leaf(5, "ICPCnotRequired", boolean(s.conference_not_required));
            self.close(4, "Section47");
        }
        self.leaf(4, "ReferralNFA", boolean(e.no_further_action));
        for p in &e.cp_plans {
            self.open(4, "ChildProtectionPlans");
            self.leaf(5, "CPPstartDate", &p.start.to_string());
            self.opt(5, "CPPendDate", p.end.as_ref());
            self.leaf(5, "InitialCategoryOfAbuse", p.initial_category.code());
            self.leaf(5, "LatestCategoryOfAbuse", p.latest_category.code());
            self.leaf(5, "NumberOfPreviousCPP", &p.previous_plans.to_string());
            if !p.reviews.is_empty() {
                self.open(5, "Reviews");
                for r in &p.reviews {
                    self.leaf(6, "CPPreviewDate", &r.to_string());
                }
                self.close(5, "Reviews");
            }
            self.close(4, "ChildProtectionPlans");
        }
        self.close(3, "CINdetails");
    }

    /// Closes the file and gives its bytes.
    pub fn finish(mut self) -> Vec<u8> {
        self.close(1, "Children");
        self.close(0, "Message");
        self.out.into_bytes()
    }

    fn line(&mut self, depth: usize, text: &str) {
        for _ in 0..depth {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }
    fn open(&mut self, depth: usize, name: &str) {
        self.line(depth, &format!("<{name}>"));
    }
    fn close(&mut self, depth: usize, name: &str) {
        self.line(depth, &format!("</{name}>"));
    }
    fn leaf(&mut self, depth: usize, name: &str, value: &str) {
        for _ in 0..depth {
            self.out.push_str("  ");
        }
        // Writing to a String cannot fail.
        let _ = writeln!(self.out, "<{name}>{}</{name}>", escape(value));
    }
    fn opt<T: std::fmt::Display>(&mut self, depth: usize, name: &str, value: Option<&T>) {
        if let Some(v) = value {
            self.leaf(depth, name, &v.to_string());
        }
    }
}

fn boolean(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Reading

/// A problem with one element of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The line the element starts on (1-based).
    pub line: usize,
    /// Where it is: `Child[3]/CINdetails[1]/ReferralSource` (1-based positions).
    pub element: String,
    /// What is wrong.
    pub reason: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, {}: {}", self.line, self.element, self.reason)
    }
}

/// A file that cannot be read as a census at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FileError(pub Problem);

/// A child the file holds but that cannot be taken, with every reason found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedChild {
    /// The `LAchildID`, if it could be read.
    pub id: Option<String>,
    /// The line the child starts on.
    pub line: usize,
    /// What is wrong.
    pub problems: Vec<Problem>,
}

/// What a file held: the children that could be read, and those that could not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    /// The return, with the children that were read.
    pub census: Census,
    /// The line each child of the census starts on, by position.
    pub lines: Vec<usize>,
    /// The children refused, in file order.
    pub refused: Vec<RefusedChild>,
}

/// An element as read: its name, where it starts, its text and its children.
#[derive(Debug)]
struct Node {
    name: String,
    line: usize,
    text: String,
    children: Vec<Node>,
}

/// Parses the XML into a tree, with line numbers.
fn tree(bytes: &[u8]) -> Result<Node, FileError> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let mut buf = Vec::new();
    let mut newlines = 0usize;
    let mut counted = 0usize;
    loop {
        let pos = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        // Lines are counted incrementally so that a large file is scanned once.
        let upto = pos.min(bytes.len());
        if upto > counted {
            newlines += bytes[counted..upto].iter().filter(|b| **b == b'\n').count();
            counted = upto;
        }
        let line = newlines + 1;
        let bad = |reason: String| {
            FileError(Problem {
                line,
                element: "the file".to_owned(),
                reason,
            })
        };
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| bad(format!("not well-formed XML: {e}")))?;
        match event {
            Event::Start(s) => {
                let name = s.name().as_ref().to_owned();
                if name.contains(':')
                    || s.attributes()
                        .any(|a| a.is_ok_and(|a| a.key.as_ref().starts_with("xmlns")))
                {
                    return Err(bad(format!(
                        "<{name}> is namespaced; the census is read without namespaces"
                    )));
                }
                stack.push(Node {
                    name,
                    line,
                    text: String::new(),
                    children: Vec::new(),
                });
            }
            Event::Empty(s) => {
                let node = Node {
                    name: s.name().as_ref().to_owned(),
                    line,
                    text: String::new(),
                    children: Vec::new(),
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::Text(t) => {
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(n) = stack.last_mut() {
                    let name: String = r.as_ref().to_owned();
                    let c = match name.as_str() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        _ => match r.resolve_char_ref() {
                            Ok(Some(c)) => c,
                            _ => return Err(bad(format!("unknown entity &{name};"))),
                        },
                    };
                    n.text.push(c);
                }
            }
            Event::CData(t) => {
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&t);
                }
            }
            Event::End(_) => {
                let Some(mut node) = stack.pop() else {
                    return Err(bad("a closing tag has no opening tag".to_owned()));
                };
                let trimmed = node.text.trim();
                if trimmed.len() != node.text.len() {
                    node.text = trimmed.to_owned();
                }
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::Eof => {
                if let Some(open) = stack.last() {
                    return Err(bad(format!(
                        "not well-formed XML: the file ends inside <{}>, opened at line {}",
                        open.name, open.line
                    )));
                }
                break;
            }
            _ => {}
        }
        buf.clear();
    }
    root.ok_or_else(|| {
        FileError(Problem {
            line: 1,
            element: "the file".to_owned(),
            reason: "the file is empty".to_owned(),
        })
    })
}

/// Collects the problems found in one child while reading it.
struct Ctx {
    problems: Vec<Problem>,
}

impl Node {
    fn all<'n>(&'n self, name: &'n str) -> impl Iterator<Item = &'n Node> + 'n {
        self.children.iter().filter(move |c| c.name == name)
    }
    fn first(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }
}

impl Ctx {
    fn problem(&mut self, node_line: usize, element: &str, reason: String) {
        self.problems.push(Problem {
            line: node_line,
            element: element.to_owned(),
            reason,
        });
    }

    /// The text of an optional child element; present but empty counts as absent.
    fn text<'n>(
        &mut self,
        parent: &'n Node,
        at: &str,
        name: &'n str,
    ) -> Option<(&'n Node, String)> {
        let mut found = parent.all(name);
        let first = found.next()?;
        if let Some(second) = found.next() {
            self.problem(
                second.line,
                &format!("{at}/{name}"),
                "given more than once".to_owned(),
            );
        }
        (!first.text.is_empty()).then(|| (first, first.text.clone()))
    }

    fn optional<T>(
        &mut self,
        parent: &Node,
        at: &str,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let (node, text) = self.text(parent, at, name)?;
        match parse(&text) {
            Ok(v) => Some(v),
            Err(reason) => {
                self.problem(node.line, &format!("{at}/{name}"), reason);
                None
            }
        }
    }

    fn required<T>(
        &mut self,
        parent: &Node,
        at: &str,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        if self.text(parent, at, name).is_none() {
            self.problem(parent.line, &format!("{at}/{name}"), "missing".to_owned());
            return None;
        }
        self.optional(parent, at, name, parse)
    }
}

fn date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("'{s}' is not a date written YYYY-MM-DD"))
}

fn code<T: FromStr<Err = UnknownCode>>(s: &str) -> Result<T, String> {
    s.parse::<T>().map_err(|e| e.to_string())
}

fn boolean_in(s: &str) -> Result<bool, String> {
    match s {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        "TRUE" | "FALSE" | "True" | "False" => Err(format!(
            "'{s}': write booleans in lower case (true or false); DfE's rules compare them so"
        )),
        _ => Err(format!("'{s}' is not true or false")),
    }
}

fn upn(s: &str) -> Result<Upn, String> {
    Upn::parse(s).map_err(|e| e.to_string())
}

/// `GenderCurrent` of returns before 2024/25: 1 male, 2 female, 0 not recorded or unborn,
/// 9 indeterminate.
fn gender_current(s: &str) -> Result<Sex, String> {
    match s {
        "1" => Ok(Sex::M),
        "2" => Ok(Sex::F),
        "0" | "9" => Ok(Sex::U),
        _ => Err(format!("'{s}' is not a GenderCurrent code (1, 2, 0 or 9)")),
    }
}

/// Reads a census file.
pub fn read(bytes: &[u8]) -> Result<Read, FileError> {
    let root = tree(bytes)?;
    let fail = |line: usize, element: &str, reason: String| {
        FileError(Problem {
            line,
            element: element.to_owned(),
            reason,
        })
    };
    if root.name != "Message" {
        return Err(fail(
            root.line,
            &root.name,
            "the root element must be <Message>".to_owned(),
        ));
    }
    let mut hctx = Ctx {
        problems: Vec::new(),
    };
    let header = root
        .first("Header")
        .ok_or_else(|| fail(root.line, "Message/Header", "missing".to_owned()))?;
    let details = header.first("CollectionDetails").ok_or_else(|| {
        fail(
            header.line,
            "Header/CollectionDetails",
            "missing".to_owned(),
        )
    })?;
    let source = header
        .first("Source")
        .ok_or_else(|| fail(header.line, "Header/Source", "missing".to_owned()))?;
    let at = "Header/CollectionDetails";
    let collection = hctx.required(details, at, "Collection", |s| Ok(s.to_owned()));
    if let Some(c) = collection.filter(|c| c != "CIN") {
        hctx.problem(
            details.line,
            &format!("{at}/Collection"),
            format!("'{c}' is not CIN"),
        );
    }
    let year = hctx.required(details, at, "Year", |s| {
        CollectionYear::parse(s).map_err(|e| e.to_string())
    });
    let reference = hctx.required(details, at, "ReferenceDate", date);
    if let (Some(y), Some(r)) = (year, reference)
        && r != y.end()
    {
        hctx.problem(
            details.line,
            &format!("{at}/ReferenceDate"),
            format!(
                "{r} is not 31 March of the collection year {}",
                y.ending_year()
            ),
        );
    }
    let la = hctx.required(source, "Header/Source", "LEA", |s| {
        LaNumber::parse(s).map_err(|e| e.to_string())
    });
    if let Some(p) = hctx.problems.into_iter().next() {
        return Err(FileError(p));
    }
    let (Some(year), Some(la)) = (year, la) else {
        return Err(fail(header.line, "Header", "unreadable".to_owned()));
    };
    let mut census = Census {
        year,
        la,
        children: Vec::new(),
    };
    let mut lines = Vec::new();
    let mut refused = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let children = root
        .first("Children")
        .ok_or_else(|| fail(root.line, "Message/Children", "missing".to_owned()))?;
    for (i, node) in children.all("Child").enumerate() {
        let at = format!("Child[{}]", i + 1);
        let mut ctx = Ctx {
            problems: Vec::new(),
        };
        let child = read_child(&mut ctx, node, &at, year);
        let id = node
            .first("ChildIdentifiers")
            .and_then(|n| n.first("LAchildID"))
            .map(|n| n.text.clone());
        if let Some(id) = &id
            && let Some(first) = seen.insert(id.clone(), node.line)
        {
            ctx.problem(
                node.line,
                &format!("{at}/ChildIdentifiers/LAchildID"),
                format!("child {id} is already in the file, at line {first}"),
            );
        }
        match child {
            Some(c) if ctx.problems.is_empty() => {
                census.children.push(c);
                lines.push(node.line);
            }
            _ => refused.push(RefusedChild {
                id,
                line: node.line,
                problems: ctx.problems,
            }),
        }
    }
    Ok(Read {
        census,
        lines,
        refused,
    })
}

fn read_child(ctx: &mut Ctx, node: &Node, at: &str, year: CollectionYear) -> Option<CensusChild> {
    let Some(ids) = node.first("ChildIdentifiers") else {
        ctx.problem(
            node.line,
            &format!("{at}/ChildIdentifiers"),
            "missing".to_owned(),
        );
        return None;
    };
    let Some(chars) = node.first("ChildCharacteristics") else {
        ctx.problem(
            node.line,
            &format!("{at}/ChildCharacteristics"),
            "missing".to_owned(),
        );
        return None;
    };
    let iat = format!("{at}/ChildIdentifiers");
    let id = ctx.required(ids, &iat, "LAchildID", |s| {
        ChildId::parse(s).map_err(|e| e.to_string())
    });
    let upn_ = ctx.optional(ids, &iat, "UPN", upn);
    let former_upn = ctx.optional(ids, &iat, "FormerUPN", upn);
    let upn_unknown = ctx.optional(ids, &iat, "UPNunknown", code);
    let birth_date = ctx.optional(ids, &iat, "PersonBirthDate", date);
    let expected_birth_date = ctx.optional(ids, &iat, "ExpectedPersonBirthDate", date);
    let sex = if year.ending_year() >= FIRST_YEAR_WITH_SEX || ids.first("GenderCurrent").is_none() {
        ctx.required(ids, &iat, "Sex", code)
    } else {
        ctx.required(ids, &iat, "GenderCurrent", gender_current)
    };
    let death_date = ctx.optional(ids, &iat, "PersonDeathDate", date);
    let cat = format!("{at}/ChildCharacteristics");
    let ethnicity = ctx.required(chars, &cat, "Ethnicity", code);
    let mut disabilities = Vec::new();
    if let Some(d) = chars.first("Disabilities") {
        for (j, n) in d.all("Disability").enumerate() {
            match code(&n.text) {
                Ok(v) => disabilities.push(v),
                Err(reason) => ctx.problem(
                    n.line,
                    &format!("{cat}/Disabilities/Disability[{}]", j + 1),
                    reason,
                ),
            }
        }
    }
    let mut episodes = Vec::new();
    for (j, e) in node.all("CINdetails").enumerate() {
        if let Some(ep) = read_episode(ctx, e, &format!("{at}/CINdetails[{}]", j + 1)) {
            episodes.push(ep);
        }
    }
    if node.first("CINdetails").is_none() {
        ctx.problem(
            node.line,
            &format!("{at}/CINdetails"),
            "a child in the census needs at least one episode of need".to_owned(),
        );
    }
    Some(CensusChild {
        id: id?,
        upn: upn_,
        former_upn,
        upn_unknown,
        birth_date,
        expected_birth_date,
        sex: sex?,
        death_date,
        ethnicity: ethnicity?,
        disabilities,
        episodes,
    })
}

fn read_episode(ctx: &mut Ctx, e: &Node, at: &str) -> Option<CinDetails> {
    let referral_date = ctx.required(e, at, "CINreferralDate", date);
    let source = ctx.required(e, at, "ReferralSource", code);
    let primary_need = ctx.optional(e, at, "PrimaryNeedCode", code);
    let closure_date = ctx.optional(e, at, "CINclosureDate", date);
    let reason = ctx.optional(e, at, "ReasonForClosure", code);
    let closure = match (closure_date, reason) {
        (Some(d), Some(r)) => Some((d, r)),
        (None, None) => None,
        (Some(_), None) => {
            ctx.problem(
                e.line,
                &format!("{at}/ReasonForClosure"),
                "a closure date needs a reason for closure".to_owned(),
            );
            None
        }
        (None, Some(_)) => {
            ctx.problem(
                e.line,
                &format!("{at}/CINclosureDate"),
                "a reason for closure needs a closure date".to_owned(),
            );
            None
        }
    };
    if let (Some((closed, _)), Some(referred)) = (closure, referral_date)
        && closed < referred
    {
        ctx.problem(
            e.line,
            &format!("{at}/CINclosureDate"),
            format!("closed on {closed}, before the referral on {referred}"),
        );
    }
    let initial_conference = ctx.optional(e, at, "DateOfInitialCPC", date);
    let mut assessments = Vec::new();
    for (k, a) in e.all("Assessments").enumerate() {
        let aat = format!("{at}/Assessments[{}]", k + 1);
        let start = ctx.required(a, &aat, "AssessmentActualStartDate", date);
        let authorised = ctx.optional(a, &aat, "AssessmentAuthorisationDate", date);
        let mut factors = Vec::new();
        if let Some(f) = a.first("FactorsIdentifiedAtAssessment") {
            for (m, n) in f.all("AssessmentFactors").enumerate() {
                match code(&n.text) {
                    Ok(v) => factors.push(v),
                    Err(reason) => ctx.problem(
                        n.line,
                        &format!(
                            "{aat}/FactorsIdentifiedAtAssessment/AssessmentFactors[{}]",
                            m + 1
                        ),
                        reason,
                    ),
                }
            }
        }
        ends_after(
            ctx,
            a.line,
            &format!("{aat}/AssessmentAuthorisationDate"),
            "authorised",
            start,
            authorised,
        );
        if let Some(start) = start {
            assessments.push(CensusAssessment {
                start,
                authorised,
                factors,
            });
        }
    }
    let mut cin_plans = Vec::new();
    for (k, p) in e.all("CINPlanDates").enumerate() {
        let pat = format!("{at}/CINPlanDates[{}]", k + 1);
        let start = ctx.required(p, &pat, "CINPlanStartDate", date);
        let end = ctx.optional(p, &pat, "CINPlanEndDate", date);
        ends_after(
            ctx,
            p.line,
            &format!("{pat}/CINPlanEndDate"),
            "ended",
            start,
            end,
        );
        if let Some(start) = start {
            cin_plans.push((start, end));
        }
    }
    let mut enquiries = Vec::new();
    for (k, s) in e.all("Section47").enumerate() {
        let sat = format!("{at}/Section47[{}]", k + 1);
        let start = ctx.required(s, &sat, "S47ActualStartDate", date);
        // The target date is worked out from the strategy discussion; it is not kept.
        let _ = ctx.optional(s, &sat, "InitialCPCtarget", date);
        let conference = ctx.optional(s, &sat, "DateOfInitialCPC", date);
        let not_required = ctx.required(s, &sat, "ICPCnotRequired", boolean_in);
        ends_after(
            ctx,
            s.line,
            &format!("{sat}/DateOfInitialCPC"),
            "had its conference",
            start,
            conference,
        );
        if let (Some(start), Some(not_required)) = (start, not_required) {
            enquiries.push(CensusSection47 {
                start,
                conference,
                conference_not_required: not_required,
            });
        }
    }
    let nfa = ctx.required(e, at, "ReferralNFA", boolean_in);
    let mut cp_plans = Vec::new();
    for (k, p) in e.all("ChildProtectionPlans").enumerate() {
        let pat = format!("{at}/ChildProtectionPlans[{}]", k + 1);
        let start = ctx.required(p, &pat, "CPPstartDate", date);
        let end = ctx.optional(p, &pat, "CPPendDate", date);
        let initial = ctx.required(p, &pat, "InitialCategoryOfAbuse", code);
        let latest = ctx.required(p, &pat, "LatestCategoryOfAbuse", code);
        let previous = ctx.required(p, &pat, "NumberOfPreviousCPP", |s| {
            s.parse::<u32>()
                .map_err(|_| format!("'{s}' is not a number of plans"))
        });
        ends_after(
            ctx,
            p.line,
            &format!("{pat}/CPPendDate"),
            "ended",
            start,
            end,
        );
        let mut reviews = Vec::new();
        for (m, r) in p.all("Reviews").enumerate() {
            for (q, d) in r.all("CPPreviewDate").enumerate() {
                match date(&d.text) {
                    Ok(v) => reviews.push(v),
                    Err(reason) => ctx.problem(
                        d.line,
                        &format!("{pat}/Reviews[{}]/CPPreviewDate[{}]", m + 1, q + 1),
                        reason,
                    ),
                }
            }
        }
        if let (Some(start), Some(initial_category), Some(latest_category), Some(previous_plans)) =
            (start, initial, latest, previous)
        {
            cp_plans.push(CensusCpPlan {
                start,
                end,
                initial_category,
                latest_category,
                previous_plans,
                reviews,
            });
        }
    }
    Some(CinDetails {
        referral_date: referral_date?,
        source: source?,
        primary_need,
        closure,
        initial_conference,
        assessments,
        cin_plans,
        enquiries,
        no_further_action: nfa?,
        cp_plans,
    })
}

/// Reports a date that comes before the start it must follow.
fn ends_after(
    ctx: &mut Ctx,
    line: usize,
    element: &str,
    what: &str,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
) {
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        ctx.problem(
            line,
            element,
            format!("{what} on {e}, before it started on {s}"),
        );
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use hearth_domain::codes::{
        AssessmentFactor, CategoryOfAbuse, Disability, Ethnicity, PrimaryNeed, ReasonForClosure,
        ReferralSource,
    };

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn census() -> Census {
        Census {
            year: CollectionYear::parse("2026").unwrap(),
            la: LaNumber::parse("305").unwrap(),
            children: vec![CensusChild {
                id: ChildId::parse("C1").unwrap(),
                upn: None,
                former_upn: None,
                upn_unknown: Some(hearth_domain::codes::UpnUnknown::Un2),
                birth_date: Some(d("2015-02-10")),
                expected_birth_date: None,
                sex: Sex::F,
                death_date: None,
                ethnicity: Ethnicity::Wbri,
                disabilities: vec![Disability::Aut, Disability::Ld],
                episodes: vec![CinDetails {
                    referral_date: d("2025-05-06"),
                    source: ReferralSource::Schools,
                    primary_need: Some(PrimaryNeed::N1),
                    closure: Some((d("2026-02-01"), ReasonForClosure::Rc7)),
                    initial_conference: None,
                    assessments: vec![CensusAssessment {
                        start: d("2025-05-07"),
                        authorised: Some(d("2025-06-10")),
                        factors: vec![AssessmentFactor::F3A, AssessmentFactor::F21],
                    }],
                    cin_plans: vec![(d("2025-11-21"), Some(d("2026-01-30")))],
                    enquiries: vec![CensusSection47 {
                        start: d("2025-05-20"),
                        conference: Some(d("2025-06-05")),
                        conference_not_required: false,
                    }],
                    no_further_action: false,
                    cp_plans: vec![CensusCpPlan {
                        start: d("2025-06-05"),
                        end: Some(d("2025-11-20")),
                        initial_category: CategoryOfAbuse::Neg,
                        latest_category: CategoryOfAbuse::Emo,
                        previous_plans: 2,
                        reviews: vec![d("2025-08-28"), d("2025-10-30")],
                    }],
                }],
            }],
        }
    }

    fn write(c: &Census) -> Vec<u8> {
        let mut w = Writer::start(c.year, c.la);
        for child in &c.children {
            w.child(child);
        }
        w.finish()
    }

    #[test]
    fn what_is_written_reads_back_the_same() {
        let c = census();
        let bytes = write(&c);
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains("<ICPCnotRequired>false</ICPCnotRequired>"));
        assert!(text.contains("<ReferenceDate>2026-03-31</ReferenceDate>"));
        let read = read(&bytes).unwrap();
        assert!(read.refused.is_empty());
        assert_eq!(read.census, c);
        assert_eq!(
            read.lines,
            vec![text.lines().position(|l| l.trim() == "<Child>").unwrap() + 1]
        );
    }

    #[test]
    fn a_bad_item_refuses_its_child_with_the_line_and_element() {
        let text = String::from_utf8(write(&census())).unwrap().replace(
            "<ReferralNFA>false</ReferralNFA>",
            "<ReferralNFA>FALSE</ReferralNFA>",
        );
        let read = read(text.as_bytes()).unwrap();
        assert!(read.census.children.is_empty());
        let problem = &read.refused[0].problems[0];
        assert_eq!(problem.element, "Child[1]/CINdetails[1]/ReferralNFA");
        assert_eq!(
            text.lines().nth(problem.line - 1).map(str::trim),
            Some("<ReferralNFA>FALSE</ReferralNFA>")
        );
        assert!(problem.reason.contains("lower case"), "{problem}");
    }
}
