//! Compiling a template with a document's data, and writing the tagged PDF.

use serde::Serialize;
use typst::diag::{SourceDiagnostic, Warned};
use typst::foundations::{Bytes, Smart};
use typst::layout::{Frame, FrameItem, Point};
use typst::syntax::Source;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

use crate::fonts;
use crate::model::{ChildPlan, FamilyPlan, PlacementInformation};
use crate::world::{self, DocumentWorld};

/// Why a document could not be made. Every variant means no PDF: an inaccessible or
/// incomplete document is never produced.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The model lacks something the document must hold.
    #[error("the {document} cannot be written: {reason}")]
    Incomplete {
        document: &'static str,
        reason: &'static str,
    },
    #[error("the document's data could not be written for the template: {0}")]
    Data(#[from] serde_json::Error),
    /// The template did not compile with this data (a template bug, so the messages are for
    /// developers).
    #[error("the template did not compile: {}", .0.join("; "))]
    Template(Vec<String>),
    /// typst-pdf refused the document, for instance because PDF/UA-1 failed.
    #[error("the PDF was refused: {}", .0.join("; "))]
    Pdf(Vec<String>),
}

/// A document made: the PDF, and its text in reading order (for the reading-level check,
/// snapshots and search), taken from the laid-out pages before PDF.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub text: String,
    pub pages: usize,
}

/// Holds what every document shares: the parsed fonts and typst's standard library. Make one
/// and keep it; each render then costs only the compile.
pub struct Renderer {
    fonts: Vec<Font>,
    book: LazyHash<FontBook>,
    library: LazyHash<Library>,
}

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

impl Renderer {
    pub fn new() -> Self {
        let fonts = fonts::load();
        let book = LazyHash::new(FontBook::from_fonts(&fonts));
        Self {
            fonts,
            book,
            library: LazyHash::new(Library::builder().build()),
        }
    }

    /// "My plan", in the wording of the child's age band on the day it was written.
    pub fn child_plan(&self, plan: &ChildPlan) -> Result<Rendered, DocumentError> {
        if plan.child.looked_after != plan.reviewing_officer.is_some() {
            return Err(DocumentError::Incomplete {
                document: "child's plan",
                reason: "a looked-after child's plan names their reviewing officer, and only theirs does",
            });
        }
        #[derive(Serialize)]
        struct Data<'a> {
            band: crate::AgeBand,
            #[serde(flatten)]
            plan: &'a ChildPlan,
        }
        let band = crate::AgeBand::on(plan.child.date_of_birth, plan.written_on);
        self.render("my-plan.typ", &Data { band, plan })
    }

    /// "The plan for the family".
    pub fn family_plan(&self, plan: &FamilyPlan) -> Result<Rendered, DocumentError> {
        if plan.outcomes.is_empty() {
            return Err(DocumentError::Incomplete {
                document: "family's plan",
                reason: "a plan has at least one outcome",
            });
        }
        self.render("family-plan.typ", plan)
    }

    /// "Placement information for carers", for the day the child arrives.
    pub fn placement_information(
        &self,
        info: &PlacementInformation,
    ) -> Result<Rendered, DocumentError> {
        if info.contacts.is_empty() {
            return Err(DocumentError::Incomplete {
                document: "placement information",
                reason: "carers are always given someone to contact",
            });
        }
        self.render("placement-information.typ", info)
    }

    /// Compiles the crate's template `name` with `data` as `/data.json`.
    fn render(&self, name: &str, data: &impl Serialize) -> Result<Rendered, DocumentError> {
        let text = world::FILES
            .iter()
            .find(|(path, _)| *path == name)
            .map(|(_, text)| *text)
            .ok_or_else(|| DocumentError::Template(vec![format!("no template {name}")]))?;
        self.render_source(name, text, serde_json::to_vec(data)?)
    }

    /// Compiles `source` (as if it were the file `name`) and writes PDF/UA-1. Tests use it to
    /// show what the checks refuse.
    pub(crate) fn render_source(
        &self,
        name: &str,
        source: &str,
        data: Vec<u8>,
    ) -> Result<Rendered, DocumentError> {
        let id = world::file_id(name)
            .ok_or_else(|| DocumentError::Template(vec![format!("bad template name {name}")]))?;
        let world = DocumentWorld {
            library: &self.library,
            book: &self.book,
            fonts: &self.fonts,
            main: Source::new(id, source.to_owned()),
            data: Bytes::new(data),
        };
        let Warned { output, .. } = typst::compile::<PagedDocument>(&world);
        let document = output.map_err(|e| DocumentError::Template(messages(&e)))?;
        let options = PdfOptions {
            // The hash of the title and author identifies the document, and no timestamp is
            // written, so the same data gives the same bytes (and the same hash when given).
            ident: Smart::Auto,
            standards: PdfStandards::new(&[PdfStandard::Ua_1])
                .map_err(|e| DocumentError::Pdf(vec![format!("{e:?}")]))?,
            ..PdfOptions::default()
        };
        let pdf =
            typst_pdf::pdf(&document, &options).map_err(|e| DocumentError::Pdf(messages(&e)))?;
        Ok(Rendered {
            pdf,
            text: text_of(&document),
            pages: document.pages().len(),
        })
    }
}

