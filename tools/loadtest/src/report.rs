//! Scenario results: an ordered list of named figures, shown as a human table and as JSON,
//! and the side-by-side comparison of several servers.

use std::fmt::Write as _;

use serde_json::{Map, Value as Json};

/// One figure.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// A plain count.
    Count(u64),
    /// Per second.
    Rate(f64),
    /// A latency in microseconds (`None`: no sample).
    Micros(Option<u64>),
    /// A size in bytes (`None`: not measured).
    Bytes(Option<u64>),
    /// Percent of one CPU core (`None`: not measured).
    Percent(Option<f64>),
    /// Free text (errors, notes).
    Text(String),
}

/// The results of one scenario against one server.
#[derive(Debug, Clone)]
pub(crate) struct Report {
    /// The scenario's name.
    pub(crate) scenario: &'static str,
    /// The server's name.
    pub(crate) server: String,
    /// The figures, in display order; keys carry their unit (`_us`, `_per_s`, `_bytes`).
    pub(crate) fields: Vec<(&'static str, Value)>,
}

/// `1234567` → `1,234,567`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Value {
    /// The human form.
    pub(crate) fn human(&self) -> String {
        match self {
            Self::Count(n) => thousands(*n),
            // Rates are shown to the unit; fractions of an event per second are noise here.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Self::Rate(r) => format!("{}/s", thousands(r.max(0.0).round() as u64)),
            Self::Micros(None) | Self::Bytes(None) | Self::Percent(None) => "-".into(),
            Self::Micros(Some(us)) if *us < 10_000 => format!("{us} µs"),
            #[allow(clippy::cast_precision_loss)]
            Self::Micros(Some(us)) => format!("{:.1} ms", *us as f64 / 1000.0),
            Self::Bytes(Some(b)) if *b < 10 * 1024 => format!("{} B", thousands(*b)),
            #[allow(clippy::cast_precision_loss)]
            Self::Bytes(Some(b)) if *b < 10 * 1024 * 1024 => {
                format!("{:.1} KiB", *b as f64 / 1024.0)
            }
            #[allow(clippy::cast_precision_loss)]
            Self::Bytes(Some(b)) => format!("{:.1} MiB", *b as f64 / (1024.0 * 1024.0)),
            Self::Percent(Some(p)) => format!("{p:.0} %"),
            Self::Text(t) => t.clone(),
        }
    }

    /// The JSON form (rates and percents rounded to 0.1).
    pub(crate) fn json(&self) -> Json {
        let round = |x: f64| Json::from((x * 10.0).round() / 10.0);
        match self {
            Self::Count(n) => Json::from(*n),
            Self::Rate(r) => round(*r),
            Self::Micros(v) | Self::Bytes(v) => v.map_or(Json::Null, Json::from),
            Self::Percent(v) => v.map_or(Json::Null, round),
            Self::Text(t) => Json::from(t.as_str()),
        }
    }
}

impl Report {
    /// An empty report.
    pub(crate) fn new(scenario: &'static str, server: impl Into<String>) -> Self {
        Self {
            scenario,
            server: server.into(),
            fields: Vec::new(),
        }
    }

    /// Appends a figure.
    pub(crate) fn push(&mut self, key: &'static str, value: Value) {
        self.fields.push((key, value));
    }

    /// The figure named `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        self.fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// `{"scenario":..,"server":..,<key>:<value>..}`.
    pub(crate) fn json(&self) -> Json {
        let mut m = Map::new();
        m.insert("scenario".into(), Json::from(self.scenario));
        m.insert("server".into(), Json::from(self.server.as_str()));
        for (k, v) in &self.fields {
            m.insert((*k).into(), v.json());
        }
        Json::Object(m)
    }

    /// A two-column table.
    pub(crate) fn table(&self) -> String {
        let width = self.fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        let mut out = format!("== {} vs {} ==\n", self.scenario, self.server);
        for (k, v) in &self.fields {
            let _ = writeln!(out, "  {k:<width$}  {}", v.human());
        }
        out
    }
}

/// One table per scenario with a column per server, in the order of `reports`.
pub(crate) fn comparison(reports: &[Report]) -> String {
    let mut out = String::new();
    let mut scenarios: Vec<&'static str> = Vec::new();
    for r in reports {
        if !scenarios.contains(&r.scenario) {
            scenarios.push(r.scenario);
        }
    }
    for scenario in scenarios {
        let cols: Vec<&Report> = reports.iter().filter(|r| r.scenario == scenario).collect();
        let mut keys: Vec<&'static str> = Vec::new();
        for r in &cols {
            for (k, _) in &r.fields {
                if !keys.contains(k) {
                    keys.push(k);
                }
            }
        }
        let kw = keys
            .iter()
            .map(|k| k.len())
            .max()
            .unwrap_or(0)
            .max(scenario.len());
        let cell = |r: &Report, k: &str| r.get(k).map_or_else(|| "-".to_owned(), Value::human);
        let widths: Vec<usize> = cols
            .iter()
            .map(|r| {
                keys.iter()
                    .map(|k| cell(r, k).chars().count())
                    .chain([r.server.chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let _ = write!(out, "{scenario:<kw$}");
        for (r, w) in cols.iter().zip(&widths) {
            let _ = write!(out, " | {:>w$}", r.server);
        }
        out.push('\n');
        for k in &keys {
            let _ = write!(out, "{k:<kw$}");
            for (r, w) in cols.iter().zip(&widths) {
                let _ = write!(out, " | {:>w$}", cell(r, k));
            }
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_forms() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(Value::Rate(12_345.6).human(), "12,346/s");
        assert_eq!(Value::Micros(Some(250)).human(), "250 µs");
        assert_eq!(Value::Micros(Some(12_500)).human(), "12.5 ms");
        assert_eq!(Value::Micros(None).human(), "-");
        assert_eq!(Value::Bytes(Some(2048)).human(), "2,048 B");
        assert_eq!(Value::Bytes(Some(20 * 1024)).human(), "20.0 KiB");
    }

    #[test]
    fn json_and_comparison() {
        let mut a = Report::new("echo", "ours");
        a.push("round_trips_per_s", Value::Rate(100.04));
        a.push("latency_p50_us", Value::Micros(None));
        let mut b = Report::new("echo", "node");
        b.push("round_trips_per_s", Value::Rate(50.0));
        assert_eq!(
            a.json().to_string(),
            r#"{"latency_p50_us":null,"round_trips_per_s":100.0,"scenario":"echo","server":"ours"}"#
        );
        let t = comparison(&[a, b]);
        let expected = "\
echo              |  ours | node
round_trips_per_s | 100/s | 50/s
latency_p50_us    |     - |    -

";
        assert_eq!(t, expected);
    }
}
