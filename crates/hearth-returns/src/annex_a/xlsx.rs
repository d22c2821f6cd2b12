//! The workbook: one sheet per list, named `List 1` to `List 11`, a bold header row, and
//! dates as real Excel dates shown day first. Written into memory, so the crate stays
//! free of file I/O.

use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use super::{AnnexA, AnnexAError, Cell, List};

pub(super) fn write(annex: &AnnexA) -> Result<Vec<u8>, AnnexAError> {
    let mut book = Workbook::new();
    let header = Format::new().set_bold();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for list in List::ALL {
        let sheet = book.add_worksheet();
        sheet.set_name(list.sheet())?;
        for (col, h) in list.headers().into_iter().enumerate() {
            sheet.write_string_with_format(0, column(col)?, h, &header)?;
        }
        for (i, row) in annex.rows(list).iter().enumerate() {
            let r = u32::try_from(i + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            for (col, cell) in row.iter().enumerate() {
                let c = column(col)?;
                match cell {
                    Cell::Blank => {}
                    Cell::Text(t) => {
                        sheet.write_string(r, c, t)?;
                    }
                    Cell::Number(n) => {
                        // Counts and ages are far below 2^53, so the float is exact.
                        #[allow(clippy::cast_precision_loss)]
                        sheet.write_number(r, c, *n as f64)?;
                    }
                    Cell::Date(d) => {
                        let day = ExcelDateTime::from_ymd(
                            u16::try_from(d.year())
                                .map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?,
                            u8::try_from(d.month())
                                .map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?,
                            u8::try_from(d.day())
                                .map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?,
                        )?;
                        sheet.write_datetime_with_format(r, c, &day, &date)?;
                    }
                }
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofit();
    }
    Ok(book.save_to_buffer()?)
}

fn column(i: usize) -> Result<u16, XlsxError> {
    u16::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)
}
