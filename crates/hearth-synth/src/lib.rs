//! A synthetic borough, generated deterministically from a seed: a workforce in teams, years
//! of families and children coming to the service, and what happened to them, at rates close
//! to England's. Everything it makes is written through the same checks as user input (the
//! interchange import), so the borough is a valid record by construction.
//!
//! Generation is pure and streaming: families are produced in the order they arrive, a batch
//! at a time, so a region of a million children never needs to be held in memory at once.

pub mod audits;
mod calendar;
pub mod data;
mod family;
mod journey;
mod oversight;
mod realize;
pub mod rng;
pub mod run;
pub mod summary;
mod world;

use chrono::{Datelike, Days, NaiveDate};
use hearth_domain::Timestamp;
use hearth_domain::directory::AdopterEvent;
use hearth_domain::event::{Actor, Recorded};
use hearth_domain::ids::AdopterId;
use hearth_domain::interchange::{Journey, JourneyLine};
use hearth_domain::people::{AdopterHousehold, PersonName, ProspectiveAdopter};
use hearth_domain::values::Line;

pub use data::{DataError, Names, Postcodes, Profile, Rates};
pub use family::Arrival;
use journey::{Adopted, Gen, Ids};
use rng::Rng;
use world::World;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// Children under 18 in the borough.
    pub population: u64,
    /// Years of history before the as-at instant.
    pub years: u32,
    /// The seed: the same seed and parameters give the same borough.
    pub seed: u64,
    /// The instant the history runs up to.
    pub as_at: Timestamp,
}

/// The inputs besides the parameters.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The council.
    pub profile: Profile,
    /// Rates and mixes.
    pub rates: Rates,
    /// Name lists.
    pub names: Names,
    /// Postcodes.
    pub postcodes: Postcodes,
}

impl Inputs {
    /// The built-in borough: Bromley, with the default rates.
    pub fn builtin() -> Result<Inputs, DataError> {
        let profile = Profile::bromley()?;
        let postcodes = Postcodes::builtin(&profile.council.ons_code)?;
        Ok(Inputs {
            profile,
            rates: Rates::default_rates()?,
            names: Names::builtin()?,
            postcodes,
        })
    }
}

/// Years before the history window in which long stays in care may have begun.
const LONG_STAY_YEARS: u64 = 12;

/// The next arrival of each kind.
#[derive(Debug, Clone, Copy)]
struct Stream {
    kind: Arrival,
    next: Timestamp,
    mean_days: f64,
}

/// The generator.
pub struct Generator {
    params: Params,
    inputs: Inputs,
    world: World,
    ids: Ids,
    adopted: Vec<Adopted>,
    streams: Vec<Stream>,
    rng: Rng,
    families: u64,
    window_start: NaiveDate,
    categories: std::cell::Cell<[u64; 5]>,
    quotas: std::cell::RefCell<std::collections::BTreeMap<(&'static str, i32), f64>>,
}

impl Generator {
    /// Prepares a borough: builds the workforce and the arrival processes.
    pub fn new(params: Params, inputs: Inputs) -> Result<Generator, DataError> {
        let as_at = params.as_at.london_date();
        let window_start =
            NaiveDate::from_ymd_opt(as_at.year() - params.years as i32, as_at.month(), 1)
                .unwrap_or(as_at);
        let history_start = window_start - Days::new(LONG_STAY_YEARS * 365);
        let world = World::build(
            params.seed,
            &inputs.profile,
            &inputs.rates,
            &inputs.names,
            params.population,
            history_start,
            as_at,
        )?;
        let r = &inputs.rates;
        let per_year = params.population as f64 / 10_000.0;
        // Referrals each year, less the share that are children referred again, spread over
        // families of one to three children.
        let new_children = r.targets.referrals_per_10k * per_year * r.front_door.new_child_share;
        let family_size = 1.0 + r.front_door.sibling_group * 1.5;
        let referral_families = new_children / family_size;
        let uasc = r.looked_after.entries_per_10k * per_year * r.looked_after.uasc_entry_share;
        let contact_only = r.targets.referrals_per_10k
            * per_year
            * (r.front_door.contacts_per_referral - 1.0).max(0.1)
            / 2.0;
        let start = Timestamp::start_of_london_day(history_start);
        let mut rng = Rng::stream(params.seed, "arrivals", 0);
        let mut streams = Vec::new();
        for (kind, per_year) in [
            (Arrival::Referral, referral_families),
            (Arrival::Uasc, uasc),
            (Arrival::ContactOnly, contact_only),
        ] {
            if per_year > 0.0 {
                let mean_days = 365.25 / per_year;
                let next = start
                    .plus_micros((rng.exponential(mean_days) * 86_400e6) as i64)
                    .unwrap_or(start);
                streams.push(Stream {
                    kind,
                    next,
                    mean_days,
                });
            }
        }
        Ok(Generator {
            params,
            inputs,
            world,
            ids: Ids::default(),
            adopted: Vec::new(),
            streams,
            rng,
            families: 0,
            window_start,
            categories: std::cell::Cell::new([0; 5]),
            quotas: std::cell::RefCell::new(std::collections::BTreeMap::new()),
        })
    }

