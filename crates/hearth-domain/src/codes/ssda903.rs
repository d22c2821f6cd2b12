//! Code lists of the SSDA903 return (looked-after children and care leavers).

use chrono::NaiveDate;

use crate::code_list;

code_list! {
    /// Why a new looked-after episode starts. An episode is a period with one legal status
    /// and one placement; a change of either starts a new episode.
    pub enum ReasonNewEpisode ("reason for new episode") {
        S = "S" => "Started to be looked after",
        L = "L" => "Change of legal status only",
        P = "P" => "Change of placement and carer, same legal status",
        T = "T" => "Change of placement type, same carer and legal status",
        U = "U" => "Change of legal status and placement type, same carer",
        B = "B" => "Change of legal status, placement and carer",
    }
}

impl ReasonNewEpisode {
    /// True when the legal status changes at this episode.
    pub const fn changes_legal_status(self) -> bool {
        matches!(
            self,
            ReasonNewEpisode::L | ReasonNewEpisode::U | ReasonNewEpisode::B
        )
    }

    /// True when the placement changes at this episode.
    pub const fn changes_placement(self) -> bool {
        matches!(
            self,
            ReasonNewEpisode::P | ReasonNewEpisode::T | ReasonNewEpisode::U | ReasonNewEpisode::B
        )
    }
}

code_list! {
    /// The legal basis on which a child is looked after.
    pub enum LegalStatus ("legal status") {
        C1 = "C1" => "Interim care order",
        C2 = "C2" => "Full care order",
        D1 = "D1" => "Freeing order",
        E1 = "E1" => "Placement order",
        V2 = "V2" => "Accommodated under section 20 (single period)",
        V3 = "V3" => "Short breaks: single episodes recorded",
        V4 = "V4" => "Short breaks: under an agreement",
        L1 = "L1" => "Police protection, in council accommodation",
        L2 = "L2" => "Emergency protection order",
        L3 = "L3" => "Child assessment order, in council accommodation",
        J1 = "J1" => "Remanded to the council or to youth detention",
        J2 = "J2" => "Accommodated under PACE",
        J3 = "J3" => "Youth rehabilitation order with residence requirement",
    }
}

impl LegalStatus {
    /// Short-break statuses, for which much of the SSDA903 is not required.
    pub const fn is_short_break(self) -> bool {
        matches!(self, LegalStatus::V3 | LegalStatus::V4)
    }
}

code_list! {
    /// Category of need recorded on a looked-after episode.
    pub enum CategoryOfNeed ("category of need") {
        N1 = "N1" => "Abuse or neglect",
        N2 = "N2" => "The child's disability",
        N3 = "N3" => "A parent's illness or disability",
        N4 = "N4" => "Family in acute stress",
        N5 = "N5" => "Family dysfunction",
        N6 = "N6" => "Socially unacceptable behaviour",
        N7 = "N7" => "Low income",
        N8 = "N8" => "Absent parenting",
    }
}

code_list! {
    /// Placement type. Codes H5, P2 and Z1 were withdrawn on 31 March 2025 (Z1 was split into
    /// Z11 to Z14, and K3 added); the withdrawn codes remain so that older history can load.
    pub enum PlacementType ("placement type") {
        A3 = "A3" => "Placed for adoption with consent, with the current foster carer",
        A4 = "A4" => "Placed for adoption with consent, not with the current foster carer",
        A5 = "A5" => "Placed for adoption under a placement order, with the current foster carer",
        A6 = "A6" => "Placed for adoption under a placement order, not with the current foster carer",
        H5 = "H5" => "Semi-independent living (withdrawn 2025)",
        K1 = "K1" => "Secure children's home",
        K2 = "K2" => "Children's home",
        K3 = "K3" => "Supported accommodation",
        P1 = "P1" => "Placed with parents or others with parental responsibility",
        P2 = "P2" => "Independent living (withdrawn 2025)",
        P3 = "P3" => "Residential employment",
        R1 = "R1" => "Residential care home",
        R2 = "R2" => "NHS or health trust establishment",
        R3 = "R3" => "Family centre or mother and baby unit",
        R5 = "R5" => "Young offender institution or prison",
        S1 = "S1" => "Residential school",
        T0 = "T0" => "Temporary placement",
        T1 = "T1" => "Temporary placement: hospital",
        T2 = "T2" => "Temporary placement: holiday",
        T3 = "T3" => "Temporary placement: carer's holiday",
        T4 = "T4" => "Temporary placement: seven days or less",
        U1 = "U1" => "Foster placement with a relative or friend: long term",
        U2 = "U2" => "Foster placement with a relative or friend: fostering for adoption",
        U3 = "U3" => "Foster placement with a relative or friend: other",
        U4 = "U4" => "Foster placement with another carer: long term",
        U5 = "U5" => "Foster placement with another carer: fostering for adoption",
        U6 = "U6" => "Foster placement with another carer: other",
        Z1 = "Z1" => "Other placement (withdrawn 2025)",
        Z11 = "Z11" => "Other placement (Z11)",
        Z12 = "Z12" => "Other placement (Z12)",
        Z13 = "Z13" => "Other placement (Z13)",
        Z14 = "Z14" => "Other placement (Z14)",
    }
}

