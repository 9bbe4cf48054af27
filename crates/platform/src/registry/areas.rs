//! Which county a point is in: point-in-polygon over the operator's county layer (a GeoJSON
//! FeatureCollection of (multi)polygons whose properties carry the county code as `adcode` or `code`),
//! or the demo's schematic layer. Routes a complaint about a place to its county.

/// A ring of (lon, lat) points.
type Ring = Vec<(f64, f64)>;

/// The counties' areas.
#[derive(Debug, Clone, Default)]
pub struct CountyLayer {
    /// (county code, polygons; each polygon its outer ring then its holes).
    areas: Vec<(String, Vec<Vec<Ring>>)>,
}

fn ring(v: &serde_json::Value) -> Ring {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
        .collect()
}

fn polygon(v: &serde_json::Value) -> Vec<Ring> {
    v.as_array().into_iter().flatten().map(ring).collect()
}

impl CountyLayer {
    /// Reads the layer; features without a code or a polygon are skipped.
    pub fn parse(geojson: &str) -> CountyLayer {
        let v: serde_json::Value = serde_json::from_str(geojson).unwrap_or_default();
        let mut areas = Vec::new();
        for f in v["features"].as_array().into_iter().flatten() {
            let p = &f["properties"];
            let code = ["adcode", "code"].iter().find_map(|k| match &p[*k] {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            });
            let g = &f["geometry"];
            let polygons = match g["type"].as_str() {
                Some("Polygon") => vec![polygon(&g["coordinates"])],
                Some("MultiPolygon") => g["coordinates"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(polygon)
                    .collect(),
                _ => Vec::new(),
            };
            if let Some(code) = code
                && !polygons.is_empty()
            {
                areas.push((code, polygons));
            }
        }
        CountyLayer { areas }
    }

    /// Whether the layer has no area.
    pub fn is_empty(&self) -> bool {
        self.areas.is_empty()
    }

    /// The county whose area holds (lon, lat), if any.
    pub fn county_at(&self, lon: f64, lat: f64) -> Option<&str> {
        self.areas
            .iter()
            .find(|(_, polygons)| {
                polygons.iter().any(|rings| {
                    rings.first().is_some_and(|outer| inside(outer, lon, lat))
                        && !rings[1..].iter().any(|hole| inside(hole, lon, lat))
                })
            })
            .map(|(code, _)| code.as_str())
    }
}

/// The great-circle distance in metres between two (lon, lat) points (haversine, mean Earth radius).
pub fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
    let k = std::f64::consts::PI / 180.0;
    let (dlat, dlon) = ((b.1 - a.1) * k, (b.0 - a.0) * k);
    let h =
        (dlat / 2.0).sin().powi(2) + (a.1 * k).cos() * (b.1 * k).cos() * (dlon / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().min(1.0).asin()
}

/// The shortest distance in metres from point `p` to the polyline `line` (segments treated as straight on
/// a local flat projection: fine within a city).
pub fn metres_to_line(p: (f64, f64), line: &[(f64, f64)]) -> Option<f64> {
    let k = std::f64::consts::PI / 180.0;
    let scale = (p.1 * k).cos();
    // Metres east and north of p.
    let local = |q: (f64, f64)| {
        (
            (q.0 - p.0) * k * scale * 6_371_008.8,
            (q.1 - p.1) * k * 6_371_008.8,
        )
    };
    let to_segment = |a: (f64, f64), b: (f64, f64)| {
        let (a, b) = (local(a), local(b));
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len2 = dx * dx + dy * dy;
        let t = if len2 == 0.0 {
            0.0
        } else {
            (-(a.0 * dx + a.1 * dy) / len2).clamp(0.0, 1.0)
        };
        let (x, y) = (a.0 + t * dx, a.1 + t * dy);
        (x * x + y * y).sqrt()
    };
    match line {
        [] => None,
        [only] => Some(metres(p, *only)),
        _ => line
            .windows(2)
            .map(|w| to_segment(w[0], w[1]))
            .min_by(f64::total_cmp),
    }
}

/// Ray casting: whether (x, y) is inside the ring.
fn inside(ring: &[(f64, f64)], x: f64, y: f64) -> bool {
    let mut inside = false;
    let mut j = ring.len().wrapping_sub(1);
    for i in 0..ring.len() {
        let (xi, yi) = ring[i];
        let (xj, yj) = ring[j];
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_fall_in_their_county_and_holes_are_outside() {
        let layer = CountyLayer::parse(
            r#"{"features":[
              {"properties":{"adcode":530602},"geometry":{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]]}},
              {"properties":{"code":"530621"},"geometry":{"type":"MultiPolygon","coordinates":[[[[20,0],[30,0],[30,10],[20,0]]],[[[4.5,4.5],[5.5,4.5],[5.5,5.5],[4.5,5.5],[4.5,4.5]]]]}}]}"#,
        );
        assert_eq!(layer.county_at(1.0, 1.0), Some("530602"));
        assert_eq!(
            layer.county_at(5.0, 5.0),
            Some("530621"),
            "an island in the hole"
        );
        assert_eq!(layer.county_at(4.2, 4.2), None, "the hole");
        assert_eq!(layer.county_at(29.0, 1.0), Some("530621"));
        assert_eq!(layer.county_at(50.0, 50.0), None);
    }

    #[test]
    fn distances_on_the_ground() {
        // One degree of latitude is about 111.2 km.
        assert!((metres((103.0, 27.0), (103.0, 28.0)) - 111_195.0).abs() < 10.0);
        let line = [(103.0, 27.0), (103.1, 27.0)];
        let d = metres_to_line((103.05, 27.001), &line).unwrap();
        assert!((d - 111.2).abs() < 1.0, "{d}");
        let beyond = metres_to_line((103.2, 27.0), &line).unwrap();
        assert!((beyond - metres((103.2, 27.0), (103.1, 27.0))).abs() < 20.0);
        assert_eq!(metres_to_line((1.0, 1.0), &[]), None);
    }

    #[test]
    fn the_demo_layer_routes_the_city_centre_to_zhaoyang() {
        let layer = CountyLayer::parse(crate::demo::COUNTIES_GEOJSON);
        // Zhaotong's city centre (昭阳区), 103.717 E 27.338 N.
        assert_eq!(layer.county_at(103.717, 27.338), Some("530602"));
    }
}
