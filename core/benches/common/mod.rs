//! What both benchmark reports share: the summary of a list of samples.

/// Samples in milliseconds, summarised.
#[derive(Clone, Copy)]
pub struct Stats {
    pub samples: usize,
    pub mean: f64,
    pub p50: f64,
    pub p95: f64,
    pub max: f64,
}

impl Stats {
    /// The line of the detail table for `what`: samples, mean, p50, p95 and max, each
    /// written by `ms` (the benches round differently).
    pub fn table_row(&self, what: &str, ms: fn(f64) -> String) -> String {
        format!(
            "| {what} | {} | {} | {} | {} | {} |",
            self.samples,
            ms(self.mean),
            ms(self.p50),
            ms(self.p95),
            ms(self.max)
        )
    }
}

pub fn stats(mut ms: Vec<f64>) -> Stats {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() as f64 * q).ceil() as usize).clamp(1, ms.len()) - 1];
    Stats {
        samples: ms.len(),
        mean: ms.iter().sum::<f64>() / ms.len() as f64,
        p50: at(0.50),
        p95: at(0.95),
        max: ms[ms.len() - 1],
    }
}
