//! Errors in configuration files a council edits (rulesets, audit templates, scorecards),
//! located by file, line, item and key, so that whoever edited the file can find the fault
//! without reading code.

use std::fmt;

/// A configuration file that could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LoadError {
    /// The file (or the name of a shipped file).
    pub file: String,
    /// The line, when known.
    pub line: Option<usize>,
    /// The item at fault, in words with its id (``indicator `repeat-cp-plan` ``).
    pub item: Option<String>,
    /// The key at fault, as a path within the item or file.
    pub key: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str(": ")?;
        if let Some(item) = &self.item {
            write!(f, "{item}: ")?;
        }
        if let Some(key) = &self.key {
            write!(f, "{key}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// The line (from 1) holding a byte offset of a text.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(0, |t| t.bytes().filter(|b| *b == b'\n').count())
        + 1
}

/// The field an "unknown field" message from serde names.
pub fn unknown_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split_once('`').map(|(k, _)| k.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_count_from_one() {
        let text = "a = 1\nb = 2\nc = 3\n";
        assert_eq!(line_of(text, 0), 1);
        assert_eq!(line_of(text, 6), 2);
        assert_eq!(line_of(text, 13), 3);
    }

    #[test]
    fn says_where_and_what() {
        let e = LoadError {
            file: "scorecard.toml".into(),
            line: Some(12),
            item: Some("indicator `x`".into()),
            key: Some("rag.green".into()),
            message: "must be a number".into(),
        };
        assert_eq!(
            e.to_string(),
            "scorecard.toml:12: indicator `x`: rag.green: must be a number"
        );
    }

    #[test]
    fn names_an_unknown_field() {
        assert_eq!(
            unknown_field("unknown field `tagret`, expected one of ...").as_deref(),
            Some("tagret")
        );
        assert_eq!(unknown_field("missing field `id`"), None);
    }
}
