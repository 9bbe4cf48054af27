//! Whole tables as rows (`store::copy`), on PostgreSQL. Text keys are `COLLATE "C"` in the schema, so key
//! order is bytewise, as on SQLite, and follows the primary key's index.

use super::{PgConnection, partitions};
use crate::copy::{Cell, Kind, Table};
use crate::{Result, Tables};
use postgres::Row;
use postgres::types::ToSql;

type Param = Box<dyn ToSql + Sync>;

fn param(kind: Kind, cell: &Cell) -> Param {
    match (kind, cell) {
        (Kind::Small, Cell::Int(i)) => Box::new(*i as i16),
        (_, Cell::Int(i)) => Box::new(*i),
        (_, Cell::Real(r)) => Box::new(*r),
        (_, Cell::Text(t)) => Box::new(t.clone()),
        (_, Cell::Bytes(b)) => Box::new(b.clone()),
        (_, Cell::Bool(b)) => Box::new(*b),
        (Kind::Small, Cell::Null) => Box::new(None::<i16>),
        (Kind::Int, Cell::Null) => Box::new(None::<i64>),
        (Kind::Real, Cell::Null) => Box::new(None::<f64>),
        (Kind::Text, Cell::Null) => Box::new(None::<String>),
        (Kind::Bytes, Cell::Null) => Box::new(None::<Vec<u8>>),
        (Kind::Bool, Cell::Null) => Box::new(None::<bool>),
    }
}

/// One column of many rows as a typed array, and its SQL array type.
fn column(kind: Kind, rows: &[Vec<Cell>], at: usize) -> (Param, &'static str) {
    let cells = rows.iter().map(|r| &r[at]);
    match kind {
        Kind::Int => (
            Box::new(
                cells
                    .map(|c| match c {
                        Cell::Int(i) => Some(*i),
                        _ => None,
                    })
                    .collect::<Vec<_>>(),
            ),
            "int8[]",
        ),
        Kind::Small => (
            Box::new(
                cells
                    .map(|c| match c {
                        Cell::Int(i) => Some(*i as i16),
                        _ => None,
                    })
                    .collect::<Vec<_>>(),
            ),
            "int2[]",
        ),
        Kind::Real => (
            Box::new(
                cells
                    .map(|c| match c {
                        Cell::Real(r) => Some(*r),
                        Cell::Int(i) => Some(*i as f64),
                        _ => None,
                    })
                    .collect::<Vec<_>>(),
            ),
            "float8[]",
        ),
        Kind::Text => (
            Box::new(
                cells
                    .map(|c| match c {
                        Cell::Text(t) => Some(t.clone()),
                        _ => None,
                    })
                    .collect::<Vec<_>>(),
            ),
            "text[]",
        ),
        Kind::Bytes => (
            Box::new(
                cells
                    .map(|c| match c {
                        Cell::Bytes(b) => Some(b.clone()),
                        _ => None,
                    })
                    .collect::<Vec<_>>(),
            ),
            "bytea[]",
        ),
        Kind::Bool => (
            Box::new(
                cells
                    .map(|c| match c {
                        Cell::Bool(b) => Some(*b),
                        Cell::Int(i) => Some(*i != 0),
                        _ => None,
                    })
                    .collect::<Vec<_>>(),
            ),
            "bool[]",
        ),
    }
}

fn cells(table: &Table, r: &Row, n: usize) -> Vec<Cell> {
    (0..n)
        .map(|i| {
            let or_null = |c: Option<Cell>| c.unwrap_or(Cell::Null);
            match table.columns[i].1 {
                Kind::Int => or_null(r.get::<_, Option<i64>>(i).map(Cell::Int)),
                Kind::Small => or_null(r.get::<_, Option<i16>>(i).map(|v| Cell::Int(i64::from(v)))),
                Kind::Real => or_null(r.get::<_, Option<f64>>(i).map(Cell::Real)),
                Kind::Text => or_null(r.get::<_, Option<String>>(i).map(Cell::Text)),
                Kind::Bytes => or_null(r.get::<_, Option<Vec<u8>>>(i).map(Cell::Bytes)),
                Kind::Bool => or_null(r.get::<_, Option<bool>>(i).map(Cell::Bool)),
            }
        })
        .collect()
}

