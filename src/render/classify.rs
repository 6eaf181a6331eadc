//! Class breaks for choropleth maps: quantiles, equal intervals, natural
//! breaks (Fisher-Jenks, exact) or given breaks, with the colours of a
//! colour-blind-safe palette.
//!
//! Breaks follow mapclassify's convention: `breaks[i]` is the upper bound
//! (inclusive) of class `i`; the first class starts at the smallest value,
//! the last break is the largest value.

use anyhow::Result;

use crate::error::usage_error;

/// How to cut the values into classes.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    Quantiles,
    EqualInterval,
    /// Fisher-Jenks natural breaks (exact dynamic programme, as mapclassify's
    /// `FisherJenks`).
    NaturalBreaks,
    /// Given inner breaks (upper bounds of all classes but the last).
    Breaks(Vec<f64>),
}

impl Method {
    /// `quantiles`, `equal`, `jenks` or `breaks:1,2,3`.
    pub fn parse(s: &str) -> Result<Method> {
        match s {
            "quantiles" | "quantile" => Ok(Method::Quantiles),
            "equal" | "equal-interval" => Ok(Method::EqualInterval),
            "jenks" | "natural" | "fisher-jenks" => Ok(Method::NaturalBreaks),
            s if s.starts_with("breaks:") => {
                let mut v = Vec::new();
                for p in s["breaks:".len()..].split(',') {
                    let x: f64 = p
                        .trim()
                        .parse()
                        .ok()
                        .filter(|x: &f64| x.is_finite())
                        .ok_or_else(|| {
                            usage_error(format!("--classes '{s}': '{p}' is not a finite number"))
                        })?;
                    if v.last().is_some_and(|l: &f64| *l >= x) {
                        return Err(usage_error(format!(
                            "--classes '{s}': the breaks must increase"
                        )));
                    }
                    v.push(x);
                }
                Ok(Method::Breaks(v))
            }
            _ => Err(usage_error(format!(
                "--classes '{s}': use quantiles, equal, jenks or breaks:1,2,3"
            ))),
        }
    }

    pub fn label(&self) -> &'static str {
        self.label_in(crate::text::Lang::En)
    }

    /// How the classes were made, in `lang` (for the legend).
    pub fn label_in(&self, lang: crate::text::Lang) -> &'static str {
        match self {
            Method::Quantiles => lang.pick("Quantile", "quantiles"),
            Method::EqualInterval => lang.pick("gleiche Intervalle", "equal intervals"),
            Method::NaturalBreaks => lang.pick(
                "natürliche Brüche (Fisher-Jenks)",
                "natural breaks (Fisher-Jenks)",
            ),
            Method::Breaks(_) => lang.pick("vorgegebene Grenzen", "given breaks"),
        }
    }
}

/// The classes of a set of values.
#[derive(Debug, Clone, PartialEq)]
pub struct Classes {
    /// Smallest value (lower bound of the first class).
    pub min: f64,
    /// Upper bound of each class (inclusive).
    pub breaks: Vec<f64>,
    /// Values in each class.
    pub counts: Vec<usize>,
}

impl Classes {
    /// Cut `values` (finite numbers) into at most `k` classes.
    pub fn new(values: &[f64], method: &Method, k: usize) -> Result<Classes> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return Err(crate::error::input_error(
                "no values to classify: the column is empty for every unit shown",
            ));
        }
        if !(1..=9).contains(&k) && !matches!(method, Method::Breaks(_)) {
            return Err(usage_error(format!("-k {k}: give 1 to 9 classes")));
        }
        v.sort_by(f64::total_cmp);
        let (min, max) = (v[0], v[v.len() - 1]);
        let mut breaks = match method {
            Method::Quantiles => (1..=k)
                .map(|i| percentile(&v, 100.0 * i as f64 / k as f64))
                .collect(),
            Method::EqualInterval => {
                let w = (max - min) / k as f64;
                let mut b: Vec<f64> = (1..k).map(|i| min + w * i as f64).collect();
                b.push(max);
                b
            }
            Method::NaturalBreaks => fisher_jenks(&v, k),
            Method::Breaks(b) => {
                if b.len() + 1 > 9 {
                    return Err(usage_error(format!(
                        "--classes breaks: {} breaks make {} classes; at most 9",
                        b.len(),
                        b.len() + 1
                    )));
                }
                let mut b: Vec<f64> = b.iter().copied().filter(|x| *x < max).collect();
                b.push(max);
                b
            }
        };
        breaks.dedup();
        let mut counts = vec![0; breaks.len()];
        for x in &v {
            counts[class_of(&breaks, *x)] += 1;
        }
        Ok(Classes {
            min,
            breaks,
            counts,
        })
    }

    /// The class of `x` (values above the last break go to the last class).
    pub fn class(&self, x: f64) -> usize {
        class_of(&self.breaks, x)
    }

    pub fn len(&self) -> usize {
        self.breaks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.breaks.is_empty()
    }

    /// Lower bound of class `i` (the previous break; `min` for the first).
    pub fn lower(&self, i: usize) -> f64 {
        if i == 0 {
            self.min
        } else {
            self.breaks[i - 1]
        }
    }

    /// Colours of the classes: sequential YlGnBu, or diverging PuOr when the
    /// values run from below zero to above it (changes).
    pub fn colours(&self) -> Vec<&'static str> {
        let max = *self.breaks.last().expect("at least one class");
        let diverging = self.min < 0.0 && max > 0.0;
        palette(self.len(), diverging)
    }
}

