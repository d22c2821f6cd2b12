//! The record in words: what each event of a child's record says, as a heading and its
//! paragraphs. Shared by the pages (the case file, the record's recent entries) and, later,
//! documents, so that a case file reads the same wherever it is read. Plain text: an edge
//! escapes it as it renders it.

use hearth_domain::child::ChildEvent;
use hearth_domain::{EventKind, StaffId};

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// An event of a child's record in words: a heading, and what it says a paragraph each.
/// `staff` names a member of staff (the pages and documents each say how).
pub fn describe(event: &ChildEvent, staff: &dyn Fn(&StaffId) -> String) -> (String, Vec<String>) {
    use ChildEvent::*;
    let list = |labels: Vec<&str>| labels.join(", ");
    let (what, detail): (&str, Vec<String>) = match event {
        ReferralReceived {
            source,
            primary_need,
            no_further_action,
            summary,
        } => (
            "Referral received",
            [
                Some(format!("From: {}", source.label())),
                primary_need.map(|n| format!("Primary need: {}", n.label())),
                no_further_action.then(|| "No further action".to_owned()),
                summary.as_ref().map(|s| s.as_str().to_owned()),
            ]
            .into_iter()
            .flatten()
            .collect(),
        ),
        ConcernRaised { summary } => (
            "Concern of significant harm",
            vec![summary.as_str().to_owned()],
        ),
        StrategyDiscussionHeld { agencies, decision } => (
            "Strategy discussion",
            vec![
                format!(
                    "Agencies: {}",
                    list(agencies.iter().map(|a| a.label()).collect())
                ),
                format!("Decision: {}", decision.label()),
            ],
        ),
        Section47Started {} => ("Section 47 enquiry started", vec![]),
        Section47Completed {
            outcome,
            conference_needed,
        } => (
            "Section 47 enquiry completed",
            vec![
                format!("Outcome: {}", outcome.label()),
                format!("Initial conference needed: {}", yes_no(*conference_needed)),
            ],
        ),
        InitialConferenceHeld {
            transfer_in,
            outcome,
            category,
        } => (
            if *transfer_in {
                "Transfer-in child protection conference"
            } else {
                "Initial child protection conference"
            },
            [
                Some(format!("Outcome: {}", outcome.label())),
                category.map(|c| format!("Category: {}", c.label())),
            ]
            .into_iter()
            .flatten()
            .collect(),
        ),
        ReviewConferenceHeld { outcome, category } => (
            "Review child protection conference",
            [
                Some(format!("Outcome: {}", outcome.label())),
                category.map(|c| format!("Category: {}", c.label())),
            ]
            .into_iter()
            .flatten()
            .collect(),
        ),
        CpPlanStarted {} => ("Child protection plan started", vec![]),
        CpPlanEnded { reason } => (
            "Child protection plan ended",
            vec![format!("Reason: {}", reason.label())],
        ),
        CoreGroupHeld {} => ("Core group meeting", vec![]),
        CinPlanStarted {} => ("Child in need plan started", vec![]),
        CinPlanEnded { reason } => (
            "Child in need plan ended",
            vec![format!("Reason: {}", reason.label())],
        ),
        CinMeetingHeld { kind } => ("Child in need meeting", vec![kind.label().to_owned()]),
        VisitMade {
            kind,
            child_seen,
            seen_alone,
            not_seen_alone_reason,
            bedroom_seen,
        } => (
            "Visit",
            [
                Some(kind.label().to_owned()),
                Some(format!("Child seen: {}", yes_no(*child_seen))),
                seen_alone.map(|a| format!("Seen alone: {}", yes_no(a))),
                not_seen_alone_reason
                    .as_ref()
                    .map(|r| format!("Not seen alone because: {}", r.as_str())),
                bedroom_seen.map(|b| format!("Bedroom seen: {}", yes_no(b))),
            ]
            .into_iter()
            .flatten()
            .collect(),
        ),
        MeetingScheduled { meeting, at, .. } => (
            "Meeting booked",
            vec![format!(
                "{} on {}",
                meeting.label(),
                at.london_date_time().format("%-d %B %Y at %H:%M")
            )],
        ),
        MeetingCancelled {
            meeting,
            at,
            reason,
        } => (
            "Meeting cancelled",
            vec![
                format!(
                    "{} booked for {}",
                    meeting.label(),
                    at.london_date_time().format("%-d %B %Y at %H:%M")
                ),
                reason.as_str().to_owned(),
            ],
        ),
        MeetingHeld { meeting } => ("Meeting held", vec![meeting.label().to_owned()]),
        ClaReviewHeld { participation } => (
            "Looked-after review",
            vec![format!("Participation: {}", participation.label())],
        ),
        PepHeld {} => ("Personal education plan meeting", vec![]),
        DissentRecorded { agency, text } => (
            "Dissent from a conference decision",
            vec![format!("By: {}", agency.label()), text.as_str().to_owned()],
        ),
        AssessmentStarted {} => ("Assessment started", vec![]),
        AssessmentChildSeen {} => ("Child seen for the assessment", vec![]),
        AssessmentCompleted { factors, outcome } => (
            "Assessment completed",
            vec![
                format!("Outcome: {}", outcome.label()),
                format!(
                    "Factors: {}",
                    if factors.is_empty() {
                        "none recorded".to_owned()
                    } else {
                        list(factors.iter().map(|f| f.label()).collect())
                    }
                ),
            ],
        ),
        AssessmentAuthorised { manager } => (
            "Assessment authorised",
            vec![format!("By: {}", staff(manager))],
        ),
        EarlyHelpAssessmentStarted { organisation } => (
            "Early help assessment started",
            vec![format!("By: {}", organisation.as_str())],
        ),
        EarlyHelpAssessmentCompleted {} => ("Early help assessment completed", vec![]),
        HealthAssessmentCompleted {} => ("Health assessment", vec![]),
        DevelopmentCheckCompleted {} => ("Development check", vec![]),
        DentalCheckCompleted {} => ("Dental check", vec![]),
        SdqRecorded { score, reason } => (
            "Strengths and difficulties questionnaire",
            [
                score.map(|s| format!("Score: {}", s.get())),
                reason.map(|r| format!("No score: {}", r.label())),
            ]
            .into_iter()
            .flatten()
            .collect(),
        ),
        EpisodeStarted {
            reason,
            legal_status,
            placement,
            provider,
            urn,
            home_postcode,
            placement_postcode,
            ..
        } => (
            "Period of care started or changed",
            [
                Some(reason.label().to_owned()),
                Some(format!("Legal status: {}", legal_status.label())),
                Some(format!("Placement: {}", placement.label())),
                provider.map(|p| format!("Provider: {}", p.label())),
                urn.as_ref().map(|u| format!("Ofsted URN: {}", u.as_str())),
                placement_postcode
                    .as_ref()
                    .map(|p| format!("Placement postcode: {}", p.as_str())),
                home_postcode
                    .as_ref()
                    .map(|p| format!("Home postcode: {}", p.as_str())),
            ]
            .into_iter()
            .flatten()
            .collect(),
        ),
        EpisodeEnded { reason } => (
            "Period of care ended",
            vec![format!("Reason: {}", reason.label())],
        ),
        CarePlanRecorded {} => ("Care plan", vec![]),
        PermanencePlanRecorded { plan } => ("Permanence plan", vec![plan.label().to_owned()]),
        PathwayPlanRecorded { stage } => ("Pathway plan", vec![stage.label().to_owned()]),
        AdoptionDecisionMade { .. } => ("Decision that the child should be adopted", vec![]),
        AdoptionPlanEnded { reason } => (
            "No longer to be adopted",
            vec![format!("Reason: {}", reason.label())],
        ),
        MissingEpisodeStarted { kind } => ("Missing", vec![kind.label().to_owned()]),
        EmergencyProtectionRecorded { kind } => {
            ("Emergency protection", vec![kind.label().to_owned()])
        }
        CaseNoteRecorded {
            kind,
            text,
            significant,
        } => (
            if *significant {
                "Case note (significant event)"
            } else {
                "Case note"
            },
            vec![kind.label().to_owned(), text.as_str().to_owned()],
        ),
        ChronologyEntryAdded { summary, detail } => (
            "Chronology entry",
            [
                Some(summary.as_str().to_owned()),
                detail.as_ref().map(|d| d.as_str().to_owned()),
            ]
            .into_iter()
            .flatten()
            .collect(),
        ),
        CaseSummaryRecorded { text } => ("Case summary", vec![text.as_str().to_owned()]),
        ManagementOversightRecorded { manager, text } => (
            "Management oversight",
            vec![format!("By: {}", staff(manager)), text.as_str().to_owned()],
        ),
        SupervisionRecorded {
            supervisor,
            worker,
            text,
            discussion,
        } => (
            "Supervision",
            std::iter::once(format!(
                "{} supervising {}",
                staff(supervisor),
                staff(worker)
            ))
            .chain(match discussion {
                Some(d) => crate::oversight::discussion_lines(d, &staff),
                None => vec![text.as_str().to_owned()],
            })
            .collect(),
        ),
        WorkerAllocated {
            worker,
            decided_by,
            oversight,
            reason,
            ..
        } => (
            "Allocated",
            vec![
                format!("To {}, decided by {}", staff(worker), staff(decided_by)),
                format!("Reason: {}", reason.label()),
                oversight.as_str().to_owned(),
            ],
        ),
        TransferRequested {
            to_team,
            requested_by,
            summary,
        } => (
            "Transfer requested",
            vec![
                format!("To team {to_team}, asked by {}", staff(requested_by)),
                format!("Transfer summary: {summary}"),
            ],
        ),
        TransferDeclined {
            declined_by,
            reason,
        } => (
            "Transfer declined",
            vec![
                format!("By {}", staff(declined_by)),
                format!("Reason: {reason}"),
            ],
        ),
        CoverArranged {
            buddy,
            until,
            arranged_by,
            summary,
        } => (
            "Cover arranged",
            vec![
                format!(
                    "{} covers until {}, arranged by {}",
                    staff(buddy),
                    until.format("%-d %b %Y"),
                    staff(arranged_by)
                ),
                format!("Case summary: {summary}"),
            ],
        ),
        CoverEnded {} => ("Cover ended", vec!["The worker is back.".to_owned()]),
        WorkerUnallocated { reason } => (
            "Waiting for a new worker",
            vec![format!("Reason: {}", reason.label())],
        ),
        ManagerResponseRecorded {
            to,
            manager,
            agreed,
            text,
        } => (
            "Manager's response",
            vec![
                format!(
                    "{} to the {}: {}",
                    staff(manager),
                    to.label(),
                    if *agreed { "agreed" } else { "did not agree" }
                ),
                text.as_str().to_owned(),
            ],
        ),
        DocumentWithheld {
            document,
            audience,
            manager,
            reason,
        } => (
            "Document withheld",
            vec![
                format!(
                    "{} not shared with {}, decided by {}",
                    document.label(),
                    audience.label(),
                    staff(manager)
                ),
                reason.as_str().to_owned(),
            ],
        ),
        ObligationVaried {
            rule,
            amount,
            unit,
            authorised_by,
            reason,
            until,
        } => (
            "Timescale varied",
            [
                Some(format!(
                    "{}: {amount} {}, authorised by {}",
                    rule.as_str(),
                    unit.label(),
                    staff(authorised_by)
                )),
                until.map(|d| format!("Until {}", d.format("%-d %B %Y"))),
                Some(reason.as_str().to_owned()),
            ]
            .into_iter()
            .flatten()
            .collect(),
        ),
        VariationEnded { rule } => ("Timescale variation ended", vec![rule.as_str().to_owned()]),
        CaseClosed { reason } => ("Case closed", vec![format!("Reason: {}", reason.label())]),
        ContactRecorded {
            source,
            outcome,
            summary,
        } => (
            "Contact",
            [
                Some(format!("From: {}", source.label())),
                Some(format!("What happened next: {}", outcome.label())),
                summary.as_ref().map(|s| s.as_str().to_owned()),
            ]
            .into_iter()
            .flatten()
            .collect(),
        ),
        ProfessionalInvolved { involvement, .. } => (
            "Professional involved",
            vec![involvement.as_str().to_owned()],
        ),
        RecordRestricted {
            decided_by,
            reason,
            permitted,
        } => (
            "Record restricted",
            [
                Some(format!("By: {}", staff(decided_by))),
                (!permitted.is_empty()).then(|| {
                    format!(
                        "Also may see it: {}",
                        permitted.iter().map(staff).collect::<Vec<_>>().join(", ")
                    )
                }),
                Some(reason.as_str().to_owned()),
            ]
            .into_iter()
            .flatten()
            .collect(),
        ),
        RestrictionLifted { decided_by, reason } => (
            "Restriction lifted",
            vec![
                format!("By: {}", staff(decided_by)),
                reason.as_str().to_owned(),
            ],
        ),
        Corrected {
            replacement,
            reason,
            ..
        } => (
            if replacement.is_some() {
                "Entry corrected"
            } else {
                "Entry struck out"
            },
            vec![reason.as_str().to_owned()],
        ),
        other => match hearth_domain::words::practice(other, staff) {
            Some(words) => words,
            None => return (hearth_domain::words::kind_capitalised(other.kind()), vec![]),
        },
    };
    (what.to_owned(), detail)
}
