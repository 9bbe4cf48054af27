//! Whole tables as rows (`store::copy`), on SQLite.

use super::SqliteConnection;
use crate::copy::{Cell, Kind, Table};
use crate::{Result, Tables};
use rusqlite::types::{Value, ValueRef};

fn to_sql(cell: &Cell) -> Value {
    match cell {
        Cell::Null => Value::Null,
        Cell::Int(i) => Value::Integer(*i),
        Cell::Real(r) => Value::Real(*r),
        Cell::Text(t) => Value::Text(t.clone()),
        Cell::Bytes(b) => Value::Blob(b.clone()),
        Cell::Bool(b) => Value::Integer(i64::from(*b)),
    }
}

fn cell(kind: Kind, v: ValueRef<'_>) -> Cell {
    match (kind, v) {
        (_, ValueRef::Null) => Cell::Null,
        (Kind::Bool, ValueRef::Integer(i)) => Cell::Bool(i != 0),
        (Kind::Real, ValueRef::Integer(i)) => Cell::Real(i as f64),
        (_, ValueRef::Integer(i)) => Cell::Int(i),
        (_, ValueRef::Real(r)) => Cell::Real(r),
        (Kind::Bytes, ValueRef::Text(t) | ValueRef::Blob(t)) => Cell::Bytes(t.to_vec()),
        (_, ValueRef::Text(t) | ValueRef::Blob(t)) => {
            Cell::Text(String::from_utf8_lossy(t).into_owned())
        }
    }
}

fn keys(table: &Table) -> String {
    table.column_names()[..table.key].join(", ")
}

impl SqliteConnection {
    fn select(&self, sql: &str, table: &Table, params: &[Value]) -> Result<Vec<Vec<Cell>>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
            (0..table.columns.len())
                .map(|i| Ok(cell(table.columns[i].1, r.get_ref(i)?)))
                .collect::<rusqlite::Result<Vec<_>>>()
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl Tables for SqliteConnection {
    fn read_rows(
        &self,
        table: &Table,
        after: Option<&[Cell]>,
        limit: u32,
    ) -> Result<Vec<Vec<Cell>>> {
        let cols = table.column_names().join(", ");
        let (name, keys) = (table.name, keys(table));
        match after {
            None => self.select(
                &format!("SELECT {cols} FROM {name} ORDER BY {keys} LIMIT ?1"),
                table,
                &[Value::Integer(i64::from(limit))],
            ),
            Some(after) => {
                let marks: Vec<String> = (1..=after.len()).map(|i| format!("?{i}")).collect();
                let mut params: Vec<Value> = after.iter().map(to_sql).collect();
                params.push(Value::Integer(i64::from(limit)));
                self.select(
                    &format!(
                        "SELECT {cols} FROM {name} WHERE ({keys}) > ({}) ORDER BY {keys} LIMIT ?{}",
                        marks.join(", "),
                        after.len() + 1
                    ),
                    table,
                    &params,
                )
            }
        }
    }

    fn write_rows(&self, table: &Table, rows: &[Vec<Cell>]) -> Result<()> {
        let marks: Vec<String> = (1..=table.columns.len()).map(|i| format!("?{i}")).collect();
        let mut stmt = self.conn.prepare_cached(&format!(
            "INSERT INTO {} ({}) VALUES ({})",
            table.name,
            table.column_names().join(", "),
            marks.join(", ")
        ))?;
        for row in rows {
            stmt.execute(rusqlite::params_from_iter(row.iter().map(to_sql)))?;
        }
        Ok(())
    }

    fn last_key(&self, table: &Table) -> Result<Option<Vec<Cell>>> {
        let keys = keys(table);
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {keys} FROM {} ORDER BY {} LIMIT 1",
            table.name,
            table.column_names()[..table.key]
                .iter()
                .map(|k| format!("{k} DESC"))
                .collect::<Vec<_>>()
                .join(", ")
        ))?;
        let mut rows = stmt.query_map([], |r| {
            (0..table.key)
                .map(|i| Ok(cell(table.columns[i].1, r.get_ref(i)?)))
                .collect::<rusqlite::Result<Vec<_>>>()
        })?;
        Ok(rows.next().transpose()?)
    }

    fn row_count(&self, table: &Table) -> Result<i64> {
        Ok(self
            .conn
            .query_row(&format!("SELECT COUNT(*) FROM {}", table.name), [], |r| {
                r.get(0)
            })?)
    }

    fn after_rows_written(&mut self, _table: &Table) -> Result<()> {
        // INTEGER PRIMARY KEY ids continue after the largest one by themselves.
        Ok(())
    }

    fn schema(&self) -> Result<Vec<(String, Vec<String>)>> {
        let mut stmt = self.conn.prepare(
            "SELECT m.name, c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'schema_migrations'
             ORDER BY m.name, c.cid",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(crate::copy::group(rows))
    }
}