impl PlacementType {
    /// The last day on which a withdrawn code may start an episode.
    pub fn withdrawn_after(self) -> Option<NaiveDate> {
        match self {
            PlacementType::H5 | PlacementType::P2 | PlacementType::Z1 => {
                NaiveDate::from_ymd_opt(2025, 3, 31)
            }
            _ => None,
        }
    }

    /// Temporary placements (T0 to T4), which do not count as a change of placement.
    pub const fn is_temporary(self) -> bool {
        matches!(
            self,
            PlacementType::T0
                | PlacementType::T1
                | PlacementType::T2
                | PlacementType::T3
                | PlacementType::T4
        )
    }

    /// Foster placements (U1 to U6).
    pub const fn is_foster(self) -> bool {
        matches!(
            self,
            PlacementType::U1
                | PlacementType::U2
                | PlacementType::U3
                | PlacementType::U4
                | PlacementType::U5
                | PlacementType::U6
        )
    }

    /// Placed for adoption (A3 to A6).
    pub const fn is_adoption(self) -> bool {
        matches!(
            self,
            PlacementType::A3 | PlacementType::A4 | PlacementType::A5 | PlacementType::A6
        )
    }

    /// Fostering for adoption or concurrent planning placements.
    pub const fn is_fostering_for_adoption(self) -> bool {
        matches!(self, PlacementType::U2 | PlacementType::U5)
    }

    /// Placement types with no placement provider (temporary and "other" placements).
    pub const fn has_no_provider(self) -> bool {
        self.is_temporary()
            || matches!(
                self,
                PlacementType::Z1
                    | PlacementType::Z11
                    | PlacementType::Z12
                    | PlacementType::Z13
                    | PlacementType::Z14
            )
    }

    /// Placement types for which Ofsted registers no provider, so there is no URN.
    pub const fn has_no_urn(self) -> bool {
        self.has_no_provider()
            || matches!(
                self,
                PlacementType::P1
                    | PlacementType::P3
                    | PlacementType::R1
                    | PlacementType::R2
                    | PlacementType::R5
            )
    }
}

code_list! {
    /// Who provides a placement.
    pub enum PlacementProvider ("placement provider") {
        Pr0 = "PR0" => "Parents or others with parental responsibility",
        Pr1 = "PR1" => "The council's own provision",
        Pr2 = "PR2" => "Another council's provision",
        Pr3 = "PR3" => "Other public sector provision",
        Pr4 = "PR4" => "Private provision",
        Pr5 = "PR5" => "Voluntary or third sector provision",
    }
}

code_list! {
    /// Why an episode ended. X1 means another episode starts the same day (the child is still
    /// looked after); every other code means the child left care.
    pub enum ReasonEpisodeCeased ("reason episode ceased") {
        X1 = "X1" => "Episode ended and another began the same day",
        E11 = "E11" => "Adopted: application unopposed",
        E12 = "E12" => "Adopted: consent dispensed with by the court",
        E13 = "E13" => "Left care to live with parents, relatives or others without parental responsibility",
        E14 = "E14" => "Accommodation on remand ended",
        E15 = "E15" => "Age assessment found the child was 18 or over",
        E16 = "E16" => "Child moved abroad",
        E17 = "E17" => "Aged 18 or over and stayed with current carers",
        E2 = "E2" => "Died",
        E3 = "E3" => "Care taken over by another council",
        E4A = "E4A" => "Returned home to parents or relatives as planned",
        E4B = "E4B" => "Returned home to parents or relatives, not as planned",
        E41 = "E41" => "Residence or child arrangements order",
        E45 = "E45" => "Special guardianship order: former carer who was a relative or friend",
        E46 = "E46" => "Special guardianship order: former carer, not a relative or friend",
        E47 = "E47" => "Special guardianship order: relative or friend who was not the carer",
        E48 = "E48" => "Special guardianship order: other",
        E5 = "E5" => "Moved to independent living with support",
        E6 = "E6" => "Moved to independent living without formal support",
        E7 = "E7" => "Moved to adult residential care",
        E8 = "E8" => "Care ended for another reason",
        E9 = "E9" => "Sentenced to custody",
    }
}

impl ReasonEpisodeCeased {
    /// True when the child stops being looked after.
    pub const fn leaves_care(self) -> bool {
        !matches!(self, ReasonEpisodeCeased::X1)
    }

