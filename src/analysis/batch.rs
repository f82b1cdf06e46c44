//! Batch scoring: every fund in every year, under every rubric and profile, as one tidy long
//! table; and the same scoring over a panel of levels that did not come from descriptors.
//!
//! Plain Rust over [`Compiled`] rubrics; reading and writing panels and tables (polars) is in
//! [`crate::panel`].

use crate::estimate::{Estimate, Estimator, Model};
use crate::model::{Dataset, Level};
use crate::score::{Compiled, RawScores, round_score, score_ranks};
use rayon::prelude::*;
use serde::Serialize;

/// One fund in one year under one rubric (and profile).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// Index into [`Batch::views`].
    #[serde(skip)]
    pub view: usize,
    pub fund: String,
    pub year: i32,
    /// Unrounded; ranks use the score rounded to the printed precision, as everywhere.
    pub scores: RawScores,
    /// Competition rank (1, 2, 2, 4) among the funds scored in this view and year.
    pub rank: u32,
    /// The expected score with the unknowns estimated ([`crate::estimate`]), rounded, for the
    /// repository's funds; `None` for a panel, whose cells carry no record to fit to.
    pub estimate: Option<Estimate>,
    /// The fund's metadata (type, funding, region, size band, IFSWF membership); for a panel,
    /// that of the descriptor with the same id, if any.
    #[serde(flatten)]
    pub metadata: crate::model::Metadata,
}

/// A rubric, or a rubric under one of its profiles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct View {
    pub rubric: String,
    pub profile: Option<String>,
    /// The rubric's category ids, in order (the order of [`RawScores::categories`]).
    pub categories: Vec<String>,
}

impl View {
    /// `ds`'s rubric, scored under `profile` (already applied to `ds`).
    fn of(ds: &Dataset, profile: Option<String>) -> View {
        View {
            rubric: ds.rubric.id.clone(),
            profile,
            categories: ds.rubric.categories.iter().map(|c| c.id.clone()).collect(),
        }
    }
}

/// The long table: one [`Row`] per view, fund and year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Batch {
    pub views: Vec<View>,
    /// Sorted by view, year, rank, fund.
    pub rows: Vec<Row>,
}

impl Batch {
    /// Every category id of every view, in first-seen order: the table's category columns.
    pub fn category_columns(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for v in &self.views {
            for c in &v.categories {
                if !out.contains(&c.as_str()) {
                    out.push(c);
                }
            }
        }
        out
    }
}

/// A view of the repository's data: a name for the profile (if any) and the dataset under it.
pub type RepoView<'a> = (Option<String>, &'a Dataset);

/// Every fund of the repository in every year from its establishment to its latest
/// assessment, under each view. Ranks are among all funds established by that year, as in
/// `score --as-of YEAR`. The estimates (most of the work) only `with_estimates`; the summary
/// does not show them.
pub fn repository(views: &[RepoView], with_estimates: bool) -> Batch {
    let mut out = Batch { views: Vec::new(), rows: Vec::new() };
    for (k, (profile, ds)) in views.iter().enumerate() {
        let compiled = Compiled::new(&ds.rubric);
        let first_row = out.rows.len();
        out.views.push(View::of(ds, profile.clone()));
        let first = ds.funds.iter().map(|f| f.established).min().unwrap_or(0);
        let last = ds.funds.iter().map(|f| f.assessed.year).max().unwrap_or(0);
        for year in first..=last {
            let scored: Vec<(usize, RawScores)> = ds
                .funds
                .iter()
                .enumerate()
                .filter(|(_, f)| f.established <= year)
                .map(|(i, f)| {
                    let levels: Vec<Level> =
                        compiled.disclosures.iter().map(|d| f.standing(d, Some(year)).level).collect();
                    (i, compiled.score(&levels))
                })
                .collect();
            let ranks = score_ranks(&scored.iter().map(|(_, s)| s.score).collect::<Vec<_>>());
            for ((i, scores), rank) in scored.into_iter().zip(ranks) {
                let f = &ds.funds[i];
                if year <= f.assessed.year {
                    out.rows.push(Row {
                        view: k,
                        fund: f.id.clone(),
                        year,
                        scores,
                        rank,
                        estimate: None,
                        metadata: f.metadata,
                    });
                }
            }
        }
        if !with_estimates {
            continue;
        }
        let model = Model::of(ds);
        let estimator = Estimator::new(&model, &ds.rubric);
        // Each fund-year's draws have a seed of their own: the same estimates on any core.
        out.rows[first_row..].par_iter_mut().for_each(|r| {
            r.estimate = ds.fund(&r.fund).and_then(|f| estimator.fund(f, Some(r.year)));
        });
    }
    sort(&mut out.rows);
    out
}

/// Levels of a panel: cells of (fund, year), each with one level per disclosure.
#[derive(Debug, Clone, Default)]
pub struct Panel {
    /// The funds, by index.
    pub funds: Vec<String>,
    /// The disclosure ids the levels are indexed by.
    pub disclosures: Vec<String>,
    /// (fund index, year) of each cell.
    pub cells: Vec<(u32, i32)>,
    /// `cells.len() × disclosures.len()` levels, cell after cell; `unknown` where the panel
    /// had no row.
    pub levels: Vec<Level>,
}

