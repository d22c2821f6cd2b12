//! Ofsted's wording for the record's codes: every Annex A category label is made here, so
//! that the mapping from DfE codes (and the few local lists) to Ofsted's "letter) label"
//! style lives in one place. The label sets follow liiatools' Annex A data map.

use hearth_domain::codes::AdopterLeavingReason;
use hearth_domain::codes::{
    CareLeaverAccommodation, CareLeaverActivity, CareLeaverCategory, CareLeaverInTouch,
    CategoryOfAbuse, CategoryOfNeed, Disability, Ethnicity, GenderIdentity, LegalStatus,
    PermanencePlan, PlacementProvider, PlacementType, PrimaryNeed, ReasonEpisodeCeased,
    ReasonForClosure, ReasonPlacedCeased, ReferralSource, Sex,
};

/// `a) Yes` / `b) No`.
pub fn yes_no(b: bool) -> &'static str {
    if b { "a) Yes" } else { "b) No" }
}

/// `a) Yes`, `b) No`, or `c) Unknown` when the record does not say.
pub fn yes_no_unknown(b: Option<bool>) -> &'static str {
    match b {
        Some(b) => yes_no(b),
        None => "c) Unknown",
    }
}

/// Gender as Annex A asks for it, from the sex the returns record. A child recorded as
/// neither male nor female is shown so; an unborn child's `U` is "not stated".
pub fn gender(sex: Sex, gender: Option<GenderIdentity>) -> &'static str {
    match (sex, gender) {
        (_, Some(GenderIdentity::Neither)) => "d) Neither",
        (Sex::M, _) => "a) Male",
        (Sex::F, _) => "b) Female",
        (Sex::U, _) => "c) Not stated/recorded",
    }
}

/// An adopter's gender.
pub fn adopter_gender(g: GenderIdentity) -> &'static str {
    match g {
        GenderIdentity::Male => "a) Male",
        GenderIdentity::Female => "b) Female",
        GenderIdentity::NotStated => "c) Not stated/recorded",
        GenderIdentity::Neither => "d) Neither",
    }
}

/// Ethnicity: Ofsted letters the 18 census groups a) to r), and both "refused" and "not yet
/// obtained" share the letter s).
pub fn ethnicity(e: Ethnicity) -> String {
    let letter = match e {
        Ethnicity::Wbri => 'a',
        Ethnicity::Wiri => 'b',
        Ethnicity::Wirt => 'c',
        Ethnicity::Woth => 'd',
        Ethnicity::Wrom => 'e',
        Ethnicity::Mwbc => 'f',
        Ethnicity::Mwba => 'g',
        Ethnicity::Mwas => 'h',
        Ethnicity::Moth => 'i',
        Ethnicity::Aind => 'j',
        Ethnicity::Apkn => 'k',
        Ethnicity::Aban => 'l',
        Ethnicity::Aoth => 'm',
        Ethnicity::Bcrb => 'n',
        Ethnicity::Bafr => 'o',
        Ethnicity::Both => 'p',
        Ethnicity::Chne => 'q',
        Ethnicity::Ooth => 'r',
        Ethnicity::Refu | Ethnicity::Nobt => 's',
    };
    format!("{letter}) {}", e.code())
}

/// Whether the child has a disability: no list at all is "unknown".
pub fn disability(d: &[Disability]) -> &'static str {
    if d.is_empty() {
        yes_no_unknown(None)
    } else {
        yes_no(d.iter().any(|d| *d != Disability::None))
    }
}

/// Contact and referral source.
pub fn source(s: ReferralSource) -> String {
    use ReferralSource::*;
    let (letter, group) = match s {
        IndividualFamily => ('a', "Individual"),
        IndividualAcquaintance => ('b', "Individual"),
        IndividualSelf => ('c', "Individual"),
        IndividualOther => ('d', "Individual"),
        Schools => ('e', "Schools"),
        EducationServices => ('f', "Education services"),
        HealthGp => ('g', "Health services"),
        HealthVisitor => ('h', "Health services"),
        HealthSchoolNurse => ('i', "Health services"),
        HealthOtherPrimary => ('j', "Health services"),
        HealthEmergency => ('k', "Health services"),
        HealthOther => ('l', "Health services"),
        Housing => ('m', "Housing"),
        LaSocialCare => ('n', "LA services"),
        LaOtherInternal => ('o', "LA services"),
        LaExternal => ('p', "LA services"),
        // Ofsted's list predates the census's 5D (early help): it is another internal
        // council department, which is where Ofsted counted it before.
        LaEarlyHelp => return "o) 5B: LA services".to_owned(),
        Police => ('q', "Police"),
        OtherLegal => ('r', "Other legal agency"),
        Other => ('s', "Other"),
        Anonymous => ('t', "Anonymous"),
        Unknown => ('u', "Unknown"),
    };
    format!("{letter}) {}: {group}", s.code())
}

