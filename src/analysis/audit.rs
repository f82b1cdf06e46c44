//! A statistical audit of the rubric's coherence, as the JRC audits composite indicators
//! (Saisana, Saltelli & Tarantola 2005): do a category's items measure one thing, does each
//! item pull with its category, and does each item's real influence on the score match its
//! nominal weight? Uncertainty and sensitivity are `robustness`'s part.
//!
//! The data are the item credits in [0, 1] each fund (or fund-year, with `--panel-years`)
//! gets under the rubric's rule: what the score adds up. An item that does not count for an
//! observation (not applicable, or unknown under `unknown: exclude`) is missing there:
//! Cronbach's alpha, the item-rest correlations and the principal components of a category
//! use the observations where all its items count (listwise); an item's importance and the
//! correlation of two items use the observations where they count (pairwise). Variances are
//! sample variances (n − 1); alpha does not depend on the choice.
//!
//! Pooled over fund-years, the years of one fund are not independent: the alphas' intervals
//! come from a cluster bootstrap that resamples funds with all their years, so the interval
//! reflects the number of funds, not of fund-years.

use super::correlation::pearson;
use crate::model::{Dataset, Level};
use crate::score::{Compiled, RubricInfo};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use serde::Serialize;

/// An item whose importance is below this share of its weight share, or above its inverse,
/// is flagged.
pub const IMPORTANCE_RATIO: f64 = 0.5;
/// Two items correlated at least this much (in absolute value) double-count each other.
pub const REDUNDANT_R: f64 = 0.9;
/// A category whose alpha is below this is flagged (the usual rule of thumb).
pub const ALPHA_LOW: f64 = 0.7;
/// A category whose first principal component explains less than this share is flagged.
pub const FIRST_COMPONENT_LOW: f64 = 0.5;
/// Fewest observations two items must share before a correlation between them is judged.
pub const MIN_PAIRED: usize = 10;
/// Funds with less than this share of the weight known are below the coverage gate; every
/// ranking marks them (their score is a floor, shown `≥`).
pub const COVERAGE_GATE: f64 = 2.0 / 3.0;

/// How the audit is run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Pool every fund-year in FROM..=TO instead of each fund's latest assessment.
    pub panel_years: Option<(i32, i32)>,
    /// Bootstrap resamples for the alphas' 90% intervals.
    pub bootstrap: usize,
    pub seed: u64,
    /// Carry the credit matrix in the result (`--credits`), for a peer to recompute from.
    pub credits: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { panel_years: None, bootstrap: 1000, seed: 1, credits: false }
    }
}

/// The audit's result: every figure any format shows.
#[derive(Debug, Clone, Serialize)]
pub struct Audit {
    pub rubric: RubricInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// `null` for each fund's latest assessment, else the years pooled.
    pub panel_years: Option<YearRange>,
    /// Funds, and observations (funds, or fund-years when pooled).
    pub funds: usize,
    pub observations: usize,
    pub bootstrap: usize,
    pub seed: u64,
    pub thresholds: Thresholds,
    pub categories: Vec<CategoryAudit>,
    pub items: Vec<ItemAudit>,
    pub coverage: Vec<FundCoverage>,
    /// With `--credits`: every observation's item credits, in the order of `items` (`null`
    /// where the item does not count).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits: Option<Vec<Observation>>,
}

/// One observation's credits.
#[derive(Debug, Clone, Serialize)]
pub struct Observation {
    pub fund: String,
    /// `null` for the latest assessment.
    pub year: Option<i32>,
    pub credits: Vec<Option<f64>>,
    /// The unrounded score.
    pub score: f64,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct YearRange {
    pub from: i32,
    pub to: i32,
}

/// The documented thresholds the flags use.
#[derive(Debug, Clone, Serialize)]
pub struct Thresholds {
    pub alpha_low: f64,
    pub first_component_low: f64,
    pub importance_ratio_low: f64,
    pub importance_ratio_high: f64,
    pub redundant_r: f64,
    pub coverage_gate: f64,
}

/// One category's coherence.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryAudit {
    pub id: String,
    pub items: usize,
    /// Observations where every item of the category counts (those alpha and the components
    /// use).
    pub observations: usize,
    /// Cronbach's alpha of the item credits (equal to KR-20 where every credit is 0 or 1);
    /// `null` with fewer than two items or no variance.
    pub alpha: Option<f64>,
    /// 90% bootstrap interval (5th and 95th percentiles) over funds.
    pub alpha_low: Option<f64>,
    pub alpha_high: Option<f64>,
    /// Every credit is 0 or 1, so alpha is KR-20.
    pub kr20: bool,
    /// Share of the variance of the standardised items the first principal component
    /// explains (items that never vary left out).
    pub first_component_share: Option<f64>,
    /// The category score's squared correlation with the total, normalised over categories.
    pub importance: Option<f64>,
    /// The category's nominal weight share.
    pub weight_share: f64,
    pub flags: Vec<String>,
}

