//! [`ScenarioError`]: one problem in a scenario, tied to the key it concerns.

use std::fmt;

use super::text::escape;

/// One problem in a scenario, tied to the key it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// Dotted path of the offending key, e.g. `fleet[2].capacity` or `fleet.kmtf.origin`.
    pub key: String,
    /// What is wrong, in lower case.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keys and messages quote the file's own strings; an invisible or
        // control character in them is shown as its code point.
        // A key the user made up is echoed no longer than any other text.
        let key = crate::resolve::plain::echo(&self.key);
        write!(f, "{}: {}", escape(&key), escape(&self.message))
    }
}
