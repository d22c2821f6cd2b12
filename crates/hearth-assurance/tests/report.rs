//! The quarterly Performance and Quality report over a quarter of audits: every figure
//! reconciles with the audits behind it (counted again here, independently), grades on the
//! old scale are kept apart from the new, and the workbook opens in an independent reader
//! with the same figures.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use common::*;
use hearth_assurance::audit::Audit;
use hearth_assurance::codes::{ExemptionReason, FindingKind};
use hearth_assurance::event::{ActionOwner, AuditEvent, EvidenceRef, Reflection};
use hearth_assurance::moderation::statistics;
use hearth_assurance::report::{Figure, GradeRow, Quarter, QuarterReport, SHEETS, quarter_report};
use hearth_assurance::{ActionNo, AuditId, Month, Point, Scale, Template};

const SHIPPED: &str = include_str!("../templates/single-case-audit.toml");

/// The single case audit as a council kept it before 2013: Ofsted's older scale.
fn legacy() -> Template {
    let text = SHIPPED
        .replacen(
            "id = \"single-case-audit\"",
            "id = \"legacy-case-audit\"",
            1,
        )
        .replacen("scale = \"OFSTED_ILACS\"", "scale = \"OFSTED_2009\"", 1)
        .replacen(
            "point = \"REQUIRES_IMPROVEMENT\"",
            "point = \"ADEQUATE\"",
            1,
        );
    Template::parse(&text, "legacy-case-audit.toml").unwrap()
}

fn on_scale(scale: Scale, p: Point) -> hearth_assurance::Grade {
    hearth_assurance::Grade::new(scale, p).unwrap()
}

/// An audit selected on `on` for a team and assigned to `auditor`.
fn assigned(id: &str, t: Template, on: &str, group: &str, auditor: &str) -> Scenario {
    let mut s = Scenario::on(on, t, team(group), children(), &[], id);
    s.assign(auditor);
    s
}

/// Grades an assigned audit `p` throughout on `graded` (on its template's scale), with a
/// strength and an area for development tagged `themes`, the worker's reflection
/// discussed and the family's feedback not taken, and completes it on `done`.
fn audited(mut s: Scenario, p: Point, graded: &str, done: &str, themes: &[&str]) -> Scenario {
    let auditor = s.audit.auditor().unwrap().to_string();
    let auditor = auditor.as_str();
    let scale = s.template.scale;
    for section in s
        .template
        .sections
        .iter()
        .map(|x| x.id.clone())
        .collect::<Vec<_>>()
    {
        let mut e = s.section_event(&section, Point::Good);
        if let AuditEvent::SectionGraded { grade, answers, .. } = &mut e {
            *grade = on_scale(scale, p);
            for a in answers {
                a.grade = Some(on_scale(scale, p));
            }
        }
        s.ok(graded, auditor, e);
    }
    s.ok(
        graded,
        auditor,
        AuditEvent::OverallGraded {
            grade: on_scale(scale, p),
            reasons: text("Overall."),
        },
    );
    s.ok(
        graded,
        auditor,
        AuditEvent::FindingRecorded {
            kind: FindingKind::Strength,
            text: text("The child's views are clear."),
            themes: vec!["voice-of-the-child".to_owned()],
        },
    );
    s.ok(
        graded,
        auditor,
        AuditEvent::FindingRecorded {
            kind: FindingKind::Development,
            text: text("Recording is behind."),
            themes: themes.iter().map(|t| (*t).to_owned()).collect(),
        },
    );
    let worker = hearth_assurance::check::worker_at(s.child(), when(graded)).unwrap();
    let answers = s
        .template
        .reflection
        .iter()
        .map(|p| Reflection {
            prompt: p.id.clone(),
            text: text("Mine."),
        })
        .collect();
    s.ok(
        graded,
        worker.as_str(),
        AuditEvent::ReflectionRecorded {
            worker: worker.clone(),
            answers,
        },
    );
    s.ok(
        graded,
        auditor,
        AuditEvent::ReflectionDiscussed {
            worker,
            note: text("Talked."),
        },
    );
    s.ok(
        graded,
        auditor,
        AuditEvent::FamilyFeedbackNotTaken {
            reason: hearth_assurance::codes::FeedbackNotTaken::Declined,
            note: text("The family did not want to talk."),
        },
    );
    s.ok(done, auditor, AuditEvent::AuditCompleted {});
    s
}

const USUAL: &[&str] = &["recording", "timeliness"];

