//! Every document kind rendered from the samples: the PDF is made, tagged and PDF/UA-1 (typst
//! refuses to write it otherwise), its text is what the reader should read, and the text
//! meets its reader's reading level.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use hearth_documents::readability::{self, Reader};
use hearth_documents::{AgeBand, DocumentError, Renderer, sample};

const BANDS: [AgeBand; 3] = [AgeBand::Under8, AgeBand::From8To12, AgeBand::From13];

fn assert_tagged_pdf(pdf: &[u8], title: &str) {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let raw = String::from_utf8_lossy(pdf);
    for needle in ["/StructTreeRoot", "/MarkInfo", "pdfuaid:part", "en-GB"] {
        assert!(raw.contains(needle), "the PDF lacks {needle}");
    }
    assert!(
        raw.contains(title),
        "the PDF's metadata lacks its title {title}"
    );
}

#[test]
fn every_child_plan_renders_tagged_for_every_band() {
    let renderer = Renderer::new();
    for band in BANDS {
        for looked_after in [false, true] {
            let plan = sample::child_plan(band, looked_after);
            let rendered = renderer.child_plan(&plan).expect("renders");
            assert_tagged_pdf(&rendered.pdf, "My plan");
            assert!(
                rendered
                    .text
                    .contains("“I want to see my dog when I see Mum.”")
            );
            assert!(rendered.text.contains("Priya Lane"));
            assert_eq!(
                rendered.text.contains("Tom Okafor"),
                looked_after,
                "{band:?}: the reviewing officer is named exactly when the child is looked after"
            );
        }
    }
}

#[test]
fn the_family_plan_renders_tagged_with_every_action() {
    let plan = sample::family_plan();
    let rendered = Renderer::new().family_plan(&plan).expect("renders");
    assert_tagged_pdf(&rendered.pdf, "The plan for Leo");
    for outcome in &plan.outcomes {
        for action in &outcome.actions {
            assert!(rendered.text.contains(&action.what), "{}", action.what);
            assert!(rendered.text.contains(&format!("Who: {}", action.who)));
        }
    }
    for needle in [
        "By: 1 March 2027",
        "“I want everyone to stop shouting.”",
        "6 April 2027",
        "Grace Mensah",
        "complaints@council.example",
    ] {
        assert!(rendered.text.contains(needle), "{needle}");
    }
}

#[test]
fn placement_information_renders_tagged_with_allergies_medicines_and_risks() {
    let info = sample::placement_information();
    let rendered = Renderer::new()
        .placement_information(&info)
        .expect("renders");
    assert_tagged_pdf(&rendered.pdf, "Placement information for Leo");
    for needle in [
        "Peanuts: Leo carries an adrenaline pen.",
        "Blue inhaler: two puffs, when he is wheezy",
        "What to do: Speak calmly and give him time.",
        "interim care order",
        "Sleepovers with school friends.",
        "01632 960 111",
    ] {
        assert!(rendered.text.contains(needle), "{needle}");
    }
    let text = rendered.text;
    let age = readability::check(&text, Reader::Family);
    assert!(age.is_ok(), "{age:?}\n{text}");
}

#[test]
fn the_same_plan_gives_the_same_bytes() {
    let renderer = Renderer::new();
    let plan = sample::family_plan();
    let a = renderer.family_plan(&plan).expect("renders");
    let b = renderer.family_plan(&plan).expect("renders");
    assert_eq!(a.pdf, b.pdf);
}

#[test]
fn a_looked_after_child_plan_without_a_reviewing_officer_is_refused() {
    let mut plan = sample::child_plan(AgeBand::From8To12, true);
    plan.reviewing_officer = None;
    assert!(matches!(
        Renderer::new().child_plan(&plan),
        Err(DocumentError::Incomplete { .. })
    ));
}

#[test]
fn words_in_the_data_are_printed_not_run_as_markup() {
    let mut plan = sample::child_plan(AgeBand::From13, false);
    plan.child_words[0].said = "#panic(\"no\") *not bold* $x$".into();
    let rendered = Renderer::new().child_plan(&plan).expect("renders");
    assert!(
        rendered.text.contains("#panic(\"no\") *not bold* $x$"),
        "{}",
        rendered.text
    );
}

const ADULT: &str = "The conference determined that the parental capacity assessment \
    demonstrated insufficient progress, necessitating continued statutory intervention \
    under the multi-agency arrangements.";

#[test]
fn each_child_plan_meets_its_band_reading_level() {
    let renderer = Renderer::new();
    for band in BANDS {
        let plan = sample::child_plan(band, true);
        let text = renderer.child_plan(&plan).expect("renders").text;
        let age = readability::check(&text, Reader::Child(band));
        assert!(age.is_ok(), "{band:?}: {age:?}\n{text}");
    }
}

/// The templates' own words, with as little data as a plan can have.
#[test]
fn each_child_template_fixed_wording_meets_its_band_reading_level() {
    let renderer = Renderer::new();
    for band in BANDS {
        let mut plan = sample::child_plan(band, true);
        plan.worries.clear();
        plan.going_well.clear();
        plan.next_steps.clear();
        plan.helpers.clear();
        plan.child_words.clear();
        let text = renderer.child_plan(&plan).expect("renders").text;
        let age = readability::check(&text, Reader::Child(band));
        assert!(age.is_ok(), "{band:?}: {age:?}\n{text}");
    }
}

#[test]
fn an_adult_paragraph_in_a_child_plan_fails_the_reading_level() {
    let renderer = Renderer::new();
    for band in BANDS {
        let mut plan = sample::child_plan(band, true);
        plan.worries.push(ADULT.into());
        let text = renderer.child_plan(&plan).expect("renders").text;
        assert!(
            readability::check(&text, Reader::Child(band)).is_err(),
            "{band:?} passed with an adult paragraph"
        );
    }
}

#[test]
fn the_family_plan_reads_at_about_eleven() {
    let renderer = Renderer::new();
    let mut plan = sample::family_plan();
    let text = renderer.family_plan(&plan).expect("renders").text;
    let age = readability::check(&text, Reader::Family);
    assert!(age.is_ok(), "{age:?}\n{text}");
    plan.decision = ADULT.into();
    let text = renderer.family_plan(&plan).expect("renders").text;
    assert!(readability::check(&text, Reader::Family).is_err());
}

#[test]
fn snapshots_of_every_document_text() {
    let renderer = Renderer::new();
    for band in BANDS {
        let text = renderer
            .child_plan(&sample::child_plan(band, true))
            .expect("renders")
            .text;
        insta::assert_snapshot!(format!("my_plan_{band:?}"), text);
    }
    let text = renderer
        .family_plan(&sample::family_plan())
        .expect("renders")
        .text;
    insta::assert_snapshot!("family_plan", text);
    let text = renderer
        .placement_information(&sample::placement_information())
        .expect("renders")
        .text;
    insta::assert_snapshot!("placement_information", text);
}