    /// True for adoption.
    pub const fn is_adoption(self) -> bool {
        matches!(self, ReasonEpisodeCeased::E11 | ReasonEpisodeCeased::E12)
    }
}

code_list! {
    /// Why a placement changed.
    pub enum ReasonPlaceChange ("reason for placement change") {
        Carpl = "CARPL" => "To carry out the care plan",
        Close = "CLOSE" => "The provider resigned or closed",
        Alleg = "ALLEG" => "An allegation was made about the carer",
        Stand = "STAND" => "Concerns about the standard of care",
        Apprr = "APPRR" => "The carer's approval was removed",
        Creqb = "CREQB" => "The carer asked for it to end because of the child's behaviour",
        Creqo = "CREQO" => "The carer asked for it to end for other reasons",
        Child = "CHILD" => "The child asked to move",
        Lareq = "LAREQ" => "The council asked for it to end",
        Place = "PLACE" => "Change of placement status only, same carer",
        Custod = "CUSTOD" => "Custody arrangement",
        Other = "OTHER" => "Other reason",
    }
}

code_list! {
    /// How the child took part in their looked-after review.
    pub enum ReviewParticipation ("review participation") {
        Pn0 = "PN0" => "Child under four at the review",
        Pn1 = "PN1" => "Attended and spoke for themself",
        Pn2 = "PN2" => "Attended; an advocate spoke for them",
        Pn3 = "PN3" => "Attended and gave their views without speaking",
        Pn4 = "PN4" => "Attended but did not give their views",
        Pn5 = "PN5" => "Did not attend; an advocate gave their views",
        Pn6 = "PN6" => "Did not attend; gave their views another way",
        Pn7 = "PN7" => "Did not attend or give their views",
    }
}

code_list! {
    /// Why no strengths and difficulties questionnaire score was obtained.
    pub enum SdqReason ("SDQ reason") {
        Sdq1 = "SDQ1" => "Child outside the age range (under 4 or over 16)",
        Sdq2 = "SDQ2" => "The carer refused",
        Sdq3 = "SDQ3" => "Not possible because of the severity of the child's disability",
        Sdq4 = "SDQ4" => "Another reason",
        Sdq5 = "SDQ5" => "The child refused",
    }
}

code_list! {
    /// Whether the council is in touch with a care leaver.
    pub enum CareLeaverInTouch ("care leaver in touch") {
        Yes = "YES" => "In touch",
        No = "NO" => "Not in touch",
        Died = "DIED" => "Died",
        Refu = "REFU" => "Does not want contact",
        Nreq = "NREQ" => "No longer needs services",
        Rhom = "RHOM" => "Returned home to parents for six months or more",
    }
}

code_list! {
    /// A care leaver's main activity.
    pub enum CareLeaverActivity ("care leaver activity") {
        F1 = "F1" => "Full time in higher education",
        P1 = "P1" => "Part time in higher education",
        F2 = "F2" => "Full time in other education",
        P2 = "P2" => "Part time in other education",
        F4 = "F4" => "Full time in an apprenticeship",
        P4 = "P4" => "Part time in an apprenticeship",
        F5 = "F5" => "Full time in training or employment",
        P5 = "P5" => "Part time in training or employment",
        G4 = "G4" => "Not in education, employment or training: illness or disability",
        G5 = "G5" => "Not in education, employment or training: other",
        G6 = "G6" => "Not in education, employment or training: pregnancy or parenting",
        Unknown = "0" => "Not known",
    }
}

impl CareLeaverActivity {
    /// Not in education, employment or training.
    pub const fn is_neet(self) -> bool {
        matches!(
            self,
            CareLeaverActivity::G4 | CareLeaverActivity::G5 | CareLeaverActivity::G6
        )
    }
}

code_list! {
    /// A care leaver's accommodation; the digit says whether it is suitable (1) or not (2).
    pub enum CareLeaverAccommodation ("care leaver accommodation") {
        B1 = "B1" => "With parents or relatives: suitable",
        B2 = "B2" => "With parents or relatives: not suitable",
        C1 = "C1" => "Community home or residential care: suitable",
        C2 = "C2" => "Community home or residential care: not suitable",
        D1 = "D1" => "Semi-independent or transitional accommodation: suitable",
        D2 = "D2" => "Semi-independent or transitional accommodation: not suitable",
        E1 = "E1" => "Supported lodgings: suitable",
        E2 = "E2" => "Supported lodgings: not suitable",
        G1 = "G1" => "Abroad: suitable",
        G2 = "G2" => "Abroad: not suitable",
        H1 = "H1" => "Deported: suitable",
        H2 = "H2" => "Deported: not suitable",
        K1 = "K1" => "Ordinary lodgings without formal support: suitable",
        K2 = "K2" => "Ordinary lodgings without formal support: not suitable",
        R1 = "R1" => "Residence not known: suitable",
        R2 = "R2" => "Residence not known: not suitable",
        S2 = "S2" => "No fixed abode or homeless: not suitable",
        T1 = "T1" => "Foyer or similar supported accommodation: suitable",
        T2 = "T2" => "Foyer or similar supported accommodation: not suitable",
        U1 = "U1" => "Independent living: suitable",
        U2 = "U2" => "Independent living: not suitable",
        V1 = "V1" => "Emergency accommodation: suitable",
        V2 = "V2" => "Emergency accommodation: not suitable",
        W1 = "W1" => "Bed and breakfast: suitable",
        W2 = "W2" => "Bed and breakfast: not suitable",
        X2 = "X2" => "In custody: not suitable",
        Y1 = "Y1" => "Other accommodation: suitable",
        Y2 = "Y2" => "Other accommodation: not suitable",
        Z1 = "Z1" => "With former foster carers: suitable",
        Z2 = "Z2" => "With former foster carers: not suitable",
        Unknown = "0" => "Not known",
    }
}

