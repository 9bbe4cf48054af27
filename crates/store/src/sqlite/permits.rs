//! Emission permits in versions, on SQLite.

use super::SqliteConnection;
use crate::{Baseline, Permit, PermitAnnual, PermitLimit, PermitOutlet, Permits, Result};
use rusqlite::{OptionalExtension, params};

impl Permits for SqliteConnection {
    fn put_permit(&self, p: &Permit) -> Result<i64> {
        self.atomically(|| {
            let old: Option<i64> = self
                .conn
                .query_row(
                    "SELECT id FROM permits WHERE number = ?1 AND valid_from = ?2",
                    params![p.number, p.valid_from],
                    |r| r.get(0),
                )
                .optional()?;
            let id = match old {
                Some(id) => {
                    for table in ["permit_limits", "permit_annual", "permit_outlets"] {
                        self.conn.execute(
                            &format!("DELETE FROM {table} WHERE permit_id = ?1"),
                            params![id],
                        )?;
                    }
                    self.conn.execute(
                        "UPDATE permits SET enterprise_id = ?2, authority = ?3, valid_to = ?4 WHERE id = ?1",
                        params![id, p.enterprise_id, p.authority, p.valid_to],
                    )?;
                    id
                }
                None => {
                    self.conn.execute(
                        "INSERT INTO permits (number, enterprise_id, authority, valid_from, valid_to)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![p.number, p.enterprise_id, p.authority, p.valid_from, p.valid_to],
                    )?;
                    self.conn.last_insert_rowid()
                }
            };
            for o in &p.outlets {
                self.conn.execute(
                    "INSERT INTO permit_outlets (permit_id, site_id, kind) VALUES (?1, ?2, ?3)",
                    params![id, o.site_id, o.kind],
                )?;
                for l in &o.limits {
                    let (from, to) = l.season.clone().unwrap_or_default();
                    self.conn.execute(
                        "INSERT INTO permit_limits (permit_id, site_id, param, season_from, season_to,
                             limit_value, unit, averaging, reference_o2)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                        params![id, o.site_id, l.param, from, to, l.limit, l.unit, l.averaging, l.reference_o2],
                    )?;
                }
                for a in &o.annual {
                    self.conn.execute(
                        "INSERT INTO permit_annual (permit_id, site_id, param, tonnes) VALUES (?1, ?2, ?3, ?4)",
                        params![id, o.site_id, a.param, a.tonnes],
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
        self.conn.execute(
            "INSERT INTO emission_baselines (area, param, base_year, tonnes, target_year, reduction_pct,
                 source, simulated)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (area, param, base_year) DO UPDATE SET tonnes = excluded.tonnes,
                 target_year = excluded.target_year, reduction_pct = excluded.reduction_pct,
                 source = excluded.source, simulated = excluded.simulated",
            params![
                b.area,
                b.param,
                b.base_year,
                b.tonnes,
                b.target_year,
                b.reduction_pct,
                b.source,
                b.simulated
            ],
        )?;
        Ok(())
    }

    fn baselines(&self) -> Result<Vec<Baseline>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT area, param, base_year, tonnes, target_year, reduction_pct, source, simulated
             FROM emission_baselines ORDER BY area, param, base_year",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Baseline {
                    area: r.get(0)?,
                    param: r.get(1)?,
                    base_year: r.get(2)?,
                    tonnes: r.get(3)?,
                    target_year: r.get(4)?,
                    reduction_pct: r.get(5)?,
                    source: r.get(6)?,
                    simulated: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

impl SqliteConnection {
    /// Every permit (or the one with `only`'s id) with its outlets, limits and annual quantities.
    fn load(&self, only: Option<i64>) -> Result<Vec<Permit>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, number, enterprise_id, authority, valid_from, valid_to FROM permits
             WHERE ?1 IS NULL OR id = ?1 ORDER BY number, valid_from",
        )?;
        let mut permits: Vec<Permit> = stmt
            .query_map(params![only], |r| {
                Ok(Permit {
                    id: r.get(0)?,
                    number: r.get(1)?,
                    enterprise_id: r.get(2)?,
                    authority: r.get(3)?,
                    valid_from: r.get(4)?,
                    valid_to: r.get(5)?,
                    outlets: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        for p in &mut permits {
            let mut outlets = self.conn.prepare_cached(
                "SELECT site_id, kind FROM permit_outlets WHERE permit_id = ?1 ORDER BY site_id",
            )?;
            p.outlets = outlets
                .query_map(params![p.id], |r| {
                    Ok(PermitOutlet {
                        site_id: r.get(0)?,
                        kind: r.get(1)?,
                        limits: Vec::new(),
                        annual: Vec::new(),
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            for o in &mut p.outlets {
                let mut limits = self.conn.prepare_cached(
                    "SELECT param, limit_value, unit, averaging, reference_o2, season_from, season_to
                     FROM permit_limits WHERE permit_id = ?1 AND site_id = ?2 ORDER BY param, season_from",
                )?;
                o.limits = limits
                    .query_map(params![p.id, o.site_id], |r| {
                        let (from, to): (String, String) = (r.get(5)?, r.get(6)?);
                        Ok(PermitLimit {
                            param: r.get(0)?,
                            limit: r.get(1)?,
                            unit: r.get(2)?,
                            averaging: r.get(3)?,
                            reference_o2: r.get(4)?,
                            season: (!from.is_empty()).then_some((from, to)),
                        })
                    })?
                    .collect::<rusqlite::Result<_>>()?;
                let mut annual = self.conn.prepare_cached(
                    "SELECT param, tonnes FROM permit_annual WHERE permit_id = ?1 AND site_id = ?2 ORDER BY param",
                )?;
                o.annual = annual
                    .query_map(params![p.id, o.site_id], |r| {
                        Ok(PermitAnnual {
                            param: r.get(0)?,
                            tonnes: r.get(1)?,
                        })
                    })?
                    .collect::<rusqlite::Result<_>>()?;
            }
        }
        Ok(permits)
    }
}
