//! A map as PNG, for slides.

use anyhow::Result;

/// Render an SVG map to PNG (for slides) at `zoom` × its size, with the
/// system fonts (DejaVu Sans on Debian, package fonts-dejavu-core). Text
/// needs a font: without any, the PNG would have no labels, so that is an
/// error.
pub fn png(svg: &str, zoom: f32) -> Result<Vec<u8>> {
    let mut opt = resvg::usvg::Options::default();
    let db = opt.fontdb_mut();
    db.load_system_fonts();
    if db.is_empty() {
        return Err(crate::error::input_error(
            "PNG output needs a font for the labels and none is installed: install fonts-dejavu-core (Debian) or write SVG",
        ));
    }
    db.set_sans_serif_family("DejaVu Sans");
    let tree = resvg::usvg::Tree::from_str(svg, &opt)
        .map_err(|e| anyhow::anyhow!("the map could not be rendered: {e}"))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(zoom)
        .ok_or_else(|| anyhow::anyhow!("the map has no size to render"))?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| anyhow::anyhow!("the map is too large to render"))?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(zoom, zoom),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| anyhow::anyhow!("PNG encoding: {e}"))
}