/// Primary need (List 6); the record's "no need recorded" is N0, not stated.
pub fn primary_need(n: Option<PrimaryNeed>) -> &'static str {
    match n.unwrap_or(PrimaryNeed::N0) {
        PrimaryNeed::N0 => "N0 - Not stated",
        PrimaryNeed::N1 => "N1 - Abuse or neglect",
        PrimaryNeed::N2 => "N2 - Child's disability",
        PrimaryNeed::N3 => "N3 - Parental disability or illness",
        PrimaryNeed::N4 => "N4 - Family in acute stress",
        PrimaryNeed::N5 => "N5 - Family dysfunction",
        PrimaryNeed::N6 => "N6 - Socially unacceptable behaviour",
        PrimaryNeed::N7 => "N7 - Low income",
        PrimaryNeed::N8 => "N8 - Absent parenting",
        PrimaryNeed::N9 => "N9 - Cases other than children in need",
    }
}

/// A looked-after child's category of need, in the same words as the primary need.
pub fn category_of_need(c: CategoryOfNeed) -> &'static str {
    let need = match c {
        CategoryOfNeed::N1 => PrimaryNeed::N1,
        CategoryOfNeed::N2 => PrimaryNeed::N2,
        CategoryOfNeed::N3 => PrimaryNeed::N3,
        CategoryOfNeed::N4 => PrimaryNeed::N4,
        CategoryOfNeed::N5 => PrimaryNeed::N5,
        CategoryOfNeed::N6 => PrimaryNeed::N6,
        CategoryOfNeed::N7 => PrimaryNeed::N7,
        CategoryOfNeed::N8 => PrimaryNeed::N8,
    };
    primary_need(Some(need))
}

/// Reason a child in need episode closed. RC9 (closed to early help) is newer than
/// Ofsted's list and is reported with RC8, the other closure after assessment.
pub fn reason_for_closure(r: ReasonForClosure) -> &'static str {
    match r {
        ReasonForClosure::Rc1 => "RC1 - Adopted",
        ReasonForClosure::Rc2 => "RC2 - Died",
        ReasonForClosure::Rc3 => "RC3 - Child arrangements order",
        ReasonForClosure::Rc4 => "RC4 - Special guardianship order",
        ReasonForClosure::Rc5 => "RC5 - Transferred to services of another local authority",
        ReasonForClosure::Rc6 => "RC6 - Transferred to adult social care services",
        ReasonForClosure::Rc7 => {
            "RC7 - Services ceased for any other reason, including child no longer in need"
        }
        ReasonForClosure::Rc8 | ReasonForClosure::Rc9 => {
            "RC8 - Case closed after assessment, no further action"
        }
    }
}

/// What a child in need episode is, as at the date (List 6 "Case Status").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseStatus {
    /// Looked after.
    LookedAfter,
    /// On a child protection plan.
    ChildProtection,
    /// Open as a child in need.
    ChildInNeed,
    /// An assessment is under way.
    OpenAssessment,
    /// The episode has closed.
    Closed,
}

/// The case status label.
pub fn case_status(s: CaseStatus) -> &'static str {
    match s {
        CaseStatus::LookedAfter => "a) Looked after child",
        CaseStatus::ChildProtection => "b) Child Protection plan",
        CaseStatus::ChildInNeed => "c) Child in need plan",
        CaseStatus::OpenAssessment => "d) Open assessment",
        CaseStatus::Closed => "e) Closed episode",
    }
}

/// Category of abuse.
pub fn category_of_abuse(c: CategoryOfAbuse) -> &'static str {
    match c {
        CategoryOfAbuse::Neg => "a) Neglect",
        CategoryOfAbuse::Phy => "b) Physical abuse",
        CategoryOfAbuse::Sab => "c) Sexual abuse",
        CategoryOfAbuse::Emo => "d) Emotional abuse",
        CategoryOfAbuse::Mul => "e) Multiple/not recommended",
    }
}

/// Legal status.
pub fn legal_status(l: LegalStatus) -> String {
    let words = match l {
        LegalStatus::C1 => "ICO",
        LegalStatus::C2 => "FCO",
        LegalStatus::D1 => "Freeing order",
        LegalStatus::E1 => "Placement order",
        LegalStatus::V2 => "Single period under S20",
        LegalStatus::V3 => "Short term breaks, episodes recorded",
        LegalStatus::V4 => "Short term breaks, agreements recorded",
        LegalStatus::L1 => "Police protection LA accommodation",
        LegalStatus::L2 => "EPO",
        LegalStatus::L3 => "Child assessment order LA accommodation",
        LegalStatus::J1 => "Remanded to LA or youth detention",
        LegalStatus::J2 => "LA accommodation under PACE",
        LegalStatus::J3 => "Youth rehabilitation order",
    };
    format!("{}: {words}", l.code())
}

