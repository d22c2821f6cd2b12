//! The report's workbook: a sheet for the cycle and the actions' figures, one for each way
//! of counting grades, the themes, the agreement rates, and the audits and actions behind
//! every figure. Each figure's row names its audits, so a reader can trace any number.
//! Written into memory, so the crate stays free of file I/O.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::{ActionFigure, Figure, GradeRow, QuarterReport};
use crate::ids::AuditId;
use crate::moderation::Agreement;

/// The workbook could not be written.
#[derive(Debug, thiserror::Error)]
#[error("the workbook could not be written: {0}")]
pub struct WorkbookError(#[from] XlsxError);

/// The sheets, in order.
pub const SHEETS: [&str; 9] = [
    "Summary",
    "Grades by team",
    "Grades by service",
    "Grades by month",
    "Themes",
    "Agreement",
    "Actions",
    "Audits",
    "Figures",
];

enum Cell {
    Text(String),
    Number(u32),
    Rate(Option<f64>),
    Date(Option<NaiveDate>),
}

fn t(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn ids(audits: &[AuditId]) -> Cell {
    t(audits
        .iter()
        .map(AuditId::as_str)
        .collect::<Vec<_>>()
        .join(", "))
}

struct Sheet<'a> {
    sheet: &'a mut Worksheet,
    row: u32,
    bold: &'a Format,
    date: &'a Format,
    percent: &'a Format,
}

impl Sheet<'_> {
    fn header(&mut self, cells: &[&str]) -> Result<(), XlsxError> {
        for (c, h) in cells.iter().enumerate() {
            self.sheet
                .write_string_with_format(self.row, col(c)?, *h, self.bold)?;
        }
        self.row += 1;
        Ok(())
    }

    fn line(&mut self, cells: Vec<Cell>) -> Result<(), XlsxError> {
        for (c, cell) in cells.into_iter().enumerate() {
            let c = col(c)?;
            match cell {
                Cell::Text(s) => {
                    self.sheet.write_string(self.row, c, s)?;
                }
                Cell::Number(n) => {
                    self.sheet.write_number(self.row, c, f64::from(n))?;
                }
                Cell::Rate(Some(r)) => {
                    self.sheet
                        .write_number_with_format(self.row, c, r, self.percent)?;
                }
                Cell::Rate(None) | Cell::Date(None) => {}
                Cell::Date(Some(d)) => {
                    let day = ExcelDateTime::from_ymd(
                        u16::try_from(d.year())
                            .map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?,
                        u8::try_from(d.month())
                            .map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?,
                        u8::try_from(d.day())
                            .map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?,
                    )?;
                    self.sheet
                        .write_datetime_with_format(self.row, c, &day, self.date)?;
                }
            }
        }
        self.row += 1;
        Ok(())
    }

    fn done(self) -> Result<(), XlsxError> {
        self.sheet.set_freeze_panes(1, 0)?;
        self.sheet.autofit();
        Ok(())
    }
}

fn col(i: usize) -> Result<u16, XlsxError> {
    u16::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)
}

fn figure(name: &str, f: &Figure) -> Vec<Cell> {
    vec![t(name), Cell::Number(f.count), ids(&f.audits)]
}

fn action_figure(name: &str, f: &ActionFigure) -> Vec<Cell> {
    let actions = f
        .actions
        .iter()
        .map(|(a, n)| format!("{a}/{n}"))
        .collect::<Vec<_>>()
        .join(", ");
    vec![t(name), Cell::Number(f.count), t(actions)]
}

fn grade_rows(s: &mut Sheet<'_>, rows: &[GradeRow]) -> Result<(), XlsxError> {
    s.header(&[
        "Group", "Name", "Scale", "Grade 1", "Grade 2", "Grade 3", "Grade 4", "Total", "Audits",
    ])?;
    for r in rows {
        let mut cells = vec![t(&r.key), t(&r.label), t(r.scale.code())];
        cells.extend(r.points.iter().map(|(_, f)| Cell::Number(f.count)));
        cells.push(Cell::Number(r.total.count));
        cells.push(ids(&r.total.audits));
        s.line(cells)?;
    }
    Ok(())
}

fn agreement(name: &str, a: &Agreement) -> Vec<Cell> {
    vec![
        t(name),
        Cell::Number(a.pairs),
        Cell::Number(a.exact),
        Cell::Number(a.within_one),
        Cell::Rate(a.exact_rate()),
        Cell::Rate(a.within_one_rate()),
        ids(&a.audits),
    ]
}

