//! Aligned text for a terminal.

use super::{Context, Renderer, View};
use crate::error::Error;

/// The `table` format.
#[derive(Debug)]
pub struct Table;

impl Renderer for Table {
    fn view(&self, v: &dyn View, cx: &Context) -> Result<String, Error> {
        Ok(super::text::doc(&v.doc(cx), cx.colour))
    }
}
