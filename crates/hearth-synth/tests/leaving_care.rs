//! Care ends at 18 in a generated borough: no young person is looked after past their 18th
//! birthday, whatever day of the week it falls on (DfE's SSDA903 359 allows it only for
//! section 20(5) accommodation in a community home, which the generator does not make).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use hearth_domain::child::{ChildEvent, fold};
use hearth_domain::interchange::Journey;
use hearth_domain::time::birthday;
use hearth_domain::{ChildId, Recorded};
use hearth_standards::AsAt;
use hearth_standards::calendar::Calendar;
use hearth_synth::{Generator, Inputs, Params};

#[test]
fn nobody_is_looked_after_past_their_18th_birthday() {
    let mut generator = Generator::new(
        Params {
            population: 6_000,
            years: 6,
            seed: 23,
            as_at: AsAt::end_of(NaiveDate::from_ymd_opt(2026, 5, 15).unwrap()).instant,
        },
        Inputs::builtin().unwrap(),
    )
    .unwrap();
    let mut children: std::collections::BTreeMap<ChildId, Vec<Recorded<ChildEvent>>> =
        Default::default();
    while let Some(lines) = generator.next_lines(500).unwrap() {
        for line in lines {
            if let Journey::Child(id, events) = line.journey {
                children.entry(id).or_default().extend(events);
            }
        }
    }
    let calendar = Calendar::england_and_wales();
    let (mut at_eighteen, mut on_a_day_off) = (0, 0);
    for (id, events) in &children {
        let r = fold(id, events);
        let Some(eighteen) = r.date_of_birth().and_then(|b| birthday(b, 18)) else {
            continue;
        };
        for e in &r.care_episodes {
            let Some((ended, _)) = e.end else { continue };
            assert!(
                ended.date() <= eighteen,
                "{id}: looked after until {}, past their 18th birthday on {eighteen}",
                ended.date()
            );
            if ended.date() == eighteen {
                at_eighteen += 1;
                on_a_day_off += usize::from(!calendar.is_working_day(eighteen));
            }
        }
    }
    // The borough has young people leaving care at 18, some on a weekend or bank holiday.
    assert!(at_eighteen > 10, "{at_eighteen} left care at 18");
    assert!(on_a_day_off > 0, "none left on a day off");
}
