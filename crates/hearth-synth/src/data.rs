//! The generator's inputs: the council profile, the rates and mixes, and the name and
//! postcode lists. Defaults are built in; a council can pass its own profile and rates files.

use std::collections::BTreeMap;

use hearth_domain::codes::ServiceArea;
use hearth_domain::values::Postcode;
use serde::Deserialize;

/// Why an input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// A TOML file is malformed or has unknown keys.
    #[error("{file}: {message}")]
    Toml {
        /// Which file.
        file: String,
        /// What was wrong.
        message: String,
    },
    /// A value in a file is not valid.
    #[error("{file}: {message}")]
    Invalid {
        /// Which file.
        file: String,
        /// What was wrong.
        message: String,
    },
}

fn toml_file<T: for<'de> Deserialize<'de>>(file: &str, text: &str) -> Result<T, DataError> {
    toml::from_str(text).map_err(|e| DataError::Toml {
        file: file.to_owned(),
        message: e.to_string(),
    })
}

/// The council.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Council {
    /// Its name.
    pub name: String,
    /// DfE local authority number.
    pub la_number: String,
    /// ONS code.
    pub ons_code: String,
    /// Children under 18.
    pub children: u64,
}

/// One service and how its teams are made up.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// The service area code.
    pub area: String,
    /// Team name stem ("Referral and Assessment" gives "Referral and Assessment 1", ...).
    pub team: String,
    /// Staff per team, besides its manager.
    pub team_size: u32,
}

/// Agencies whose staff appear as professionals.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agencies {
    /// Schools.
    pub schools: Vec<String>,
    /// GP surgeries.
    pub surgeries: Vec<String>,
}

/// A council profile (profiles/*.toml).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The council.
    pub council: Council,
    /// Its services.
    pub services: Vec<Service>,
    /// Agencies.
    pub agencies: Agencies,
}

impl Profile {
    /// The built-in profile: the London Borough of Bromley.
    pub fn bromley() -> Result<Profile, DataError> {
        Self::parse(
            "profiles/bromley.toml",
            include_str!("../profiles/bromley.toml"),
        )
    }

    /// Reads a profile.
    pub fn parse(file: &str, text: &str) -> Result<Profile, DataError> {
        let p: Profile = toml_file(file, text)?;
        for s in &p.services {
            s.area
                .parse::<ServiceArea>()
                .map_err(|e| DataError::Invalid {
                    file: file.to_owned(),
                    message: e.to_string(),
                })?;
            if s.team_size == 0 {
                return Err(DataError::Invalid {
                    file: file.to_owned(),
                    message: format!("{}: team_size must be at least 1", s.team),
                });
            }
        }
        if p.council.la_number.len() != 3
            || !p.council.la_number.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(DataError::Invalid {
                file: file.to_owned(),
                message: "la_number must be three digits".to_owned(),
            });
        }
        Ok(p)
    }

    /// A service's settings, if the profile has it.
    pub fn service(&self, area: ServiceArea) -> Option<&Service> {
        self.services.iter().find(|s| s.area == area.code())
    }
}

/// What `hearth generate` measures, and the figures it aims for.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    pub referrals_per_10k: f64,
    pub rereferral_within_12_months: f64,
    pub assessments_within_45_wd: f64,
    pub section47_per_10k: f64,
    pub icpc_per_10k: f64,
    pub icpc_within_15_wd: f64,
    pub cp_plans_per_10k: f64,
    pub cin_per_10k: f64,
    pub looked_after_per_10k: f64,
    pub uasc_share: f64,
    pub missing_share: f64,
    pub three_placements_share: f64,
    pub care_leavers_in_touch: f64,
    pub care_leavers_neet: f64,
    pub care_leavers_suitable: f64,
}

/// Front door levers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontDoor {
    pub contacts_per_referral: f64,
    pub new_child_share: f64,
    pub referral_nfa: f64,
    pub sibling_group: f64,
    pub unborn: f64,
    pub allocation_hours_median: f64,
    pub allocation_late: f64,
    pub assessment_median_wd: f64,
    pub section47_per_referral: f64,
    pub icpc_per_section47: f64,
    pub cp_plan_per_icpc: f64,
    pub rereferral_share: f64,
}

/// Durations.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Durations {
    pub cin_plan_months: f64,
    pub cin_plan_spread: f64,
    pub cp_plan_months: f64,
    pub cp_plan_spread: f64,
    pub care_short_months: f64,
    pub care_long_years: f64,
    pub care_long_share: f64,
}