/// Permanence plan.
pub fn permanence_plan(p: PermanencePlan) -> &'static str {
    match p {
        PermanencePlan::ReturnToFamily => "a) Return to family",
        PermanencePlan::Adoption => "b) Adoption",
        PermanencePlan::SgoCao => "c) SGO/CAO",
        PermanencePlan::SupportedLiving => "d) Supported living in the community",
        PermanencePlan::LongTermResidential => "e) Long-term residential placement",
        PermanencePlan::LongTermFostering => "f) Long-term fostering",
        PermanencePlan::Other => "g) other",
    }
}

/// Reason a child ceased to be looked after; `None` for X1, which only joins episodes and
/// never ends a period of care.
pub fn reason_ceased(r: ReasonEpisodeCeased) -> Option<&'static str> {
    use ReasonEpisodeCeased::*;
    Some(match r {
        X1 => return None,
        E11 => "a) E11: Adopted - application unopposed",
        E12 => "b) E12: Adopted - consent dispensed",
        E2 => "c) E2: Died",
        E3 => "d) E3: Care taken by another LA",
        E4A => "e) E4A: Returned home to live with parents or relatives - part of planning",
        E4B => "f) E4B: Returned home to live with parents or relatives - not part of planning",
        E13 => "g) E13: Parents, relatives or other with no parental responsibility",
        E41 => "h) E41: Residence order granted",
        E45 => "i) E45: Special Guardianship Orders - former carer relative/friend",
        E46 => "j) E46: Special Guardianship Orders - former carer other",
        E47 => "k) E47: Special Guardianship Orders - relative/friend",
        E48 => "l) E48: Special Guardianship Orders - other",
        E5 => "m) E5: Moved into independent living - supported",
        E6 => "n) E6: Moved into independent living - no support",
        E7 => "o) E7: Transferred to residential care funded by adult social services",
        E9 => "p) E9: Sentenced to custody",
        E14 => "q) E14: Accommodation on remand ended",
        E15 => "r) E15: Age assessment determined child was 18 or over",
        E16 => "s) E16: Child moved abroad",
        E8 => "t) E8: Care ceased for any other reason",
        E17 => "v) E17: Aged 18+ and remained with current carers",
    })
}

/// Placement type. Ofsted's list predates the 903's newer codes, so each is written as the
/// code it replaced: K3 (supported accommodation) as H5, the unregulated accommodation it
/// succeeded, and Z11 to Z14 as Z1, the "other placement" they split.
pub fn placement_type(p: PlacementType) -> String {
    use PlacementType::*;
    let (letter, words) = match p {
        U1 => ("a", "Foster placement - relatives - long term"),
        U2 => ("b", "Foster placement - relative - FFA"),
        U3 => ("c", "Foster placement - relative - not FFA"),
        U4 => ("d", "Foster placement - long term"),
        U5 => ("e", "Foster placement - FFA"),
        U6 => ("f", "Foster placement - not FFA"),
        A3 => ("g", "Placed for adoption - consent - current foster"),
        A4 => ("h", "Placed for adoption - consent - not foster"),
        A5 => ("i", "Placed for adoption - order - foster"),
        A6 => ("j", "Placed for adoption - order - not foster"),
        P1 => ("k", "Placed with parents"),
        P2 => ("l", "Independent living"),
        P3 => ("m", "Residential employment"),
        H5 | K3 => return "n) H5: Residential accommodation".to_owned(),
        K1 => ("o", "Secure Children's Homes"),
        K2 => ("p", "Children's Homes"),
        R1 => ("q", "Residential Care Home"),
        R2 => ("r", "NHS/Health Trust"),
        R3 => ("s", "Family Centre or Mother and Baby Unit"),
        R5 => ("t", "Young Offender Institution"),
        S1 => ("u", "Residential school"),
        Z1 | Z11 | Z12 | Z13 | Z14 => return "v) Z1: Other placements".to_owned(),
        T0 => ("w", "Temporary placement"),
        T1 => ("x", "Temporary placement - hospital"),
        T2 => ("y", "Temporary placement - holiday"),
        T3 => ("z", "Temporary placement - carer holiday"),
        T4 => ("zz", "Temporary placement - seven days or less"),
    };
    format!("{letter}) {}: {words}", p.code())
}

