//! The bulletin as files: CSV (UTF-8 with BOM) and XLSX, the same rows as the page.

use super::*;

fn bulletin_rows(b: &Bulletin) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let header = vec![
        "year",
        "quarter",
        "site_id",
        "source",
        "simulated",
        "samples",
        "compliant_samples",
        "compliance_by_count_pct",
        "intake_m3",
        "compliant_intake_m3",
        "compliance_by_volume_pct",
        "worst_class",
        "exceeding_items",
    ];
    let rows = b
        .rows
        .iter()
        .map(|r| {
            let by_count = (r.samples > 0).then(|| {
                format!(
                    "{:.1}",
                    r.compliant_samples as f64 / r.samples as f64 * 100.0
                )
            });
            let by_volume = match (r.volume_m3, r.compliant_volume_m3) {
                (Some(v), Some(ok)) if v > 0.0 => Some(format!("{:.1}", ok / v * 100.0)),
                _ => None,
            };
            vec![
                b.year.to_string(),
                b.quarter.to_string(),
                r.site.id.clone(),
                r.site.name.clone(),
                r.site.simulated.to_string(),
                r.samples.to_string(),
                r.compliant_samples.to_string(),
                by_count.unwrap_or_default(),
                r.volume_m3.map(|v| format!("{v:.0}")).unwrap_or_default(),
                r.compliant_volume_m3
                    .map(|v| format!("{v:.0}"))
                    .unwrap_or_default(),
                by_volume.unwrap_or_default(),
                r.worst_class
                    .map(|c| c.label().to_string())
                    .unwrap_or_default(),
                r.exceedances
                    .iter()
                    .map(|e| {
                        format!(
                            "{}:{}",
                            e.item,
                            e.max_multiple.map(|m| m.to_string()).unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(";"),
            ]
        })
        .collect();
    (header, rows)
}

/// The bulletin as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese names).
pub fn bulletin_csv(b: &Bulletin) -> String {
    let (header, rows) = bulletin_rows(b);
    let mut out = String::from("\u{feff}");
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for r in rows {
        out.push_str(
            &r.iter()
                .map(|f| platform::csv_out::field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out
}

/// The bulletin as an XLSX workbook.
pub fn bulletin_xlsx(b: &Bulletin) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let (header, rows) = bulletin_rows(b);
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name(format!("{}-Q{}", b.year, b.quarter))
        .map_err(|e| e.to_string())?;
    for (j, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, j as u16, *h, &bold)
            .map_err(|e| e.to_string())?;
    }
    let numeric = [0usize, 1, 5, 6, 7, 8, 9, 10];
    for (i, r) in rows.iter().enumerate() {
        for (j, v) in r.iter().enumerate() {
            let row = i as u32 + 1;
            match v.parse::<f64>() {
                Ok(n) if numeric.contains(&j) => ws.write_number(row, j as u16, n),
                _ => ws.write_string(row, j as u16, v),
            }
            .map_err(|e| e.to_string())?;
        }
    }
    ws.set_column_width(3, 28).map_err(|e| e.to_string())?;
    ws.set_column_width(12, 40).map_err(|e| e.to_string())?;
    wb.save_to_buffer().map_err(|e| e.to_string())
}
