//! People already known who may be the one being added: a child being registered, an adult
//! joining a child's network, a professional becoming involved. One rule for all of them, on
//! the spelling-tolerant person search, so a duplicate is recognised the same way everywhere.

use chrono::NaiveDate;
use hearth_app::queries::PersonRow;
use hearth_app::search::{Query, score};
use hearth_domain::StreamKind;

use crate::error::WebError;
use crate::state::AppState;

/// Possible matches listed at most: enough to recognise the person, few enough to read.
/// Callers cut to it after deciding which the user may see, never before.
pub const SHOWN: usize = 10;

/// Of `rows`, those who may be the person named: every name typed matches one of theirs
/// (allowing for spelling), or the date of birth is the same and at least one name matches.
/// Best match first, all of them.
pub fn possible(rows: Vec<PersonRow>, names: &str, date: Option<NaiveDate>) -> Vec<PersonRow> {
    let by_name = Query::parse(names);
    let mut by_name_and_date = by_name.clone();
    by_name_and_date.date_of_birth = date;
    let mut ranked: Vec<_> = rows
        .into_iter()
        .map(|r| (score(&r, &by_name), score(&r, &by_name_and_date), r))
        // 30 for the date and at least a phonetic match on one name.
        .filter(|(names, both, r)| {
            *names > 0 || (date.is_some() && r.date_of_birth == date && *both >= 39)
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| a.2.display_name.cmp(&b.2.display_name))
    });
    ranked.into_iter().map(|(_, _, r)| r).collect()
}

/// The records of one kind in the person search that may be the person named (see
/// [`possible`]). Who may see them is for the caller to decide.
pub async fn possible_in_store(
    state: &AppState,
    kind: StreamKind,
    names: &str,
    date: Option<NaiveDate>,
) -> Result<Vec<PersonRow>, WebError> {
    let mut query = Query::parse(names);
    query.date_of_birth = date;
    query.kind = Some(kind);
    let rows = state.app.search_candidates(&query).await?;
    Ok(possible(rows, names, date))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use hearth_app::search::name_tokens;
    use hearth_domain::StreamId;

    use super::*;

    fn row(id: &str, name: &str, born: Option<(i32, u32, u32)>) -> PersonRow {
        PersonRow {
            stream: StreamId::parse(id).unwrap(),
            display_name: name.into(),
            family_name: String::new(),
            given_names: String::new(),
            date_of_birth: born.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
            upn: None,
            nhs_number: None,
            postcode: None,
            tokens: name_tokens(name),
        }
    }

    #[test]
    fn names_spelt_differently_or_one_name_and_the_date_match() {
        let born = NaiveDate::from_ymd_opt(1988, 4, 2);
        let rows = vec![
            row("person/P1", "Maureen Oakley", Some((1988, 4, 2))),
            row("person/P2", "Maureen Smith", Some((1988, 4, 2))),
            row("person/P3", "Maureen Jones", Some((1990, 1, 1))),
            row("person/P4", "Colin Oakes", None),
        ];
        let found: Vec<String> = possible(rows, "Maurine Oakly", born)
            .into_iter()
            .map(|r| r.stream.id().to_owned())
            .collect();
        // Both names near: P1 first. One name and the date: P2. One name only: not P3.
        assert_eq!(found, vec!["P1", "P2"]);
    }

    #[test]
    fn without_a_date_every_name_must_match() {
        let rows = vec![row("person/P2", "Maureen Smith", Some((1988, 4, 2)))];
        assert!(possible(rows, "Maureen Oakley", None).is_empty());
    }
}
