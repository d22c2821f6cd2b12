//! The borough's workforce and agencies: teams sized from the expected caseload, posts held
//! by a sequence of people over the years (turnover), managers, reviewing officers, and the
//! professionals of other agencies. It also keeps each post's caseload month by month, so
//! that allocation goes to the least-loaded worker and caseloads stay near the promise.

use chrono::{Datelike, Months, NaiveDate};
use hearth_domain::codes::{ServiceArea, StaffRole};
use hearth_domain::directory::{ProfessionalEvent, StaffEvent, TeamEvent};
use hearth_domain::event::{Actor, Recorded};
use hearth_domain::ids::{ProfessionalId, StaffId, TeamId};
use hearth_domain::interchange::{Journey, JourneyLine};
use hearth_domain::people::{PersonName, ProfessionalDetails};
use hearth_domain::values::{Email, Line, Phone, SweNumber};

use crate::calendar::{at_time, start_of_day};
use crate::data::{DataError, Names, Profile, Rates};
use crate::rng::Rng;

/// A post and the people who held it, each from a first to a last day.
#[derive(Debug, Clone)]
pub struct Post {
    /// The team.
    pub team: usize,
    /// The role.
    pub role: StaffRole,
    /// Holders, in order, with their first and last days.
    pub holders: Vec<(StaffId, NaiveDate, Option<NaiveDate>)>,
}

impl Post {
    /// Who held the post on a date.
    pub fn holder_on(&self, date: NaiveDate) -> Option<&StaffId> {
        self.holders
            .iter()
            .find(|(_, from, until)| *from <= date && until.is_none_or(|u| date <= u))
            .map(|(id, _, _)| id)
    }
}

/// A team.
#[derive(Debug, Clone)]
pub struct TeamPlan {
    /// Its id.
    pub id: TeamId,
    /// Its service.
    pub service: ServiceArea,
    /// Its manager's post.
    pub manager_post: usize,
    /// Its practitioners' posts.
    pub posts: Vec<usize>,
}

/// The professionals of other agencies, by kind.
#[derive(Debug, Clone, Default)]
pub struct Professionals {
    /// GPs.
    pub gps: Vec<ProfessionalId>,
    /// School safeguarding leads.
    pub schools: Vec<ProfessionalId>,
    /// Health visitors.
    pub health_visitors: Vec<ProfessionalId>,
    /// Police officers in the child abuse investigation team.
    pub police: Vec<ProfessionalId>,
    /// CAMHS clinicians.
    pub camhs: Vec<ProfessionalId>,
}

/// The workforce and agencies.
#[derive(Debug)]
pub struct World {
    /// Teams.
    pub teams: Vec<TeamPlan>,
    /// Posts.
    pub posts: Vec<Post>,
    /// Professionals.
    pub professionals: Professionals,
    /// Lines creating the teams, staff and professionals, in an order that imports.
    pub lines: Vec<JourneyLine>,
    /// The first day of the history.
    pub history_start: NaiveDate,
    /// Cases per post per month since `history_start`.
    load: Vec<Vec<u16>>,
    staff_seq: u32,
    leaving: std::collections::HashMap<StaffId, NaiveDate>,
}

/// How many cases a service is expected to hold, per 10,000 children.
fn expected_cases_per_10k(area: ServiceArea, r: &Rates) -> f64 {
    let t = &r.targets;
    let open_assessments = t.referrals_per_10k
        * (1.0 - r.front_door.referral_nfa)
        * r.front_door.assessment_median_wd
        * 1.25
        / 250.0;
    match area {
        ServiceArea::ReferralAssessment => open_assessments,
        ServiceArea::SafeguardingCarePlanning => {
            (t.cin_per_10k - t.looked_after_per_10k - open_assessments).max(0.0) * 0.92
        }
        ServiceArea::Disabilities => {
            (t.cin_per_10k - t.looked_after_per_10k - open_assessments).max(0.0) * 0.08
        }
        ServiceArea::LookedAfter => t.looked_after_per_10k,
        ServiceArea::LeavingCare => t.looked_after_per_10k * 0.85,
        // Reviewing officers hold about 60 children on plans or in care.
        ServiceArea::Reviewing => {
            (t.cp_plans_per_10k + t.looked_after_per_10k) * f64::from(r.staff.caseload_promise)
                / 60.0
        }
        _ => 0.0,
    }
}

