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
    fn the_demo_layer_routes_the_city_centre_to_zhaoyang() {
        let layer = CountyLayer::parse(crate::demo::COUNTIES_GEOJSON);
        // Zhaotong's city centre (昭阳区), 103.717 E 27.338 N.
        assert_eq!(layer.county_at(103.717, 27.338), Some("530602"));
    }
}
