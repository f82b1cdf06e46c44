//! Aligned text for a terminal.

use super::{Context, Renderer, View};

/// The `table` format.
#[derive(Debug)]
pub struct Table;

impl Renderer for Table {
    fn view(&self, v: &dyn View, cx: &Context) -> String {
        super::text::doc(&v.doc(cx), cx.colour)
    }
}