/// Classes for changes that run from below zero to above it: `k` classes
/// centred on zero, each side cut into classes of equal width (the
/// decreases from the largest decrease to zero, the increases from zero to
/// the largest increase), so that the middle colour of the diverging palette
/// means "about no change" (odd `k`) or zero is a class bound (even `k`).
/// None when all values have the same sign (a sequential palette fits).
pub fn around_zero(values: &[f64], k: usize) -> Option<Method> {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !(lo < 0.0 && hi > 0.0) || k < 2 {
        return None;
    }
    Some(Method::Breaks(
        (1..k)
            .map(|i| {
                let t = -1.0 + 2.0 * i as f64 / k as f64;
                if t < 0.0 {
                    -t * lo
                } else {
                    t * hi
                }
            })
            .collect(),
    ))
}

fn class_of(breaks: &[f64], x: f64) -> usize {
    breaks
        .iter()
        .position(|b| x <= *b)
        .unwrap_or(breaks.len() - 1)
}

/// Linear-interpolation percentile of sorted values (numpy's default).
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    let pos = p / 100.0 * (n - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// Fisher-Jenks: the exact partition of sorted values into `k` contiguous
/// classes with the least sum of squared deviations from the class means.
/// Returns the largest value of each class.
pub fn fisher_jenks(sorted: &[f64], k: usize) -> Vec<f64> {
    let n = sorted.len();
    let mut distinct = sorted.to_vec();
    distinct.dedup();
    let k = k.min(distinct.len()).max(1);
    // Prefix sums for the within-class sum of squares of sorted[a..b].
    let mut s1 = vec![0.0; n + 1];
    let mut s2 = vec![0.0; n + 1];
    for (i, x) in sorted.iter().enumerate() {
        s1[i + 1] = s1[i] + x;
        s2[i + 1] = s2[i] + x * x;
    }
    let ssd = |a: usize, b: usize| {
        let c = (b - a) as f64;
        let s = s1[b] - s1[a];
        (s2[b] - s2[a] - s * s / c).max(0.0)
    };
    // cost[c][i]: best cost of sorted[..i] in c+1 classes; from[c][i]: start of the last class.
    let mut cost = vec![vec![f64::INFINITY; n + 1]; k];
    let mut from = vec![vec![0usize; n + 1]; k];
    for (i, c) in cost[0].iter_mut().enumerate().skip(1) {
        *c = ssd(0, i);
    }
    for c in 1..k {
        for i in (c + 1)..=n {
            for m in c..i {
                let v = cost[c - 1][m] + ssd(m, i);
                if v < cost[c][i] {
                    cost[c][i] = v;
                    from[c][i] = m;
                }
            }
        }
    }
    let mut ends = vec![n];
    let mut i = n;
    for c in (1..k).rev() {
        i = from[c][i];
        ends.push(i);
    }
    ends.reverse();
    ends.iter().map(|&e| sorted[e - 1]).collect()
}

const YLGNBU: [&[&str]; 9] = [
    &["#2c7fb8"],
    &["#7fcdbb", "#2c7fb8"],
    &["#edf8b1", "#7fcdbb", "#2c7fb8"],
    &["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"],
    &["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
    &[
        "#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494",
    ],
    &[
        "#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84",
    ],
    &[
        "#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84",
    ],
    &[
        "#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494",
        "#081d58",
    ],
];

const PUOR: [&[&str]; 9] = [
    &["#f7f7f7"],
    &["#f1a340", "#998ec3"],
    &["#f1a340", "#f7f7f7", "#998ec3"],
    &["#e66101", "#fdb863", "#b2abd2", "#5e3c99"],
    &["#e66101", "#fdb863", "#f7f7f7", "#b2abd2", "#5e3c99"],
    &[
        "#b35806", "#f1a340", "#fee0b6", "#d8daeb", "#998ec3", "#542788",
    ],
    &[
        "#b35806", "#f1a340", "#fee0b6", "#f7f7f7", "#d8daeb", "#998ec3", "#542788",
    ],
    &[
        "#b35806", "#e08214", "#fdb863", "#fee0b6", "#d8daeb", "#b2abd2", "#8073ac", "#542788",
    ],
    &[
        "#b35806", "#e08214", "#fdb863", "#fee0b6", "#f7f7f7", "#d8daeb", "#b2abd2", "#8073ac",
        "#542788",
    ],
];

/// ColorBrewer colours for `k` classes (1–9): YlGnBu, or PuOr diverging.
pub fn palette(k: usize, diverging: bool) -> Vec<&'static str> {
    let k = k.clamp(1, 9);
    if diverging {
        PUOR[k - 1].to_vec()
    } else {
        YLGNBU[k - 1].to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 1..=10 and a gap: values checked by hand and against mapclassify 2.8
    // (see tests/maps.rs for the reference run).
    const V: [f64; 12] = [
        1.0, 2.0, 3.0, 4.0, 5.0, 20.0, 21.0, 22.0, 23.0, 50.0, 52.0, 60.0,
    ];

    #[test]
    fn changes_get_classes_around_zero() {
        let v = [-10.0, -3.0, 0.5, 1.0, 4.0];
        let m = around_zero(&v, 5).unwrap();
        let Method::Breaks(b) = &m else { panic!() };
        let r: Vec<f64> = b.iter().map(|x| (x * 1e9).round() / 1e9).collect();
        assert_eq!(r, vec![-6.0, -2.0, 0.8, 2.4]);
        let c = Classes::new(&v, &m, 5).unwrap();
        assert_eq!(c.counts, vec![1, 1, 1, 1, 1]);
        assert_eq!(c.colours()[c.class(0.5)], "#f7f7f7");
        assert_eq!(c.colours()[c.class(-10.0)], "#e66101");
        assert_eq!(around_zero(&[1.0, 2.0], 5), None);
        // Even k: zero is a bound.
        let Some(Method::Breaks(b)) = around_zero(&v, 4) else {
            panic!()
        };
        assert_eq!(b, vec![-5.0, 0.0, 2.0]);
    }

    #[test]
    fn jenks_finds_the_gaps() {
        let c = Classes::new(&V, &Method::NaturalBreaks, 3).unwrap();
        assert_eq!(c.breaks, vec![5.0, 23.0, 60.0]);
        assert_eq!(c.counts, vec![5, 4, 3]);
    }

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let c = Classes::new(&V, &Method::Quantiles, 4).unwrap();
        // positions 2.75, 5.5, 8.25 of 0..11
        assert_eq!(c.breaks, vec![3.75, 20.5, 29.75, 60.0]);
        assert_eq!(c.counts, vec![3, 3, 3, 3]);
    }

    #[test]
    fn equal_intervals() {
        let c = Classes::new(&V, &Method::EqualInterval, 3).unwrap();
        assert_eq!(c.breaks.len(), 3);
        assert!((c.breaks[0] - 20.666666666666668).abs() < 1e-12);
        assert_eq!(c.counts, vec![6, 3, 3]);
    }

    #[test]
    fn given_breaks_and_errors() {
        let m = Method::parse("breaks:10,30").unwrap();
        let c = Classes::new(&V, &m, 5).unwrap();
        assert_eq!(c.breaks, vec![10.0, 30.0, 60.0]);
        assert_eq!(c.counts, vec![5, 4, 3]);
        assert!(Method::parse("breaks:3,1").is_err());
        assert!(Method::parse("kmeans").is_err());
        assert!(Classes::new(&[], &Method::Quantiles, 5).is_err());
    }

    #[test]
    fn few_distinct_values_make_few_classes() {
        let c = Classes::new(&[1.0, 1.0, 2.0, 2.0], &Method::NaturalBreaks, 5).unwrap();
        assert_eq!(c.breaks, vec![1.0, 2.0]);
        assert_eq!(c.counts, vec![2, 2]);
        assert_eq!(c.colours().len(), 2);
        let d = Classes::new(&[-3.0, -1.0, 2.0, 4.0], &Method::EqualInterval, 4).unwrap();
        assert_eq!(d.colours()[0], "#e66101");
    }
}