/// Placement provider.
pub fn provider(p: PlacementProvider) -> String {
    let (letter, words) = match p {
        PlacementProvider::Pr0 => ('a', "Parents/Parental responsibility"),
        PlacementProvider::Pr1 => ('b', "Own provision"),
        PlacementProvider::Pr2 => ('c', "Other LA provision"),
        PlacementProvider::Pr3 => ('d', "Other public provision"),
        PlacementProvider::Pr4 => ('e', "Private provision"),
        PlacementProvider::Pr5 => ('f', "Voluntary/third sector"),
    };
    format!("{letter}) {}: {words}", p.code())
}

/// `a) In` or `b) Out` of the council's area.
pub fn location(inside: bool) -> &'static str {
    if inside { "a) In" } else { "b) Out" }
}

/// Care leaver eligibility; an eligible child is still looked after and is not on List 9.
pub fn eligibility(c: CareLeaverCategory) -> Option<&'static str> {
    match c {
        CareLeaverCategory::Eligible => None,
        CareLeaverCategory::Relevant => Some("a) Relevant child"),
        CareLeaverCategory::FormerRelevant => Some("b) Former relevant child"),
        CareLeaverCategory::Qualifying => Some("c) Qualifying care leaver"),
    }
}

/// Whether the council is in touch with a care leaver.
pub fn in_touch(t: CareLeaverInTouch) -> &'static str {
    match t {
        CareLeaverInTouch::Yes => "a) Yes",
        CareLeaverInTouch::No => "b) No",
        CareLeaverInTouch::Died => "c) Died",
        CareLeaverInTouch::Refu => "d) Refu",
        CareLeaverInTouch::Nreq => "e) NREQ",
        CareLeaverInTouch::Rhom => "f) Rhom",
    }
}

/// Type of accommodation, from the first letter of the 903 code (the digit is the
/// suitability, a column of its own); `None` when not known.
pub fn accommodation(a: CareLeaverAccommodation) -> Option<&'static str> {
    Some(match a.code().as_bytes().first()? {
        b'B' => "B: Parents/relatives",
        b'C' => "C: Community home/residential care",
        b'D' => "D: Semi-independent, transitional accommodation and self-contained accommodation",
        b'E' => "E: Supported lodgings",
        b'G' => "G: Abroad",
        b'H' => "H: Deported",
        b'K' => "K: Ordinary lodgings, without formal support",
        b'R' => "R: Residence not known",
        b'S' => "S: No fixed adobe/homeless",
        b'T' => "T: Foyers and similar supported accommodation",
        b'U' => "U: Independent living",
        b'V' => "V: Emergency accommodation",
        b'W' => "W: Bed and breakfast",
        b'X' => "X: In custody",
        b'Y' => "Y: Other accommodation",
        b'Z' => "Z: With former foster carers",
        _ => return None,
    })
}

/// Suitability of accommodation.
pub fn suitability(suitable: bool) -> &'static str {
    if suitable {
        "a) Suitable"
    } else {
        "b) Unsuitable"
    }
}

/// Activity. Ofsted's list predates the 903's apprenticeship codes (F4, P4) and its
/// renumbered training or employment (F5, P5): all four are its F3 and P3.
pub fn activity(a: CareLeaverActivity) -> Option<&'static str> {
    use CareLeaverActivity::*;
    Some(match a {
        F1 => "F1: Full time in higher education",
        P1 => "P1: Part time in higher education",
        F2 => "F2: Full time in education other than higher",
        P2 => "P2: Part time in education other than higher",
        F4 | F5 => "F3: Full time in training or employment",
        P4 | P5 => "P3: Part time in training or employment",
        G4 => "G4: Not in education, employment or training - illness or disability",
        G5 => "G5: Not in education, employment or training - other",
        G6 => "G6: Not in education, employment or training - pregnancy or parenting",
        Unknown => return None,
    })
}

/// Why a child is no longer to be placed for adoption.
pub fn reason_no_longer_placed(r: ReasonPlacedCeased) -> &'static str {
    match r {
        ReasonPlacedCeased::Rd1 => "RD1 - The child’s needs changed subsequent to the decision",
        ReasonPlacedCeased::Rd2 => "RD2 - The Court did not make a placement order",
        ReasonPlacedCeased::Rd3 => "RD3 - Prospective adopters could not be found",
        ReasonPlacedCeased::Rd4 => "RD4 - Any other reason",
    }
}

/// Why an adopter household left the process.
pub fn adopter_leaving(r: AdopterLeavingReason) -> &'static str {
    match r {
        AdopterLeavingReason::Withdrew => "1 - Adopter withdrew from process",
        AdopterLeavingReason::OnHold => "2 - Process put on hold",
        AdopterLeavingReason::Refused => "3 - Application refused",
    }
}
