//! Policy analysis on top of scoring: scores over time, disclosure roadmaps, what-if
//! scenarios and how much the choice of rubric decides a ranking.

pub mod audit;
pub mod batch;
pub mod correlation;
pub mod coverage;
pub mod diff;
pub mod explain;
pub mod gap;
pub mod history;
pub mod robustness;
pub mod rubrics;
pub mod trend;
pub mod whatif;
