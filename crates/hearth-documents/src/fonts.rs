//! The typeface, embedded at build time (see `build.rs`): Atkinson Hyperlegible, drawn by the
//! Braille Institute for readers with low vision. Its letters that children most often confuse
//! (I, l and 1; O and 0; b, d, p and q) have distinct shapes, which matters more for a child
//! learning to read than a typeface's looks. It is the only face in the documents' world, so
//! nothing can fall back to a font on the machine.

use typst::foundations::Bytes;
use typst::text::Font;

const FACES: [&[u8]; 3] = [
    include_bytes!(concat!(
        env!("OUT_DIR"),
        "/atkinson-hyperlegible-400-normal.otf"
    )),
    include_bytes!(concat!(
        env!("OUT_DIR"),
        "/atkinson-hyperlegible-700-normal.otf"
    )),
    include_bytes!(concat!(
        env!("OUT_DIR"),
        "/atkinson-hyperlegible-400-italic.otf"
    )),
];

/// The family name the templates set, as the font's own name table spells it.
pub const FAMILY: &str = "Atkinson Hyperlegible";

/// Every embedded face, parsed. A face typst cannot parse is left out, and the test below
/// fails, so a broken font never ships silently.
pub(crate) fn load() -> Vec<Font> {
    FACES
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_face_loads_under_its_family_name() {
        let fonts = load();
        assert_eq!(fonts.len(), FACES.len());
        for font in &fonts {
            assert_eq!(font.info().family, FAMILY);
        }
    }
}
