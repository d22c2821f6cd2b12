#![allow(clippy::panic)] // A build script reports failure by panicking.

//! Fetches the documents' typeface from npm, pinned by the committed lockfile (`npm ci` when
//! it is missing or stale), and unpacks its WOFF files into plain OpenType in OUT_DIR, where
//! `fonts.rs` embeds them. typst reads only OpenType, and Fontsource publishes web fonts; a
//! WOFF 1 file is the same tables, each deflated, so unpacking it needs only zlib.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The faces the templates use: regular, bold and italic, Latin (which covers the accented
/// letters of names written in English).
const FACES: [&str; 3] = ["400-normal", "700-normal", "400-italic"];

fn modified(p: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(p).and_then(|m| m.modified()).ok()
}

fn main() {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    println!("cargo:rerun-if-changed=package.json");
    println!("cargo:rerun-if-changed=package-lock.json");
    let lock = dir.join("package-lock.json");
    let installed = dir.join("node_modules/.package-lock.json");
    if modified(&installed).is_none() || modified(&installed) < modified(&lock) {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
            .current_dir(&dir)
            .status()
            .unwrap_or_else(|e| {
                panic!("hearth-documents build: cannot run npm ci ({e}); Node.js and npm are needed to fetch the typeface")
            });
        assert!(
            status.success(),
            "hearth-documents build: npm ci failed ({status})"
        );
    }
    let files = dir.join("node_modules/@fontsource/atkinson-hyperlegible/files");
    for face in FACES {
        let from = files.join(format!("atkinson-hyperlegible-latin-{face}.woff"));
        let woff = std::fs::read(&from).unwrap_or_else(|e| {
            panic!(
                "hearth-documents build: cannot read {}: {e}",
                from.display()
            )
        });
        let otf = unwrap_woff(&woff)
            .unwrap_or_else(|e| panic!("hearth-documents build: {}: {e}", from.display()));
        let to = out.join(format!("atkinson-hyperlegible-{face}.otf"));
        if let Err(e) = std::fs::write(&to, otf) {
            panic!("hearth-documents build: cannot write {}: {e}", to.display());
        }
    }
}

fn be16(b: &[u8], at: usize) -> Result<u16, String> {
    b.get(at..at + 2)
        .map(|s| u16::from_be_bytes([s[0], s[1]]))
        .ok_or_else(|| format!("truncated at byte {at}"))
}

fn be32(b: &[u8], at: usize) -> Result<u32, String> {
    b.get(at..at + 4)
        .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(|| format!("truncated at byte {at}"))
}

/// WOFF 1 (W3C, 2012) to the OpenType file it wraps: a 44-byte header, a directory of
/// (tag, offset, compressed length, original length, checksum), and each table zlib-deflated
/// unless deflating did not make it smaller.
fn unwrap_woff(woff: &[u8]) -> Result<Vec<u8>, String> {
    if woff.get(0..4) != Some(b"wOFF") {
        return Err("not a WOFF 1 file".into());
    }
    let flavor = be32(woff, 4)?;
    let count = be16(woff, 12)?;
    let mut tables = Vec::with_capacity(usize::from(count));
    for i in 0..usize::from(count) {
        let at = 44 + 20 * i;
        let (tag, offset, comp, orig, sum) = (
            be32(woff, at)?,
            be32(woff, at + 4)? as usize,
            be32(woff, at + 8)? as usize,
            be32(woff, at + 12)? as usize,
            be32(woff, at + 16)?,
        );
        let raw = woff
            .get(offset..offset + comp)
            .ok_or("table outside the file")?;
        let data = if comp < orig {
            let mut data = Vec::with_capacity(orig);
            flate2::read::ZlibDecoder::new(raw)
                .read_to_end(&mut data)
                .map_err(|e| format!("cannot inflate a table: {e}"))?;
            data
        } else {
            raw.to_vec()
        };
        if data.len() != orig {
            return Err("a table's length does not match its directory".into());
        }
        tables.push((tag, sum, data));
    }
    // Tables must stay sorted by tag for binary search, as WOFF already has them.
    tables.sort_by_key(|t| t.0);
    let n = tables.len() as u16;
    let mut power = 1u16;
    let mut log = 0u16;
    while power * 2 <= n {
        power *= 2;
        log += 1;
    }
    let mut otf = Vec::new();
    otf.extend(flavor.to_be_bytes());
    otf.extend(n.to_be_bytes());
    otf.extend((power * 16).to_be_bytes());
    otf.extend(log.to_be_bytes());
    otf.extend((n * 16 - power * 16).to_be_bytes());
    let mut offset = 12 + 16 * tables.len();
    for (tag, sum, data) in &tables {
        otf.extend(tag.to_be_bytes());
        otf.extend(sum.to_be_bytes());
        otf.extend((offset as u32).to_be_bytes());
        otf.extend((data.len() as u32).to_be_bytes());
        offset += data.len().next_multiple_of(4);
    }
    for (_, _, data) in &tables {
        otf.extend(data);
        otf.resize(otf.len().next_multiple_of(4), 0);
    }
    Ok(otf)
}