fn action(s: &mut Scenario, at: &str, due: &str) {
    let no = ActionNo(u16::try_from(s.audit.actions.len() + 1).unwrap());
    let auditor = s.audit.auditor().unwrap().to_string();
    s.ok(
        at,
        &auditor,
        AuditEvent::ActionAgreed {
            action: no,
            what: text("Update the chronology."),
            owner: ActionOwner::Staff {
                staff: staff_id("SW1"),
            },
            due: date(due),
        },
    );
}

fn complete_action(s: &mut Scenario, no: u16, at: &str) {
    let child = s.subject.child().unwrap().clone();
    s.ok(
        at,
        "SW1",
        AuditEvent::ActionCompleted {
            action: ActionNo(no),
            note: text("Done."),
            evidence: vec![EvidenceRef { child, version: 2 }],
        },
    );
}

fn regrade(s: &mut Scenario, at: &str, p: Point) {
    let deadline = s.calendar.add_working_days(date(at), 10).unwrap();
    s.ok(
        at,
        "QA1",
        AuditEvent::RegradeAssigned {
            auditor: staff_id("QA2"),
            deadline,
        },
    );
    let sections = s.all_sections(p);
    s.ok(
        at,
        "QA2",
        AuditEvent::RegradeRecorded {
            sections,
            overall: grade(p),
            reasons: text("Second look."),
        },
    );
}

/// The quarter April to June 2025, and an audit from March outside it.
fn audits() -> Vec<Audit> {
    let single = || template("single-case-audit");
    let mut out = Vec::new();

    // April, TSC1: good, in time, an action done in time.
    let mut a = audited(
        assigned("A401", single(), "2025-04-01", "TSC1", "TM2"),
        Point::Good,
        "2025-04-08",
        "2025-04-10",
        USUAL,
    );
    action(&mut a, "2025-04-10", "2025-05-09");
    complete_action(&mut a, 1, "2025-05-06");
    out.push(a.audit);

    // April, TSC2: requires improvement, exempted for leave and still done late; an action
    // left open past its date.
    let mut a = Scenario::on(
        "2025-04-01",
        single(),
        team("TSC2"),
        children(),
        &[],
        "A402",
    );
    a.assign("TM1");
    a.ok(
        "2025-04-20",
        "HOS1",
        AuditEvent::ExemptionGranted {
            by: staff_id("HOS1"),
            reason: ExemptionReason::AnnualLeave,
            note: text("Two weeks' leave."),
            deadline: date("2025-05-09"),
        },
    );
    let mut a = audited(
        a,
        Point::RequiresImprovement,
        "2025-05-12",
        "2025-05-14",
        &["planning-and-drift"],
    );
    action(&mut a, "2025-05-14", "2025-05-30");
    out.push(a.audit);

    // May, TSC1: outstanding, regraded in agreement.
    let mut a = audited(
        assigned("A501", single(), "2025-05-01", "TSC1", "TM3"),
        Point::Outstanding,
        "2025-05-07",
        "2025-05-08",
        USUAL,
    );
    regrade(&mut a, "2025-05-12", Point::Outstanding);
    out.push(a.audit);

    // May, TSC2: inadequate, regraded requires improvement, moderated to requires
    // improvement.
    let mut a = audited(
        assigned("A502", single(), "2025-05-01", "TSC2", "TM1"),
        Point::Inadequate,
        "2025-05-07",
        "2025-05-08",
        USUAL,
    );
    regrade(&mut a, "2025-05-12", Point::RequiresImprovement);
    let sections = a.all_sections(Point::RequiresImprovement);
    a.ok(
        "2025-05-15",
        "GM2",
        AuditEvent::ModerationDecided {
            sections,
            overall: grade(Point::RequiresImprovement),
            reason: text("The child is safe; the plan drifts."),
        },
    );
    out.push(a.audit);

    // June, TSC1: in progress.
    let mut a = Scenario::on(
        "2025-06-02",
        single(),
        team("TSC1"),
        children(),
        &[],
        "A601",
    );
    a.assign("TM2");
    out.push(a.audit);

    // June, TSC2: withdrawn.
    let mut a = Scenario::on(
        "2025-06-02",
        single(),
        team("TSC2"),
        children(),
        &[],
        "A602",
    );
    a.assign("TM1");
    a.ok(
        "2025-06-05",
        "QA1",
        AuditEvent::AuditWithdrawn {
            reason: text("The family moved to another council."),
        },
    );
    out.push(a.audit);

    // June, TSC1, on the older scale: adequate.
    let a = audited(
        assigned("A603", legacy(), "2025-06-02", "TSC1", "TM2"),
        Point::Adequate,
        "2025-06-09",
        "2025-06-10",
        USUAL,
    );
    out.push(a.audit);

    // June, TSC2, on the older scale: not yet assigned.
    let a = Scenario::on(
        "2025-06-02",
        legacy(),
        team("TSC2"),
        children(),
        &[],
        "A604",
    );
    out.push(a.audit);

    // March: outside the quarter.
    let a = audited(
        assigned("A301", single(), "2025-03-03", "TSC1", "TM2"),
        Point::Inadequate,
        "2025-03-10",
        "2025-03-11",
        USUAL,
    );
    out.push(a.audit);
    out
}

