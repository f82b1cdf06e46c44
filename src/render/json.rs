//! JSON: each command's result value itself, with the keys `docs/FORMATS.md` documents.

use super::{Context, Renderer, View};
use crate::error::Error;

/// The `json` format.
#[derive(Debug)]
pub struct Json;

impl Renderer for Json {
    fn view(&self, v: &dyn View, _cx: &Context) -> Result<String, Error> {
        v.json().map_err(|e| Error::Internal(format!("the result could not be written as JSON: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{markup::Doc, views::Records};

    /// A result serde cannot write (a map keyed by pairs).
    struct Unwritable;

    impl View for Unwritable {
        fn doc(&self, _: &Context) -> Doc {
            Doc::default()
        }
        fn records(&self) -> Records {
            vec![]
        }
        fn json(&self) -> serde_json::Result<String> {
            serde_json::to_string(&std::collections::HashMap::from([((1, 2), 3)]))
        }
    }

    #[test]
    fn a_result_that_cannot_be_written_is_an_error_not_output() {
        match Json.view(&Unwritable, &Context::new(&crate::render::Glossary::default())) {
            Err(Error::Internal(m)) => assert!(m.contains("could not be written as JSON"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
