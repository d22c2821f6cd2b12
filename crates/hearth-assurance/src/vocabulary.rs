//! The words a template can use: kinds of audit and subject, the facts of the record a
//! section shows, the states and events a selection is drawn by, and how a draw groups and
//! a score is taken. Each is a fixed name in code; a name not listed here is refused when
//! the template is read.

hearth_domain::vocabulary! {
    /// What kind of assurance activity a template is for.
    pub enum AuditKind {
        /// The monthly single case file audit.
        CaseAudit = "case_audit",
        /// A focused audit of one aspect of practice, selected by a theme.
        DeepDive = "deep_dive",
        /// An audit of a practitioner's supervision.
        SupervisionAudit = "supervision_audit",
        /// An observation of a practitioner's practice (one a year each).
        PracticeObservation = "practice_observation",
        /// A case audited with partner agencies.
        MultiAgencyAudit = "multi_agency_audit",
    }
}

hearth_domain::vocabulary! {
    /// What an audit is about.
    pub enum SubjectKind {
        /// A child's case.
        Child = "child",
        /// A practitioner (their supervision, or their practice observed).
        Practitioner = "practitioner",
    }
}

hearth_domain::vocabulary! {
    /// How cases (or practitioners) are chosen.
    pub enum Method {
        /// A seeded random draw from each group's eligible list.
        Draw = "draw",
        /// Everyone eligible is due once in the period (observations: one a year each).
        Programme = "programme",
    }
}

hearth_domain::vocabulary! {
    /// What a draw is made per.
    pub enum GroupBy {
        /// Each team (the framework's practice groups).
        Team = "team",
        /// Each part of the service (the team's service area).
        Service = "service",
        /// The whole council at once.
        Council = "council",
    }
}

hearth_domain::vocabulary! {
    /// How an audit's score is taken.
    pub enum Basis {
        /// The weighted mean of the questions answered (each question's weight times its
        /// section's).
        Questions = "questions",
        /// The weighted mean of the sections graded.
        Sections = "sections",
    }
}

hearth_domain::vocabulary! {
    /// States a case can be in at the selection date; a selection may ask that one holds.
    pub enum CaseState {
        /// An open child in need episode.
        OpenCase = "open_case",
        /// A child in need plan is open.
        CinPlan = "cin_plan",
        /// A child protection plan is open.
        CpPlan = "cp_plan",
        /// The child is looked after.
        LookedAfter = "looked_after",
        /// A care leaver the service supports.
        CareLeaver = "care_leaver",
        /// An adoption plan is active.
        AdoptionPlan = "adoption_plan",
    }
}

hearth_domain::vocabulary! {
    /// Things that happened in the audit's scope (the months before the selection date); a
    /// selection may ask that one did. Deep dives select by these.
    pub enum ScopeEvent {
        /// A referral was received.
        Referral = "referral",
        /// A strategy discussion was held.
        StrategyDiscussion = "strategy_discussion",
        /// A section 47 enquiry started.
        Section47 = "section47",
        /// A child protection plan started.
        CpPlanStarted = "cp_plan_started",
        /// The child came into care.
        EnteredCare = "entered_care",
        /// The child's placement changed.
        PlacementMoved = "placement_moved",
        /// The child went missing or was away.
        Missing = "missing",
        /// Emergency protection or police protection.
        EmergencyProtection = "emergency_protection",
        /// The worker changed.
        WorkerChanged = "worker_changed",
    }
}
