//! Spans of time and their arithmetic: merging, intersecting and clipping them. The
//! standards read a child's record as spans (a state held, a condition held, a placement
//! lasted) and find where a rule applies by combining them; `states` works out the spans of
//! each state of the record.

mod states;

use chrono::NaiveDate;
use hearth_domain::Timestamp;

use crate::obligation::EventRef;

pub(crate) use states::States;

/// What opened a span of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Opening {
    /// An event.
    Event(EventRef),
    /// The child reached an age, or had been in a placement long enough, on this date.
    Date(NaiveDate),
}

/// A span of time, from an instant until an instant or still open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub from: Timestamp,
    pub to: Option<Timestamp>,
    pub opened_by: Opening,
    /// The event that closed it, if an event did.
    pub closed_by: Option<EventRef>,
}

impl Span {
    pub fn contains(&self, t: Timestamp) -> bool {
        self.from <= t && self.to.is_none_or(|to| t < to)
    }
}

/// Merges spans that overlap or touch. With `same_day`, also spans where one ends and the
/// next begins on the same day in England: for different states, a child leaving care at
/// 10:00 and becoming a care leaver at 10:05 has one span of "looked after or care leaver".
/// Two spans of one state stay apart (two missing episodes in a day are two).
pub(crate) fn union(mut spans: Vec<Span>, same_day: bool) -> Vec<Span> {
    spans.sort_by_key(|s| s.from);
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        let joins =
            |to: Timestamp| s.from <= to || (same_day && s.from.london_date() == to.london_date());
        match out.last_mut() {
            Some(last) if last.to.is_none_or(joins) => {
                if let Some(to) = last.to {
                    match s.to {
                        None => {
                            last.to = None;
                            last.closed_by = None;
                        }
                        Some(sto) if sto > to => {
                            last.to = Some(sto);
                            last.closed_by = s.closed_by;
                        }
                        _ => {}
                    }
                }
            }
            _ => out.push(s),
        }
    }
    out
}

/// The spans where both lists hold.
pub(crate) fn intersect(a: &[Span], b: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    for x in a {
        for y in b {
            let (from, opened_by) = if y.from > x.from {
                (y.from, y.opened_by)
            } else {
                (x.from, x.opened_by)
            };
            let (to, closed_by) = match (x.to, y.to) {
                (None, None) => (None, None),
                (Some(t), None) => (Some(t), x.closed_by),
                (None, Some(t)) => (Some(t), y.closed_by),
                (Some(s), Some(t)) if s <= t => (Some(s), x.closed_by),
                (Some(_), Some(t)) => (Some(t), y.closed_by),
            };
            if to.is_none_or(|to| from < to) {
                out.push(Span {
                    from,
                    to,
                    opened_by,
                    closed_by,
                });
            }
        }
    }
    out.sort_by_key(|s| s.from);
    out
}