fn keys(table: &Table) -> String {
    table.column_names()[..table.key].join(", ")
}

impl Tables for PgConnection {
    fn read_rows(
        &self,
        table: &Table,
        after: Option<&[Cell]>,
        limit: u32,
    ) -> Result<Vec<Vec<Cell>>> {
        let cols = table.column_names().join(", ");
        let (name, keys) = (table.name, keys(table));
        let mut params: Vec<Param> = Vec::new();
        let filter = match after {
            None => String::new(),
            Some(after) => {
                params.extend(
                    after
                        .iter()
                        .zip(table.columns)
                        .map(|(c, col)| param(col.1, c)),
                );
                let marks: Vec<String> = (1..=after.len()).map(|i| format!("${i}")).collect();
                format!("WHERE ({keys}) > ({})", marks.join(", "))
            }
        };
        params.push(Box::new(i64::from(limit)));
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref()).collect();
        let rows = self.client().query(
            &format!(
                "SELECT {cols} FROM {name} {filter} ORDER BY {keys} LIMIT ${}",
                params.len()
            ),
            &refs,
        )?;
        Ok(rows
            .iter()
            .map(|r| cells(table, r, table.columns.len()))
            .collect())
    }

    fn write_rows(&self, table: &Table, rows: &[Vec<Cell>]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        if table.name == "measurements" {
            for row in rows {
                if let Cell::Int(time) = row[3] {
                    partitions::ensure(self, time)?;
                }
            }
        }
        let columns: Vec<(Param, &str)> = table
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| column(c.1, rows, i))
            .collect();
        let arrays: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(i, (_, ty))| format!("${}::{ty}", i + 1))
            .collect();
        let refs: Vec<&(dyn ToSql + Sync)> = columns.iter().map(|(p, _)| p.as_ref()).collect();
        let overriding = if table.identity {
            "OVERRIDING SYSTEM VALUE"
        } else {
            ""
        };
        self.client().execute(
            &format!(
                "INSERT INTO {} ({}) {overriding} SELECT * FROM UNNEST({})",
                table.name,
                table.column_names().join(", "),
                arrays.join(", ")
            ),
            &refs,
        )?;
        Ok(())
    }

    fn last_key(&self, table: &Table) -> Result<Option<Vec<Cell>>> {
        let descending: Vec<String> = table.column_names()[..table.key]
            .iter()
            .map(|k| format!("{k} DESC"))
            .collect();
        let row = self.client().query_opt(
            &format!(
                "SELECT {} FROM {} ORDER BY {} LIMIT 1",
                keys(table),
                table.name,
                descending.join(", ")
            ),
            &[],
        )?;
        Ok(row.map(|r| cells(table, &r, table.key)))
    }

    fn row_count(&self, table: &Table) -> Result<i64> {
        Ok(self
            .client()
            .query_one(&format!("SELECT COUNT(*) FROM {}", table.name), &[])?
            .get(0))
    }

    fn schema(&self) -> Result<Vec<(String, Vec<String>)>> {
        let rows = self.client().query(
            "SELECT c.relname::text, a.attname::text FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
             WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
               AND NOT c.relispartition AND c.relname <> 'schema_migrations'
               AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY c.relname COLLATE \"C\", a.attnum",
            &[],
        )?;
        Ok(crate::copy::group(
            rows.iter().map(|r| (r.get(0), r.get(1))).collect(),
        ))
    }

    fn after_rows_written(&mut self, table: &Table) -> Result<()> {
        if table.identity {
            let name = table.name;
            self.client().batch_execute(&format!(
                "SELECT setval(pg_get_serial_sequence('{name}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {name}"
            ))?;
        }
        Ok(())
    }
}
