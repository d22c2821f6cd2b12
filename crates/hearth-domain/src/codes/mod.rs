//! National code lists (DfE CIN census, SSDA903, Ofsted Annex A) and the few local lists
//! that have no national equivalent. Every code is an enum parsed from its code string;
//! an unknown code is refused with the list it was checked against.

mod cin;
mod local;
mod ssda903;

pub use cin::*;
pub use local::*;
pub use ssda903::*;

/// A code that is not on its list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{code}' is not a valid {list} code")]
pub struct UnknownCode {
    /// The name of the code list, as people know it ("ethnicity", "legal status", ...).
    pub list: &'static str,
    /// The string that was offered.
    pub code: String,
}

/// Declares a code list: an enum whose values are parsed from, serialised as and shown as
/// the code string, with a plain-English label for people.
#[macro_export]
macro_rules! code_list {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($list:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal => $label:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name { $( $(#[$vmeta])* $variant ),+ }

        impl $name {
            /// Every value, in the order of the national list.
            pub const ALL: &'static [$name] = &[ $($name::$variant),+ ];
            /// The name of the list, for messages.
            pub const LIST: &'static str = $list;

            /// The national code string.
            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// A short plain-English description.
            pub const fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::codes::UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($code => Ok($name::$variant),)+
                    _ => Err($crate::codes::UnknownCode { list: $list, code: s.to_owned() }),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl ::serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        write!(f, "a {} code", $list)
                    }
                    fn visit_str<E: ::serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        v.parse().map_err(E::custom)
                    }
                }
                d.deserialize_str(V)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each list round-trips through its code string, and codes are unique within a list.
    fn round_trip<T>(all: &[T])
    where
        T: std::str::FromStr + std::fmt::Display + PartialEq + std::fmt::Debug + Copy,
        <T as std::str::FromStr>::Err: std::fmt::Debug,
    {
        let mut seen = std::collections::HashSet::new();
        for v in all {
            let code = v.to_string();
            assert!(seen.insert(code.clone()), "duplicate code {code}");
            assert_eq!(code.parse::<T>().unwrap(), *v);
        }
    }

    #[test]
    fn every_list_round_trips() {
        round_trip(Ethnicity::ALL);
        round_trip(Sex::ALL);
        round_trip(Disability::ALL);
        round_trip(UpnUnknown::ALL);
        round_trip(ReferralSource::ALL);
        round_trip(PrimaryNeed::ALL);
        round_trip(ReasonForClosure::ALL);
        round_trip(AssessmentFactor::ALL);
        round_trip(CategoryOfAbuse::ALL);
        round_trip(ReasonNewEpisode::ALL);
        round_trip(LegalStatus::ALL);
        round_trip(CategoryOfNeed::ALL);
        round_trip(PlacementType::ALL);
        round_trip(PlacementProvider::ALL);
        round_trip(ReasonEpisodeCeased::ALL);
        round_trip(ReasonPlaceChange::ALL);
        round_trip(ReviewParticipation::ALL);
        round_trip(SdqReason::ALL);
        round_trip(CareLeaverInTouch::ALL);
        round_trip(CareLeaverActivity::ALL);
        round_trip(CareLeaverAccommodation::ALL);
        round_trip(AdopterSex::ALL);
        round_trip(AdopterLegalStatus::ALL);
        round_trip(ReasonPlacedCeased::ALL);
        round_trip(PreviousPermanence::ALL);
        round_trip(MissingKind::ALL);
        round_trip(WorkerChangeReason::ALL);
        round_trip(ContactOutcome::ALL);
        round_trip(GenderIdentity::ALL);
        round_trip(Religion::ALL);
        round_trip(ImmigrationStatus::ALL);
        round_trip(Relationship::ALL);
        round_trip(StaffRole::ALL);
        round_trip(ServiceArea::ALL);
        round_trip(VisitKind::ALL);
        round_trip(CaseNoteKind::ALL);
        round_trip(Agency::ALL);
        round_trip(StrategyDecision::ALL);
        round_trip(Section47Outcome::ALL);
        round_trip(InitialConferenceOutcome::ALL);
        round_trip(ReviewConferenceOutcome::ALL);
        round_trip(CpPlanEndReason::ALL);
        round_trip(CinPlanEndReason::ALL);
        round_trip(AssessmentOutcome::ALL);
        round_trip(CareLeaverCategory::ALL);
        round_trip(PermanencePlan::ALL);
        round_trip(MeetingKind::ALL);
        round_trip(EmergencyProtectionKind::ALL);
        round_trip(SiblingKind::ALL);
        round_trip(AdopterLeavingReason::ALL);
        round_trip(AdopterStage::ALL);
        round_trip(PathwayPlanStage::ALL);
        round_trip(CinMeetingKind::ALL);
        round_trip(DocumentKind::ALL);
        round_trip(Audience::ALL);
        round_trip(PeriodUnit::ALL);
        round_trip(PlanKind::ALL);
        round_trip(ActionStatus::ALL);
        round_trip(WordsGathered::ALL);
        round_trip(SummaryKind::ALL);
        round_trip(ManagerDecision::ALL);
    }

    #[test]
    fn unknown_codes_are_refused_with_the_list_named() {
        let err = "WXYZ".parse::<Ethnicity>().unwrap_err();
        assert_eq!(err.list, "ethnicity");
        assert_eq!(err.to_string(), "'WXYZ' is not a valid ethnicity code");
        assert!("11".parse::<ReferralSource>().is_err());
        assert!("U9".parse::<PlacementType>().is_err());
        // Codes are exact: the national lists are upper case.
        assert!("wbri".parse::<Ethnicity>().is_err());
    }

    #[test]
    fn codes_serialise_as_their_strings() {
        assert_eq!(serde_json::to_string(&LegalStatus::C2).unwrap(), "\"C2\"");
        let v: PlacementType = serde_json::from_str("\"U4\"").unwrap();
        assert_eq!(v, PlacementType::U4);
        let err = serde_json::from_str::<PlacementType>("\"Q9\"").unwrap_err();
        assert!(
            err.to_string()
                .contains("'Q9' is not a valid placement type code")
        );
    }
}
