//! # caspian-shipping
//!
//! The discrete-event model of tankers and rail/ro-ro ferries crossing the
//! Caspian Sea, built on [`caspian_engine`]. It owns ports, berths, vessels,
//! cargo flows, weather and interdiction risk, and turns one replication of a
//! scenario into its KPIs.
//!
//! Not yet implemented: this crate is the placeholder for the domain model
//! (issue 3). It exists now so that the workspace has its final shape.
