//! Change over time: every fund's score in two years, ranked by the change, with the
//! disclosures whose level moved and what each move is worth.

use crate::model::{Dataset, Level};
use crate::score::{Bounds, Compiled, RubricInfo, round_score, round_to};
use serde::Serialize;

/// Funds ranked by how much their score changed from `from` to `to`.
#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    pub rubric: RubricInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    pub from: i32,
    pub to: i32,
    /// Largest rise first.
    pub funds: Vec<FundTrend>,
    /// Funds not yet established in `from`, by id.
    pub not_established: Vec<String>,
}

/// One fund's change.
#[derive(Debug, Clone, Serialize)]
pub struct FundTrend {
    pub fund: String,
    pub label: String,
    /// Competition rank of the change (1 = the largest rise).
    pub rank: u32,
    pub before: f64,
    pub after: f64,
    /// `after − before`, from the unrounded scores, rounded.
    pub change: f64,
    pub before_bounds: Bounds,
    pub after_bounds: Bounds,
    /// Disclosures whose level differs between the two years, by effect, largest first.
    pub moved: Vec<Moved>,
}

/// A disclosure whose level changed.
#[derive(Debug, Clone, Serialize)]
pub struct Moved {
    pub disclosure: String,
    pub from: Level,
    pub to: Level,
    /// `changed`: the level itself moved; `confirmed`: it was unknown in the earlier year
    /// (no source then) and a source confirms it later, so the change may be in the record,
    /// not in the fund.
    pub kind: MoveKind,
    /// The later score minus the later score with this one disclosure back at its earlier
    /// level (the other moves kept): what this move alone is worth now.
    pub effect: f64,
}

/// What a move is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MoveKind {
    Changed,
    Confirmed,
}

/// Scores every fund (or those in `funds`) established by `from` in `from` and in `to`.
pub fn trend(ds: &Dataset, from: i32, to: i32, funds: &[String], profile: Option<String>) -> Trend {
    let picked = ds.funds.iter().filter(|f| funds.is_empty() || funds.contains(&f.id));
    let compiled = Compiled::new(&ds.rubric);
    let mut out = Vec::new();
    let mut not_established = Vec::new();
    for f in picked {
        if f.established > from {
            not_established.push(f.id.clone());
            continue;
        }
        let at = |y: i32| -> Vec<Level> { compiled.disclosures.iter().map(|d| f.standing(d, Some(y)).level).collect() };
        let (before, after) = (at(from), at(to));
        let (b, a) = (compiled.score(&before), compiled.score(&after));
        let mut moved: Vec<Moved> = Vec::new();
        for (k, d) in compiled.disclosures.iter().enumerate() {
            if before[k] == after[k] {
                continue;
            }
            let mut back = after.clone();
            back[k] = before[k];
            let effect = round_to(a.score - compiled.score(&back).score, 4);
            let kind = if before[k] == Level::Unknown { MoveKind::Confirmed } else { MoveKind::Changed };
            moved.push(Moved { disclosure: d.clone(), from: before[k], to: after[k], kind, effect });
        }
        moved.sort_by(|x, y| y.effect.abs().total_cmp(&x.effect.abs()).then_with(|| x.disclosure.cmp(&y.disclosure)));
        out.push(FundTrend {
            fund: f.id.clone(),
            label: f.label().to_string(),
            rank: 0,
            before: round_score(b.score),
            after: round_score(a.score),
            change: round_score(a.score - b.score),
            before_bounds: b.bounds.rounded(),
            after_bounds: a.bounds.rounded(),
            moved,
        });
    }
    let changes: Vec<f64> = out.iter().map(|f| f.change).collect();
    for (f, r) in out.iter_mut().zip(crate::score::competition_ranks(&changes)) {
        f.rank = r;
    }
    out.sort_by(|a, b| (a.rank, &a.fund).cmp(&(b.rank, &b.fund)));
    Trend { rubric: RubricInfo::of(&ds.rubric), profile, from, to, funds: out, not_established }
}
