//! Spelling-tolerant person search: names are broken into normalised tokens, each with a
//! phonetic key (Soundex), so that "Smyth" finds "Smith" and "Ashdon" finds "Ashdown".
//! The store finds candidates by token, key, identifier or date of birth; [`rank`] orders
//! them by how closely they match.

use chrono::NaiveDate;
use hearth_domain::StreamKind;

use crate::PersonRow;

/// The most candidates a search weighs. Far more than any page lists, because what a user
/// may see is decided after the store has found the candidates and before anything is cut:
/// a cut made first would drop the children the user works with from a common name. A
/// search that matches more than this is too broad to answer honestly (see
/// [`Query::too_broad`]).
pub const CANDIDATES: usize = 5_000;

/// Lower-cases a name and keeps letters only, turning other characters into spaces.
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = fold_accent(c);
        if c.is_alphabetic() {
            out.extend(c.to_lowercase());
        } else if c == '\'' {
            // O'Brien and OBrien match.
        } else {
            out.push(' ');
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' => 'A',
        'ç' | 'ć' | 'č' => 'c',
        'Ç' | 'Ć' | 'Č' => 'C',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' => 'e',
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ę' => 'E',
        'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' => 'I',
        'ñ' | 'ń' => 'n',
        'Ñ' | 'Ń' => 'N',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => 'o',
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' => 'O',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' => 'u',
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' => 'U',
        'ý' | 'ÿ' => 'y',
        'Ý' => 'Y',
        'ś' | 'š' => 's',
        'Ś' | 'Š' => 'S',
        'ź' | 'ż' | 'ž' => 'z',
        'Ź' | 'Ż' | 'Ž' => 'Z',
        'ł' => 'l',
        'Ł' => 'L',
        other => other,
    }
}

/// The distinct normalised tokens of a name.
pub fn tokens(name: &str) -> Vec<String> {
    let mut out: Vec<String> = normalise(name)
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The Soundex key of a token: its first letter and three digits for the consonant sounds
/// that follow.
pub fn soundex(token: &str) -> String {
    fn code(c: char) -> Option<char> {
        match c {
            'b' | 'f' | 'p' | 'v' => Some('1'),
            'c' | 'g' | 'j' | 'k' | 'q' | 's' | 'x' | 'z' => Some('2'),
            'd' | 't' => Some('3'),
            'l' => Some('4'),
            'm' | 'n' => Some('5'),
            'r' => Some('6'),
            _ => None,
        }
    }
    let mut chars = token
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_lowercase());
    let Some(first) = chars.next() else {
        return String::new();
    };
    let mut key = String::with_capacity(4);
    key.push(first.to_ascii_uppercase());
    let mut last = code(first);
    for c in chars {
        let this = code(c);
        match this {
            Some(d) if this != last => {
                key.push(d);
                if key.len() == 4 {
                    break;
                }
            }
            _ => {}
        }
        // 'h' and 'w' do not separate letters with the same code; vowels do.
        if c != 'h' && c != 'w' {
            last = this;
        }
    }
    while key.len() < 4 {
        key.push('0');
    }
    key
}

/// Tokens of a name with their phonetic keys, for the projection.
pub fn name_tokens(name: &str) -> Vec<(String, String)> {
    tokens(name)
        .into_iter()
        .map(|t| {
            let k = soundex(&t);
            (t, k)
        })
        .collect()
}

/// A person search.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    /// Name tokens typed.
    pub tokens: Vec<String>,
    /// Their phonetic keys.
    pub phonetics: Vec<String>,
    /// A date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// An identifier: a child number, UPN or NHS number.
    pub identifier: Option<String>,
    /// Only records of this kind (children, or adults in networks); any kind when `None`.
    pub kind: Option<StreamKind>,
    /// How many candidates to fetch at most.
    pub limit: i64,
}

