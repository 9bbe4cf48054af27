//! Emission permits in versions, on PostgreSQL.

use super::PgConnection;
use crate::{Baseline, Permit, PermitAnnual, PermitLimit, PermitOutlet, Permits, Result};

impl Permits for PgConnection {
    fn put_permit(&self, p: &Permit) -> Result<i64> {
        self.atomically(|c| {
            let old = c.client().query_opt(
                "SELECT id FROM permits WHERE number = $1 AND valid_from = $2",
                &[&p.number, &p.valid_from],
            )?;
            let id: i64 = match old {
                Some(row) => {
                    let id: i64 = row.get(0);
                    for table in ["permit_limits", "permit_annual", "permit_outlets"] {
                        c.client().execute(
                            &format!("DELETE FROM {table} WHERE permit_id = $1"),
                            &[&id],
                        )?;
                    }
                    c.client().execute(
                        "UPDATE permits SET enterprise_id = $2, authority = $3, valid_to = $4 WHERE id = $1",
                        &[&id, &p.enterprise_id, &p.authority, &p.valid_to],
                    )?;
                    id
                }
                None => c
                    .client()
                    .query_one(
                        "INSERT INTO permits (number, enterprise_id, authority, valid_from, valid_to)
                         VALUES ($1, $2, $3, $4, $5) RETURNING id",
                        &[&p.number, &p.enterprise_id, &p.authority, &p.valid_from, &p.valid_to],
                    )?
                    .get(0),
            };
            for o in &p.outlets {
                c.client().execute(
                    "INSERT INTO permit_outlets (permit_id, site_id, kind) VALUES ($1, $2, $3)",
                    &[&id, &o.site_id, &o.kind],
                )?;
                for l in &o.limits {
                    let (from, to) = l.season.clone().unwrap_or_default();
                    c.client().execute(
                        "INSERT INTO permit_limits (permit_id, site_id, param, season_from, season_to,
                             limit_value, unit, averaging, reference_o2)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                        &[&id, &o.site_id, &l.param, &from, &to, &l.limit, &l.unit, &l.averaging, &l.reference_o2],
                    )?;
                }
                for a in &o.annual {
                    c.client().execute(
                        "INSERT INTO permit_annual (permit_id, site_id, param, tonnes) VALUES ($1, $2, $3, $4)",
                        &[&id, &o.site_id, &a.param, &a.tonnes],
                    )?;
                }
            }
            Ok(id)
        })
    }

    fn permits(&self) -> Result<Vec<Permit>> {
        self.load(None)
    }

    fn permit(&self, id: i64) -> Result<Option<Permit>> {
        Ok(self.load(Some(id))?.pop())
    }

    fn put_baseline(&self, b: &Baseline) -> Result<()> {
        self.client().execute(
            "INSERT INTO emission_baselines (area, param, base_year, tonnes, target_year, reduction_pct,
                 source, simulated)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (area, param, base_year) DO UPDATE SET tonnes = excluded.tonnes,
                 target_year = excluded.target_year, reduction_pct = excluded.reduction_pct,
                 source = excluded.source, simulated = excluded.simulated",
            &[
                &b.area,
                &b.param,
                &b.base_year,
                &b.tonnes,
                &b.target_year,
                &b.reduction_pct,
                &b.source,
                &b.simulated,
            ],
        )?;
        Ok(())
    }

    fn baselines(&self) -> Result<Vec<Baseline>> {
        let rows = self.client().query(
            "SELECT area, param, base_year, tonnes, target_year, reduction_pct, source, simulated
             FROM emission_baselines ORDER BY area, param, base_year",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| Baseline {
                area: r.get(0),
                param: r.get(1),
                base_year: r.get(2),
                tonnes: r.get(3),
                target_year: r.get(4),
                reduction_pct: r.get(5),
                source: r.get(6),
                simulated: r.get(7),
            })
            .collect())
    }
}

impl PgConnection {
    fn load(&self, only: Option<i64>) -> Result<Vec<Permit>> {
        let rows = self.client().query(
            "SELECT id, number, enterprise_id, authority, valid_from, valid_to FROM permits
             WHERE $1::bigint IS NULL OR id = $1 ORDER BY number, valid_from",
            &[&only],
        )?;
        let mut permits: Vec<Permit> = rows
            .iter()
            .map(|r| Permit {
                id: r.get(0),
                number: r.get(1),
                enterprise_id: r.get(2),
                authority: r.get(3),
                valid_from: r.get(4),
                valid_to: r.get(5),
                outlets: Vec::new(),
            })
            .collect();
        for p in &mut permits {
            let outlets = self.client().query(
                "SELECT site_id, kind FROM permit_outlets WHERE permit_id = $1 ORDER BY site_id",
                &[&p.id],
            )?;
            for r in outlets {
                let site_id: String = r.get(0);
                let limits = self.client().query(
                    "SELECT param, limit_value, unit, averaging, reference_o2, season_from, season_to
                     FROM permit_limits WHERE permit_id = $1 AND site_id = $2 ORDER BY param, season_from",
                    &[&p.id, &site_id],
                )?;
                let annual = self.client().query(
                    "SELECT param, tonnes FROM permit_annual WHERE permit_id = $1 AND site_id = $2 ORDER BY param",
                    &[&p.id, &site_id],
                )?;
                p.outlets.push(PermitOutlet {
                    kind: r.get(1),
                    limits: limits
                        .iter()
                        .map(|l| {
                            let (from, to): (String, String) = (l.get(5), l.get(6));
                            PermitLimit {
                                param: l.get(0),
                                limit: l.get(1),
                                unit: l.get(2),
                                averaging: l.get(3),
                                reference_o2: l.get(4),
                                season: (!from.is_empty()).then_some((from, to)),
                            }
                        })
                        .collect(),
                    annual: annual
                        .iter()
                        .map(|a| PermitAnnual {
                            param: a.get(0),
                            tonnes: a.get(1),
                        })
                        .collect(),
                    site_id,
                });
            }
        }
        Ok(permits)
    }
}