fn report() -> (Vec<Audit>, QuarterReport) {
    let audits = audits();
    let templates = [template("single-case-audit"), legacy()];
    let r = quarter_report(
        Quarter::starting(Month::parse("2025-04").unwrap()),
        date("2025-06-27"),
        &audits,
        &templates,
        &directory(),
    );
    (audits, r)
}

fn ids(list: &[&str]) -> Vec<AuditId> {
    list.iter().map(|s| AuditId::parse(s).unwrap()).collect()
}

fn fig(f: &Figure) -> Vec<&str> {
    assert_eq!(f.count as usize, f.audits.len());
    f.audits.iter().map(AuditId::as_str).collect()
}

#[test]
fn the_cycle_accounts_for_every_audit_of_the_quarter() {
    let (_, r) = report();
    let c = &r.cycle;
    assert_eq!(
        fig(&c.selected),
        [
            "A401", "A402", "A501", "A502", "A601", "A602", "A603", "A604"
        ]
    );
    assert_eq!(fig(&c.completed_in_time), ["A401", "A501", "A502", "A603"]);
    assert_eq!(fig(&c.completed_late), ["A402"]);
    assert_eq!(fig(&c.in_progress), ["A601"]);
    assert_eq!(fig(&c.withdrawn), ["A602"]);
    assert_eq!(fig(&c.unassigned), ["A604"]);
    assert!(c.overdue.audits.is_empty());
    assert_eq!(fig(&c.exempted), ["A402"]);
    // Each selected audit is in exactly one state.
    let parts: Vec<&Figure> = vec![
        &c.unassigned,
        &c.in_progress,
        &c.overdue,
        &c.completed_in_time,
        &c.completed_late,
        &c.withdrawn,
    ];
    let mut seen: Vec<&AuditId> = parts.iter().flat_map(|f| &f.audits).collect();
    seen.sort();
    assert_eq!(seen, c.selected.audits.iter().collect::<Vec<_>>());
}

/// The cell each graded audit belongs in, counted again from the audits themselves.
fn expected_cells(
    audits: &[Audit],
    key: impl Fn(&Audit) -> String,
) -> BTreeMap<(String, Scale, String), BTreeSet<AuditId>> {
    let quarter = Quarter::starting(Month::parse("2025-04").unwrap());
    let mut out: BTreeMap<(String, Scale, String), BTreeSet<AuditId>> = BTreeMap::new();
    for a in audits {
        let s = a.selected.as_ref().unwrap();
        if !quarter.contains(s.month) || a.completed.is_none() {
            continue;
        }
        let g = a.final_overall().unwrap();
        out.entry((key(a), g.scale(), g.point().code().to_owned()))
            .or_default()
            .insert(a.id.clone());
    }
    out
}

fn cells(rows: &[GradeRow]) -> BTreeMap<(String, Scale, String), BTreeSet<AuditId>> {
    let mut out = BTreeMap::new();
    for r in rows {
        let mut total = 0;
        for (p, f) in &r.points {
            assert_eq!(f.count as usize, f.audits.len());
            total += f.count;
            if f.count > 0 {
                out.insert(
                    (r.key.clone(), r.scale, p.code().to_owned()),
                    f.audits.iter().cloned().collect(),
                );
            }
        }
        assert_eq!(total, r.total.count, "row {} adds up", r.key);
        // Only the scale's own points are counted on a row.
        let points: Vec<Point> = r.points.iter().map(|(p, _)| *p).collect();
        assert_eq!(points, r.scale.points().to_vec());
    }
    out
}