    /// The first day of the history window (`years` before the as-at date).
    pub fn window_start(&self) -> NaiveDate {
        self.window_start
    }

    /// Lines creating the teams, staff and professionals: write these first.
    pub fn workforce(&mut self) -> Vec<JourneyLine> {
        std::mem::take(&mut self.world.lines)
    }

    /// How many staff records the borough has.
    pub fn staff(&self) -> usize {
        self.world.staff_count()
    }

    /// How far through the history the arrivals have got, from 0 to 1.
    pub fn progress(&self) -> f64 {
        let start = self.world.history_start_instant();
        let next = self
            .streams
            .iter()
            .map(|s| s.next)
            .min()
            .unwrap_or(self.params.as_at);
        let done = (next.micros() - start.micros()) as f64;
        let all = (self.params.as_at.micros() - start.micros()).max(1) as f64;
        (done / all).clamp(0.0, 1.0)
    }

    /// The lines of the next families to arrive, at least `min_lines` of them (fewer at the
    /// end); `None` when every arrival up to the as-at instant has been made.
    pub fn next_lines(&mut self, min_lines: usize) -> Result<Option<Vec<JourneyLine>>, DataError> {
        let mut out = Vec::new();
        while out.len() < min_lines {
            let Some(i) = (0..self.streams.len()).min_by_key(|&i| self.streams[i].next) else {
                break;
            };
            let s = self.streams[i];
            if s.next > self.params.as_at {
                break;
            }
            // Arrivals are spread more evenly than a Poisson process would spread them (gaps
            // of half to one and a half times the mean), so that a borough's figures do not
            // swing with chance clusters of families from one seed to the next.
            let gap = ((0.5 + self.rng.unit()) * s.mean_days * 86_400e6) as i64;
            self.streams[i].next = s.next.plus_micros(gap.max(1)).unwrap_or(self.params.as_at);
            self.families += 1;
            let mut rng = Rng::stream(self.params.seed, "family", self.families);
            // Arrivals come in office hours, except that police and out-of-hours referrals
            // come at any time.
            let day = s.next.london_date();
            let at = if rng.chance(0.8) {
                calendar::at_time(
                    calendar::next_working_day(day),
                    9 + rng.below(8) as u32,
                    rng.below(60) as u32,
                )
            } else {
                s.next
            };
            let mut generation = Gen {
                seed: self.params.seed,
                world: &mut self.world,
                rates: &self.inputs.rates,
                names: &self.inputs.names,
                postcodes: &self.inputs.postcodes,
                council: &self.inputs.profile.council,
                window_start: self.window_start,
                as_at: self.params.as_at,
                ids: &mut self.ids,
                adopted: &mut self.adopted,
                categories: &self.categories,
                quotas: &self.quotas,
            };
            if let Some(lines) = generation.family(&mut rng, at, s.kind)? {
                out.extend(lines);
            }
        }
        Ok(if out.is_empty() { None } else { Some(out) })
    }