fn role_for(area: ServiceArea) -> StaffRole {
    match area {
        ServiceArea::LeavingCare => StaffRole::PersonalAdviser,
        ServiceArea::Reviewing => StaffRole::ReviewingOfficer,
        ServiceArea::QualityAssurance => StaffRole::QualityAssuranceLead,
        ServiceArea::Performance => StaffRole::PerformanceAnalyst,
        ServiceArea::Leadership => StaffRole::Administrator,
        _ => StaffRole::SocialWorker,
    }
}

fn line(s: &str) -> Result<Line, DataError> {
    Line::parse(s).map_err(|e| DataError::Invalid {
        file: "generated".into(),
        message: e.to_string(),
    })
}

fn id_err(e: hearth_domain::ids::InvalidId) -> DataError {
    DataError::Invalid {
        file: "generated".into(),
        message: e.to_string(),
    }
}

/// What every post is staffed from: the names to draw from, and the months from when the
/// service was formed to the as-at date.
#[derive(Clone, Copy)]
struct Staffing<'n> {
    names: &'n Names,
    from: NaiveDate,
    as_at: NaiveDate,
    months: usize,
}

impl World {
    /// Builds the workforce for a population, with history from `history_start` to `as_at`.
    pub fn build(
        seed: u64,
        profile: &Profile,
        rates: &Rates,
        names: &Names,
        population: u64,
        history_start: NaiveDate,
        as_at: NaiveDate,
    ) -> Result<World, DataError> {
        let mut rng = Rng::stream(seed, "workforce", 0);
        let months = months_between(history_start, as_at) + 2;
        let mut w = World {
            teams: Vec::new(),
            posts: Vec::new(),
            professionals: Professionals::default(),
            lines: Vec::new(),
            history_start,
            load: Vec::new(),
            staff_seq: 0,
            leaving: std::collections::HashMap::new(),
        };
        let system = Actor::System("synth".to_owned());
        let formed = history_start - chrono::Days::new(400);
        let formed_at = at_time(formed, 9, 0);
        let staffing = Staffing {
            names,
            from: formed,
            as_at,
            months,
        };
        let per_10k = population as f64 / 10_000.0;

        // Leadership: an assistant director and heads of service, in the leadership team.
        let mut team_no = 0;
        let mut make_team =
            |w: &mut World, name: String, area: ServiceArea| -> Result<usize, DataError> {
                team_no += 1;
                let id = TeamId::parse(&format!("T{team_no:03}")).map_err(id_err)?;
                w.lines.push(JourneyLine::whole(Journey::Team(
                    id.clone(),
                    vec![Recorded {
                        occurred_at: formed_at,
                        recorded_at: formed_at,
                        recorded_by: system.clone(),
                        event: TeamEvent::TeamFormed {
                            name: line(&name)?,
                            service: area,
                        },
                    }],
                )));
                w.teams.push(TeamPlan {
                    id,
                    service: area,
                    manager_post: usize::MAX,
                    posts: Vec::new(),
                });
                Ok(w.teams.len() - 1)
            };

        let leadership = profile
            .service(ServiceArea::Leadership)
            .map_or("Leadership".to_owned(), |s| s.team.clone());
        let lead_team = make_team(&mut w, leadership, ServiceArea::Leadership)?;
        let director = w.add_post(
            lead_team,
            StaffRole::AssistantDirector,
            0.06,
            None,
            &mut rng,
            &staffing,
        )?;
        let mut heads = Vec::new();
        for _ in 0..(1 + (per_10k / 20.0) as usize).max(3) {
            heads.push(w.add_post(
                lead_team,
                StaffRole::HeadOfService,
                0.08,
                Some(director),
                &mut rng,
                &staffing,
            )?);
        }
        for _ in 0..2 {
            w.add_post(
                lead_team,
                StaffRole::Administrator,
                0.12,
                Some(director),
                &mut rng,
                &staffing,
            )?;
        }

        // A team that was reorganised away early in the history: its name changed, then it closed.
        let duty = make_team(
            &mut w,
            "Duty and Advice Team".to_owned(),
            ServiceArea::ReferralAssessment,
        )?;
        let duty_id = w.teams[duty].id.clone();
        let renamed = at_time(formed + chrono::Days::new(120), 9, 0);
        let closed = at_time(formed + chrono::Days::new(300), 17, 0);
        w.lines.push(JourneyLine {
            from_version: 2,
            journey: Journey::Team(
                duty_id,
                vec![
                    Recorded {
                        occurred_at: renamed,
                        recorded_at: renamed,
                        recorded_by: system.clone(),
                        event: TeamEvent::TeamRenamed {
                            name: line("Duty and Assessment Team")?,
                        },
                    },
                    Recorded {
                        occurred_at: closed,
                        recorded_at: closed,
                        recorded_by: system.clone(),
                        event: TeamEvent::TeamClosed {},
                    },
                ],
            ),
        });

        let mut head_no = 0;
        for service in &profile.services {
            let area: ServiceArea =
                service
                    .area
                    .parse()
                    .map_err(|e: hearth_domain::codes::UnknownCode| DataError::Invalid {
                        file: "profile".into(),
                        message: e.to_string(),
                    })?;
            if area == ServiceArea::Leadership {
                continue;
            }
            let expected = expected_cases_per_10k(area, rates) * per_10k;
            let posts = if expected > 0.0 {
                (expected / (f64::from(rates.staff.caseload_promise) * 0.88)).ceil() as u32
            } else {
                service.team_size.min(1 + (per_10k / 15.0) as u32)
            }
            .max(1);
            let teams = posts.div_ceil(service.team_size).max(1);
            let head = heads[head_no % heads.len()];
            head_no += 1;
            // Group managers look after up to four teams each.
            let mut group_managers = Vec::new();
            for _ in 0..teams.div_ceil(4) {
                group_managers.push(w.add_post(
                    lead_team,
                    StaffRole::GroupManager,
                    0.08,
                    Some(head),
                    &mut rng,
                    &staffing,
                )?);
            }
            let turnover = if role_for(area) == StaffRole::SocialWorker
                || role_for(area) == StaffRole::PersonalAdviser
            {
                rates.staff.social_worker_turnover
            } else {
                0.08
            };
            for t in 0..teams {
                let name = if teams == 1 {
                    service.team.clone()
                } else {
                    format!("{} {}", service.team, t + 1)
                };
                let team = make_team(&mut w, name, area)?;
                let gm = group_managers[(t / 4) as usize % group_managers.len()];
                let manager = w.add_post(
                    team,
                    StaffRole::TeamManager,
                    0.10,
                    Some(gm),
                    &mut rng,
                    &staffing,
                )?;
                w.teams[team].manager_post = manager;
                let size = service.team_size.min(posts - t * service.team_size).max(1);
                for _ in 0..size {
                    let p = w.add_post(
                        team,
                        role_for(area),
                        turnover,
                        Some(manager),
                        &mut rng,
                        &staffing,
                    )?;
                    w.teams[team].posts.push(p);
                }
            }
        }
        w.add_professionals(&mut rng, profile, names, formed_at)?;
        Ok(w)
    }

