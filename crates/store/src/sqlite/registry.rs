//! Counties, water bodies, enterprises, sites and devices.

use super::SqliteConnection;
use crate::{
    County, CrcPolicy, Device, Enterprise, Registry, Result, Site, StoreError, Waterbody,
    WaterbodyKind,
};
use rusqlite::{OptionalExtension, Row, params};

impl Registry for SqliteConnection {
    fn upsert_county(&self, c: &County) -> Result<()> {
        self.conn.execute(
            "INSERT INTO counties (code, name, name_en, lon, lat) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(code) DO UPDATE SET name = excluded.name, name_en = excluded.name_en,
                lon = excluded.lon, lat = excluded.lat",
            params![c.code, c.name, c.name_en, c.lon, c.lat],
        )?;
        Ok(())
    }

    fn counties(&self) -> Result<Vec<County>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT code, name, name_en, lon, lat FROM counties ORDER BY code")?;
        let rows = stmt.query_map([], |r| {
            Ok(County {
                code: r.get(0)?,
                name: r.get(1)?,
                name_en: r.get(2)?,
                lon: r.get(3)?,
                lat: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn upsert_waterbody(&self, w: &Waterbody) -> Result<()> {
        self.conn.execute(
            "INSERT INTO waterbodies (id, name, name_en, kind, basin, lon, lat) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT(id) DO UPDATE SET name = excluded.name, name_en = excluded.name_en, kind = excluded.kind,
                basin = excluded.basin, lon = excluded.lon, lat = excluded.lat",
            params![w.id, w.name, w.name_en, w.kind.code(), w.basin, w.lon, w.lat],
        )?;
        Ok(())
    }

    fn waterbodies(&self) -> Result<Vec<Waterbody>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, name_en, kind, basin, lon, lat FROM waterbodies ORDER BY id",
        )?;
        let rows = stmt
            .query_map([], waterbody_row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(w, kind)| {
                Ok(Waterbody {
                    kind: kind.parse()?,
                    ..w
                })
            })
            .collect()
    }

    fn set_site_waterbody(&self, site: &str, waterbody: Option<&str>) -> Result<()> {
        let changed = self.conn.execute(
            "UPDATE sites SET waterbody_id = ?2 WHERE id = ?1",
            params![site, waterbody],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound(format!(
                "site {site:?} does not exist"
            )));
        }
        Ok(())
    }

    fn site_waterbody(&self, site: &str) -> Result<Option<Waterbody>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT w.id, w.name, w.name_en, w.kind, w.basin, w.lon, w.lat
             FROM sites s JOIN waterbodies w ON w.id = s.waterbody_id WHERE s.id = ?1",
        )?;
        let row = stmt.query_row([site], waterbody_row).optional()?;
        row.map(|(w, kind)| {
            Ok(Waterbody {
                kind: kind.parse()?,
                ..w
            })
        })
        .transpose()
    }

    fn upsert_enterprise(&self, e: &Enterprise) -> Result<()> {
        self.conn.execute(
            "INSERT INTO enterprises (id, name, county) VALUES (?1, ?2, ?3)
             ON CONFLICT(id) DO UPDATE SET name = excluded.name, county = excluded.county",
            params![e.id, e.name, e.county],
        )?;
        Ok(())
    }

    fn enterprises(&self) -> Result<Vec<Enterprise>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name, county FROM enterprises ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok(Enterprise {
                id: r.get(0)?,
                name: r.get(1)?,
                county: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn upsert_site(&self, s: &Site) -> Result<()> {
        self.conn.execute(
            "INSERT INTO sites (id, name, kind, county, lon, lat, enterprise_id, simulated, emission_standard)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT(id) DO UPDATE SET name = excluded.name, kind = excluded.kind, county = excluded.county,
                lon = excluded.lon, lat = excluded.lat, enterprise_id = excluded.enterprise_id,
                simulated = excluded.simulated, emission_standard = excluded.emission_standard",
            params![
                s.id,
                s.name,
                s.kind.code(),
                s.county,
                s.lon,
                s.lat,
                s.enterprise_id,
                s.simulated,
                s.emission_standard.map(|e| e.code())
            ],
        )?;
        Ok(())
    }

    fn site(&self, id: &str) -> Result<Option<Site>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{SITE_SELECT} WHERE id = ?1"))?;
        let row = stmt.query_row([id], site_row).optional()?;
        row.map(|r| r.into_site()).transpose()
    }

    fn sites(&self) -> Result<Vec<Site>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{SITE_SELECT} ORDER BY id"))?;
        let rows = stmt
            .query_map([], site_row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(|r| r.into_site()).collect()
    }

    fn upsert_device(&self, d: &Device) -> Result<()> {
        if self.site(&d.site_id)?.is_none() {
            return Err(StoreError::NotFound(format!(
                "site {:?} does not exist (device {})",
                d.site_id, d.mn
            )));
        }
        self.conn.execute(
            "INSERT INTO devices (mn, password, site_id, protocol, crc_policy, realtime_interval_s, minute_interval_min)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT(mn) DO UPDATE SET password = excluded.password, site_id = excluded.site_id,
                protocol = excluded.protocol, crc_policy = excluded.crc_policy,
                realtime_interval_s = excluded.realtime_interval_s, minute_interval_min = excluded.minute_interval_min",
            params![
                d.mn,
                d.password,
                d.site_id,
                d.protocol,
                d.crc_policy.code(),
                d.realtime_interval_s,
                d.minute_interval_min
            ],
        )?;
        Ok(())
    }

    fn devices(&self) -> Result<Vec<Device>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT mn, password, site_id, protocol, crc_policy, realtime_interval_s, minute_interval_min
             FROM devices ORDER BY mn",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, u32>(5)?,
                    r.get::<_, u32>(6)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(mn, password, site_id, protocol, crc, rt, min)| {
                Ok(Device {
                    mn,
                    password,
                    site_id,
                    protocol,
                    crc_policy: crc.parse::<CrcPolicy>()?,
                    realtime_interval_s: rt,
                    minute_interval_min: min,
                })
            })
            .collect()
    }
}

/// A water body row (columns id, name, name_en, kind, basin, lon, lat) with its kind still as text.
fn waterbody_row(r: &Row<'_>) -> rusqlite::Result<(Waterbody, String)> {
    Ok((
        Waterbody {
            id: r.get(0)?,
            name: r.get(1)?,
            name_en: r.get(2)?,
            kind: WaterbodyKind::River,
            basin: r.get(4)?,
            lon: r.get(5)?,
            lat: r.get(6)?,
        },
        r.get(3)?,
    ))
}

const SITE_SELECT: &str = "SELECT id, name, kind, county, lon, lat, enterprise_id, simulated, emission_standard FROM sites";

struct SiteRow {
    site: Site,
    kind: String,
    emission_standard: Option<String>,
}

impl SiteRow {
    fn into_site(self) -> Result<Site> {
        Ok(Site {
            kind: self.kind.parse()?,
            emission_standard: self.emission_standard.map(|e| e.parse()).transpose()?,
            ..self.site
        })
    }
}

fn site_row(r: &Row<'_>) -> rusqlite::Result<SiteRow> {
    Ok(SiteRow {
        kind: r.get(2)?,
        emission_standard: r.get(8)?,
        site: Site {
            id: r.get(0)?,
            name: r.get(1)?,
            kind: crate::SiteKind::Other,
            county: r.get(3)?,
            lon: r.get(4)?,
            lat: r.get(5)?,
            enterprise_id: r.get(6)?,
            emission_standard: None,
            simulated: r.get(7)?,
        },
    })
}
