//! Messages in the words people use: dates as they write them ("7 December 2026", "at 09:30"
//! in England), and a value's problem named by the question it answers.

use chrono::NaiveDate;
use hearth_domain::Timestamp;

/// A date as people write it.
pub fn day(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// An instant as people in England write it.
pub fn moment(t: Timestamp) -> String {
    t.london_date_time()
        .format("%-d %B %Y at %H:%M")
        .to_string()
}

/// The length of an ISO date or instant at the start of `s`, and its words.
fn iso_at(s: &str) -> Option<(usize, String)> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    if !(digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10))
    {
        return None;
    }
    let date = NaiveDate::parse_from_str(&s[..10], "%Y-%m-%d").ok()?;
    if b.get(10) == Some(&b'T') {
        let end = s[11..]
            .find(|c: char| !(c.is_ascii_digit() || ":.Z+-".contains(c)))
            .map_or(s.len(), |e| e + 11);
        // A full stop ending a sentence is not part of the instant.
        let end = if s[..end].ends_with('.') {
            end - 1
        } else {
            end
        };
        if let Ok(t) = Timestamp::parse(&s[..end]) {
            return Some((end, moment(t)));
        }
    }
    Some((10, day(date)))
}

/// A message with every ISO date and instant in it written as people write them: the
/// record's rules give dates as the record stores them.
pub fn dates_in(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut i = 0;
    while i < message.len() {
        let starts_word = i == 0
            || !message[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric());
        if starts_word && let Some((len, words)) = iso_at(&message[i..]) {
            out.push_str(&words);
            i += len;
            continue;
        }
        let c = message[i..].chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// A large number with its thousands separated, as people write it.
fn thousands(message: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() > 4 {
            let first = run.len() % 3;
            for (i, c) in run.chars().enumerate() {
                if i > 0 && (i + 3 - first).is_multiple_of(3) {
                    out.push(',');
                }
                out.push(c);
            }
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in message.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// A value's problem named by the question it answers: the record's value types say "text
/// must be at most 50000 characters"; the page says which answer.
pub fn value_problem(what: &str, problem: &str) -> String {
    let rest = ["text ", "line ", "postcode ", "urn ", "email ", "phone "]
        .iter()
        .find_map(|k| problem.strip_prefix(k))
        .unwrap_or(problem);
    let mut what = what.chars();
    let what = what.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(what).collect::<String>()
    });
    thousands(&format!("{what} {rest}"))
}

/// Why someone may see a child's record, shown on it so they can see why they have access.
pub fn relationship(r: hearth_app::policy::Relationship) -> &'static str {
    use hearth_app::policy::Relationship;
    match r {
        Relationship::Allocated => "you are the allocated worker or personal adviser",
        Relationship::SameTeam => "you are in the allocated worker's team",
        Relationship::ManagerChain => "you manage the allocated worker",
        Relationship::ReviewingOfficer => "you are a reviewing officer for this child",
        Relationship::AwaitingAllocation => {
            "the child is waiting for a worker and you are a manager or recorded on the record"
        }
        Relationship::ServiceWide => "your role oversees the whole service",
        Relationship::NamedOnRestriction => {
            "the record is restricted and you restricted it or are named on the restriction"
        }
        Relationship::Auditor => "you are auditing this child's case, until your audit is done",
        Relationship::TransferReceiving => {
            "a transfer to your team is waiting for you to allocate or decline"
        }
        Relationship::Cover => "you are covering the worker's leave",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Point 15 of issue 12: errors give dates as people write them, and name the answer.
    #[test]
    fn messages_read_as_people_write_them() {
        assert_eq!(
            dates_in("a section 47 enquiry has been open since 2026-11-19"),
            "a section 47 enquiry has been open since 19 November 2026"
        );
        assert_eq!(
            dates_in("booked for 2026-07-01T09:30:00.000000Z."),
            "booked for 1 July 2026 at 10:30."
        );
        assert_eq!(
            dates_in("child C2026-11-19 and 12026-01-01"),
            "child C2026-11-19 and 12026-01-01"
        );
        assert_eq!(
            value_problem("what was said", "text must be at most 50000 characters"),
            "What was said must be at most 50,000 characters"
        );
        assert_eq!(
            value_problem("the organisation", "line must not be empty"),
            "The organisation must not be empty"
        );
    }
}
