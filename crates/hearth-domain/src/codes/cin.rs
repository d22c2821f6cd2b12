//! Code lists of the children in need census (most are shared with the SSDA903).

use crate::code_list;

code_list! {
    /// Ethnicity, as in the CIN census and the SSDA903 (the same 20 codes).
    pub enum Ethnicity ("ethnicity") {
        Wbri = "WBRI" => "White: British",
        Wiri = "WIRI" => "White: Irish",
        Woth = "WOTH" => "White: any other White background",
        Wirt = "WIRT" => "White: Traveller of Irish heritage",
        Wrom = "WROM" => "White: Gypsy or Roma",
        Mwbc = "MWBC" => "Mixed: White and Black Caribbean",
        Mwba = "MWBA" => "Mixed: White and Black African",
        Mwas = "MWAS" => "Mixed: White and Asian",
        Moth = "MOTH" => "Mixed: any other mixed background",
        Aind = "AIND" => "Asian: Indian",
        Apkn = "APKN" => "Asian: Pakistani",
        Aban = "ABAN" => "Asian: Bangladeshi",
        Aoth = "AOTH" => "Asian: any other Asian background",
        Bcrb = "BCRB" => "Black: Caribbean",
        Bafr = "BAFR" => "Black: African",
        Both = "BOTH" => "Black: any other Black background",
        Chne = "CHNE" => "Chinese",
        Ooth = "OOTH" => "Any other ethnic group",
        Refu = "REFU" => "Declined to say",
        Nobt = "NOBT" => "Not yet obtained",
    }
}

code_list! {
    /// Sex as recorded for the returns from 2024/25. `U` is also used for an unborn child.
    pub enum Sex ("sex") {
        M = "M" => "Male",
        F = "F" => "Female",
        U = "U" => "Not known",
    }
}

code_list! {
    /// Disability (CIN census). `NONE` is never combined with another code.
    pub enum Disability ("disability") {
        None = "NONE" => "No disability",
        Mob = "MOB" => "Mobility",
        Hand = "HAND" => "Hand function",
        Pc = "PC" => "Personal care",
        Inc = "INC" => "Continence",
        Comm = "COMM" => "Communication",
        Ld = "LD" => "Learning",
        Hear = "HEAR" => "Hearing",
        Vis = "VIS" => "Vision",
        Beh = "BEH" => "Behaviour",
        Con = "CON" => "Consciousness",
        Aut = "AUT" => "Autism or Asperger syndrome",
        Dda = "DDA" => "Other disability",
    }
}

code_list! {
    /// Why a child has no unique pupil number.
    pub enum UpnUnknown ("UPN unknown reason") {
        Un1 = "UN1" => "Under six and not yet given a UPN",
        Un2 = "UN2" => "Never attended a state-funded school in England",
        Un3 = "UN3" => "Educated outside England",
        Un4 = "UN4" => "Newly looked after; UPN not yet obtained",
        Un5 = "UN5" => "UPN sources show a recent change not yet confirmed",
        Un6 = "UN6" => "Unaccompanied asylum-seeking child; UPN not yet obtained",
        Un7 = "UN7" => "Referral with no further action",
    }
}

code_list! {
    /// Who made a referral or contact (CIN census ReferralSource; also Annex A List 1 and 3).
    pub enum ReferralSource ("referral source") {
        IndividualFamily = "1A" => "Individual: family member, relative or carer",
        IndividualAcquaintance = "1B" => "Individual: acquaintance, neighbour or childminder",
        IndividualSelf = "1C" => "Individual: the child themself",
        IndividualOther = "1D" => "Individual: someone else, including strangers",
        Schools = "2A" => "Schools",
        EducationServices = "2B" => "Education services",
        HealthGp = "3A" => "Health: GP",
        HealthVisitor = "3B" => "Health: health visitor",
        HealthSchoolNurse = "3C" => "Health: school nurse",
        HealthOtherPrimary = "3D" => "Health: other primary care",
        HealthEmergency = "3E" => "Health: accident and emergency",
        HealthOther = "3F" => "Health: other health services",
        Housing = "4" => "Housing",
        LaSocialCare = "5A" => "Council: social care (for example adult services)",
        LaOtherInternal = "5B" => "Council: another internal department",
        LaExternal = "5C" => "Council: another local authority",
        LaEarlyHelp = "5D" => "Council: early help",
        Police = "6" => "Police",
        OtherLegal = "7" => "Other legal agency (courts, probation, CAFCASS, prison)",
        Other = "8" => "Other (voluntary sector, children's centres, providers)",
        Anonymous = "9" => "Anonymous",
        Unknown = "10" => "Not known",
    }
}

