//! JSON: each command's result value itself, with the keys `docs/FORMATS.md` documents.

use super::{Context, Renderer, View};

/// The `json` format.
#[derive(Debug)]
pub struct Json;

impl Renderer for Json {
    fn view(&self, v: &dyn View, _cx: &Context) -> String {
        v.json()
    }
}
