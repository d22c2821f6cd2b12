//! The CSV the 903 files are written in: a header line, then one line per row, CRLF line
//! ends (RFC 4180). Reading accepts LF too, a UTF-8 byte-order mark, and quoted values.

/// A file that is not readable CSV, with the line where reading stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    /// Not UTF-8.
    #[error("line {line}: the file is not UTF-8 text")]
    NotUtf8 {
        /// The line (from 1).
        line: usize,
    },
    /// A quoted value is not closed.
    #[error("line {line}: a quoted value is never closed")]
    UnclosedQuote {
        /// The line where the value started.
        line: usize,
    },
    /// Text after a closing quote.
    #[error("line {line}: unexpected text after a closing quote")]
    AfterQuote {
        /// The line.
        line: usize,
    },
    /// No header line.
    #[error("the file is empty: it needs a header line naming its columns")]
    Empty,
}

fn needs_quotes(v: &str) -> bool {
    v.contains([',', '"', '\r', '\n'])
}

/// Writes a header and rows.
pub(crate) fn write(columns: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::new();
    let mut line = |values: &mut dyn Iterator<Item = &str>| {
        for (i, v) in values.enumerate() {
            if i > 0 {
                out.push(',');
            }
            if needs_quotes(v) {
                out.push('"');
                out.push_str(&v.replace('"', "\"\""));
                out.push('"');
            } else {
                out.push_str(v);
            }
        }
        out.push_str("\r\n");
    };
    line(&mut columns.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out.into_bytes()
}

/// A record read from a file: the line it starts on, and its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    pub number: usize,
    pub values: Vec<String>,
}

/// Reads every record; blank lines are skipped. The first record is the header.
pub(crate) fn read(bytes: &[u8]) -> Result<Vec<Line>, CsvError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| CsvError::NotUtf8 {
        line: 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count(),
    })?;
    let mut lines = Vec::new();
    let mut chars = text.chars().peekable();
    let mut number = 1;
    while chars.peek().is_some() {
        let start = number;
        let mut values = Vec::new();
        let mut value = String::new();
        let mut quoted_value = false;
        loop {
            match chars.next() {
                None => {
                    values.push(std::mem::take(&mut value));
                    break;
                }
                Some('"') if value.is_empty() && !quoted_value => {
                    quoted_value = true;
                    loop {
                        match chars.next() {
                            None => return Err(CsvError::UnclosedQuote { line: start }),
                            Some('"') if chars.peek() == Some(&'"') => {
                                chars.next();
                                value.push('"');
                            }
                            Some('"') => break,
                            Some(c) => {
                                if c == '\n' {
                                    number += 1;
                                }
                                value.push(c);
                            }
                        }
                    }
                    if !matches!(chars.peek(), None | Some(',' | '\r' | '\n')) {
                        return Err(CsvError::AfterQuote { line: number });
                    }
                }
                Some(',') => {
                    values.push(std::mem::take(&mut value));
                    quoted_value = false;
                }
                Some('\r') if chars.peek() == Some(&'\n') => {}
                Some('\n') => {
                    values.push(std::mem::take(&mut value));
                    number += 1;
                    break;
                }
                Some(c) => value.push(c),
            }
        }
        if !(values.len() == 1 && values[0].is_empty() && !quoted_value) {
            lines.push(Line {
                number: start,
                values,
            });
        }
    }
    if lines.is_empty() {
        return Err(CsvError::Empty);
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn lines_end_crlf_and_awkward_values_are_quoted() {
        let out = write(&["A", "B"], &[vec!["x,y".into(), "say \"hi\"".into()]]);
        assert_eq!(out, b"A,B\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n");
    }

    #[test]
    fn lf_bom_and_blank_lines_are_accepted_and_lines_counted() {
        let lines = read(b"\xEF\xBB\xBFA,B\n\n1,\n").unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].number, 3);
        assert_eq!(lines[1].values, vec!["1".to_string(), String::new()]);
    }

    #[test]
    fn broken_quoting_is_located() {
        assert_eq!(
            read(b"A\n\"open\n"),
            Err(CsvError::UnclosedQuote { line: 2 })
        );
        assert_eq!(read(b"A\n\"x\"y\n"), Err(CsvError::AfterQuote { line: 2 }));
        assert_eq!(read(b""), Err(CsvError::Empty));
    }

    proptest! {
        #[test]
        fn what_is_written_reads_back(rows in prop::collection::vec(
            prop::collection::vec("[A-Za-z0-9 ,\"/]{0,8}", 3), 0..6)) {
            let bytes = write(&["A", "B", "C"], &rows);
            let lines = read(&bytes).unwrap();
            prop_assert_eq!(lines.len(), rows.len() + 1);
            for (line, row) in lines[1..].iter().zip(&rows) {
                prop_assert_eq!(&line.values, row);
            }
        }
    }
}