code_list! {
    /// Primary need at assessment (CIN census PrimaryNeedCode).
    pub enum PrimaryNeed ("primary need") {
        N0 = "N0" => "Not stated",
        N1 = "N1" => "Abuse or neglect",
        N2 = "N2" => "The child's disability or illness",
        N3 = "N3" => "A parent's disability or illness",
        N4 = "N4" => "Family in acute stress",
        N5 = "N5" => "Family dysfunction",
        N6 = "N6" => "Socially unacceptable behaviour",
        N7 = "N7" => "Low income",
        N8 = "N8" => "Absent parenting",
        N9 = "N9" => "Not a child in need",
    }
}

code_list! {
    /// Why a child in need episode closed (CIN census ReasonForClosure).
    pub enum ReasonForClosure ("reason for closure") {
        Rc1 = "RC1" => "Adopted",
        Rc2 = "RC2" => "Died",
        Rc3 = "RC3" => "Child arrangements order",
        Rc4 = "RC4" => "Special guardianship order",
        Rc5 = "RC5" => "Moved to another council's services",
        Rc6 = "RC6" => "Moved to adult social care",
        Rc7 = "RC7" => "Services ended for another reason, including no longer in need",
        Rc8 = "RC8" => "Closed after assessment: no further action",
        Rc9 = "RC9" => "Closed after assessment: referred to early help",
    }
}

code_list! {
    /// Factors identified at the end of a child and family assessment.
    pub enum AssessmentFactor ("assessment factor") {
        F1A = "1A" => "Alcohol misuse: the child",
        F1B = "1B" => "Alcohol misuse: a parent or carer",
        F1C = "1C" => "Alcohol misuse: another person in the household",
        F2A = "2A" => "Drug misuse: the child",
        F2B = "2B" => "Drug misuse: a parent or carer",
        F2C = "2C" => "Drug misuse: another person in the household",
        F3A = "3A" => "Domestic abuse: the child",
        F3B = "3B" => "Domestic abuse: a parent or carer",
        F3C = "3C" => "Domestic abuse: another person in the household",
        F4A = "4A" => "Mental health: the child",
        F4B = "4B" => "Mental health: a parent or carer",
        F4C = "4C" => "Mental health: another person in the household",
        F5A = "5A" => "Learning disability: the child",
        F5B = "5B" => "Learning disability: a parent or carer",
        F5C = "5C" => "Learning disability: another person in the household",
        F6A = "6A" => "Physical disability or illness: the child",
        F6B = "6B" => "Physical disability or illness: a parent or carer",
        F6C = "6C" => "Physical disability or illness: another person in the household",
        F7A = "7A" => "Young carer",
        F8B = "8B" => "Privately fostered: overseas, intending to return",
        F8C = "8C" => "Privately fostered: overseas, staying",
        F8D = "8D" => "Privately fostered: from the UK, parent abroad",
        F8E = "8E" => "Privately fostered: from the UK, parent in the UK",
        F8F = "8F" => "Privately fostered: other",
        F9A = "9A" => "Unaccompanied asylum-seeking child",
        F10A = "10A" => "Going or being missing",
        F11A = "11A" => "Child sexual exploitation",
        F12A = "12A" => "Trafficking",
        F13A = "13A" => "Gangs",
        F14A = "14A" => "Socially unacceptable behaviour",
        F15A = "15A" => "Self-harm",
        F16A = "16A" => "Abuse or neglect: neglect",
        F17A = "17A" => "Abuse or neglect: emotional abuse",
        F18A = "18A" => "Abuse or neglect: physical abuse (former code)",
        F18B = "18B" => "Abuse or neglect: physical abuse by another child",
        F18C = "18C" => "Abuse or neglect: physical abuse by an adult",
        F19A = "19A" => "Abuse or neglect: sexual abuse (former code)",
        F19B = "19B" => "Abuse or neglect: sexual abuse by another child",
        F19C = "19C" => "Abuse or neglect: sexual abuse by an adult",
        F20 = "20" => "Female genital mutilation",
        F21 = "21" => "No factors identified",
        F22A = "22A" => "Abuse linked to faith or belief",
        F23A = "23A" => "Child criminal exploitation",
        F24A = "24A" => "Extra-familial harm: other",
    }
}

impl AssessmentFactor {
    /// Codes that DfE has retired and now queries (8945Q, 8950Q); kept so history can load.
    pub const fn is_retired(self) -> bool {
        matches!(self, AssessmentFactor::F18A | AssessmentFactor::F19A)
    }
}

code_list! {
    /// Category of abuse on a child protection plan.
    pub enum CategoryOfAbuse ("category of abuse") {
        Neg = "NEG" => "Neglect",
        Phy = "PHY" => "Physical abuse",
        Sab = "SAB" => "Sexual abuse",
        Emo = "EMO" => "Emotional abuse",
        Mul = "MUL" => "Multiple categories",
    }
}
