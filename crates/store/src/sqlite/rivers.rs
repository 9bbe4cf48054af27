//! Reaches, their chiefs and patrols, on SQLite.

use super::SqliteConnection;
use crate::rivers::{course_points, course_text, join, split};
use crate::{Patrol, Reach, ReachChief, Result, Rivers};
use rusqlite::params;

const REACH_COLUMNS: &str = "id, waterbody_id, name, start_point, end_point, counties, sections, target_class, length_km, phone, course";

type ReachRow = (Reach, String);

fn reach_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReachRow> {
    Ok((
        Reach {
            id: r.get(0)?,
            waterbody_id: r.get(1)?,
            name: r.get(2)?,
            start_point: r.get(3)?,
            end_point: r.get(4)?,
            counties: split(&r.get::<_, String>(5)?),
            sections: split(&r.get::<_, String>(6)?),
            target_class: r.get(7)?,
            length_km: r.get(8)?,
            phone: r.get(9)?,
            course: Vec::new(),
        },
        r.get(10)?,
    ))
}

const PATROL_COLUMNS: &str = "id, reach_id, chief, level, started_at, ended_at, track, distance_m, counts, shortfall, checklist, note, created_by, created_at";

fn patrol_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Patrol> {
    Ok(Patrol {
        id: r.get(0)?,
        reach_id: r.get(1)?,
        chief: r.get(2)?,
        level: r.get(3)?,
        started_at: r.get(4)?,
        ended_at: r.get(5)?,
        track: r.get(6)?,
        distance_m: r.get(7)?,
        counts: r.get(8)?,
        shortfall: r.get(9)?,
        checklist: r.get(10)?,
        note: r.get(11)?,
        created_by: r.get(12)?,
        created_at: r.get(13)?,
    })
}

impl SqliteConnection {
    fn reaches_where(&self, clause: &str, values: impl rusqlite::Params) -> Result<Vec<Reach>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {REACH_COLUMNS} FROM reaches WHERE {clause}"
        ))?;
        let rows: Vec<ReachRow> = stmt
            .query_map(values, reach_row)?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|(mut r, course)| {
                r.course = course_points(&course)?;
                Ok(r)
            })
            .collect()
    }

    fn patrols_where(&self, clause: &str, values: impl rusqlite::Params) -> Result<Vec<Patrol>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {PATROL_COLUMNS} FROM patrols WHERE {clause}"
        ))?;
        let rows = stmt
            .query_map(values, patrol_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

impl Rivers for SqliteConnection {
    fn put_reach(&self, r: &Reach) -> Result<()> {
        self.conn.execute(
            "INSERT INTO reaches (id, waterbody_id, name, start_point, end_point, counties, sections, target_class, length_km, phone, course)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (id) DO UPDATE SET waterbody_id = excluded.waterbody_id, name = excluded.name,
               start_point = excluded.start_point, end_point = excluded.end_point, counties = excluded.counties,
               sections = excluded.sections, target_class = excluded.target_class, length_km = excluded.length_km,
               phone = excluded.phone, course = excluded.course",
            params![
                r.id,
                r.waterbody_id,
                r.name,
                r.start_point,
                r.end_point,
                join(&r.counties),
                join(&r.sections),
                r.target_class,
                r.length_km,
                r.phone,
                course_text(&r.course)
            ],
        )?;
        Ok(())
    }

    fn reach(&self, id: &str) -> Result<Option<Reach>> {
        Ok(self.reaches_where("id = ?1", params![id])?.pop())
    }

    fn reaches(&self) -> Result<Vec<Reach>> {
        self.reaches_where("1 = 1 ORDER BY id", [])
    }

    fn set_reach_chiefs(&self, reach: &str, chiefs: &[ReachChief]) -> Result<()> {
        self.atomically(|| {
            self.conn
                .execute("DELETE FROM reach_chiefs WHERE reach_id = ?1", [reach])?;
            let mut stmt = self.conn.prepare_cached(
                "INSERT INTO reach_chiefs (reach_id, level, name, title, account) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for c in chiefs {
                stmt.execute(params![reach, c.level, c.name, c.title, c.account])?;
            }
            Ok(())
        })
    }

    fn reach_chiefs(&self, reach: Option<&str>) -> Result<Vec<ReachChief>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT reach_id, level, name, title, account FROM reach_chiefs
             WHERE ?1 IS NULL OR reach_id = ?1 ORDER BY reach_id, level, name",
        )?;
        let rows = stmt
            .query_map([reach], |r| {
                Ok(ReachChief {
                    reach_id: r.get(0)?,
                    level: r.get(1)?,
                    name: r.get(2)?,
                    title: r.get(3)?,
                    account: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn put_patrol(&self, p: &Patrol) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO patrols (reach_id, chief, level, started_at, ended_at, track, distance_m, counts, shortfall, checklist, note, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                p.reach_id,
                p.chief,
                p.level,
                p.started_at,
                p.ended_at,
                p.track,
                p.distance_m,
                p.counts,
                p.shortfall,
                p.checklist,
                p.note,
                p.created_by,
                p.created_at
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn patrol(&self, id: i64) -> Result<Option<Patrol>> {
        Ok(self.patrols_where("id = ?1", params![id])?.pop())
    }

    fn patrols(&self, from: i64, to: i64) -> Result<Vec<Patrol>> {
        self.patrols_where(
            "started_at >= ?1 AND started_at < ?2 ORDER BY started_at, id",
            params![from, to],
        )
    }
}