impl Query {
    /// Builds a query from free text: dates (YYYY-MM-DD or DD/MM/YYYY) become a date of
    /// birth, tokens with digits an identifier, the rest name tokens.
    pub fn parse(text: &str) -> Query {
        let mut q = Query {
            // One more than is weighed, to tell a search that found too many.
            limit: CANDIDATES as i64 + 1,
            ..Query::default()
        };
        let mut names = Vec::new();
        for word in text.split_whitespace() {
            if let Some(d) = parse_date(word) {
                q.date_of_birth = Some(d);
            } else if word.chars().any(|c| c.is_ascii_digit()) {
                q.identifier = Some(word.to_ascii_uppercase());
            } else {
                names.push(word);
            }
        }
        q.tokens = tokens(&names.join(" "));
        q.phonetics = q.tokens.iter().map(|t| soundex(t)).collect();
        q
    }

    /// Whether the query asks for anything.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty() && self.date_of_birth.is_none() && self.identifier.is_none()
    }

    /// Whether the store found as many candidates as it was allowed to, so that some may
    /// have been left out: the search must then be narrowed, not answered.
    pub fn too_broad(&self, found: usize) -> bool {
        i64::try_from(found).map_or(true, |n| n >= self.limit)
    }
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .ok()
}

/// Levenshtein distance between two short strings.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// How well a candidate matches: higher is better; 0 means no match.
pub fn score(row: &PersonRow, q: &Query) -> u32 {
    let mut s = 0;
    if let Some(id) = &q.identifier {
        let id_matches = row.stream.id().eq_ignore_ascii_case(id)
            || row.upn.as_deref() == Some(id.as_str())
            || row.nhs_number.as_deref() == Some(id.replace(' ', "").as_str());
        if id_matches {
            s += 100;
        }
    }
    if q.date_of_birth.is_some() && row.date_of_birth == q.date_of_birth {
        s += 30;
    }
    for (t, k) in q.tokens.iter().zip(&q.phonetics) {
        let best = row
            .tokens
            .iter()
            .map(|(rt, rk)| {
                if rt == t {
                    20
                } else if rt.starts_with(t.as_str()) && t.len() >= 2 {
                    14
                } else if distance(rt, t) <= 1 + rt.len().max(t.len()) / 6 {
                    12
                } else if rk == k {
                    9
                } else {
                    0
                }
            })
            .max()
            .unwrap_or(0);
        if best == 0 && (q.date_of_birth.is_none() || s < 30) {
            // Every name typed must match something unless the rest matched strongly.
            return 0;
        }
        s += best;
    }
    s
}

/// Orders candidates best first, dropping those that do not match.
pub fn rank(rows: Vec<PersonRow>, q: &Query) -> Vec<(u32, PersonRow)> {
    let mut scored: Vec<(u32, PersonRow)> = rows
        .into_iter()
        .map(|r| (score(&r, q), r))
        .filter(|(s, _)| *s > 0)
        .collect();
    scored.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| a.1.display_name.cmp(&b.1.display_name))
    });
    scored
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soundex_matches_common_variants() {
        assert_eq!(soundex("robert"), "R163");
        assert_eq!(soundex("rupert"), "R163");
        assert_eq!(soundex("ashcraft"), "A261");
        assert_eq!(soundex("smith"), soundex("smyth"));
        assert_eq!(soundex("ashdown"), soundex("ashdon"));
        assert_eq!(soundex("tymczak"), "T522");
        assert_eq!(soundex("a"), "A000");
    }

    #[test]
    fn normalising_names() {
        assert_eq!(normalise("  Zoë  O'Brien-Smith "), "zoe obrien smith");
        assert_eq!(tokens("Anna anna ANNA"), vec!["anna"]);
    }

    #[test]
    fn queries_split_dates_identifiers_and_names() {
        let q = Query::parse("Jasmin Ashdon 14/03/2008");
        assert_eq!(q.tokens, vec!["ashdon", "jasmin"]);
        assert_eq!(q.date_of_birth, NaiveDate::from_ymd_opt(2008, 3, 14));
        let q = Query::parse("c1");
        assert_eq!(q.identifier.as_deref(), Some("C1"));
    }
}