/// One item's coherence and influence.
#[derive(Debug, Clone, Serialize)]
pub struct ItemAudit {
    pub id: String,
    pub category: String,
    /// Correlation of the item with the sum of the category's other items.
    pub item_rest: Option<f64>,
    /// Loading on the category's first principal component (correlation with it).
    pub loading: Option<f64>,
    /// Squared correlation of the item's credit with the total score, normalised over items.
    pub importance: Option<f64>,
    /// Nominal share of the score: category weight share × item weight share in it.
    pub weight_share: f64,
    /// Share of observations where the item counts.
    pub counted_share: f64,
    /// Sample variance of the credit where it counts.
    pub variance: f64,
    /// `no_variation`, `importance_below_weight`, `importance_above_weight`,
    /// `redundant_with:<item>`.
    pub flags: Vec<String>,
}

/// How much of a fund's score rests on what is known.
#[derive(Debug, Clone, Serialize)]
pub struct FundCoverage {
    pub fund: String,
    /// Share of the rubric's disclosures with a known level (not unknown).
    pub known_share: f64,
    /// Share of the score's weight that is known: 1 − (high − low) / span.
    pub known_weight_share: f64,
    pub below_gate: bool,
}

/// One observation: the credits of every item (`None` where it does not count), the
/// category scores and the total.
struct Obs {
    cluster: usize,
    year: Option<i32>,
    credits: Vec<Option<f64>>,
    categories: Vec<Option<f64>>,
    total: f64,
}

