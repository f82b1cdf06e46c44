//! Comma-separated values, for spreadsheets and pipelines. Every CSV the program writes goes
//! through [`records`] (the csv crate's RFC 4180 writer): no hand quoting.

use super::{Context, Renderer, View};
use crate::error::Error;

/// The `csv` format.
#[derive(Debug)]
pub struct Csv;

/// Rows as CSV text, one line per row (`\n` endings), quoting only where needed.
pub fn records(rows: &[Vec<String>]) -> String {
    let mut w =
        ::csv::WriterBuilder::new().flexible(true).terminator(::csv::Terminator::Any(b'\n')).from_writer(vec![]);
    for r in rows {
        // Writing to memory cannot fail.
        let _ = w.write_record(r);
    }
    w.into_inner().ok().and_then(|b| String::from_utf8(b).ok()).unwrap_or_default()
}

impl Renderer for Csv {
    fn view(&self, v: &dyn View, _cx: &Context) -> Result<String, Error> {
        Ok(records(&v.records()))
    }
}
