//! A layer finished from its features as read: the id and name
//! properties, the CRS of the coordinates, the corrections checked, every
//! feature read, warnings about repaired geometry and duplicate ids.

use anyhow::Result;

use crate::error::{examples, input_error, Warnings};
use crate::spatial::crs::{Crs, Transformer};
use crate::spatial::geometry::features::Reading;
use crate::spatial::geometry::fixes::{apply_orphan_fixes, check_fixes, drop_duplicates};
use crate::spatial::geometry::ids::{
    choose_field, ids_look_like_lor_keys, layer_id_field, NAME_FIELDS,
};
use crate::spatial::geometry::{Layer, LayerOptions, RawLayer};

pub(super) fn finish_layer(
    name: &str,
    raw: RawLayer,
    opts: &LayerOptions,
    keep: Option<&str>,
) -> Result<(Layer, Warnings)> {
    let mut warnings = Warnings::default();
    if raw.features.is_empty() {
        return Err(input_error(format!("{name}: the layer has no features")));
    }
    let id_field = layer_id_field(name, &raw.features, opts)?;
    let name_field = choose_field(
        name,
        &raw.features,
        opts.name_field.as_deref(),
        NAME_FIELDS,
        "name",
    )?;

    let file_crs = layer_crs(name, &raw, opts)?;
    let transformer = Transformer::new(file_crs, opts.work_crs);
    check_fixes(name, &raw.features, &id_field, opts)?;
    let lor_ids = ids_look_like_lor_keys(
        raw.features
            .iter()
            .map(|(props, _)| props.get(&id_field).map(String::as_str).unwrap_or_default()),
    );
    let reading = Reading {
        name,
        opts,
        id_field: &id_field,
        name_field: name_field.as_deref(),
        file_crs,
        transformer: &transformer,
        lor_ids,
    };
    let (mut features, repaired, keep) = reading.features(raw.features, keep)?;
    geometry_warnings(name, &raw.closed, &repaired, &mut warnings);
    let suggestions = apply_orphan_fixes(name, &mut features, opts, &mut warnings);
    drop_duplicates(name, &mut features, opts, &suggestions, &mut warnings);
    if let Some(prefix) = keep {
        features.retain(|f| f.id.starts_with(prefix));
    }
    Ok((
        Layer {
            source: name.to_string(),
            file_crs,
            crs: opts.work_crs,
            id_field: if id_field.starts_with('\u{0}') {
                "id".into()
            } else {
                id_field
            },
            features,
        },
        warnings,
    ))
}

/// Warnings about geometry repaired while reading: unclosed rings closed
/// (`closed`: feature numbers) and invalid polygons resolved (`repaired`).
fn geometry_warnings(name: &str, closed: &[usize], repaired: &[String], warnings: &mut Warnings) {
    if !closed.is_empty() {
        warnings.push(
                crate::error::WarningCode::UnclosedRing,
            format!(
                "{name}: {} features had unclosed rings, closed by repeating the first position: features {}",
                closed.len(),
                examples(closed, 5)
            ),
        );
    }
    if !repaired.is_empty() {
        warnings.push(
                crate::error::WarningCode::InvalidGeometry,
            format!(
                "{name}: {} features had invalid polygons (self-intersections or overlapping parts), repaired by resolving them under the non-zero rule: {}",
                repaired.len(),
                examples(repaired, 5)
            ),
        );
    }
}

/// The CRS of a layer's coordinates: the declared one if the coordinates
/// fit it, WGS84 for GeoJSON without one (RFC 7946); otherwise an error
/// that names what they look like.
fn layer_crs(name: &str, raw: &RawLayer, opts: &LayerOptions) -> Result<Crs> {
    // Which CRS are the coordinates in?
    let first = raw
        .features
        .iter()
        .find_map(|(_, g)| g.as_ref().ok())
        .and_then(|g| g.0.first())
        .map(|p| p.exterior().0[0]);
    Ok(match raw.crs {
        Some(c) => {
            if let Some(p) = first {
                if !c.plausible(p) {
                    let guess = Crs::guess(p)
                        .map(|g| {
                            format!(" They look like {g}; give that with {}.", opts.flag("crs"))
                        })
                        .unwrap_or_default();
                    return Err(input_error(format!(
                        "{name}: the coordinates ({:.1}, {:.1}) cannot be in {c}{}.{guess}",
                        p.x,
                        p.y,
                        raw.crs_declared
                            .as_deref()
                            .map(|d| format!(" (declared as '{d}')"))
                            .unwrap_or_default()
                    )));
                }
            }
            c
        }
        None => {
            // RFC 7946: GeoJSON without a `crs` member is WGS84.
            match first {
                Some(p)
                    if !Crs::Wgs84.plausible(p)
                        && (-180.0..=180.0).contains(&p.x)
                        && (-90.0..=90.0).contains(&p.y) =>
                {
                    return Err(input_error(format!(
                        "{name}: the coordinates ({:.4}, {:.4}) are longitude/latitude far from Berlin; is this the right file?",
                        p.x, p.y
                    )));
                }
                Some(p) if !Crs::Wgs84.plausible(p) => {
                    let guess = Crs::guess(p)
                        .map(|g| {
                            format!(
                                " They look like {g}: give it with {} {g}.",
                                opts.flag("crs")
                            )
                        })
                        .unwrap_or_default();
                    return Err(input_error(format!(
                        "{name}: no CRS is declared and the coordinates ({:.1}, {:.1}) are not WGS84 longitude/latitude.{guess}",
                        p.x, p.y
                    )));
                }
                _ => Crs::Wgs84,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unclosed_rings_are_named_with_their_features() {
        let mut w = Warnings::default();
        geometry_warnings("t.geojson", &[2, 5], &[], &mut w);
        assert_eq!(w.len(), 1);
        assert_eq!(
            w.0[0].message,
            "t.geojson: 2 features had unclosed rings, closed by repeating the first position: features 2, 5"
        );
    }
}