    /// Adds a post with holders from the staffing's start to `as_at`, and their staff lines.
    fn add_post(
        &mut self,
        team: usize,
        role: StaffRole,
        turnover: f64,
        line_manager: Option<usize>,
        rng: &mut Rng,
        staffing: &Staffing<'_>,
    ) -> Result<usize, DataError> {
        let Staffing {
            names,
            from,
            as_at,
            months,
        } = *staffing;
        let mut holders = Vec::new();
        // The first holder may have joined years before the history starts.
        let mut start = from - chrono::Days::new(rng.below(900));
        loop {
            let tenure_days = (rng.exponential(365.0 / turnover.max(0.01))).max(120.0) as u64;
            let end = start + chrono::Days::new(tenure_days);
            let id = self.next_staff_id()?;
            if end >= as_at {
                holders.push((id, start, None));
                break;
            }
            holders.push((id, start, Some(end)));
            // A new holder starts after a short vacancy.
            start = end + chrono::Days::new(1 + rng.below(5));
            if start >= as_at {
                break;
            }
        }
        let post = self.posts.len();
        for (id, _, left) in &holders {
            if let Some(l) = left {
                self.leaving.insert(id.clone(), *l);
            }
        }
        self.posts.push(Post {
            team,
            role,
            holders: holders.clone(),
        });
        self.load.push(vec![0; months]);
        let team_id = self.teams[team].id.clone();
        for (id, joined, left) in holders {
            let manager = line_manager.and_then(|m| self.posts[m].holder_on(joined).cloned());
            let female = rng.chance(0.78);
            let given = pick_name(rng, if female { &names.female } else { &names.male });
            let family = pick_name(rng, &names.family);
            let registration = if role.needs_registration() || rng.chance(0.7) && role.is_manager()
            {
                Some(
                    SweNumber::parse(&format!("SW{:06}", 100_000 + self.staff_seq))
                        .map_err(val_err)?,
                )
            } else {
                None
            };
            let email = Email::parse(&format!(
                "{}.{}{}@hearth.example",
                given.to_lowercase(),
                family.to_lowercase().replace(['\'', ' '], ""),
                id.as_str().to_lowercase()
            ))
            .map_err(val_err)?;
            let phone =
                Phone::parse(&format!("020 7946 {:04}", rng.below(10_000))).map_err(val_err)?;
            let joined_at = at_time(joined, 9, 0);
            let mut events = vec![Recorded {
                occurred_at: joined_at,
                recorded_at: joined_at,
                recorded_by: Actor::System("synth".into()),
                event: StaffEvent::StaffJoined {
                    name: PersonName {
                        given: line(&given)?,
                        family: line(&family)?,
                        preferred: None,
                    },
                    role,
                    team: team_id.clone(),
                    registration,
                    email: Some(email),
                    phone: Some(phone),
                    line_manager: manager,
                },
            }];
            // A few records change over time: a new name and number, a move to another
            // team of the same service, a personal adviser qualifying as a social worker.
            let change_at = joined + chrono::Days::new(100 + rng.below(200));
            let chance = if role == StaffRole::PersonalAdviser {
                0.3
            } else {
                0.06
            };
            if left.is_none_or(|l| change_at < l) && change_at < as_at && rng.chance(chance) {
                let when = at_time(change_at, 10, 0);
                let service = self.teams[team].service;
                let branch = if role == StaffRole::PersonalAdviser && rng.chance(0.6) {
                    2
                } else {
                    rng.below(3)
                };
                let event = match branch {
                    0 => Some(StaffEvent::StaffDetailsAmended {
                        name: PersonName {
                            given: line(&given)?,
                            family: line(&pick_name(rng, &names.family))?,
                            preferred: None,
                        },
                        email: None,
                        phone: Some(
                            Phone::parse(&format!("020 7946 {:04}", rng.below(10_000)))
                                .map_err(val_err)?,
                        ),
                    }),
                    1 => self
                        .teams
                        .iter()
                        .find(|t| {
                            t.service == service && t.id != team_id && t.manager_post != usize::MAX
                        })
                        .map(|t| StaffEvent::StaffMoved {
                            team: t.id.clone(),
                            line_manager: self
                                .posts
                                .get(t.manager_post)
                                .and_then(|m| m.holder_on(change_at).cloned()),
                        }),
                    _ if role == StaffRole::PersonalAdviser => Some(StaffEvent::StaffRoleChanged {
                        role: StaffRole::SocialWorker,
                        registration: Some(
                            SweNumber::parse(&format!("SW{:06}", 500_000 + self.staff_seq))
                                .map_err(val_err)?,
                        ),
                    }),
                    _ => None,
                };
                if let Some(event) = event {
                    events.push(Recorded {
                        occurred_at: when,
                        recorded_at: when,
                        recorded_by: Actor::System("synth".into()),
                        event,
                    });
                }
            }
            if let Some(left) = left {
                let at = at_time(left, 17, 0);
                events.push(Recorded {
                    occurred_at: at,
                    recorded_at: at,
                    recorded_by: Actor::System("synth".into()),
                    event: StaffEvent::StaffLeft {},
                });
            }
            self.lines
                .push(JourneyLine::whole(Journey::Staff(id, events)));
        }
        Ok(post)
    }