/// Runs the audit over `ds` (its rubric, as profiled and with its unknown rule).
pub fn audit(ds: &Dataset, profile: Option<String>, s: &Settings) -> Audit {
    let rubric = &ds.rubric;
    let compiled = Compiled::new(rubric);
    let items: Vec<(&crate::model::Item, usize)> =
        rubric.categories.iter().enumerate().flat_map(|(k, c)| c.items.iter().map(move |i| (i, k))).collect();
    let mut obs = Vec::new();
    let mut coverage = Vec::new();
    for (fk, f) in ds.funds.iter().enumerate() {
        let years: Vec<Option<i32>> = match s.panel_years {
            None => vec![None],
            Some((from, to)) => (from.max(f.established)..=to.min(f.assessed.year)).map(Some).collect(),
        };
        for year in years {
            let levels: Vec<Level> = compiled.disclosures.iter().map(|d| f.standing(d, year).level).collect();
            let raw = compiled.score(&levels);
            let credits = compiled.rule_credits(&levels);
            if year.is_none() {
                let known = levels.iter().filter(|l| **l != Level::Unknown).count();
                let span = rubric.scale - rubric.floor;
                let known_weight = 1.0 - (raw.bounds.high - raw.bounds.low) / span;
                coverage.push(FundCoverage {
                    fund: f.id.clone(),
                    known_share: known as f64 / levels.len().max(1) as f64,
                    known_weight_share: known_weight,
                    below_gate: known_weight < COVERAGE_GATE,
                });
            }
            obs.push(Obs {
                cluster: fk,
                year,
                credits,
                categories: raw
                    .categories
                    .iter()
                    .map(|c| c.map(|c| (c - rubric.floor) / (rubric.scale - rubric.floor)))
                    .collect(),
                total: raw.score,
            });
        }
    }
    let total_w: f64 = rubric.categories.iter().map(|c| c.weight).sum();
    // Importance of each item and category: squared correlation with the total, normalised.
    let r2 = |x: &dyn Fn(&Obs) -> Option<f64>| -> Option<f64> {
        let (a, b): (Vec<f64>, Vec<f64>) = obs.iter().filter_map(|o| x(o).map(|v| (v, o.total))).unzip();
        pearson(&a, &b).map(|r| r * r)
    };
    let item_r2: Vec<Option<f64>> = (0..items.len()).map(|k| r2(&|o: &Obs| o.credits[k])).collect();
    let cat_r2: Vec<Option<f64>> = (0..rubric.categories.len()).map(|k| r2(&|o: &Obs| o.categories[k])).collect();
    let norm = |v: &[Option<f64>]| -> Vec<Option<f64>> {
        let sum: f64 = v.iter().flatten().sum();
        v.iter().map(|x| x.map(|x| if sum > 0.0 { x / sum } else { 0.0 })).collect()
    };
    let (item_imp, cat_imp) = (norm(&item_r2), norm(&cat_r2));

    let mut item_out: Vec<ItemAudit> = items
        .iter()
        .enumerate()
        .map(|(k, (i, c))| {
            let cat = &rubric.categories[*c];
            let sw: f64 = cat.items.iter().map(|i| i.weight).sum();
            let counted: Vec<f64> = obs.iter().filter_map(|o| o.credits[k]).collect();
            ItemAudit {
                id: i.id.clone(),
                category: cat.id.clone(),
                item_rest: None,
                loading: None,
                importance: item_imp[k],
                weight_share: cat.weight / total_w * (i.weight / sw),
                counted_share: counted.len() as f64 / obs.len().max(1) as f64,
                variance: variance(&counted).unwrap_or(0.0),
                flags: vec![],
            }
        })
        .collect();
    let mut cat_out = Vec::new();
    let mut first = 0;
    for (ck, cat) in rubric.categories.iter().enumerate() {
        let k = cat.items.len();
        let cols: Vec<usize> = (first..first + k).collect();
        first += k;
        // Listwise: the observations where every item of the category counts.
        let rows: Vec<&Obs> = obs.iter().filter(|o| cols.iter().all(|&j| o.credits[j].is_some())).collect();
        let matrix: Vec<Vec<f64>> =
            rows.iter().map(|o| cols.iter().map(|&j| o.credits[j].unwrap_or(0.0)).collect()).collect();
        let alpha = cronbach_alpha(&matrix);
        let (alpha_low, alpha_high) = match alpha {
            Some(_) if s.bootstrap > 0 => {
                let clusters: Vec<usize> = rows.iter().map(|o| o.cluster).collect();
                bootstrap_interval(&matrix, &clusters, s.bootstrap, s.seed ^ ck as u64)
            }
            _ => (None, None),
        };
        let kr20 = !matrix.is_empty() && matrix.iter().flatten().all(|x| *x == 0.0 || *x == 1.0);
        // Item-rest correlations and the first principal component of the varying items.
        let varying: Vec<usize> = (0..k).filter(|&j| variance(&column(&matrix, j)).is_some_and(|v| v > 0.0)).collect();
        for j in 0..k {
            let rest: Vec<f64> =
                matrix.iter().map(|r| r.iter().enumerate().filter(|(m, _)| *m != j).map(|(_, x)| x).sum()).collect();
            item_out[cols[j]].item_rest = pearson(&column(&matrix, j), &rest);
        }
        let mut share = None;
        if varying.len() >= 2 {
            let corr: Vec<Vec<f64>> = varying
                .iter()
                .map(|&a| {
                    varying.iter().map(|&b| pearson(&column(&matrix, a), &column(&matrix, b)).unwrap_or(0.0)).collect()
                })
                .collect();
            let (values, vectors) = jacobi_eigen(corr);
            let top = (0..values.len()).max_by(|&a, &b| values[a].total_cmp(&values[b])).unwrap_or(0);
            share = Some(values[top] / varying.len() as f64);
            let sign = if vectors.iter().map(|v| v[top]).sum::<f64>() < 0.0 { -1.0 } else { 1.0 };
            for (m, &j) in varying.iter().enumerate() {
                item_out[cols[j]].loading = Some(sign * vectors[m][top] * values[top].max(0.0).sqrt());
            }
        }
        let mut flags = vec![];
        if alpha.is_some_and(|a| a < ALPHA_LOW) {
            flags.push("alpha_low".to_string());
        }
        if share.is_some_and(|s| s < FIRST_COMPONENT_LOW) {
            flags.push("weak_first_component".to_string());
        }
        let weight_share = cat.weight / total_w;
        if let Some(f) = importance_flag(cat_imp[ck], weight_share) {
            flags.push(f);
        }
        cat_out.push(CategoryAudit {
            id: cat.id.clone(),
            items: k,
            observations: rows.len(),
            alpha,
            alpha_low,
            alpha_high,
            kr20,
            first_component_share: share,
            importance: cat_imp[ck],
            weight_share,
            flags,
        });
    }
    // Item flags: no variation, importance against weight, pairs that double-count.
    for item in item_out.iter_mut() {
        if item.variance == 0.0 {
            item.flags.push("no_variation".into());
            continue;
        }
        if let Some(f) = importance_flag(item.importance, item.weight_share) {
            item.flags.push(f);
        }
    }
    for a in 0..items.len() {
        for b in a + 1..items.len() {
            let (x, y): (Vec<f64>, Vec<f64>) = obs.iter().filter_map(|o| Some((o.credits[a]?, o.credits[b]?))).unzip();
            if x.len() >= MIN_PAIRED && pearson(&x, &y).is_some_and(|r| r.abs() >= REDUNDANT_R) {
                let (ia, ib) = (item_out[a].id.clone(), item_out[b].id.clone());
                item_out[a].flags.push(format!("redundant_with:{ib}"));
                item_out[b].flags.push(format!("redundant_with:{ia}"));
            }
        }
    }
    Audit {
        rubric: RubricInfo::of(rubric),
        profile,
        panel_years: s.panel_years.map(|(from, to)| YearRange { from, to }),
        funds: ds.funds.len(),
        observations: obs.len(),
        bootstrap: s.bootstrap,
        seed: s.seed,
        thresholds: Thresholds {
            alpha_low: ALPHA_LOW,
            first_component_low: FIRST_COMPONENT_LOW,
            importance_ratio_low: IMPORTANCE_RATIO,
            importance_ratio_high: 1.0 / IMPORTANCE_RATIO,
            redundant_r: REDUNDANT_R,
            coverage_gate: COVERAGE_GATE,
        },
        categories: cat_out,
        items: item_out,
        coverage,
        credits: s.credits.then(|| {
            obs.iter()
                .map(|o| Observation {
                    fund: ds.funds[o.cluster].id.clone(),
                    year: o.year,
                    credits: o.credits.clone(),
                    score: o.total,
                })
                .collect()
        }),
    }
}

