//! Line charts drawn on the server as SVG, for the digest. A chart is a picture of a table
//! that is always printed beside it, so the SVG carries a title and a summary in words for
//! screen readers and nothing that only the picture shows. This module works out the
//! geometry; the template draws it.

/// A point of a chart, in the SVG's coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct Dot {
    pub x: f64,
    pub y: f64,
    /// What the point is, for its tooltip.
    pub label: String,
}

/// A labelled mark on an axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    /// Where along the axis, in the SVG's coordinates.
    pub at: f64,
    pub label: String,
}

/// A chart ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub width: f64,
    pub height: f64,
    /// The plot area's left, right, top and bottom edges.
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    /// The line's runs: a month without a value breaks the line.
    pub runs: Vec<String>,
    pub dots: Vec<Dot>,
    /// The target's height, if there is one.
    pub target: Option<f64>,
    pub y_ticks: Vec<Tick>,
    pub x_ticks: Vec<Tick>,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 600.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 224.0;

/// A line chart of `values` (one per label, none where there is no figure), with a
/// horizontal target line. `percent` fixes the scale at 0 to 100; otherwise it runs from 0
/// to a round number above the largest value or target.
pub fn line(
    labels: &[String],
    values: &[Option<f64>],
    target: Option<f64>,
    percent: bool,
    unit: &str,
) -> Chart {
    let top_value = if percent {
        100.0
    } else {
        let largest = values
            .iter()
            .flatten()
            .copied()
            .chain(target)
            .fold(0.0_f64, f64::max);
        // At least 4, so that small counts get whole-number ticks.
        nice_ceiling(largest).max(4.0)
    };
    let n = labels.len().max(1);
    let step = if n > 1 {
        (RIGHT - LEFT) / (n - 1) as f64
    } else {
        0.0
    };
    let x = |i: usize| LEFT + step * i as f64;
    let y = |v: f64| BOTTOM - (v.clamp(0.0, top_value) / top_value) * (BOTTOM - TOP);
    let mut runs = Vec::new();
    let mut run = Vec::new();
    let mut dots = Vec::new();
    for (i, (label, value)) in labels.iter().zip(values).enumerate() {
        match value {
            Some(v) => {
                run.push(format!("{:.1},{:.1}", x(i), y(*v)));
                dots.push(Dot {
                    x: round1(x(i)),
                    y: round1(y(*v)),
                    label: format!("{label}: {}{unit}", shown(*v)),
                });
            }
            None => {
                if !run.is_empty() {
                    runs.push(run.join(" "));
                    run.clear();
                }
            }
        }
    }
    if !run.is_empty() {
        runs.push(run.join(" "));
    }
    let y_ticks = (0..=4)
        .map(|k| {
            let v = top_value * f64::from(k) / 4.0;
            Tick {
                at: round1(y(v)),
                label: format!("{}{unit}", shown(v)),
            }
        })
        .collect();
    // Every third month labelled, and the last, so the axis stays readable at 24 months.
    let x_ticks = labels
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 3 == (labels.len().saturating_sub(1)) % 3)
        .map(|(i, l)| Tick {
            at: round1(x(i)),
            label: l.clone(),
        })
        .collect();
    Chart {
        width: WIDTH,
        height: HEIGHT,
        left: LEFT,
        right: RIGHT,
        top: TOP,
        bottom: BOTTOM,
        runs,
        dots,
        target: target.map(|t| round1(y(t))),
        y_ticks,
        x_ticks,
    }
}

/// A small trend line for a table cell: the same shape without axes.
pub fn spark(values: &[Option<f64>], percent: bool) -> String {
    let top_value = if percent {
        100.0
    } else {
        nice_ceiling(values.iter().flatten().copied().fold(0.0_f64, f64::max))
    };
    let n = values.len().max(2);
    let (w, h) = (96.0, 24.0);
    values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            v.map(|v| {
                let x = w * i as f64 / (n - 1) as f64;
                let y = h - 2.0 - (v.clamp(0.0, top_value) / top_value) * (h - 4.0);
                format!("{x:.1},{y:.1}")
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The smallest of 1, 2, 2.5 or 5 times a power of ten at or above `v` (10 for nothing).
fn nice_ceiling(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 10.0;
    }
    let power = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * power >= v {
            return m * power;
        }
    }
    10.0 * power
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// A value as a chart labels it: whole when it is whole, else to one place.
fn shown(v: f64) -> String {
    if (v - v.round()).abs() < 0.05 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_missing_month_breaks_the_line() {
        let labels: Vec<String> = ["Jan", "Feb", "Mar", "Apr"].map(String::from).to_vec();
        let c = line(
            &labels,
            &[Some(50.0), None, Some(75.0), Some(100.0)],
            Some(90.0),
            true,
            "%",
        );
        assert_eq!(c.runs.len(), 2);
        assert_eq!(c.dots.len(), 3);
        assert_eq!(c.dots[0].label, "Jan: 50%");
        // 100% is the top of the plot, 0% its bottom.
        assert_eq!(c.dots[2].y, TOP);
        assert_eq!(c.y_ticks[0].at, BOTTOM);
        assert_eq!(c.target, Some(round1(BOTTOM - 0.9 * (BOTTOM - TOP))));
    }

    #[test]
    fn counts_are_scaled_to_a_round_number_above_the_largest() {
        assert_eq!(nice_ceiling(17.0), 20.0);
        assert_eq!(nice_ceiling(230.0), 250.0);
        assert_eq!(nice_ceiling(0.0), 10.0);
        let small = line(&["a".to_owned()], &[Some(2.0)], None, false, "");
        let ticks: Vec<&str> = small.y_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(ticks, ["0", "1", "2", "3", "4"]);
        let labels: Vec<String> = ["a", "b"].map(String::from).to_vec();
        let c = line(&labels, &[Some(17.0), Some(3.0)], None, false, "");
        assert_eq!(c.y_ticks.last().map(|t| t.label.as_str()), Some("20"));
    }

    proptest! {
        #[test]
        fn every_point_lies_inside_the_plot(values in proptest::collection::vec(proptest::option::of(0.0f64..5000.0), 1..30), target in proptest::option::of(0.0f64..5000.0)) {
            let labels: Vec<String> = (0..values.len()).map(|i| i.to_string()).collect();
            let c = line(&labels, &values, target, false, "");
            for d in &c.dots {
                prop_assert!(d.x >= LEFT - 0.1 && d.x <= RIGHT + 0.1);
                prop_assert!(d.y >= TOP - 0.1 && d.y <= BOTTOM + 0.1);
            }
            prop_assert_eq!(c.dots.len(), values.iter().flatten().count());
        }
    }
}