pub(super) fn write(report: &QuarterReport) -> Result<Vec<u8>, WorkbookError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let percent = Format::new().set_num_format("0%");
    for name in SHEETS {
        let sheet = book.add_worksheet();
        sheet.set_name(name)?;
        let mut s = Sheet {
            sheet,
            row: 0,
            bold: &bold,
            date: &date,
            percent: &percent,
        };
        match name {
            "Summary" => {
                s.header(&["Figure", "Count", "Audits or actions"])?;
                s.line(vec![t("Quarter"), t(report.quarter.label())])?;
                s.line(vec![t("As at"), Cell::Date(Some(report.as_at))])?;
                let c = &report.cycle;
                for (n, f) in [
                    ("Audits selected", &c.selected),
                    ("Awaiting an auditor", &c.unassigned),
                    ("In progress", &c.in_progress),
                    ("Overdue", &c.overdue),
                    ("Completed in time", &c.completed_in_time),
                    ("Completed late", &c.completed_late),
                    ("Withdrawn", &c.withdrawn),
                    ("Exempted by the head of service", &c.exempted),
                ] {
                    s.line(figure(n, f))?;
                }
                let a = &report.actions;
                for (n, f) in [
                    ("Actions agreed", &a.agreed),
                    ("Actions open", &a.open),
                    ("Actions overdue", &a.overdue),
                    ("Actions completed in time", &a.completed_in_time),
                    ("Actions completed late", &a.completed_late),
                ] {
                    s.line(action_figure(n, f))?;
                }
            }
            "Grades by team" => grade_rows(&mut s, &report.by_team)?,
            "Grades by service" => grade_rows(&mut s, &report.by_service)?,
            "Grades by month" => grade_rows(&mut s, &report.by_month)?,
            "Themes" => {
                s.header(&[
                    "Theme",
                    "Name",
                    "Strengths",
                    "Areas for development",
                    "Audits with strengths",
                    "Audits with areas for development",
                ])?;
                for r in &report.themes {
                    s.line(vec![
                        t(&r.theme),
                        t(&r.label),
                        Cell::Number(r.strengths.count),
                        Cell::Number(r.development.count),
                        ids(&r.strengths.audits),
                        ids(&r.development.audits),
                    ])?;
                }
            }
            "Agreement" => {
                s.header(&[
                    "By",
                    "Pairs",
                    "Exact",
                    "Within one grade",
                    "Exact rate",
                    "Within one rate",
                    "Audits",
                ])?;
                let g = &report.agreement;
                s.line(agreement("all", &g.all))?;
                for (k, a) in &g.by_auditor {
                    s.line(agreement(&format!("auditor {k}"), a))?;
                }
                for (k, a) in &g.by_section {
                    s.line(agreement(&format!("section {k}"), a))?;
                }
                for (k, a) in &g.by_group {
                    s.line(agreement(&format!("group {k}"), a))?;
                }
            }
            "Actions" => {
                s.header(&["Audit", "Action", "What", "Owner", "Due", "Completed"])?;
                for l in &report.action_lines {
                    s.line(vec![
                        t(l.audit.as_str()),
                        Cell::Number(u32::from(l.action.0)),
                        t(&l.what),
                        t(&l.owner),
                        Cell::Date(Some(l.due)),
                        Cell::Date(l.completed),
                    ])?;
                }
            }
            "Audits" => {
                s.header(&[
                    "Audit",
                    "Template",
                    "Month",
                    "Group",
                    "Subject",
                    "Auditor",
                    "Deadline",
                    "Completed",
                    "Scale",
                    "Overall grade",
                    "Moderated",
                ])?;
                for l in &report.audits {
                    s.line(vec![
                        t(l.audit.as_str()),
                        t(&l.template),
                        t(l.month.to_string()),
                        t(&l.group),
                        t(&l.subject),
                        t(l.auditor.clone().unwrap_or_default()),
                        Cell::Date(l.deadline),
                        Cell::Date(l.completed),
                        t(l.overall.map_or("", |(s, _)| s.code())),
                        t(l.overall.map_or("", |(_, p)| p.label())),
                        t(if l.moderated { "yes" } else { "no" }),
                    ])?;
                }
            }
            _ => {
                // Every figure of the grade sheets, one audit a row, for filtering.
                s.header(&["Sheet", "Group", "Scale", "Grade", "Audit"])?;
                for (sheet, rows) in [
                    ("Grades by team", &report.by_team),
                    ("Grades by service", &report.by_service),
                    ("Grades by month", &report.by_month),
                ] {
                    for r in rows {
                        for (p, f) in &r.points {
                            for a in &f.audits {
                                s.line(vec![
                                    t(sheet),
                                    t(&r.key),
                                    t(r.scale.code()),
                                    t(p.label()),
                                    t(a.as_str()),
                                ])?;
                            }
                        }
                    }
                }
            }
        }
        s.done()?;
    }
    Ok(book.save_to_buffer()?)
}
