//! Rank correlations between two scorings of the same funds (higher = better).

/// Kendall's tau-b: concordant minus discordant pairs, corrected for ties in either ranking.
/// `None` with fewer than two funds or when either ranking is all ties.
pub fn kendall_tau_b(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    let (mut concordant, mut discordant, mut ties_x, mut ties_y) = (0i64, 0i64, 0i64, 0i64);
    for i in 0..n {
        for j in i + 1..n {
            let dx = x[i].total_cmp(&x[j]) as i64;
            let dy = y[i].total_cmp(&y[j]) as i64;
            match (dx, dy) {
                (0, 0) => {}
                (0, _) => ties_x += 1,
                (_, 0) => ties_y += 1,
                _ if dx == dy => concordant += 1,
                _ => discordant += 1,
            }
        }
    }
    let a = (concordant + discordant + ties_x) as f64;
    let b = (concordant + discordant + ties_y) as f64;
    (n >= 2 && a > 0.0 && b > 0.0).then(|| (concordant - discordant) as f64 / (a * b).sqrt())
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
    let (rx, ry) = (average_ranks(&x[..n]), average_ranks(&y[..n]));
    let mean = (n as f64 + 1.0) / 2.0;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (a, b) = (rx[i] - mean, ry[i] - mean);
        sxy += a * b;
        sxx += a * a;
        syy += b * b;
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

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
