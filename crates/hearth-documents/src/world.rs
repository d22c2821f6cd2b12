//! The typst `World` the documents are compiled in: the crate's own templates and icons, the
//! data of one document as `/data.json`, and the embedded fonts. Nothing else exists in it:
//! no file system, no packages, no network and no clock (`today` is `None`, so a template
//! that asks for the date fails to compile instead of printing the machine's date).

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};

/// The templates and pictures compiled into the crate, by their path in the world.
pub(crate) const FILES: &[(&str, &str)] = &[
    ("common.typ", include_str!("../templates/common.typ")),
    ("my-plan.typ", include_str!("../templates/my-plan.typ")),
    (
        "family-plan.typ",
        include_str!("../templates/family-plan.typ"),
    ),
    (
        "placement-information.typ",
        include_str!("../templates/placement-information.typ"),
    ),
    (
        "icons/worry.svg",
        include_str!("../templates/icons/worry.svg"),
    ),
    ("icons/sun.svg", include_str!("../templates/icons/sun.svg")),
    (
        "icons/path.svg",
        include_str!("../templates/icons/path.svg"),
    ),
    (
        "icons/helpers.svg",
        include_str!("../templates/icons/helpers.svg"),
    ),
    (
        "icons/words.svg",
        include_str!("../templates/icons/words.svg"),
    ),
    (
        "icons/talk.svg",
        include_str!("../templates/icons/talk.svg"),
    ),
];

/// Where the document's data is found by the templates (`json("/data.json")`).
pub(crate) const DATA: &str = "data.json";

pub(crate) struct DocumentWorld<'a> {
    pub library: &'a LazyHash<Library>,
    pub book: &'a LazyHash<FontBook>,
    pub fonts: &'a [Font],
    pub main: Source,
    pub data: Bytes,
}

pub(crate) fn file_id(path: &str) -> Option<FileId> {
    VirtualPath::new(path)
        .ok()
        .map(|vpath| RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl DocumentWorld<'_> {
    /// The path of a file in the project, or `None` for anything in a package (there are none).
    fn path(id: FileId) -> Option<&'static str> {
        match id.get().root() {
            VirtualRoot::Project => Some(id.get().vpath().get_without_slash()),
            VirtualRoot::Package(_) => None,
        }
    }

    fn not_found(id: FileId) -> FileError {
        FileError::NotFound(id.get().vpath().get_without_slash().into())
    }
}

impl World for DocumentWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        let path = Self::path(id).ok_or_else(|| Self::not_found(id))?;
        FILES
            .iter()
            .find(|(name, _)| *name == path && name.ends_with(".typ"))
            .map(|(_, text)| Source::new(id, (*text).to_owned()))
            .ok_or_else(|| Self::not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let path = Self::path(id).ok_or_else(|| Self::not_found(id))?;
        if path == DATA {
            return Ok(self.data.clone());
        }
        FILES
            .iter()
            .find(|(name, _)| *name == path)
            .map(|&(_, text)| Bytes::new(text.as_bytes()))
            .ok_or_else(|| Self::not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}