    fn next_staff_id(&mut self) -> Result<StaffId, DataError> {
        self.staff_seq += 1;
        StaffId::parse(&format!("S{:05}", self.staff_seq)).map_err(id_err)
    }

    fn add_professionals(
        &mut self,
        rng: &mut Rng,
        profile: &Profile,
        names: &Names,
        at: hearth_domain::Timestamp,
    ) -> Result<(), DataError> {
        let mut n = 0;
        let mut make = |w: &mut World,
                        rng: &mut Rng,
                        role: &str,
                        organisation: &str|
         -> Result<ProfessionalId, DataError> {
            n += 1;
            let id = ProfessionalId::parse(&format!("PR{n:05}")).map_err(id_err)?;
            let female = rng.chance(0.6);
            let details = ProfessionalDetails {
                name: PersonName {
                    given: line(&pick_name(
                        rng,
                        if female { &names.female } else { &names.male },
                    ))?,
                    family: line(&pick_name(rng, &names.family))?,
                    preferred: None,
                },
                role: line(role)?,
                organisation: line(organisation)?,
                phone: Some(
                    Phone::parse(&format!("020 7946 {:04}", rng.below(10_000))).map_err(val_err)?,
                ),
                email: None,
            };
            let mut events = vec![Recorded {
                occurred_at: at,
                recorded_at: at,
                recorded_by: Actor::System("synth".into()),
                event: ProfessionalEvent::ProfessionalRegistered {
                    details: details.clone(),
                },
            }];
            if n % 9 == 0 {
                let later = at.plus_micros(400 * 86_400_000_000).unwrap_or(at);
                let mut changed = details;
                changed.email = Some(
                    Email::parse(&format!("safeguarding{n}@agency.example")).map_err(val_err)?,
                );
                events.push(Recorded {
                    occurred_at: later,
                    recorded_at: later,
                    recorded_by: Actor::System("synth".into()),
                    event: ProfessionalEvent::ProfessionalDetailsAmended { details: changed },
                });
            }
            w.lines.push(JourneyLine::whole(Journey::Professional(
                id.clone(),
                events,
            )));
            Ok(id)
        };
        for surgery in &profile.agencies.surgeries {
            for _ in 0..2 {
                let id = make(self, rng, "GP", surgery)?;
                self.professionals.gps.push(id);
            }
        }
        for school in &profile.agencies.schools {
            let id = make(self, rng, "Designated safeguarding lead", school)?;
            self.professionals.schools.push(id);
        }
        for i in 0..4 {
            let id = make(
                self,
                rng,
                "Health visitor",
                &format!("Community health team {}", i + 1),
            )?;
            self.professionals.health_visitors.push(id);
        }
        for _ in 0..4 {
            let id = make(
                self,
                rng,
                "Detective constable",
                "Child abuse investigation team",
            )?;
            self.professionals.police.push(id);
        }
        for _ in 0..3 {
            let id = make(
                self,
                rng,
                "Clinical psychologist",
                "Child and adolescent mental health service",
            )?;
            self.professionals.camhs.push(id);
        }
        Ok(())
    }