#[test]
fn grades_reconcile_by_team_service_and_month_and_scales_stay_apart() {
    let (audits, r) = report();
    let team_of = |a: &Audit| a.selected.as_ref().unwrap().group.key();
    assert_eq!(cells(&r.by_team), expected_cells(&audits, team_of));
    assert_eq!(
        cells(&r.by_service),
        expected_cells(&audits, |_| "service/SAFEGUARDING".to_owned())
    );
    assert_eq!(
        cells(&r.by_month),
        expected_cells(&audits, |a| a.selected.as_ref().unwrap().month.to_string())
    );
    // The moderated audit counts at the moderator's grade.
    let tsc2 = r
        .by_team
        .iter()
        .find(|x| x.key == "team/TSC2" && x.scale == Scale::OfstedIlacs)
        .unwrap();
    let ri = &tsc2
        .points
        .iter()
        .find(|(p, _)| *p == Point::RequiresImprovement)
        .unwrap()
        .1;
    assert_eq!(fig(ri), ["A402", "A502"]);
    // TSC1 has a row on each scale; the older grade is never added to the newer.
    let tsc1: Vec<&GradeRow> = r.by_team.iter().filter(|x| x.key == "team/TSC1").collect();
    assert_eq!(tsc1.len(), 2);
    assert_eq!(fig(&tsc1[0].total), ["A401", "A501"]);
    assert_eq!(tsc1[0].scale, Scale::OfstedIlacs);
    assert_eq!(fig(&tsc1[1].total), ["A603"]);
    assert_eq!(tsc1[1].scale, Scale::Ofsted2009);
    assert_eq!(tsc1[0].label, "Safeguarding 1");
    // Every graded audit is counted once in each way of counting.
    for rows in [&r.by_team, &r.by_service, &r.by_month] {
        let total: u32 = rows.iter().map(|x| x.total.count).sum();
        assert_eq!(total, 5);
    }
}

#[test]
fn themes_and_actions_reconcile_with_the_audits() {
    let (audits, r) = report();
    let quarter = Quarter::starting(Month::parse("2025-04").unwrap());
    let ours: Vec<&Audit> = audits
        .iter()
        .filter(|a| quarter.contains(a.selected.as_ref().unwrap().month))
        .collect();

    // Themes: each finding of a completed audit, counted under each of its themes.
    let mut expected: BTreeMap<(String, FindingKind), (u32, BTreeSet<AuditId>)> = BTreeMap::new();
    for a in ours.iter().filter(|a| a.completed.is_some()) {
        for f in &a.findings {
            for t in &f.themes {
                let e = expected.entry((t.clone(), f.kind)).or_default();
                e.0 += 1;
                e.1.insert(a.id.clone());
            }
        }
    }
    let mut got = BTreeMap::new();
    for row in &r.themes {
        for (kind, f) in [
            (FindingKind::Strength, &row.strengths),
            (FindingKind::Development, &row.development),
        ] {
            if f.count > 0 {
                got.insert(
                    (row.theme.clone(), kind),
                    (f.count, f.audits.iter().cloned().collect::<BTreeSet<_>>()),
                );
            }
        }
    }
    assert_eq!(got, expected);
    let recording = r.themes.iter().find(|t| t.theme == "recording").unwrap();
    assert_eq!(recording.label, "Quality of recording");
    assert_eq!(
        fig(&recording.development),
        ["A401", "A501", "A502", "A603"]
    );

    // Actions: agreed is open plus completed; overdue is among the open.
    let a = &r.actions;
    assert_eq!(a.agreed.count, 2);
    assert_eq!(
        a.agreed.count,
        a.open.count + a.completed_in_time.count + a.completed_late.count
    );
    assert_eq!(a.open.audits(), ids(&["A402"]));
    assert_eq!(a.overdue.actions, a.open.actions);
    assert_eq!(a.completed_in_time.audits(), ids(&["A401"]));
    assert!(a.completed_late.actions.is_empty());
    assert_eq!(r.action_lines.len(), 2);

    // Agreement is the moderation statistics of the audits regraded in the quarter.
    let regraded: Vec<&Audit> = ours
        .iter()
        .copied()
        .filter(|x| x.regrade.as_ref().is_some_and(|g| g.grades.is_some()))
        .collect();
    assert_eq!(r.agreement, statistics(regraded));
    assert_eq!(r.agreement.all.audits, ids(&["A501", "A502"]));
    assert_eq!(
        r.agreement.by_auditor[&staff_id("TM3")].exact_rate(),
        Some(1.0)
    );
    assert_eq!(
        r.agreement.by_auditor[&staff_id("TM1")].exact_rate(),
        Some(0.0)
    );
    assert_eq!(
        r.agreement.by_auditor[&staff_id("TM1")].within_one_rate(),
        Some(1.0)
    );
    assert_eq!(r.agreement.settled.second, ids(&["A502"]));
}