/// Clips spans to what was known at the `as_at` instant, and to a life that ended at
/// `end_of_life`: a span still open then, or known to end only later, is open or ends there.
pub(crate) fn clip(
    spans: Vec<Span>,
    as_at: Timestamp,
    end_of_life: Option<Timestamp>,
) -> Vec<Span> {
    spans
        .into_iter()
        .filter(|s| s.from <= as_at)
        .map(|mut s| {
            if s.to.is_some_and(|to| to > as_at) {
                s.to = None;
                s.closed_by = None;
            }
            if let Some(end) = end_of_life
                && s.to.is_none_or(|to| to > end)
            {
                s.to = Some(end);
                s.closed_by = None;
            }
            s
        })
        .filter(|s| s.to.is_none_or(|to| s.from < to))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;

    use super::*;

    const HOUR: i64 = 3_600_000_000;

    /// Hours after midnight (UTC, and so in England) on 6 January 2025, a Monday in winter.
    fn at(hours: i64) -> Timestamp {
        Timestamp::parse("2025-01-06T00:00:00Z")
            .unwrap()
            .plus_micros(hours * HOUR)
            .unwrap()
    }

    fn event(version: u64, hours: i64) -> EventRef {
        EventRef {
            version,
            kind: "test",
            at: at(hours),
        }
    }

    /// A span opened by event `version` at `from` hours, closed by event `version + 100`.
    fn span(version: u64, from: i64, to: Option<i64>) -> Span {
        Span {
            from: at(from),
            to: to.map(at),
            opened_by: Opening::Event(event(version, from)),
            closed_by: to.map(|t| event(version + 100, t)),
        }
    }

    fn bounds(spans: &[Span]) -> Vec<(Timestamp, Option<Timestamp>)> {
        spans.iter().map(|s| (s.from, s.to)).collect()
    }

    #[test]
    fn a_union_joins_spans_that_overlap_or_touch_and_keeps_what_closed_the_last() {
        let joined = union(
            vec![
                span(3, 20, Some(30)),
                span(1, 0, Some(10)),
                span(2, 10, Some(15)),
            ],
            false,
        );
        assert_eq!(
            bounds(&joined),
            vec![(at(0), Some(at(15))), (at(20), Some(at(30)))]
        );
        assert_eq!(joined[0].opened_by, Opening::Event(event(1, 0)));
        assert_eq!(joined[0].closed_by, Some(event(102, 15)));
        // A span inside another changes nothing; an open one leaves the union open.
        let joined = union(vec![span(1, 0, Some(10)), span(2, 2, Some(5))], false);
        assert_eq!(joined[0].closed_by, Some(event(101, 10)));
        let joined = union(vec![span(1, 0, Some(10)), span(2, 5, None)], false);
        assert_eq!(bounds(&joined), vec![(at(0), None)]);
        assert_eq!(joined[0].closed_by, None);
    }

    #[test]
    fn on_the_same_day_a_union_bridges_a_gap_only_when_asked() {
        // Leaving care at 10:00 and becoming a care leaver at 10:05 is one span of either.
        let spans = vec![span(1, 0, Some(10)), span(2, 11, Some(30))];
        assert_eq!(union(spans.clone(), false).len(), 2);
        assert_eq!(bounds(&union(spans, true)), vec![(at(0), Some(at(30)))]);
        // A gap across midnight is not bridged.
        let spans = vec![span(1, 0, Some(23)), span(2, 25, Some(30))];
        assert_eq!(union(spans, true).len(), 2);
    }

    #[test]
    fn an_intersection_opens_with_the_later_start_and_closes_with_the_earlier_end() {
        let both = intersect(&[span(1, 0, Some(20))], &[span(2, 5, None)]);
        assert_eq!(bounds(&both), vec![(at(5), Some(at(20)))]);
        assert_eq!(both[0].opened_by, Opening::Event(event(2, 5)));
        assert_eq!(both[0].closed_by, Some(event(101, 20)));
        // Spans that only touch have nothing in common.
        assert!(intersect(&[span(1, 0, Some(5))], &[span(2, 5, Some(9))]).is_empty());
        // Open on both sides stays open.
        assert_eq!(
            bounds(&intersect(&[span(1, 0, None)], &[span(2, 3, None)])),
            vec![(at(3), None)]
        );
    }

    #[test]
    fn clipping_keeps_what_was_known_at_the_as_at_instant_and_within_the_life() {
        let spans = vec![
            span(1, 0, Some(10)),
            span(2, 12, Some(40)),
            span(3, 50, None),
        ];
        let clipped = clip(spans.clone(), at(20), None);
        // The span still open at the as-at instant is open; the one after it is not yet known.
        assert_eq!(
            bounds(&clipped),
            vec![(at(0), Some(at(10))), (at(12), None)]
        );
        assert_eq!(clipped[1].closed_by, None);
        // A death ends what was open, and what began after it is gone.
        let clipped = clip(spans, at(100), Some(at(30)));
        assert_eq!(
            bounds(&clipped),
            vec![(at(0), Some(at(10))), (at(12), Some(at(30)))]
        );
        assert_eq!(clipped[1].closed_by, None);
    }

    fn spans() -> impl Strategy<Value = Vec<Span>> {
        prop::collection::vec((0i64..200, prop::option::of(1i64..60)), 0..8).prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, (from, len))| span(i as u64 + 1, from, len.map(|l| from + l)))
                .collect()
        })
    }

    proptest! {
        #[test]
        fn a_union_covers_exactly_the_instants_its_spans_cover(list in spans(), t in 0i64..300) {
            let joined = union(list.clone(), false);
            let t = at(t);
            prop_assert_eq!(
                joined.iter().any(|s| s.contains(t)),
                list.iter().any(|s| s.contains(t))
            );
            // Sorted, and apart: no two could be joined further.
            for w in joined.windows(2) {
                prop_assert!(w[0].to.is_some_and(|to| to < w[1].from));
            }
        }

        #[test]
        fn an_intersection_covers_exactly_the_instants_both_cover(
            a in spans(),
            b in spans(),
            t in 0i64..300,
        ) {
            let both = intersect(&a, &b);
            let t = at(t);
            prop_assert_eq!(
                both.iter().any(|s| s.contains(t)),
                a.iter().any(|s| s.contains(t)) && b.iter().any(|s| s.contains(t))
            );
            prop_assert!(both.windows(2).all(|w| w[0].from <= w[1].from));
        }
    }
}
