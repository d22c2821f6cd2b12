//! Families: who is in them, how their children come to the service, and the lines that
//! record them (the adults first, then each child).

use chrono::{Datelike, Days, NaiveDate};
use hearth_domain::Timestamp;
use hearth_domain::child::ChildEvent;
use hearth_domain::codes::*;
use hearth_domain::directory::PersonEvent;
use hearth_domain::event::{Actor, Recorded};
use hearth_domain::ids::{ChildId, FamilyId, PersonId, ProfessionalId};
use hearth_domain::interchange::{Journey, JourneyLine};
use hearth_domain::people::{Address, ChildDetails, PersonDetails, PersonName};
use hearth_domain::time::birthday;
use hearth_domain::values::{Email, LanguageCode, Line, NhsNumber, Phone, Upn};

use crate::calendar::at_time;
use crate::data::DataError;
use crate::journey::{Child, Gen, Route};
use crate::realize::{Item, Who, text};
use crate::rng::Rng;
use crate::world::pick_name;

/// How a family first comes to the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// A referral about one or more children.
    Referral,
    /// An unaccompanied asylum-seeking child.
    Uasc,
    /// Contacts that never become a referral.
    ContactOnly,
}

fn err(m: impl std::fmt::Display) -> DataError {
    DataError::Invalid {
        file: "generated".into(),
        message: m.to_string(),
    }
}

fn plus(t: Timestamp, micros: i64) -> Timestamp {
    t.plus_micros(micros).unwrap_or(t)
}

const DAY: i64 = 86_400_000_000;

/// Ethnicity of a family, weighted roughly as the borough's children are.
fn ethnicity(rng: &mut Rng) -> Ethnicity {
    use Ethnicity::*;
    *rng.weighted(&[
        (Wbri, 0.58),
        (Woth, 0.07),
        (Wiri, 0.01),
        (Wirt, 0.004),
        (Wrom, 0.006),
        (Mwbc, 0.05),
        (Mwba, 0.02),
        (Mwas, 0.02),
        (Moth, 0.04),
        (Aind, 0.02),
        (Apkn, 0.01),
        (Aban, 0.01),
        (Aoth, 0.02),
        (Bcrb, 0.03),
        (Bafr, 0.05),
        (Both, 0.02),
        (Chne, 0.005),
        (Ooth, 0.02),
        (Refu, 0.002),
        (Nobt, 0.008),
    ])
    .unwrap_or(&Wbri)
}

fn language(rng: &mut Rng, e: Ethnicity) -> &'static str {
    use Ethnicity::*;
    match e {
        Wbri | Wiri | Wirt | Mwbc | Mwba | Mwas | Bcrb => "eng",
        Woth | Wrom => rng
            .weighted(&[
                ("eng", 0.5),
                ("pol", 0.2),
                ("ron", 0.15),
                ("lit", 0.08),
                ("bul", 0.07),
            ])
            .unwrap_or(&"eng"),
        Aind | Apkn | Aban => rng
            .weighted(&[
                ("eng", 0.6),
                ("urd", 0.15),
                ("pan", 0.1),
                ("ben", 0.1),
                ("guj", 0.05),
            ])
            .unwrap_or(&"eng"),
        Bafr => rng
            .weighted(&[
                ("eng", 0.6),
                ("yor", 0.15),
                ("som", 0.1),
                ("twi", 0.1),
                ("tir", 0.05),
            ])
            .unwrap_or(&"eng"),
        Chne => rng
            .weighted(&[("eng", 0.6), ("yue", 0.2), ("cmn", 0.2)])
            .unwrap_or(&"eng"),
        _ => rng
            .weighted(&[
                ("eng", 0.6),
                ("ara", 0.15),
                ("tur", 0.1),
                ("por", 0.1),
                ("spa", 0.05),
            ])
            .unwrap_or(&"eng"),
    }
}

/// A unique pupil number that is valid but plainly synthetic: the council's number, then
/// "99", then a serial.
fn upn(la: &str, serial: u64) -> Result<Upn, DataError> {
    let body = format!("{la}99{:07}", serial % 10_000_000);
    let letter = Upn::check_letter(&body).ok_or_else(|| err("UPN body"))? as char;
    Upn::parse(&format!("{letter}{body}")).map_err(err)
}