    /// Month index since the start of the history.
    fn month(&self, date: NaiveDate) -> usize {
        months_between(self.history_start, date)
            .min(self.load.first().map_or(0, |l| l.len().saturating_sub(1)))
    }

    /// The least-loaded practitioner post of a service on a date, and its team.
    pub fn least_loaded(&self, area: ServiceArea, date: NaiveDate, rng: &mut Rng) -> Option<usize> {
        let m = self.month(date);
        let mut best: Vec<usize> = Vec::new();
        let mut best_load = u16::MAX;
        // A manager does not give a case to a worker in their last days (903 SW09STG2: an
        // allocation lasts three days or more), unless no one else is in post.
        let staying = |p: usize| {
            let holder = self.posts[p].holder_on(date);
            holder.is_some() && holder == self.posts[p].holder_on(date + chrono::Days::new(3))
        };
        let any_staying = self
            .teams
            .iter()
            .filter(|t| t.service == area)
            .any(|t| t.posts.iter().any(|&p| staying(p)));
        for team in self.teams.iter().filter(|t| t.service == area) {
            for &p in &team.posts {
                if self.posts[p].holder_on(date).is_none() || (any_staying && !staying(p)) {
                    continue;
                }
                let l = self.load[p][m];
                if l < best_load {
                    best_load = l;
                    best.clear();
                }
                if l == best_load {
                    best.push(p);
                }
            }
        }
        rng.pick(&best).copied()
    }

