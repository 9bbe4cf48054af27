//! The permit file of `qingshan permit import`, in TOML or CSV.
//!
//! TOML, one `[[permit]]` per version (the README has the demo city's example):
//!
//! ```toml
//! [[permit]]
//! number = "91530600000000000X001P"
//! enterprise = "E01"
//! authority = "昭通市生态环境局"      # optional
//! valid_from = "2026-01-01"
//! valid_to = "2030-12-31"
//! [[permit.outlet]]
//! site = "S01"
//! kind = "main"                     # main | general
//! [[permit.outlet.limit]]
//! param = "a21026"                  # HJ 212 code
//! limit = 35.0
//! unit = "mg/m3"                    # mg/m3, mg/L, ug/m3, ng-TEQ/m3, pH
//! averaging = "hour"                # hour | day
//! reference_o2 = 6.0                # percent; absent = no conversion
//! # season_from = "11-15"           # a seasonal limit: both MM-DD, or neither
//! # season_to = "03-15"
//! [[permit.outlet.annual]]
//! param = "a21026"
//! tonnes = 120.0
//! ```
//!
//! CSV, one row per outlet and limit (or annual quantity), with the header
//! `number,enterprise,authority,valid_from,valid_to,site,kind,param,limit,unit,averaging,reference_o2,season_from,season_to,annual_tonnes`:
//! rows with the same number and `valid_from` make one version; a row with `annual_tonnes` and no
//! `limit` is an annual quantity only.

use super::{AnnualInput, LimitInput, OutletInput, PermitInput};
use crate::{Error, Result};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    permit: Vec<PermitInput>,
}

/// The permits of a TOML file.
pub fn parse_toml(text: &str) -> Result<Vec<PermitInput>> {
    let file: File = toml::from_str(text)
        .map_err(|e| Error::invalid(format!("not a valid permit file: {e}")))?;
    Ok(file.permit)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    number: String,
    enterprise: String,
    #[serde(default)]
    authority: Option<String>,
    valid_from: String,
    valid_to: String,
    site: String,
    kind: String,
    #[serde(default)]
    param: String,
    #[serde(default)]
    limit: Option<f64>,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    averaging: Option<String>,
    #[serde(default)]
    reference_o2: Option<f64>,
    #[serde(default)]
    season_from: Option<String>,
    #[serde(default)]
    season_to: Option<String>,
    #[serde(default)]
    annual_tonnes: Option<f64>,
}

/// The permits of a CSV file (see the module's documentation for its columns).
pub fn parse_csv(text: &str) -> Result<Vec<PermitInput>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut permits: Vec<PermitInput> = Vec::new();
    for (i, row) in reader.deserialize::<Row>().enumerate() {
        // Line numbers count the header as line 1.
        let line = i + 2;
        let row = row.map_err(|e| Error::invalid(format!("permit CSV line {line}: {e}")))?;
        let at = match permits
            .iter()
            .position(|p| p.number == row.number && p.valid_from == row.valid_from)
        {
            Some(at) => at,
            None => {
                permits.push(PermitInput {
                    number: row.number.clone(),
                    enterprise: row.enterprise.clone(),
                    authority: row.authority.clone().filter(|a| !a.is_empty()),
                    valid_from: row.valid_from.clone(),
                    valid_to: row.valid_to.clone(),
                    outlets: Vec::new(),
                });
                permits.len() - 1
            }
        };
        let permit = &mut permits[at];
        if permit.enterprise != row.enterprise || permit.valid_to != row.valid_to {
            return Err(Error::invalid(format!(
                "permit CSV line {line}: permit {} from {} already has enterprise {} and valid_to {}",
                row.number, row.valid_from, permit.enterprise, permit.valid_to
            )));
        }
        let outlet = match permit.outlets.iter().position(|o| o.site == row.site) {
            Some(o) => &mut permit.outlets[o],
            None => {
                permit.outlets.push(OutletInput {
                    site: row.site.clone(),
                    kind: row.kind.clone(),
                    limits: Vec::new(),
                    annual: Vec::new(),
                });
                permit.outlets.last_mut().expect("just pushed")
            }
        };
        if let Some(limit) = row.limit {
            let missing = |what: &str| {
                Error::invalid(format!("permit CSV line {line}: a limit needs {what}"))
            };
            outlet.limits.push(LimitInput {
                param: row.param.clone(),
                limit,
                unit: row
                    .unit
                    .clone()
                    .filter(|u| !u.is_empty())
                    .ok_or_else(|| missing("unit"))?,
                averaging: row
                    .averaging
                    .clone()
                    .filter(|a| !a.is_empty())
                    .ok_or_else(|| missing("averaging"))?,
                reference_o2: row.reference_o2,
                season_from: row.season_from.clone().filter(|s| !s.is_empty()),
                season_to: row.season_to.clone().filter(|s| !s.is_empty()),
            });
        }
        if let Some(tonnes) = row.annual_tonnes {
            outlet.annual.push(AnnualInput {
                param: row.param.clone(),
                tonnes,
            });
        }
    }
    Ok(permits)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOML: &str = r#"
[[permit]]
number = "91530600000000000X001P"
enterprise = "E01"
valid_from = "2026-01-01"
valid_to = "2030-12-31"
[[permit.outlet]]
site = "S01"
kind = "main"
[[permit.outlet.limit]]
param = "a21026"
limit = 35.0
unit = "mg/m3"
averaging = "hour"
reference_o2 = 6.0
[[permit.outlet.annual]]
param = "a21026"
tonnes = 120.0
"#;

    const CSV: &str = "number,enterprise,authority,valid_from,valid_to,site,kind,param,limit,unit,averaging,reference_o2,season_from,season_to,annual_tonnes
91530600000000000X001P,E01,,2026-01-01,2030-12-31,S01,main,a21026,35.0,mg/m3,hour,6.0,,,
91530600000000000X001P,E01,,2026-01-01,2030-12-31,S01,main,a21026,,,,,,,120.0
";

    #[test]
    fn the_toml_of_the_issue_and_its_csv_say_the_same() {
        let toml = parse_toml(TOML).unwrap();
        assert_eq!(toml.len(), 1);
        assert_eq!(toml[0].outlets[0].limits[0].reference_o2, Some(6.0));
        assert_eq!(toml[0].outlets[0].annual[0].tonnes, 120.0);
        assert_eq!(parse_csv(CSV).unwrap(), toml);
    }

    #[test]
    fn a_bad_row_names_its_line_and_unknown_fields_are_refused() {
        let bad = CSV.replace(",35.0,mg/m3,", ",lots,mg/m3,");
        let e = parse_csv(&bad).unwrap_err().to_string();
        assert!(e.contains("line 2"), "{e}");
        let e = parse_toml(&TOML.replace("tonnes = 120.0", "tonnes = 120.0\ncolour = \"red\""))
            .unwrap_err();
        assert!(e.to_string().contains("colour"), "{e}");
    }
}
