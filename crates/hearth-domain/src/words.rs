//! The record's names in words people use: an event kind such as `section47_completed` reads
//! "section 47 enquiry completed" wherever a page or a reason names it.

/// An event kind (or any snake-case name built from the record's words) in words, lower
/// case except for the abbreviations practitioners write in capitals.
pub fn kind(kind: &str) -> String {
    kind.split('_')
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "section47" => "section 47 enquiry",
            "cin" => "CIN",
            "cp" => "child protection",
            "cla" => "looked-after",
            "pep" => "PEP",
            "sdq" => "SDQ",
            "upn" => "UPN",
            "nhs" => "NHS",
            "dols" => "deprivation of liberty",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The same, starting with a capital: a heading or the start of a sentence.
pub fn kind_capitalised(name: &str) -> String {
    let words = kind(name);
    let mut chars = words.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Point 15 of issue 12: kinds read as people write them, not "section47 completed" or
    /// "Cin meeting held".
    #[test]
    fn kinds_read_as_people_write_them() {
        assert_eq!(
            kind_capitalised("section47_completed"),
            "Section 47 enquiry completed"
        );
        assert_eq!(kind_capitalised("cin_meeting_held"), "CIN meeting held");
        assert_eq!(kind("cp_plan_ended"), "child protection plan ended");
        assert_eq!(kind("cla_review_held"), "looked-after review held");
        assert_eq!(kind("visit_made"), "visit made");
        assert_eq!(kind_capitalised(""), "");
    }
}
