//! The assurance record's own code lists: grading scales and their points, and the few
//! reasons and roles an audit records. Each is an enum read from and written as its code,
//! with a label for people, like the record's national lists.

hearth_domain::code_list! {
    /// A grading scale. Grades on different scales are never counted or averaged together.
    pub enum Scale ("grading scale") {
        /// Ofsted's judgements since 2013 (and in the inspection of local authority
        /// children's services): outstanding, good, requires improvement, inadequate.
        OfstedIlacs = "OFSTED_ILACS" => "Ofsted: outstanding, good, requires improvement, inadequate",
        /// Ofsted's older scale (grades 1 to 4), measured against minimum requirements.
        Ofsted2009 = "OFSTED_2009" => "Ofsted before 2013: outstanding, good, adequate, inadequate",
    }
}

hearth_domain::code_list! {
    /// A point on a grading scale.
    pub enum Point ("grade") {
        /// Grade 1 on either scale.
        Outstanding = "OUTSTANDING" => "Outstanding",
        /// Grade 2 on either scale.
        Good = "GOOD" => "Good",
        /// Grade 3 on Ofsted's current scale.
        RequiresImprovement = "REQUIRES_IMPROVEMENT" => "Requires improvement",
        /// Grade 3 on Ofsted's older scale.
        Adequate = "ADEQUATE" => "Adequate",
        /// Grade 4 on either scale.
        Inadequate = "INADEQUATE" => "Inadequate",
    }
}

impl Scale {
    /// The scale's points, best first.
    pub const fn points(self) -> &'static [Point; 4] {
        match self {
            Scale::OfstedIlacs => &[
                Point::Outstanding,
                Point::Good,
                Point::RequiresImprovement,
                Point::Inadequate,
            ],
            Scale::Ofsted2009 => &[
                Point::Outstanding,
                Point::Good,
                Point::Adequate,
                Point::Inadequate,
            ],
        }
    }

    /// The Ofsted grade number of a point on this scale (1 outstanding to 4 inadequate), or
    /// `None` when the point is not on it.
    pub fn grade_number(self, point: Point) -> Option<u8> {
        self.points()
            .iter()
            .position(|p| *p == point)
            .and_then(|i| u8::try_from(i + 1).ok())
    }
}

hearth_domain::code_list! {
    /// Why the head of service exempted an audit from its deadline. The framework allows only
    /// leave.
    pub enum ExemptionReason ("exemption reason") {
        /// The auditor (or the worker) is on annual leave.
        AnnualLeave = "ANNUAL_LEAVE" => "Annual leave",
        /// The auditor (or the worker) is on sick leave.
        SickLeave = "SICK_LEAVE" => "Sick leave",
    }
}

hearth_domain::code_list! {
    /// What a finding of an audit is.
    pub enum FindingKind ("finding") {
        /// Practice to acknowledge and share.
        Strength = "STRENGTH" => "Strength",
        /// An area for development.
        Development = "DEVELOPMENT" => "Area for development",
    }
}

hearth_domain::code_list! {
    /// Why a case (or practitioner) that meets a template's criteria was left out of a draw.
    pub enum ExclusionReason ("exclusion reason") {
        /// Audited (or observed) within the period the template sets.
        AuditedRecently = "AUDITED_RECENTLY" => "Audited recently",
        /// Open, or in post, for less time than the template sets.
        OpenTooShort = "OPEN_TOO_SHORT" => "Not open long enough to audit",
        /// Waiting for a new worker: no one holds the case to reflect on it.
        WaitingForWorker = "WAITING_FOR_WORKER" => "Waiting for a worker",
        /// Neither a worker nor a personal adviser, so no team to draw it for.
        NotInATeam = "NOT_IN_A_TEAM" => "Not held in a team",
    }
}

hearth_domain::code_list! {
    /// Who answered the family's questionnaire.
    pub enum Respondent ("respondent") {
        /// A parent.
        Parent = "PARENT" => "Parent",
        /// A carer (foster carer, kinship carer, residential worker).
        Carer = "CARER" => "Carer",
        /// The child or young person.
        Child = "CHILD" => "Child or young person",
        /// Another member of the family.
        OtherFamily = "OTHER_FAMILY" => "Another family member",
    }
}

hearth_domain::code_list! {
    /// How the family's feedback was taken.
    pub enum FeedbackMethod ("feedback method") {
        /// By telephone, as the framework expects.
        Telephone = "TELEPHONE" => "Telephone",
        /// In person.
        InPerson = "IN_PERSON" => "In person",
        /// By video call.
        Video = "VIDEO" => "Video call",
    }
}

hearth_domain::code_list! {
    /// Why the family's feedback could not be taken.
    pub enum FeedbackNotTaken ("reason feedback was not taken") {
        /// The family could not be reached after several attempts.
        NotReached = "NOT_REACHED" => "Could not be reached",
        /// The family declined.
        Declined = "DECLINED" => "Declined",
        /// Contacting the family would not be safe or appropriate.
        NotAppropriate = "NOT_APPROPRIATE" => "Not safe or appropriate to contact",
    }
}

hearth_domain::code_list! {
    /// Who must be told at once of an immediate concern for a child's safety.
    pub enum ConcernRecipient ("who is told of a safety concern") {
        /// The team manager of the child's worker.
        TeamManager = "TEAM_MANAGER" => "Team manager",
        /// The director of children's social care (the assistant director in the record's
        /// roles).
        Director = "DIRECTOR" => "Director of children's social care",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        round_trip(Scale::ALL);
        round_trip(Point::ALL);
        round_trip(ExemptionReason::ALL);
        round_trip(FindingKind::ALL);
        round_trip(ExclusionReason::ALL);
        round_trip(Respondent::ALL);
        round_trip(FeedbackMethod::ALL);
        round_trip(FeedbackNotTaken::ALL);
        round_trip(ConcernRecipient::ALL);
    }

    #[test]
    fn the_two_scales_share_only_their_ends_and_good() {
        assert_eq!(
            Scale::OfstedIlacs.grade_number(Point::RequiresImprovement),
            Some(3)
        );
        assert_eq!(Scale::OfstedIlacs.grade_number(Point::Adequate), None);
        assert_eq!(Scale::Ofsted2009.grade_number(Point::Adequate), Some(3));
        assert_eq!(
            Scale::Ofsted2009.grade_number(Point::RequiresImprovement),
            None
        );
        assert_eq!(Scale::Ofsted2009.grade_number(Point::Inadequate), Some(4));
    }
}