fn messages<'a>(diagnostics: impl IntoIterator<Item = &'a SourceDiagnostic>) -> Vec<String> {
    diagnostics
        .into_iter()
        .map(|d| d.message.to_string())
        .collect()
}

/// The templates' bottom margin (2 cm in `common.typ`), where only the page number goes.
const BOTTOM_MARGIN_PT: f64 = 2.0 / 2.54 * 72.0;

/// A run of text placed on a page.
struct Run {
    y: f64,
    size: f64,
    text: String,
}

fn runs(frame: &Frame, origin: Point, out: &mut Vec<Run>) {
    for (pos, item) in frame.items() {
        let at = origin + *pos;
        match item {
            FrameItem::Group(group) => runs(&group.frame, at, out),
            FrameItem::Text(text) => out.push(Run {
                y: at.y.to_pt(),
                size: text.size.to_pt(),
                text: text.text.to_string(),
            }),
            _ => {}
        }
    }
}

/// The text of the laid-out document, in the order it was laid out. Runs on one line are
/// joined; a line that follows closely in the same size of type continues its paragraph; a
/// larger gap (paragraph or list item spacing, which the templates keep above 1.6 em) or a
/// change of size (a heading) starts a new paragraph, so a heading or a list item reads as a
/// unit of its own.
pub fn text_of(document: &PagedDocument) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    for page in document.pages() {
        let mut found = Vec::new();
        runs(&page.frame, Point::zero(), &mut found);
        // The page number sits in the bottom margin; it is not part of what is read.
        let body_end = page.frame.height().to_pt() - BOTTOM_MARGIN_PT;
        found.retain(|run| run.y < body_end);
        let mut last: Option<&Run> = None;
        let mut current = String::new();
        for run in &found {
            match last {
                Some(prev) if (run.y - prev.y).abs() < 0.5 => {}
                Some(prev)
                    if run.y > prev.y
                        && (run.size - prev.size).abs() < 0.5
                        && run.y - prev.y <= 1.6 * run.size =>
                {
                    current.push(' ')
                }
                Some(_) => paragraphs.push(std::mem::take(&mut current)),
                None => {}
            }
            current.push_str(&run.text);
            last = Some(run);
        }
        paragraphs.push(current);
    }
    paragraphs
        .iter()
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const WITH_IMAGE: &str = r#"
#set document(title: "A picture")
#set text(font: "Atkinson Hyperlegible", lang: "en", region: "gb")
= A picture
#image("/icons/sun.svg", ALT width: 3em)
The sun is out.
"#;

    fn picture(alt: &str) -> Result<Rendered, DocumentError> {
        Renderer::new().render_source("test.typ", &WITH_IMAGE.replace("ALT", alt), b"{}".to_vec())
    }

    #[test]
    fn an_image_with_alt_text_passes_pdf_ua() {
        let rendered = picture(r#"alt: "A smiling sun","#);
        assert!(rendered.is_ok(), "{rendered:?}");
    }

    #[test]
    fn a_template_that_drops_an_image_alt_text_is_refused() {
        match picture("") {
            Err(DocumentError::Pdf(messages)) => {
                assert!(messages.iter().any(|m| m.contains("alt")), "{messages:?}");
            }
            other => panic!("expected PDF/UA to refuse it, got {other:?}"),
        }
    }

    #[test]
    fn a_document_without_a_title_is_refused() {
        let untitled = WITH_IMAGE.replace(r#"#set document(title: "A picture")"#, "");
        let result = Renderer::new().render_source(
            "test.typ",
            &untitled.replace("ALT", r#"alt: "A smiling sun","#),
            b"{}".to_vec(),
        );
        assert!(matches!(result, Err(DocumentError::Pdf(_))), "{result:?}");
    }

    #[test]
    fn a_template_cannot_read_the_clock() {
        let result = Renderer::new().render_source(
            "test.typ",
            "#set document(title: \"Today\")\n#datetime.today().display()",
            b"{}".to_vec(),
        );
        assert!(
            matches!(result, Err(DocumentError::Template(_))),
            "{result:?}"
        );
    }

    #[test]
    fn a_template_cannot_read_files_outside_the_crate() {
        let result = Renderer::new().render_source(
            "test.typ",
            "#set document(title: \"Secrets\")\n#read(\"/etc/passwd\")",
            b"{}".to_vec(),
        );
        assert!(
            matches!(result, Err(DocumentError::Template(_))),
            "{result:?}"
        );
    }
}