/// Looked-after levers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookedAfter {
    pub entries_per_10k: f64,
    pub uasc_entry_share: f64,
    pub out_of_borough: f64,
    pub placement_moves_per_year: f64,
    pub missing_per_year: f64,
    pub return_interview_offered: f64,
    pub return_interview_accepted: f64,
    pub adoption_share_under_five: f64,
    pub sgo_share: f64,
    pub entry_age: BTreeMap<String, f64>,
    pub placement: BTreeMap<String, f64>,
}

/// Care leaver levers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CareLeavers {
    pub activity_neet_g4: f64,
    pub activity_neet_g6: f64,
    pub accommodation_suitable: f64,
    /// Of those who leave care at 18: the share who ask for support to continue after 21.
    pub support_after_21: f64,
}

/// How often practice is on time.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Practice {
    pub visits_on_time: f64,
    pub reviews_on_time: f64,
    pub conferences_on_time: f64,
    pub recording_within_48_hours: f64,
    pub oversight_on_time: f64,
    pub waiting_for_allocation: f64,
    /// For each lever above, the practice standards (rules of the `bromley` ruleset) that
    /// measure it, so that evaluating a generated borough can be checked against the levers.
    #[serde(default)]
    pub measured_by: BTreeMap<String, Vec<String>>,
}

/// Staffing.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Staffing {
    pub caseload_promise: u32,
    pub social_worker_turnover: f64,
}

/// Restricted records.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Access {
    pub restricted_records: f64,
    pub restrictions_lifted: f64,
}

/// How much of the practice is written in words (the content of the record).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentRates {
    pub visits: f64,
    pub childs_words: f64,
    pub assessments: f64,
    pub assessments_returned: f64,
    pub minutes: f64,
    pub plans: f64,
    pub allocation_records: f64,
    pub summaries: f64,
    pub actions_done: f64,
}

/// The rates and mixes (config/rates.toml).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rates {
    pub targets: Targets,
    pub categories: BTreeMap<String, f64>,
    pub front_door: FrontDoor,
    pub assessment_outcome: BTreeMap<String, f64>,
    pub durations: Durations,
    pub looked_after: LookedAfter,
    pub care_leavers: CareLeavers,
    pub practice: Practice,
    pub staff: Staffing,
    pub access: Access,
    pub content: ContentRates,
}

impl Rates {
    /// The built-in rates.
    pub fn default_rates() -> Result<Rates, DataError> {
        Self::parse("config/rates.toml", include_str!("../config/rates.toml"))
    }

    /// Reads a rates file, checking that shares are shares.
    pub fn parse(file: &str, text: &str) -> Result<Rates, DataError> {
        let r: Rates = toml_file(file, text)?;
        let bad = |m: String| {
            Err(DataError::Invalid {
                file: file.to_owned(),
                message: m,
            })
        };
        for (name, v) in [
            ("front_door.referral_nfa", r.front_door.referral_nfa),
            (
                "front_door.section47_per_referral",
                r.front_door.section47_per_referral,
            ),
            (
                "front_door.icpc_per_section47",
                r.front_door.icpc_per_section47,
            ),
            ("front_door.cp_plan_per_icpc", r.front_door.cp_plan_per_icpc),
            ("looked_after.out_of_borough", r.looked_after.out_of_borough),
            ("practice.visits_on_time", r.practice.visits_on_time),
            ("access.restricted_records", r.access.restricted_records),
            ("access.restrictions_lifted", r.access.restrictions_lifted),
            ("content.visits", r.content.visits),
            ("content.childs_words", r.content.childs_words),
            ("content.assessments", r.content.assessments),
            (
                "content.assessments_returned",
                r.content.assessments_returned,
            ),
            ("content.minutes", r.content.minutes),
            ("content.plans", r.content.plans),
            ("content.allocation_records", r.content.allocation_records),
            ("content.summaries", r.content.summaries),
            ("content.actions_done", r.content.actions_done),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return bad(format!("{name} must be between 0 and 1, not {v}"));
            }
        }
        for key in r.categories.keys() {
            if key
                .parse::<hearth_domain::codes::CategoryOfAbuse>()
                .is_err()
            {
                return bad(format!("categories: '{key}' is not a category of abuse"));
            }
        }
        for key in r.looked_after.placement.keys() {
            if key.parse::<hearth_domain::codes::PlacementType>().is_err() {
                return bad(format!(
                    "looked_after.placement: '{key}' is not a placement type"
                ));
            }
        }
        for key in r.assessment_outcome.keys() {
            if key
                .parse::<hearth_domain::codes::AssessmentOutcome>()
                .is_err()
            {
                return bad(format!(
                    "assessment_outcome: '{key}' is not an assessment outcome"
                ));
            }
        }
        Ok(r)
    }
}