    /// Counts a case on a post for every month it is held.
    pub fn hold(&mut self, post: usize, from: NaiveDate, until: NaiveDate) {
        let (a, b) = (self.month(from), self.month(until));
        if let Some(load) = self.load.get_mut(post) {
            for slot in load.iter_mut().take(b + 1).skip(a) {
                *slot = slot.saturating_add(1);
            }
        }
    }

    /// The manager of a post's team on a date.
    pub fn manager_of(&self, post: usize, date: NaiveDate) -> Option<StaffId> {
        let team = &self.teams[self.posts[post].team];
        self.posts
            .get(team.manager_post)
            .and_then(|m| m.holder_on(date).cloned())
    }

    /// Any manager in post on a date, starting from a post's team manager and going up.
    pub fn a_manager(&self, post: usize, date: NaiveDate) -> Option<StaffId> {
        self.manager_of(post, date).or_else(|| {
            self.posts
                .iter()
                .filter(|p| p.role == StaffRole::GroupManager || p.role == StaffRole::HeadOfService)
                .find_map(|p| p.holder_on(date).cloned())
        })
    }

    /// A head of service in post on a date.
    pub fn head_of_service(&self, date: NaiveDate) -> Option<StaffId> {
        self.posts
            .iter()
            .filter(|p| p.role == StaffRole::HeadOfService)
            .find_map(|p| p.holder_on(date).cloned())
    }

    /// The last day in post of a member of staff who has left.
    pub fn left_on(&self, staff: &StaffId) -> Option<NaiveDate> {
        self.leaving.get(staff).copied()
    }

    /// The team of a post.
    pub fn team_of(&self, post: usize) -> &TeamId {
        &self.teams[self.posts[post].team].id
    }

    /// How many staff records the workforce has.
    pub fn staff_count(&self) -> usize {
        self.posts.iter().map(|p| p.holders.len()).sum()
    }

    /// The start of the history as an instant (for records made by the system).
    pub fn history_start_instant(&self) -> hearth_domain::Timestamp {
        start_of_day(self.history_start)
    }
}

fn val_err(e: hearth_domain::values::InvalidValue) -> DataError {
    DataError::Invalid {
        file: "generated".into(),
        message: e.to_string(),
    }
}

/// A name from a list (lists are checked non-empty when loaded).
pub fn pick_name(rng: &mut Rng, list: &[String]) -> String {
    rng.pick(list).cloned().unwrap_or_else(|| "Sam".to_owned())
}

/// Whole months from `a` to `b` (0 when b is before a).
pub fn months_between(a: NaiveDate, b: NaiveDate) -> usize {
    if b < a {
        return 0;
    }
    let m = (b.year() - a.year()) * 12 + b.month() as i32 - a.month() as i32;
    usize::try_from(m).unwrap_or(0)
}

/// A date some months later (the end of the month when the day does not exist).
pub fn plus_months(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_add_months(Months::new(months)).unwrap_or(d)
}