impl Panel {
    /// Keeps the cells of the funds `keep` accepts (the fund list itself is unchanged).
    pub fn retain_funds(&mut self, keep: impl Fn(&str) -> bool) {
        let n = self.disclosures.len();
        let kept: Vec<bool> = self.funds.iter().map(|f| keep(f)).collect();
        let mut levels = Vec::with_capacity(self.levels.len());
        let mut cells = Vec::with_capacity(self.cells.len());
        for (k, &(f, year)) in self.cells.iter().enumerate() {
            if kept[f as usize] {
                cells.push((f, year));
                levels.extend_from_slice(&self.levels[k * n..(k + 1) * n]);
            }
        }
        self.cells = cells;
        self.levels = levels;
    }
}

/// Scores every cell of `panel` under `ds`'s rubric; ranks within each year among the
/// panel's funds.
pub fn panel(ds: &Dataset, profile: Option<String>, panel: &Panel) -> Batch {
    let compiled = Compiled::new(&ds.rubric);
    // Where each of the rubric's disclosures sits in the panel's level vectors.
    let at: Vec<Option<usize>> =
        compiled.disclosures.iter().map(|d| panel.disclosures.iter().position(|p| p == d)).collect();
    let n = panel.disclosures.len();
    let scored: Vec<RawScores> = panel
        .cells
        .par_iter()
        .enumerate()
        .map(|(c, _)| {
            let cell = &panel.levels[c * n..(c + 1) * n];
            let levels: Vec<Level> = at.iter().map(|k| k.map_or(Level::Unknown, |k| cell[k])).collect();
            compiled.score(&levels)
        })
        .collect();
    // Rank within each year: cells grouped by year.
    let mut order: Vec<usize> = (0..panel.cells.len()).collect();
    order.sort_by_key(|&c| panel.cells[c].1);
    let mut ranks = vec![0u32; panel.cells.len()];
    for group in order.chunk_by(|&a, &b| panel.cells[a].1 == panel.cells[b].1) {
        let r = score_ranks(&group.iter().map(|&c| scored[c].score).collect::<Vec<_>>());
        for (&c, r) in group.iter().zip(r) {
            ranks[c] = r;
        }
    }
    let rows = scored
        .into_iter()
        .zip(ranks)
        .zip(&panel.cells)
        .map(|((scores, rank), &(f, year))| Row {
            view: 0,
            fund: panel.funds[f as usize].clone(),
            year,
            scores,
            rank,
            estimate: None,
            metadata: ds.fund(&panel.funds[f as usize]).map(|d| d.metadata).unwrap_or_default(),
        })
        .collect();
    let mut out = Batch { views: vec![View::of(ds, profile)], rows };
    sort(&mut out.rows);
    out
}

impl Panel {
    /// The levels the descriptors imply: every fund in every year of its life within
    /// `from..=to`, one level per catalogue disclosure.
    pub fn from_descriptors(ds: &Dataset, from: Option<i32>, to: Option<i32>) -> Panel {
        let disclosures: Vec<String> = ds.catalogue.ids().map(str::to_string).collect();
        let mut panel = Panel { disclosures, ..Panel::default() };
        for (k, f) in ds.funds.iter().enumerate() {
            panel.funds.push(f.id.clone());
            let first = from.map_or(f.established, |y| y.max(f.established));
            for year in first..=to.unwrap_or(f.assessed.year) {
                panel.cells.push((k as u32, year));
                panel.levels.extend(panel.disclosures.iter().map(|d| f.standing(d, Some(year)).level));
            }
        }
        panel
    }
}

/// What `batch` prints without `--output`: per view, the extent of the table and the
/// leaders in its latest year.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub rows: usize,
    pub views: Vec<ViewSummary>,
}

/// One view's part of the table.
#[derive(Debug, Clone, Serialize)]
pub struct ViewSummary {
    pub rubric: String,
    pub profile: Option<String>,
    pub funds: usize,
    pub first_year: i32,
    pub last_year: i32,
    pub rows: usize,
    /// The top-ranked funds in the last year (rank 1, with ties), and their score, rounded.
    pub leaders: Vec<String>,
    pub top_score: Option<f64>,
}

/// The summary of a batch table.
pub fn summary(b: &Batch) -> Summary {
    let views = b
        .views
        .iter()
        .enumerate()
        .map(|(k, v)| {
            let rows: Vec<&Row> = b.rows.iter().filter(|r| r.view == k).collect();
            let mut funds: Vec<&str> = rows.iter().map(|r| r.fund.as_str()).collect();
            funds.sort_unstable();
            funds.dedup();
            let last_year = rows.iter().map(|r| r.year).max().unwrap_or(0);
            let top: Vec<&&Row> = rows.iter().filter(|r| r.year == last_year && r.rank == 1).collect();
            ViewSummary {
                rubric: v.rubric.clone(),
                profile: v.profile.clone(),
                funds: funds.len(),
                first_year: rows.iter().map(|r| r.year).min().unwrap_or(0),
                last_year,
                rows: rows.len(),
                leaders: top.iter().map(|r| r.fund.clone()).collect(),
                top_score: top.first().map(|r| round_score(r.scores.score)),
            }
        })
        .collect();
    Summary { rows: b.rows.len(), views }
}

fn sort(rows: &mut [Row]) {
    rows.sort_by(|a, b| (a.view, a.year, a.rank, &a.fund).cmp(&(b.view, b.year, b.rank, &b.fund)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_are_competition_ranks_on_rounded_scores() {
        assert_eq!(score_ranks(&[50.0, 70.04, 70.0, 10.0, 70.06]), vec![4, 2, 2, 5, 1]);
        assert_eq!(score_ranks(&[]), Vec::<u32>::new());
    }
}