fn importance_flag(importance: Option<f64>, weight_share: f64) -> Option<String> {
    let i = importance?;
    if i < IMPORTANCE_RATIO * weight_share {
        Some("importance_below_weight".into())
    } else if i > weight_share / IMPORTANCE_RATIO {
        Some("importance_above_weight".into())
    } else {
        None
    }
}

fn column(m: &[Vec<f64>], j: usize) -> Vec<f64> {
    m.iter().map(|r| r[j]).collect()
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// Sample variance (n − 1); `None` with fewer than two values.
pub fn variance(x: &[f64]) -> Option<f64> {
    if x.len() < 2 {
        return None;
    }
    let m = mean(x);
    Some(x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() - 1) as f64)
}

/// Cronbach's alpha of the columns of `m` (rows: observations): k/(k−1) · (1 − Σ var_i / var_total).
/// `None` with fewer than two columns or rows, or when the row sums do not vary.
pub fn cronbach_alpha(m: &[Vec<f64>]) -> Option<f64> {
    let k = m.first()?.len();
    if k < 2 || m.len() < 2 {
        return None;
    }
    let item_var: f64 = (0..k).map(|j| variance(&column(m, j)).unwrap_or(0.0)).sum();
    let total = variance(&m.iter().map(|r| r.iter().sum()).collect::<Vec<f64>>())?;
    (total > 0.0).then(|| k as f64 / (k - 1) as f64 * (1.0 - item_var / total))
}