impl CareLeaverAccommodation {
    /// Whether the accommodation is suitable; `None` when not known.
    pub fn is_suitable(self) -> Option<bool> {
        match self.code().as_bytes().get(1) {
            Some(b'1') => Some(true),
            Some(b'2') => Some(false),
            _ => None,
        }
    }
}

code_list! {
    /// The sex of the adopter or adopters.
    pub enum AdopterSex ("adopter sex") {
        M1 = "M1" => "One male adopter",
        F1 = "F1" => "One female adopter",
        Mm = "MM" => "Two male adopters",
        Ff = "FF" => "Two female adopters",
        Mf = "MF" => "A male and a female adopter",
    }
}

impl AdopterSex {
    /// How many adopters the code describes.
    pub const fn number(self) -> u8 {
        match self {
            AdopterSex::M1 | AdopterSex::F1 => 1,
            _ => 2,
        }
    }
}

code_list! {
    /// The legal status of the adopter or adopters.
    pub enum AdopterLegalStatus ("adopter legal status") {
        L0 = "L0" => "Single adopter",
        L11 = "L11" => "Married couple of different sexes",
        L12 = "L12" => "Married couple of the same sex",
        L2 = "L2" => "Civil partners",
        L3 = "L3" => "Unmarried couple of different sexes",
        L4 = "L4" => "Unmarried couple of the same sex",
    }
}

code_list! {
    /// Why a child is no longer to be placed for adoption.
    pub enum ReasonPlacedCeased ("reason no longer placed for adoption") {
        Rd1 = "RD1" => "The child's needs changed after the decision",
        Rd2 = "RD2" => "The court did not make a placement order",
        Rd3 = "RD3" => "No prospective adopters could be found",
        Rd4 = "RD4" => "Another reason",
    }
}

code_list! {
    /// A permanence order the child had before this period of care.
    pub enum PreviousPermanence ("previous permanence") {
        P1 = "P1" => "Adoption",
        P2 = "P2" => "Special guardianship order",
        P3 = "P3" => "Residence order",
        P4 = "P4" => "Child arrangements order",
        Z1 = "Z1" => "Not known or none",
    }
}

code_list! {
    /// Missing from placement, or away from it without authorisation.
    pub enum MissingKind ("missing kind") {
        Missing = "M" => "Missing",
        Away = "A" => "Away without authorisation",
    }
}

code_list! {
    /// Why a child's social worker changed (SSDA903 social worker episodes).
    pub enum WorkerChangeReason ("reason for social worker change") {
        Manage = "MANAGE" => "Management decision",
        Fconta = "FCONTA" => "First allocation",
        Leftrl = "LEFTRL" => "The worker left the role",
        Orgrst = "ORGRST" => "Organisational restructure",
        Tsproc = "TSPROC" => "Transfer between teams as part of the child's journey",
        Absenc = "ABSENC" => "The worker is absent",
        Chchan = "CHCHAN" => "The child asked for a change",
        Pcchan = "PCCHAN" => "A parent or carer asked for a change",
        Swdied = "SWDIED" => "The worker died",
        Others = "OTHERS" => "Other reason",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accommodation_suitability_comes_from_the_digit() {
        assert_eq!(CareLeaverAccommodation::D1.is_suitable(), Some(true));
        assert_eq!(CareLeaverAccommodation::S2.is_suitable(), Some(false));
        assert_eq!(CareLeaverAccommodation::Unknown.is_suitable(), None);
    }

    #[test]
    fn withdrawn_placement_codes_are_dated() {
        assert!(PlacementType::Z1.withdrawn_after().is_some());
        assert!(PlacementType::Z11.withdrawn_after().is_none());
        assert!(PlacementType::T4.has_no_provider());
        assert!(PlacementType::P1.has_no_urn());
        assert!(!PlacementType::U6.has_no_urn());
    }
}