/// An NHS number in the range reserved for test data (starting 999), with its check digit.
fn nhs_number(serial: u64) -> Option<NhsNumber> {
    let mut s = serial % 1_000_000;
    for _ in 0..20 {
        let nine = format!("999{s:06}");
        if let Some(check) = NhsNumber::check_digit(&nine) {
            return NhsNumber::parse(&format!("{nine}{}", check as char)).ok();
        }
        s = (s + 1) % 1_000_000;
    }
    None
}

impl Gen<'_> {
    fn next_child(&mut self) -> Result<ChildId, DataError> {
        self.ids.child += 1;
        ChildId::parse(&format!("C{:07}", self.ids.child)).map_err(err)
    }

    fn next_person(&mut self) -> Result<PersonId, DataError> {
        self.ids.person += 1;
        PersonId::parse(&format!("P{:07}", self.ids.person)).map_err(err)
    }

    fn age_at_referral(&self, rng: &mut Rng) -> u32 {
        let band = *rng
            .weighted(&[
                ((0u32, 0u32), 0.10),
                ((1, 4), 0.20),
                ((5, 9), 0.25),
                ((10, 15), 0.35),
                ((16, 17), 0.10),
            ])
            .unwrap_or(&(5, 9));
        band.0 + rng.below(u64::from(band.1 - band.0 + 1)) as u32
    }

    /// Generates one family arriving at `arrival`. Returns nothing when none of its
    /// children's involvement reaches the history window.
    pub fn family(
        &mut self,
        rng: &mut Rng,
        arrival: Timestamp,
        kind: Arrival,
    ) -> Result<Option<Vec<JourneyLine>>, DataError> {
        let as_at = self.as_at;
        let family_name = pick_name(rng, &self.names.family);
        let eth = if kind == Arrival::Uasc {
            *rng.pick(&[
                Ethnicity::Aoth,
                Ethnicity::Bafr,
                Ethnicity::Ooth,
                Ethnicity::Both,
                Ethnicity::Moth,
            ])
            .unwrap_or(&Ethnicity::Ooth)
        } else {
            ethnicity(rng)
        };
        let home = rng
            .pick(&self.postcodes.local)
            .cloned()
            .ok_or_else(|| err("no postcodes"))?;
        let count = match kind {
            Arrival::Referral if rng.chance(self.rates.front_door.sibling_group) => {
                2 + rng.below(2) as usize
            }
            _ => 1,
        };
        let route = if kind == Arrival::Referral {
            self.route(rng)
        } else {
            Route::Assessment(AssessmentOutcome::LookedAfter)
        };
        let source = match kind {
            Arrival::Uasc => *rng
                .pick(&[
                    ReferralSource::Police,
                    ReferralSource::LaExternal,
                    ReferralSource::Other,
                ])
                .unwrap_or(&ReferralSource::Police),
            _ => *rng
                .weighted(&[
                    (ReferralSource::Police, 0.28),
                    (ReferralSource::Schools, 0.20),
                    (ReferralSource::HealthOther, 0.06),
                    (ReferralSource::HealthGp, 0.03),
                    (ReferralSource::HealthVisitor, 0.03),
                    (ReferralSource::HealthEmergency, 0.02),
                    (ReferralSource::HealthSchoolNurse, 0.01),
                    (ReferralSource::HealthOtherPrimary, 0.02),
                    (ReferralSource::LaSocialCare, 0.05),
                    (ReferralSource::LaOtherInternal, 0.04),
                    (ReferralSource::LaExternal, 0.03),
                    (ReferralSource::LaEarlyHelp, 0.02),
                    (ReferralSource::IndividualFamily, 0.06),
                    (ReferralSource::IndividualSelf, 0.01),
                    (ReferralSource::IndividualAcquaintance, 0.01),
                    (ReferralSource::IndividualOther, 0.01),
                    (ReferralSource::Housing, 0.02),
                    (ReferralSource::EducationServices, 0.01),
                    (ReferralSource::OtherLegal, 0.03),
                    (ReferralSource::Other, 0.03),
                    (ReferralSource::Anonymous, 0.02),
                    (ReferralSource::Unknown, 0.01),
                ])
                .unwrap_or(&ReferralSource::Police),
        };

        // The children.
        let unborn_index = kind == Arrival::Referral && rng.chance(self.rates.front_door.unborn);
        let mut children: Vec<Child> = Vec::new();
        let mut first_age = self.age_at_referral(rng);
        if kind == Arrival::Uasc {
            first_age = 15 + rng.below(3) as u32;
        }
        for n in 0..count {
            let id = self.next_child()?;
            let female = if kind == Arrival::Uasc {
                rng.chance(0.1)
            } else {
                rng.chance(0.49)
            };
            let arrival_day = arrival.london_date();
            let (dob, edd, born) = if n == 0 && unborn_index {
                let edd = arrival_day + Days::new(40 + rng.below(160));
                let born = edd + Days::new(rng.below(28)) - Days::new(14);
                (None, Some(edd), Some(born))
            } else {
                let age = if n == 0 {
                    first_age
                } else {
                    (first_age + 1 + rng.below(4) as u32).min(17)
                };
                let dob = arrival_day - Days::new(u64::from(age) * 365 + 1 + rng.below(360));
                (Some(dob), None, None)
            };
            let given = pick_name(
                rng,
                if female {
                    &self.names.female
                } else {
                    &self.names.male
                },
            );
            let disabled = rng.chance(0.10);
            let disabilities = if disabled {
                let pool = [
                    (Disability::Aut, 0.3),
                    (Disability::Ld, 0.25),
                    (Disability::Comm, 0.15),
                    (Disability::Beh, 0.1),
                    (Disability::Mob, 0.05),
                    (Disability::Hear, 0.03),
                    (Disability::Vis, 0.03),
                    (Disability::Pc, 0.03),
                    (Disability::Hand, 0.02),
                    (Disability::Inc, 0.02),
                    (Disability::Con, 0.01),
                    (Disability::Dda, 0.01),
                ];
                let mut d = vec![*rng.weighted(&pool).unwrap_or(&Disability::Aut)];
                if rng.chance(0.3) {
                    let extra = *rng.weighted(&pool).unwrap_or(&Disability::Ld);
                    if !d.contains(&extra) {
                        d.push(extra);
                    }
                }
                d
            } else {
                vec![Disability::None]
            };
            children.push(Child {
                id,
                home: home.clone(),
                female,
                dob,
                edd,
                born,
                given,
                ethnicity: eth,
                disabilities,
                uasc: kind == Arrival::Uasc,
                episodes: Vec::new(),
                care_leaver: false,
            });
        }

        // Plans.
        if kind != Arrival::ContactOnly {
            for c in children.iter_mut() {
                let offset = rng.below(90) as i64 * 60_000_000;
                let r = plus(arrival, offset);
                let mut e = self.plan_episode(rng, c, r, route, source);
                if kind == Arrival::Uasc {
                    e.care = None;
                    e.cin.clear();
                    e.closure = None;
                    if let Some(a) = &e.assessment {
                        let start = plus(a.start, DAY);
                        self.plan_care(rng, c, &mut e, start, Some(true));
                    }
                    crate::journey::close_after_assessment(&mut e);
                }
                c.episodes.push(e);
                // Referred again after closure, most within a year.
                while c.episodes.len() < 4 {
                    let Some((closed, _)) = c.episodes.last().and_then(|e| e.closure) else {
                        break;
                    };
                    if closed >= as_at || !rng.chance(self.rates.front_door.rereferral_share) {
                        break;
                    }
                    let next = plus(closed, (rng.exponential(80.0) as i64 + 3) * DAY);
                    let next = at_time(
                        crate::calendar::next_working_day(next.london_date()),
                        9 + rng.below(8) as u32,
                        rng.below(60) as u32,
                    );
                    if next >= as_at
                        || c.birth().is_some_and(|b| {
                            hearth_domain::time::age_on(b, next.london_date()) >= 18
                        })
                    {
                        break;
                    }
                    let again = self.route(rng);
                    let e = self.plan_episode(rng, c, next, again, source);
                    c.episodes.push(e);
                }
                // Care leavers: in care on their 16th birthday after at least 13 weeks.
                if let Some(b) = c.birth() {
                    let sixteen = birthday(b, 16).unwrap_or(b);
                    c.care_leaver = c
                        .episodes
                        .iter()
                        .filter_map(|e| e.care.as_ref())
                        .any(|care| {
                            let start = care.start().london_date();
                            let end = care.end.map_or(NaiveDate::MAX, |(t, _)| t.london_date());
                            start + Days::new(91) <= end.min(sixteen + Days::new(365 * 2))
                                && end > sixteen
                                && start <= sixteen + Days::new(365 * 2)
                        });
                }
            }
        }
        // Keep the family only if it reaches the window.
        let window = Timestamp::start_of_london_day(self.window_start);
        let reaches = match kind {
            Arrival::ContactOnly => arrival >= window,
            _ => children.iter().any(|c| c.last_activity(as_at) >= window),
        };
        if !reaches || arrival > as_at {
            return Ok(None);
        }

        let mut lines = Vec::new();
        // The adults.
        let mother = if kind == Arrival::Uasc {
            None
        } else {
            Some(self.next_person()?)
        };
        let father = if kind != Arrival::Uasc && rng.chance(0.6) {
            Some(self.next_person()?)
        } else {
            None
        };
        let street = format!(
            "{} {} {}",
            1 + rng.below(180),
            pick_name(rng, &self.names.street_first),
            pick_name(rng, &self.names.street_end)
        );
        let town = pick_name(rng, &self.names.towns);
        let address = Address {
            lines: vec![Line::parse(&street).map_err(err)?],
            town: Some(Line::parse(&town).map_err(err)?),
            postcode: Some(home.clone()),
        };
        let registered = children
            .iter()
            .flat_map(|c| c.episodes.first().map(|e| e.referral))
            .min()
            .unwrap_or(arrival);
        let adult_at = plus(registered.min(arrival), -10 * 60_000_000);
        let system = Actor::System("synth".to_owned());
        for (id, female) in [(mother.clone(), true), (father.clone(), false)] {
            let Some(id) = id else { continue };
            let given = pick_name(
                rng,
                if female {
                    &self.names.female
                } else {
                    &self.names.male
                },
            );
            let dob = registered.london_date() - Days::new((20 + rng.below(25)) * 365);
            let details = PersonDetails {
                name: PersonName {
                    given: Line::parse(&given).map_err(err)?,
                    family: Line::parse(&family_name).map_err(err)?,
                    preferred: None,
                },
                date_of_birth: Some(dob),
                sex: Some(if female { Sex::F } else { Sex::M }),
                address: Some(address.clone()),
                // Ofcom keeps 07700 900000 to 900999 for fiction; these numbers reach nobody.
                phone: Some(
                    Phone::parse(&format!("07700 900{:03}", rng.below(1000))).map_err(err)?,
                ),
                email: (rng.chance(0.4))
                    .then(|| {
                        Email::parse(&format!(
                            "{}.{}@example.net",
                            given.to_lowercase(),
                            id.as_str().to_lowercase()
                        ))
                    })
                    .transpose()
                    .map_err(err)?,
                contact_notes: None,
            };
            let mut events = vec![Recorded {
                occurred_at: adult_at,
                recorded_at: adult_at,
                recorded_by: system.clone(),
                event: PersonEvent::PersonRegistered {
                    details: details.clone(),
                },
            }];
            if rng.chance(0.08) {
                let later = plus(adult_at, (60 + rng.below(600)) as i64 * DAY);
                if later <= as_at {
                    let mut moved = details;
                    moved.address = Some(Address {
                        lines: vec![
                            Line::parse(&format!(
                                "Flat {}, {} Court",
                                1 + rng.below(30),
                                pick_name(rng, &self.names.street_first)
                            ))
                            .map_err(err)?,
                        ],
                        town: Some(Line::parse(&town).map_err(err)?),
                        postcode: rng.pick(&self.postcodes.local).cloned(),
                    });
                    events.push(Recorded {
                        occurred_at: later,
                        recorded_at: later,
                        recorded_by: system.clone(),
                        event: PersonEvent::PersonDetailsAmended { details: moved },
                    });
                }
            }
            lines.push(JourneyLine::whole(Journey::Person(id, events)));
        }

        // The children, each linked to the family, the adults and their earlier siblings.
        self.ids.family += 1;
        let family = FamilyId::parse(&format!("F{:07}", self.ids.family)).map_err(err)?;
        let mut earlier: Vec<ChildId> = Vec::new();
        for c in &children {
            let first = c.episodes.first().map_or(arrival, |e| e.referral);
            let age = c.age_on(first.london_date()).unwrap_or(0);
            let mut intro = Vec::new();
            let unborn = c.dob.is_none();
            // The child's own number, so that brothers and sisters never share a UPN (CIN 1520)
            // or an NHS number.
            let serial: u64 = c.id.as_str().trim_start_matches('C').parse().map_err(err)?;
            let lang = language(rng, c.ethnicity);
            let mut details = ChildDetails {
                name: PersonName {
                    given: Line::parse(if unborn { "Baby" } else { &c.given }).map_err(err)?,
                    family: Line::parse(&family_name).map_err(err)?,
                    preferred: None,
                },
                sex: if unborn {
                    Sex::U
                } else if c.female {
                    Sex::F
                } else {
                    Sex::M
                },
                gender: (!unborn && rng.chance(0.7)).then_some(if c.female {
                    GenderIdentity::Female
                } else {
                    GenderIdentity::Male
                }),
                date_of_birth: c.dob,
                expected_date_of_birth: c.edd,
                ethnicity: if unborn && rng.chance(0.5) {
                    Ethnicity::Nobt
                } else {
                    c.ethnicity
                },
                upn: (!unborn && age >= 4 && rng.chance(0.95))
                    .then(|| upn(&self.council.la_number, serial))
                    .transpose()?,
                former_upn: None,
                upn_unknown: if unborn || age < 4 {
                    Some(UpnUnknown::Un1)
                } else {
                    None
                },
                nhs_number: if unborn { None } else { nhs_number(serial) },
                disabilities: if unborn {
                    Vec::new()
                } else {
                    c.disabilities.clone()
                },
                first_language: (!unborn)
                    .then(|| {
                        LanguageCode::parse(if c.uasc {
                            rng.pick(&["ara", "prs", "pus", "tir", "kur", "sqi", "amh"])
                                .copied()
                                .unwrap_or("ara")
                        } else {
                            lang
                        })
                    })
                    .transpose()
                    .map_err(err)?,
                communication_needs: (c.uasc || lang != "eng")
                    .then(|| text("Needs an interpreter for meetings and visits."))
                    .transpose()?,
                religion: (rng.chance(0.5)).then(|| {
                    *rng.pick(&[
                        Religion::NoReligion,
                        Religion::Christian,
                        Religion::Muslim,
                        Religion::Hindu,
                        Religion::Sikh,
                        Religion::Jewish,
                        Religion::Buddhist,
                        Religion::NotStated,
                    ])
                    .unwrap_or(&Religion::NotStated)
                }),
                immigration_status: Some(if c.uasc {
                    ImmigrationStatus::AsylumSeeker
                } else if lang == "eng" {
                    ImmigrationStatus::BritishCitizen
                } else {
                    *rng.pick(&[
                        ImmigrationStatus::Settled,
                        ImmigrationStatus::PreSettled,
                        ImmigrationStatus::BritishCitizen,
                    ])
                    .unwrap_or(&ImmigrationStatus::Settled)
                }),
                uasc: c.uasc,
                uasc_ceased: None,
            };
            // A school-age child without a UPN has a reason for it (CIN 8770Q).
            if details.upn.is_none() && details.upn_unknown.is_none() {
                details.upn_unknown = Some(UpnUnknown::Un2);
            }
            let who = Who::Worker;
            let placeholder = Timestamp::start_of_london_day(NaiveDate::MIN);
            intro.push(Item {
                at: placeholder,
                seq: 0,
                who,
                event: ChildEvent::ChildRegistered {
                    details: details.clone(),
                    address: (!c.uasc).then(|| address.clone()),
                },
                routine: false,
            });
            intro.push(Item {
                at: placeholder,
                seq: 1,
                who,
                event: ChildEvent::FamilyLinked {
                    family: family.clone(),
                },
                routine: false,
            });
            let mut seq = 2;
            for (person, relationship) in [
                (&mother, Relationship::Mother),
                (&father, Relationship::Father),
            ] {
                if let Some(p) = person {
                    let household = relationship == Relationship::Mother || rng.chance(0.45);
                    intro.push(Item {
                        at: placeholder,
                        seq,
                        who,
                        event: ChildEvent::NetworkMemberAdded {
                            person: p.clone(),
                            relationship,
                            parental_responsibility: true,
                            lives_in_household: household,
                        },
                        routine: false,
                    });
                    seq += 1;
                }
            }
            for s in &earlier {
                intro.push(Item {
                    at: placeholder,
                    seq,
                    who,
                    event: ChildEvent::SiblingLinked {
                        sibling: s.clone(),
                        kind: if rng.chance(0.7) {
                            SiblingKind::Full
                        } else {
                            SiblingKind::Half
                        },
                    },
                    routine: false,
                });
                seq += 1;
            }
            let mut professionals: Vec<(ProfessionalId, &str)> = Vec::new();
            if let Some(gp) = rng.pick(&self.world.professionals.gps) {
                professionals.push((gp.clone(), "GP"));
            }
            if (5..=16).contains(&age) {
                if let Some(s) = rng.pick(&self.world.professionals.schools) {
                    professionals.push((s.clone(), "School safeguarding lead"));
                }
            } else if age < 5
                && let Some(h) = rng.pick(&self.world.professionals.health_visitors)
            {
                professionals.push((h.clone(), "Health visitor"));
            }
            for (p, role) in &professionals {
                intro.push(Item {
                    at: placeholder,
                    seq,
                    who,
                    event: ChildEvent::ProfessionalInvolved {
                        professional: p.clone(),
                        involvement: Line::parse(role).map_err(err)?,
                    },
                    routine: false,
                });
                seq += 1;
            }
            // Later changes to the family and network.
            let last = c.last_activity(as_at).min(as_at);
            let span = (last.london_date() - first.london_date()).num_days().max(1) as u64;
            let mut later = Vec::new();
            if let Some(born) = c.born {
                let at = at_time(born, 12, 0);
                later.push(Item {
                    at,
                    seq: 0,
                    who,
                    event: ChildEvent::BirthRecorded {
                        date_of_birth: born,
                    },
                    routine: false,
                });
                let mut d = details.clone();
                d.name.given = Line::parse(&c.given).map_err(err)?;
                d.sex = if c.female { Sex::F } else { Sex::M };
                d.date_of_birth = Some(born);
                d.expected_date_of_birth = None;
                d.ethnicity = c.ethnicity;
                d.disabilities = vec![Disability::None];
                d.nhs_number = nhs_number(serial);
                later.push(Item {
                    at: plus(at, 2 * DAY),
                    seq: 1,
                    who,
                    event: ChildEvent::ChildDetailsAmended { details: d },
                    routine: false,
                });
            } else if rng.chance(0.05) && span > 30 {
                let mut d = details.clone();
                d.name.preferred =
                    Some(Line::parse(&c.given[..c.given.len().min(3)]).map_err(err)?);
                later.push(Item {
                    at: plus(first, (1 + rng.below(span)) as i64 * DAY),
                    seq: 1,
                    who,
                    event: ChildEvent::ChildDetailsAmended { details: d },
                    routine: false,
                });
            }
            if c.uasc
                && let Some(eighteen) = c.birth().and_then(|b| birthday(b, 18))
            {
                let at = at_time(eighteen, 10, 0);
                let mut d = details.clone();
                d.uasc_ceased = Some(eighteen);
                later.push(Item {
                    at,
                    seq: 1,
                    who,
                    event: ChildEvent::ChildDetailsAmended { details: d },
                    routine: false,
                });
            }
            if rng.chance(0.08) && span > 60 {
                let moved = rng
                    .pick(&self.postcodes.local)
                    .cloned()
                    .unwrap_or_else(|| home.clone());
                let street = format!(
                    "{} {} {}",
                    1 + rng.below(150),
                    pick_name(rng, &self.names.street_first),
                    pick_name(rng, &self.names.street_end)
                );
                later.push(Item {
                    at: plus(first, (30 + rng.below(span)) as i64 * DAY),
                    seq: 0,
                    who,
                    event: ChildEvent::AddressChanged {
                        address: Address {
                            lines: vec![Line::parse(&street).map_err(err)?],
                            town: Some(Line::parse(&town).map_err(err)?),
                            postcode: Some(moved),
                        },
                    },
                    routine: false,
                });
            }
            if let Some(f) = &father
                && rng.chance(0.1)
                && span > 30
            {
                let at = plus(first, (10 + rng.below(span)) as i64 * DAY);
                if rng.chance(0.3) {
                    later.push(Item {
                        at,
                        seq: 0,
                        who,
                        event: ChildEvent::NetworkMemberRemoved { person: f.clone() },
                        routine: false,
                    });
                } else {
                    later.push(Item {
                        at,
                        seq: 0,
                        who,
                        event: ChildEvent::NetworkMemberChanged {
                            person: f.clone(),
                            relationship: Relationship::Father,
                            parental_responsibility: true,
                            lives_in_household: false,
                        },
                        routine: false,
                    });
                }
            }
            if let Some((p, _)) = professionals.get(1)
                && rng.chance(0.06)
                && span > 60
            {
                later.push(Item {
                    at: plus(first, (30 + rng.below(span)) as i64 * DAY),
                    seq: 0,
                    who,
                    event: ChildEvent::ProfessionalInvolvementEnded {
                        professional: p.clone(),
                    },
                    routine: false,
                });
            }
            if kind == Arrival::ContactOnly {
                let mut early_help = false;
                for n in 0..(1 + rng.below(3)) {
                    let at = plus(arrival, (n * (20 + rng.below(200))) as i64 * DAY);
                    if at <= as_at {
                        let outcome = *rng
                            .pick(&[
                                ContactOutcome::Advice,
                                ContactOutcome::NoFurtherAction,
                                ContactOutcome::EarlyHelp,
                            ])
                            .unwrap_or(&ContactOutcome::Advice);
                        later.push(Item {
                            at,
                            seq: 0,
                            who,
                            event: ChildEvent::ContactRecorded {
                                source,
                                outcome,
                                summary: None,
                            },
                            routine: false,
                        });
                        if outcome == ContactOutcome::EarlyHelp && !early_help && rng.chance(0.5) {
                            early_help = true;
                            let s = plus(at, (3 + rng.below(10)) as i64 * DAY);
                            later.push(Item {
                                at: s,
                                seq: 1,
                                who,
                                event: ChildEvent::EarlyHelpAssessmentStarted {
                                    organisation: Line::parse(
                                        "Early Intervention and Family Support",
                                    )
                                    .map_err(err)?,
                                },
                                routine: false,
                            });
                            later.push(Item {
                                at: plus(s, (20 + rng.below(40)) as i64 * DAY),
                                seq: 2,
                                who,
                                event: ChildEvent::EarlyHelpAssessmentCompleted {},
                                routine: false,
                            });
                        }
                    }
                }
            }
            // A child too young for school when registered gets their UPN on starting
            // reception, the September after they turn four (SSDA903 209); any later
            // amendment of their details keeps it.
            let school = c
                .birth()
                .and_then(|b| birthday(b, 4))
                .and_then(|four| {
                    let y = if four.month() <= 8 {
                        four.year()
                    } else {
                        four.year() + 1
                    };
                    NaiveDate::from_ymd_opt(y, 9, 1)
                })
                .filter(|_| details.upn_unknown == Some(UpnUnknown::Un1));
            if let Some(day) = school
                && at_time(day, 9, 0) <= last
            {
                let own: u64 = c.id.as_str().trim_start_matches('C').parse().map_err(err)?;
                let pupil = upn(&self.council.la_number, own)?;
                let at = at_time(day, 9, 0);
                for item in &mut later {
                    if let ChildEvent::ChildDetailsAmended { details: d } = &mut item.event
                        && item.at >= at
                    {
                        d.upn = Some(pupil.clone());
                        d.upn_unknown = None;
                    }
                }
                let mut d = later
                    .iter()
                    .filter(|i| i.at < at)
                    .filter_map(|i| match &i.event {
                        ChildEvent::ChildDetailsAmended { details } => Some((i.at, details)),
                        _ => None,
                    })
                    .max_by_key(|(t, _)| *t)
                    .map_or_else(|| details.clone(), |(_, d)| d.clone());
                d.upn = Some(pupil);
                d.upn_unknown = None;
                later.push(Item {
                    at,
                    seq: 1,
                    who,
                    event: ChildEvent::ChildDetailsAmended { details: d },
                    routine: false,
                });
            }
            intro.extend(later);
            let events = self.realize(rng, c, intro)?;
            if events.is_empty() {
                continue;
            }
            lines.push(JourneyLine::whole(Journey::Child(c.id.clone(), events)));
            earlier.push(c.id.clone());
        }
        Ok(Some(lines))
    }
}
