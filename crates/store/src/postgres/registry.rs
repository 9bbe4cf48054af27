//! Counties, water bodies, enterprises, sites and devices, on PostgreSQL.

use super::PgConnection;
use crate::{
    County, CrcPolicy, Device, Enterprise, Registry, Result, Site, SiteKind, StoreError, Waterbody,
};
use postgres::Row;

fn waterbody_row(r: &Row) -> Result<Waterbody> {
    Ok(Waterbody {
        id: r.get(0),
        name: r.get(1),
        name_en: r.get(2),
        kind: r.get::<_, String>(3).parse()?,
        basin: r.get(4),
        lon: r.get(5),
        lat: r.get(6),
    })
}

const SITE_SELECT: &str = "SELECT id, name, kind, county, lon, lat, enterprise_id, simulated, emission_standard FROM sites";

fn site_row(r: &Row) -> Result<Site> {
    Ok(Site {
        id: r.get(0),
        name: r.get(1),
        kind: r.get::<_, String>(2).parse::<SiteKind>()?,
        county: r.get(3),
        lon: r.get(4),
        lat: r.get(5),
        enterprise_id: r.get(6),
        simulated: r.get(7),
        emission_standard: r
            .get::<_, Option<String>>(8)
            .map(|e| e.parse())
            .transpose()?,
    })
}

impl Registry for PgConnection {
    fn upsert_county(&self, c: &County) -> Result<()> {
        self.client().execute(
            "INSERT INTO counties (code, name, name_en, lon, lat) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_en = excluded.name_en,
                lon = excluded.lon, lat = excluded.lat",
            &[&c.code, &c.name, &c.name_en, &c.lon, &c.lat],
        )?;
        Ok(())
    }

    fn counties(&self) -> Result<Vec<County>> {
        Ok(self
            .client()
            .query(
                "SELECT code, name, name_en, lon, lat FROM counties ORDER BY code",
                &[],
            )?
            .iter()
            .map(|r| County {
                code: r.get(0),
                name: r.get(1),
                name_en: r.get(2),
                lon: r.get(3),
                lat: r.get(4),
            })
            .collect())
    }

    fn upsert_waterbody(&self, w: &Waterbody) -> Result<()> {
        self.client().execute(
            "INSERT INTO waterbodies (id, name, name_en, kind, basin, lon, lat) VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_en = excluded.name_en,
                kind = excluded.kind, basin = excluded.basin, lon = excluded.lon, lat = excluded.lat",
            &[&w.id, &w.name, &w.name_en, &w.kind.code(), &w.basin, &w.lon, &w.lat],
        )?;
        Ok(())
    }

    fn waterbodies(&self) -> Result<Vec<Waterbody>> {
        self.client()
            .query(
                "SELECT id, name, name_en, kind, basin, lon, lat FROM waterbodies ORDER BY id",
                &[],
            )?
            .iter()
            .map(waterbody_row)
            .collect()
    }

    fn set_site_waterbody(&self, site: &str, waterbody: Option<&str>) -> Result<()> {
        let changed = self.client().execute(
            "UPDATE sites SET waterbody_id = $2 WHERE id = $1",
            &[&site, &waterbody],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound(format!(
                "site {site:?} does not exist"
            )));
        }
        Ok(())
    }

    fn site_waterbody(&self, site: &str) -> Result<Option<Waterbody>> {
        self.client()
            .query_opt(
                "SELECT w.id, w.name, w.name_en, w.kind, w.basin, w.lon, w.lat
                 FROM sites s JOIN waterbodies w ON w.id = s.waterbody_id WHERE s.id = $1",
                &[&site],
            )?
            .map(|r| waterbody_row(&r))
            .transpose()
    }

    fn upsert_enterprise(&self, e: &Enterprise) -> Result<()> {
        self.client().execute(
            "INSERT INTO enterprises (id, name, county) VALUES ($1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, county = excluded.county",
            &[&e.id, &e.name, &e.county],
        )?;
        Ok(())
    }

    fn enterprises(&self) -> Result<Vec<Enterprise>> {
        Ok(self
            .client()
            .query("SELECT id, name, county FROM enterprises ORDER BY id", &[])?
            .iter()
            .map(|r| Enterprise {
                id: r.get(0),
                name: r.get(1),
                county: r.get(2),
            })
            .collect())
    }

    fn upsert_site(&self, s: &Site) -> Result<()> {
        self.client().execute(
            "INSERT INTO sites (id, name, kind, county, lon, lat, enterprise_id, simulated, emission_standard)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                county = excluded.county, lon = excluded.lon, lat = excluded.lat,
                enterprise_id = excluded.enterprise_id, simulated = excluded.simulated,
                emission_standard = excluded.emission_standard",
            &[
                &s.id,
                &s.name,
                &s.kind.code(),
                &s.county,
                &s.lon,
                &s.lat,
                &s.enterprise_id,
                &s.simulated,
                &s.emission_standard.map(|e| e.code()),
            ],
        )?;
        Ok(())
    }

    fn site(&self, id: &str) -> Result<Option<Site>> {
        self.client()
            .query_opt(&format!("{SITE_SELECT} WHERE id = $1"), &[&id])?
            .map(|r| site_row(&r))
            .transpose()
    }

    fn sites(&self) -> Result<Vec<Site>> {
        self.client()
            .query(&format!("{SITE_SELECT} ORDER BY id"), &[])?
            .iter()
            .map(site_row)
            .collect()
    }

    fn upsert_device(&self, d: &Device) -> Result<()> {
        if self.site(&d.site_id)?.is_none() {
            return Err(StoreError::NotFound(format!(
                "site {:?} does not exist (device {})",
                d.site_id, d.mn
            )));
        }
        self.client().execute(
            "INSERT INTO devices (mn, password, site_id, protocol, crc_policy, realtime_interval_s, minute_interval_min)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (mn) DO UPDATE SET password = excluded.password, site_id = excluded.site_id,
                protocol = excluded.protocol, crc_policy = excluded.crc_policy,
                realtime_interval_s = excluded.realtime_interval_s,
                minute_interval_min = excluded.minute_interval_min",
            &[
                &d.mn,
                &d.password,
                &d.site_id,
                &d.protocol,
                &d.crc_policy.code(),
                &i64::from(d.realtime_interval_s),
                &i64::from(d.minute_interval_min),
            ],
        )?;
        Ok(())
    }

    fn devices(&self) -> Result<Vec<Device>> {
        self.client()
            .query(
                "SELECT mn, password, site_id, protocol, crc_policy, realtime_interval_s, minute_interval_min
                 FROM devices ORDER BY mn",
                &[],
            )?
            .iter()
            .map(|r| {
                Ok(Device {
                    mn: r.get(0),
                    password: r.get(1),
                    site_id: r.get(2),
                    protocol: r.get(3),
                    crc_policy: r.get::<_, String>(4).parse::<CrcPolicy>()?,
                    realtime_interval_s: u32::try_from(r.get::<_, i64>(5)).unwrap_or(u32::MAX),
                    minute_interval_min: u32::try_from(r.get::<_, i64>(6)).unwrap_or(u32::MAX),
                })
            })
            .collect()
    }
}
