//! A child's record: the events of their journey, the folded record, and the rules.
//!
//! `record` holds the record as a whole and sends each event to its area; each area's module
//! holds its part of the record, how its events fold in, and the rules they keep.

mod adoption;
mod allocation;
mod assessment;
mod care;
mod care_leaver;
mod child_in_need;
mod events;
mod handover;
mod health;
mod identity;
mod meetings;
mod missing;
mod network;
mod practice;
#[cfg(test)]
mod practice_tests;
mod protection;
mod record;
mod recording;
mod referral;
mod restriction;
mod stream;
#[cfg(test)]
mod tests;
mod variations;
mod visits;

pub use adoption::{AdoptionMatch, AdoptionPlan};
pub use allocation::Allocation;
pub use assessment::Assessment;
pub use care::{CareEpisode, ClaReview, Period, PreviousPermanenceRecord};
pub use care_leaver::CareLeaverRecord;
pub use child_in_need::CinPlan;
pub use events::{ChildEvent, Reference, Replacement};
pub use handover::{Cover, Transfer, TransferEnd};
pub use health::{Health, Sdq};
pub use identity::{AddressRecord, check_details};
pub use meetings::{DocumentRecord, ManagerResponse, Meeting};
pub use missing::MissingEpisode;
pub use network::{NetworkLink, ProfessionalLink};
pub use practice::{
    Action, ActionNo, ActionRecord, ActionReview, AllocationRecord, Amendment, AssessmentContent,
    ConferenceMinutes, Content, DecisionRecord, EndedAction, EnquiryFindings, Entry, KeyContact,
    NotSeenAlone, Outcome, Owner, Participant, PlanContent, PlanVersion, Practice, Progress,
    StrategyMinutes, VisitContent,
};
pub use protection::{CpPlan, InitialConference, ReviewConference, Section47, StrategyDiscussion};
pub use record::{ChildRecord, LogEntry, Mark};
pub use recording::Recording;
pub use referral::{Contact, EarlyHelpAssessment, EpisodeOfNeed};
pub use restriction::Restriction;
pub use stream::{ChildStream, Standing, fold};
pub use variations::Variation;
pub use visits::Visit;
