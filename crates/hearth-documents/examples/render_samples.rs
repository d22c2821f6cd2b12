//! Writes every sample document to the folder given (default `out/documents`), to look at
//! the pages: `cargo run -p hearth-documents --example render_samples -- DIR`.

use hearth_documents::{AgeBand, Renderer, sample};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "out/documents".into());
    std::fs::create_dir_all(&dir)?;
    let renderer = Renderer::new();
    for (name, band) in [
        ("my-plan-under-8", AgeBand::Under8),
        ("my-plan-8-to-12", AgeBand::From8To12),
        ("my-plan-13-and-over", AgeBand::From13),
    ] {
        let rendered = renderer.child_plan(&sample::child_plan(band, true))?;
        std::fs::write(format!("{dir}/{name}.pdf"), rendered.pdf)?;
    }
    let rendered = renderer.family_plan(&sample::family_plan())?;
    std::fs::write(format!("{dir}/family-plan.pdf"), rendered.pdf)?;
    let rendered = renderer.placement_information(&sample::placement_information())?;
    std::fs::write(format!("{dir}/placement-information.pdf"), rendered.pdf)?;
    Ok(())
}
