//! The digest as a workbook, for an analyst who wants the figures in a spreadsheet: a sheet
//! of every indicator's value month by month, and a sheet with one row per indicator and
//! month holding the numerator, denominator, value, RAG and whether the month was outside
//! the usual range. Written into memory, so the crate stays free of file I/O.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::comparators::Comparators;
use crate::digest::Digest;
use crate::measure::Shape;

/// The workbook could not be written.
#[derive(Debug, thiserror::Error)]
#[error("the digest's workbook could not be written: {0}")]
pub struct WorkbookError(#[from] XlsxError);

/// The sheets, in order.
pub const SHEETS: [&str; 3] = ["Scorecard", "Figures", "About"];

/// The digest's workbook, as the bytes of an xlsx file.
pub fn workbook(digest: &Digest, comparators: &Comparators) -> Result<Vec<u8>, WorkbookError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    scorecard_sheet(book.add_worksheet(), digest, comparators, &bold)?;
    figures_sheet(book.add_worksheet(), digest, &bold)?;
    about_sheet(book.add_worksheet(), digest, &bold)?;
    Ok(book.save_to_buffer()?)
}

fn header(sheet: &mut Worksheet, cells: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (c, h) in cells.iter().enumerate() {
        sheet.write_string_with_format(0, col(c), *h, bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A column number; a sheet has far fewer columns than `u16` holds (the scorecard's few
/// fixed columns and one per month).
fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

fn row(r: usize) -> u32 {
    u32::try_from(r).unwrap_or(u32::MAX)
}

fn shape_word(shape: Shape) -> &'static str {
    match shape {
        Shape::Rate => "percentage",
        Shape::Count => "count",
        Shape::Average => "average",
    }
}

fn scorecard_sheet(
    sheet: &mut Worksheet,
    digest: &Digest,
    comparators: &Comparators,
    bold: &Format,
) -> Result<(), XlsxError> {
    sheet.set_name(SHEETS[0])?;
    let mut cells = vec![
        "Indicator",
        "Title",
        "Area",
        "Kind",
        "Period",
        "Better",
        "Target",
        "England",
    ];
    let months: Vec<String> = digest.months.iter().map(|m| m.short()).collect();
    cells.extend(months.iter().map(String::as_str));
    header(sheet, &cells, bold)?;
    let fixed = 8;
    for (i, s) in digest.series.iter().enumerate() {
        let r = row(i + 1);
        let ind = &s.indicator;
        sheet.write_string(r, 0, &ind.id)?;
        sheet.write_string(r, 1, &ind.title)?;
        sheet.write_string(r, 2, &ind.area)?;
        sheet.write_string(r, 3, shape_word(ind.shape()))?;
        sheet.write_string(r, 4, ind.period.label())?;
        sheet.write_string(
            r,
            5,
            match ind.better {
                crate::scorecard::Better::Higher => "higher",
                crate::scorecard::Better::Lower => "lower",
            },
        )?;
        if let Some(t) = ind.target {
            sheet.write_number(r, 6, t)?;
        }
        if let Some(c) = comparators.latest(&ind.id, "England") {
            sheet.write_number(r, 7, c.value)?;
        }
        for (m, f) in s.figures.iter().enumerate() {
            if let Some(v) = f.value {
                sheet.write_number(r, col(fixed + m), round1(v))?;
            }
        }
    }
    sheet.autofit();
    Ok(())
}

fn figures_sheet(sheet: &mut Worksheet, digest: &Digest, bold: &Format) -> Result<(), XlsxError> {
    sheet.set_name(SHEETS[1])?;
    header(
        sheet,
        &[
            "Indicator",
            "Month",
            "From",
            "To",
            "Numerator",
            "Denominator",
            "Value",
            "RAG",
            "Outside the usual range",
        ],
        bold,
    )?;
    let mut r = 1usize;
    for s in &digest.series {
        for f in &s.figures {
            let at = row(r);
            sheet.write_string(at, 0, &s.indicator.id)?;
            sheet.write_string(at, 1, f.month.label())?;
            sheet.write_string(at, 2, f.month.first.to_string())?;
            sheet.write_string(at, 3, f.month.last.to_string())?;
            sheet.write_number(at, 4, f.numerator as f64)?;
            sheet.write_number(at, 5, f.denominator as f64)?;
            if let Some(v) = f.value {
                sheet.write_number(at, 6, round1(v))?;
            }
            if let Some(rag) = f.rag {
                sheet.write_string(at, 7, rag.label())?;
            }
            if let Some(a) = f.anomaly {
                sheet.write_string(at, 8, if a.above { "above" } else { "below" })?;
            }
            r += 1;
        }
    }
    sheet.autofit();
    Ok(())
}

fn about_sheet(sheet: &mut Worksheet, digest: &Digest, bold: &Format) -> Result<(), XlsxError> {
    sheet.set_name(SHEETS[2])?;
    let lines = [
        (
            "Scorecard",
            format!("{} ({})", digest.name, digest.scorecard),
        ),
        ("As at", digest.as_at.to_string()),
        ("Children's records read", digest.children.to_string()),
        (
            "Months",
            "The last month is cut short at the as-at date; a percentage is rounded to one place."
                .to_owned(),
        ),
        (
            "Outside the usual range",
            "More than two standard deviations from the mean of the twelve months before."
                .to_owned(),
        ),
    ];
    for (i, (k, v)) in lines.iter().enumerate() {
        sheet.write_string_with_format(row(i), 0, *k, bold)?;
        sheet.write_string(row(i), 1, v)?;
    }
    sheet.autofit();
    Ok(())
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}
