//! Rank correlations between two scorings of the same funds (higher = better).

/// Kendall's tau-b: concordant minus discordant pairs, corrected for ties in either ranking.
/// `None` with fewer than two funds or when either ranking is all ties.
pub fn kendall_tau_b(x: &[f64], y: &[f64]) -> Option<f64> {
    // Knight's O(n log n) algorithm: sort by (x, y), count tied pairs, then count the
    // discordant pairs as the swaps a merge sort of y makes.
    let n = x.len().min(y.len());
    let pairs_of = |k: usize| (k * k.saturating_sub(1) / 2) as f64;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(y[a].total_cmp(&y[b])));
    let (mut ties_x, mut ties_xy) = (0.0, 0.0);
    for run in order.chunk_by(|&a, &b| x[a].total_cmp(&x[b]).is_eq()) {
        ties_x += pairs_of(run.len());
        for joint in run.chunk_by(|&a, &b| y[a].total_cmp(&y[b]).is_eq()) {
            ties_xy += pairs_of(joint.len());
        }
    }
    let mut ys: Vec<f64> = order.iter().map(|&i| y[i]).collect();
    let swaps = merge_count(&mut ys) as f64;
    let mut ties_y = 0.0;
    for run in ys.chunk_by(|a, b| a.total_cmp(b).is_eq()) {
        ties_y += pairs_of(run.len());
    }
    let all = pairs_of(n);
    let (a, b) = (all - ties_y, all - ties_x);
    (n >= 2 && a > 0.0 && b > 0.0).then(|| (all - ties_x - ties_y + ties_xy - 2.0 * swaps) / (a * b).sqrt())
}

/// Sorts `v` ascending and returns how many pairs were out of order (equal values are not).
fn merge_count(v: &mut [f64]) -> u64 {
    let n = v.len();
    if n < 2 {
        return 0;
    }
    let (left, right) = v.split_at_mut(n / 2);
    let mut swaps = merge_count(left) + merge_count(right);
    let mut merged = Vec::with_capacity(n);
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        if right[j].total_cmp(&left[i]).is_lt() {
            merged.push(right[j]);
            swaps += (left.len() - i) as u64;
            j += 1;
        } else {
            merged.push(left[i]);
            i += 1;
        }
    }
    merged.extend_from_slice(&left[i..]);
    merged.extend_from_slice(&right[j..]);
    v.copy_from_slice(&merged);
    swaps
}

/// Average ranks (1 = lowest value), ties sharing the mean of their positions.
pub fn average_ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut ranks = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for k in &idx[i..=j] {
            ranks[*k] = avg;
        }
        i = j + 1;
    }
    ranks
}

/// Spearman's rho: Pearson's correlation of the average ranks (so ties are handled).
pub fn spearman_rho(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    if n < 2 {
        return None;
    }
    pearson(&average_ranks(&x[..n]), &average_ranks(&y[..n]))
}

/// Pearson's correlation; `None` when either side does not vary or has fewer than two values.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() < 2 || x.len() != y.len() {
        return None;
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (mx, my) = (mean(x), mean(y));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        let (a, b) = (a - mx, b - my);
        sxy += a * b;
        sxx += a * a;
        syy += b * b;
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The O(n²) definition, as an oracle.
    fn tau_b_naive(x: &[f64], y: &[f64]) -> Option<f64> {
        let n = x.len();
        let (mut c, mut d, mut tx, mut ty) = (0i64, 0i64, 0i64, 0i64);
        for i in 0..n {
            for j in i + 1..n {
                let dx = x[i].total_cmp(&x[j]) as i64;
                let dy = y[i].total_cmp(&y[j]) as i64;
                match (dx, dy) {
                    (0, 0) => {}
                    (0, _) => tx += 1,
                    (_, 0) => ty += 1,
                    _ if dx == dy => c += 1,
                    _ => d += 1,
                }
            }
        }
        let (a, b) = ((c + d + tx) as f64, (c + d + ty) as f64);
        (n >= 2 && a > 0.0 && b > 0.0).then(|| (c - d) as f64 / (a * b).sqrt())
    }

    #[test]
    fn knight_s_algorithm_equals_the_definition_with_ties() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % 7) as f64
        };
        for n in [0, 1, 2, 3, 5, 17, 60] {
            for _ in 0..50 {
                let x: Vec<f64> = (0..n).map(|_| next()).collect();
                let y: Vec<f64> = (0..n).map(|_| next()).collect();
                let (fast, slow) = (kendall_tau_b(&x, &y), tau_b_naive(&x, &y));
                assert_eq!(fast.is_some(), slow.is_some(), "{x:?} {y:?}");
                if let (Some(a), Some(b)) = (fast, slow) {
                    assert!((a - b).abs() < 1e-12, "{a} vs {b} on {x:?} {y:?}");
                }
            }
        }
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    #[test]
    fn identical_and_reversed_orders() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert!(close(kendall_tau_b(&x, &x), 1.0));
        assert!(close(spearman_rho(&x, &x), 1.0));
        let r = [4.0, 3.0, 2.0, 1.0];
        assert!(close(kendall_tau_b(&x, &r), -1.0));
        assert!(close(spearman_rho(&x, &r), -1.0));
    }

    #[test]
    fn hand_computed_without_ties() {
        // x = 1 2 3 4 5, y = 3 1 2 5 4. Pairs: 10; discordant: (1,2) (1,3) (4,5) = 3 → tau = (7-3)/10 = 0.4.
        // d = -2 1 1 -1 1, Σd² = 8 → rho = 1 - 6·8/(5·24) = 0.6.
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let y = [3.0, 1.0, 2.0, 5.0, 4.0];
        assert!(close(kendall_tau_b(&x, &y), 0.4));
        assert!(close(spearman_rho(&x, &y), 0.6));
    }

    #[test]
    fn hand_computed_with_ties() {
        // x = 1 2 2 3, y = 1 3 2 3.
        // Pairs: (1,2) C, (1,3) C, (1,4) C, (2,3) tie in x only, (2,4) tie in y only, (3,4) C.
        // nc = 4, nd = 0, tx = 1, ty = 1 → tau_b = 4 / sqrt(5·5) = 0.8.
        let x = [1.0, 2.0, 2.0, 3.0];
        let y = [1.0, 3.0, 2.0, 3.0];
        assert!(close(kendall_tau_b(&x, &y), 0.8));
        // Average ranks: rx = 1 2.5 2.5 4, ry = 1 3.5 2 3.5; mean 2.5.
        // a = -1.5 0 0 1.5, b = -1.5 1 -0.5 1; Σab = 2.25 + 1.5 = 3.75; Σa² = 4.5; Σb² = 2.25+1+0.25+1 = 4.5.
        // rho = 3.75 / 4.5 = 0.8333…
        assert!(close(spearman_rho(&x, &y), 3.75 / 4.5));
        assert_eq!(average_ranks(&[5.0, 1.0, 5.0, 3.0]), vec![3.5, 1.0, 3.5, 2.0]);
    }

    #[test]
    fn degenerate_cases() {
        assert_eq!(kendall_tau_b(&[1.0], &[1.0]), None);
        assert_eq!(kendall_tau_b(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), None);
        assert_eq!(spearman_rho(&[2.0, 2.0], &[1.0, 2.0]), None);
    }
}
