//! Exact sums of floating-point numbers, so that the sums per unit do not
//! depend on the order in which points come (or the cores count them).

/// An exact sum of floating-point numbers (Shewchuk's algorithm, as in
/// Python's `math.fsum`): the result is the exact sum rounded once, so it
/// does not depend on the order in which the values come.
#[derive(Debug, Clone, Default)]
pub struct ExactSum {
    partials: Vec<f64>,
}

impl ExactSum {
    pub fn add(&mut self, mut x: f64) {
        let mut i = 0;
        for j in 0..self.partials.len() {
            let mut y = self.partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                self.partials[i] = lo;
                i += 1;
            }
            x = hi;
        }
        self.partials.truncate(i);
        self.partials.push(x);
    }

    /// Add everything another sum holds (still exact).
    pub fn merge(&mut self, other: &ExactSum) {
        for &p in &other.partials {
            self.add(p);
        }
    }

    /// The sum, correctly rounded (infinite when it overflows).
    pub fn value(&self) -> f64 {
        let p = &self.partials;
        let mut n = p.len();
        if n == 0 {
            return 0.0;
        }
        n -= 1;
        let mut hi = p[n];
        let mut lo = 0.0;
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = p[n];
            hi = x + y;
            let yr = hi - x;
            lo = y - yr;
            if lo != 0.0 {
                break;
            }
        }
        if n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            let yr = x - hi;
            if y == yr {
                hi = x;
            }
        }
        hi
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(values: &[f64]) -> f64 {
        let mut s = ExactSum::default();
        for v in values {
            s.add(*v);
        }
        s.value()
    }

    #[test]
    fn sums_do_not_depend_on_the_order() {
        // Fractional places and large counts: naive sums differ by order.
        let mut v: Vec<f64> = (0..5000)
            .map(|i| [0.1, 0.7, 12.35, 1e12, -1e12, 3.3][i % 6] * (1 + i % 7) as f64)
            .collect();
        let reference = sum(&v);
        // A fixed pseudo-random shuffle (xorshift), several rounds.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20 {
            for i in (1..v.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                v.swap(i, (state % (i as u64 + 1)) as usize);
            }
            assert_eq!(sum(&v).to_bits(), reference.to_bits());
        }
        assert_eq!(sum(&[0.1; 10]), 1.0);
        assert!(!sum(&[1e308, 1e308]).is_finite());
        assert_eq!(sum(&[]), 0.0);
    }
}