fn sheet(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Vec<Vec<Data>> {
    book.worksheet_range(name)
        .unwrap()
        .rows()
        .map(<[Data]>::to_vec)
        .collect()
}

fn s(d: &Data) -> String {
    match d {
        Data::String(x) => x.clone(),
        Data::Float(f) => f.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

fn n(d: &Data) -> u32 {
    match d {
        Data::Float(f) => {
            assert!(f.fract() == 0.0 && *f >= 0.0, "{f}");
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let v = *f as u32;
            v
        }
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn the_workbook_opens_with_the_same_figures() {
    let (_, r) = report();
    let bytes = r.workbook().unwrap();
    let mut book = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        SHEETS.iter().map(ToString::to_string).collect::<Vec<_>>()
    );

    let summary = sheet(&mut book, "Summary");
    let row = |name: &str| summary.iter().find(|x| s(&x[0]) == name).unwrap().clone();
    assert_eq!(s(&row("Quarter")[1]), "2025-04 to 2025-06");
    assert_eq!(n(&row("Audits selected")[1]), r.cycle.selected.count);
    assert_eq!(
        s(&row("Audits selected")[2]),
        "A401, A402, A501, A502, A601, A602, A603, A604"
    );
    assert_eq!(n(&row("Completed late")[1]), 1);
    assert_eq!(s(&row("Actions open")[2]), "A402/1");

    let by_team = sheet(&mut book, "Grades by team");
    assert_eq!(s(&by_team[0][0]), "Group");
    assert_eq!(by_team.len(), r.by_team.len() + 1);
    for (line, row) in by_team[1..].iter().zip(&r.by_team) {
        assert_eq!(s(&line[0]), row.key);
        assert_eq!(s(&line[2]), row.scale.code());
        for (i, (_, f)) in row.points.iter().enumerate() {
            assert_eq!(n(&line[3 + i]), f.count);
        }
        assert_eq!(n(&line[7]), row.total.count);
        let listed: Vec<String> = row.total.audits.iter().map(ToString::to_string).collect();
        assert_eq!(s(&line[8]), listed.join(", "));
    }

    let audits = sheet(&mut book, "Audits");
    assert_eq!(audits.len(), r.audits.len() + 1);
    let a502 = audits.iter().find(|x| s(&x[0]) == "A502").unwrap();
    assert_eq!(s(&a502[9]), "Requires improvement");
    assert_eq!(s(&a502[10]), "yes");

    // One line per audit counted in each grade sheet: three ways of counting five audits.
    let figures = sheet(&mut book, "Figures");
    assert_eq!(figures.len(), 1 + 3 * 5);

    let agreement = sheet(&mut book, "Agreement");
    let all = agreement.iter().find(|x| s(&x[0]) == "all").unwrap();
    assert_eq!(n(&all[1]), r.agreement.all.pairs);
    assert_eq!(n(&all[2]), r.agreement.all.exact);
}

#[test]
fn a_report_as_at_an_earlier_date_counts_what_stood_then() {
    let audits = audits();
    let templates = [template("single-case-audit"), legacy()];
    // After A502's regrade (12 May) and before its moderation (15 May), and before A402's
    // exemption ran out.
    let r = quarter_report(
        Quarter::starting(Month::parse("2025-04").unwrap()),
        date("2025-05-13"),
        &audits,
        &templates,
        &directory(),
    );
    let tsc2 = r
        .by_team
        .iter()
        .find(|x| x.key == "team/TSC2" && x.scale == Scale::OfstedIlacs)
        .unwrap();
    let inadequate = &tsc2
        .points
        .iter()
        .find(|(p, _)| *p == Point::Inadequate)
        .unwrap()
        .1;
    assert_eq!(
        fig(inadequate),
        ["A502"],
        "the auditor's grade stood until moderation"
    );
    assert_eq!(r.agreement.settled.awaiting, ids(&["A502"]));
    assert!(r.agreement.settled.second.is_empty());
    // A402 was exempted to 9 May and not done by 13 May; June's audits were not selected.
    assert_eq!(fig(&r.cycle.overdue), ["A402"]);
    assert_eq!(fig(&r.cycle.selected), ["A401", "A402", "A501", "A502"]);
}