/// Name lists (data/names.toml).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    pub female: Vec<String>,
    pub male: Vec<String>,
    pub family: Vec<String>,
    pub street_first: Vec<String>,
    pub street_end: Vec<String>,
    pub towns: Vec<String>,
}

impl Names {
    /// The built-in lists.
    pub fn builtin() -> Result<Names, DataError> {
        let n: Names = toml_file("data/names.toml", include_str!("../data/names.toml"))?;
        if n.female.is_empty()
            || n.male.is_empty()
            || n.family.is_empty()
            || n.street_first.is_empty()
            || n.street_end.is_empty()
            || n.towns.is_empty()
        {
            return Err(DataError::Invalid {
                file: "data/names.toml".to_owned(),
                message: "every list needs at least one name".to_owned(),
            });
        }
        Ok(n)
    }
}

/// Real postcodes, split into the council's own and elsewhere.
#[derive(Debug, Clone)]
pub struct Postcodes {
    /// In the council's area.
    pub local: Vec<Postcode>,
    /// Elsewhere, with their authority's ONS code.
    pub elsewhere: Vec<(Postcode, String)>,
}

impl Postcodes {
    /// The built-in sample, split by the council's ONS code.
    pub fn builtin(ons_code: &str) -> Result<Postcodes, DataError> {
        Self::parse(
            "data/postcodes.tsv",
            include_str!("../data/postcodes.tsv"),
            ons_code,
        )
    }

    /// Reads `postcode<TAB>ons_code` lines (after a header; `#` starts a comment).
    pub fn parse(file: &str, text: &str, ons_code: &str) -> Result<Postcodes, DataError> {
        let mut local = Vec::new();
        let mut elsewhere = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.starts_with("postcode\t") || line.trim().is_empty() {
                continue;
            }
            let bad = |m: String| DataError::Invalid {
                file: file.to_owned(),
                message: format!("line {}: {m}", n + 1),
            };
            let (pc, la) = line
                .split_once('\t')
                .ok_or_else(|| bad("expected postcode and authority".to_owned()))?;
            let pc = Postcode::parse(pc).map_err(|e| bad(e.to_string()))?;
            if la == ons_code {
                local.push(pc);
            } else {
                elsewhere.push((pc, la.to_owned()));
            }
        }
        if local.is_empty() || elsewhere.is_empty() {
            return Err(DataError::Invalid {
                file: file.to_owned(),
                message: format!("needs postcodes both inside and outside {ons_code}"),
            });
        }
        Ok(Postcodes { local, elsewhere })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_inputs_load() {
        let p = Profile::bromley().unwrap();
        assert_eq!(p.council.la_number, "305");
        let r = Rates::default_rates().unwrap();
        assert!((r.targets.referrals_per_10k - 550.0).abs() < 1e-9);
        let n = Names::builtin().unwrap();
        assert!(n.female.len() > 100 && n.family.len() > 200);
        let pc = Postcodes::builtin(&p.council.ons_code).unwrap();
        assert!(pc.local.len() >= 500 && pc.elsewhere.len() >= 300);
    }

    #[test]
    fn bad_inputs_are_refused_with_the_file_named() {
        let text =
            include_str!("../config/rates.toml").replace("referral_nfa = 0.07", "referral_nfa = 7");
        let err = Rates::parse("mine.toml", &text).unwrap_err().to_string();
        assert!(
            err.starts_with("mine.toml: front_door.referral_nfa must be between 0 and 1"),
            "{err}"
        );
        let text = include_str!("../config/rates.toml")
            .replace("[practice]", "[practice]\nunheard_of = 1");
        assert!(
            Rates::parse("mine.toml", &text)
                .unwrap_err()
                .to_string()
                .contains("unknown field")
        );
        let text = include_str!("../profiles/bromley.toml")
            .replace("area = \"FOSTERING\"", "area = \"KNITTING\"");
        assert!(
            Profile::parse("p.toml", &text)
                .unwrap_err()
                .to_string()
                .contains("not a valid service area")
        );
    }
}
