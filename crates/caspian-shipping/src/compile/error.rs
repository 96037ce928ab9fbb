//! [`ScenarioError`]: one problem in a scenario, tied to the key it concerns.

use std::fmt;

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
        write!(f, "{}: {}", self.key, self.message)
    }
}