    /// Prospective adopter households (Ofsted Annex A List 11): one for each child matched
    /// for adoption, and some who enquired but did not go on. Write these last.
    pub fn adopters(&mut self) -> Result<Vec<JourneyLine>, DataError> {
        let mut lines = Vec::new();
        let mut rng = Rng::stream(self.params.seed, "adopters", 0);
        let system = Actor::System("synth".to_owned());
        let names = &self.inputs.names;
        let adopted = std::mem::take(&mut self.adopted);
        let window = Timestamp::start_of_london_day(self.window_start);
        let mut n = 0u32;
        let household = |rng: &mut Rng, two: bool| -> Result<AdopterHousehold, DataError> {
            let family = world::pick_name(rng, &names.family);
            let mut adopters = Vec::new();
            for i in 0..(if two { 2 } else { 1 }) {
                let female = if two {
                    i == 1 || rng.chance(0.1)
                } else {
                    rng.chance(0.8)
                };
                adopters.push(ProspectiveAdopter {
                    name: PersonName {
                        given: line(&world::pick_name(
                            rng,
                            if female { &names.female } else { &names.male },
                        ))?,
                        family: line(&family)?,
                        preferred: None,
                    },
                    gender: if female {
                        hearth_domain::codes::GenderIdentity::Female
                    } else {
                        hearth_domain::codes::GenderIdentity::Male
                    },
                    ethnicity: *rng
                        .pick(&[
                            hearth_domain::codes::Ethnicity::Wbri,
                            hearth_domain::codes::Ethnicity::Wbri,
                            hearth_domain::codes::Ethnicity::Bafr,
                            hearth_domain::codes::Ethnicity::Mwbc,
                            hearth_domain::codes::Ethnicity::Woth,
                        ])
                        .unwrap_or(&hearth_domain::codes::Ethnicity::Wbri),
                    disability: rng.chance(0.05),
                });
            }
            Ok(AdopterHousehold {
                adopters,
                fostering_for_adoption: rng.chance(0.15),
            })
        };
        let ev = |at: Timestamp, event: AdopterEvent| Recorded {
            occurred_at: at,
            recorded_at: at,
            recorded_by: system.clone(),
            event,
        };
        for a in adopted.iter().filter(|a| a.matched >= window) {
            n += 1;
            let id = AdopterId::parse(&format!("A{n:05}")).map_err(|e| DataError::Invalid {
                file: "generated".into(),
                message: e.to_string(),
            })?;
            let day = |t: Timestamp, back: i64| t.plus_micros(-back * 86_400_000_000).unwrap_or(t);
            let approved = day(a.matched, 30 + rng.below(200) as i64);
            let stage_two_end = day(approved, 20 + rng.below(20) as i64);
            let stage_two = day(stage_two_end, 110 + rng.below(40) as i64);
            let stage_one_end = day(stage_two, 7 + rng.below(20) as i64);
            let stage_one = day(stage_one_end, 55 + rng.below(20) as i64);
            let enquiry = day(stage_one, 20 + rng.below(60) as i64);
            use hearth_domain::codes::AdopterStage::{One, Two};
            let first = household(&mut rng, a.sex.number() == 2)?;
            let mut events = vec![ev(
                enquiry,
                AdopterEvent::AdopterEnquiryReceived {
                    household: first.clone(),
                },
            )];
            // Some households' details change after they first enquire.
            if rng.chance(0.15) {
                let mut changed = first;
                changed.fostering_for_adoption = !changed.fostering_for_adoption;
                events.push(ev(
                    day(stage_one, 5),
                    AdopterEvent::AdopterDetailsAmended { household: changed },
                ));
            }
            events.extend([
                ev(stage_one, AdopterEvent::AdopterStageStarted { stage: One }),
                ev(
                    stage_one_end,
                    AdopterEvent::AdopterStageEnded { stage: One },
                ),
                ev(stage_two, AdopterEvent::AdopterApplicationSubmitted {}),
                ev(stage_two, AdopterEvent::AdopterStageStarted { stage: Two }),
                ev(
                    stage_two_end,
                    AdopterEvent::AdopterStageEnded { stage: Two },
                ),
                ev(approved, AdopterEvent::AdopterApproved {}),
                ev(
                    a.matched,
                    AdopterEvent::AdopterMatched {
                        children: vec![a.child.clone()],
                    },
                ),
                ev(
                    a.placed,
                    AdopterEvent::AdopterChildrenPlaced {
                        children: vec![a.child.clone()],
                    },
                ),
            ]);
            if let Some(o) = a.order {
                events.push(ev(o, AdopterEvent::AdopterOrderGranted {}));
            }
            lines.push(JourneyLine::whole(Journey::Adopter(id, events)));
            // Some households enquire and go no further.
            if rng.chance(0.4) {
                n += 1;
                let id = AdopterId::parse(&format!("A{n:05}")).map_err(|e| DataError::Invalid {
                    file: "generated".into(),
                    message: e.to_string(),
                })?;
                let enquiry = day(a.matched, 100 + rng.below(300) as i64);
                let two = rng.chance(0.6);
                let mut events = vec![ev(
                    enquiry,
                    AdopterEvent::AdopterEnquiryReceived {
                        household: household(&mut rng, two)?,
                    },
                )];
                if rng.chance(0.6) {
                    events.push(ev(
                        day(enquiry, -30),
                        AdopterEvent::AdopterStageStarted { stage: One },
                    ));
                }
                let reason = *rng
                    .pick(&[
                        hearth_domain::codes::AdopterLeavingReason::Withdrew,
                        hearth_domain::codes::AdopterLeavingReason::OnHold,
                        hearth_domain::codes::AdopterLeavingReason::Refused,
                    ])
                    .unwrap_or(&hearth_domain::codes::AdopterLeavingReason::Withdrew);
                events.push(ev(
                    day(enquiry, -70),
                    AdopterEvent::AdopterLeftProcess { reason },
                ));
                if events.iter().all(|e| e.occurred_at <= self.params.as_at) {
                    lines.push(JourneyLine::whole(Journey::Adopter(id, events)));
                }
            }
        }
        Ok(lines)
    }
}

fn line(s: &str) -> Result<Line, DataError> {
    Line::parse(s).map_err(|e| DataError::Invalid {
        file: "generated".into(),
        message: e.to_string(),
    })
}