/// The 5th and 95th percentiles of alpha over `b` resamples of the clusters (funds), each
/// drawn with all its rows; resamples where alpha is undefined are skipped.
fn bootstrap_interval(m: &[Vec<f64>], clusters: &[usize], b: usize, seed: u64) -> (Option<f64>, Option<f64>) {
    let mut ids: Vec<usize> = clusters.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let rows_of: Vec<Vec<usize>> = ids.iter().map(|c| (0..m.len()).filter(|&r| clusters[r] == *c).collect()).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut alphas = Vec::with_capacity(b);
    for _ in 0..b {
        let mut sample = Vec::with_capacity(m.len());
        for _ in 0..ids.len() {
            let c = (rng.next_u64() % ids.len() as u64) as usize;
            sample.extend(rows_of[c].iter().map(|&r| m[r].clone()));
        }
        if let Some(a) = cronbach_alpha(&sample) {
            alphas.push(a);
        }
    }
    if alphas.is_empty() {
        return (None, None);
    }
    alphas.sort_by(f64::total_cmp);
    let at = |q: f64| alphas[((q * (alphas.len() - 1) as f64).round() as usize).min(alphas.len() - 1)];
    (Some(at(0.05)), Some(at(0.95)))
}

/// Eigenvalues and eigenvectors (as columns: `vectors[row][k]`) of a symmetric matrix, by
/// cyclic Jacobi rotations.
pub fn jacobi_eigen(mut a: Vec<Vec<f64>>) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = a.len();
    let mut v: Vec<Vec<f64>> = (0..n).map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect()).collect();
    for _ in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        if off < 1e-22 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if a[p][q].abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let sign = if theta >= 0.0 { 1.0 } else { -1.0 };
                let t = sign / (theta.abs() + (theta * theta + 1.0).sqrt());
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for row in a.iter_mut() {
                    let (akp, akq) = (row[p], row[q]);
                    row[p] = c * akp - s * akq;
                    row[q] = s * akp + c * akq;
                }
                let (rp, rq) = (a[p].clone(), a[q].clone());
                for (k, (apk, aqk)) in rp.into_iter().zip(rq).enumerate() {
                    a[p][k] = c * apk - s * aqk;
                    a[q][k] = s * apk + c * aqk;
                }
                for row in v.iter_mut() {
                    let (vp, vq) = (row[p], row[q]);
                    row[p] = c * vp - s * vq;
                    row[q] = s * vp + c * vq;
                }
            }
        }
    }
    ((0..n).map(|i| a[i][i]).collect(), v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpha_is_one_when_items_move_together_and_matches_the_formula() {
        let m: Vec<Vec<f64>> = [0.0, 0.5, 1.0, 1.0, 0.0].iter().map(|&x| vec![x, x, x]).collect();
        assert!((cronbach_alpha(&m).unwrap() - 1.0).abs() < 1e-12);
        // A hand-computed case: items (1,0,1,1), (1,1,0,1), (0,0,1,1).
        let m = vec![vec![1.0, 1.0, 0.0], vec![0.0, 1.0, 0.0], vec![1.0, 0.0, 1.0], vec![1.0, 1.0, 1.0]];
        // var items: 0.25, 0.25, 1/3; totals 2,1,2,3: var 2/3; alpha = 1.5 (1 - (5/6)/(2/3)) = -0.375.
        assert!((cronbach_alpha(&m).unwrap() + 0.375).abs() < 1e-12);
    }

    #[test]
    fn eigenvalues_of_a_correlation_matrix() {
        let (values, vectors) = jacobi_eigen(vec![vec![1.0, 0.5], vec![0.5, 1.0]]);
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        assert!((sorted[0] - 0.5).abs() < 1e-12 && (sorted[1] - 1.5).abs() < 1e-12, "{values:?}");
        let top = if values[0] > values[1] { 0 } else { 1 };
        assert!((vectors[0][top].abs() - 0.5f64.sqrt()).abs() < 1e-12);
    }
}
