//! The what-if charts: `compare --format html` and `sweep --format html` as one self-contained
//! offline page each (inline CSS, SVG and a few lines of script; nothing fetched). A
//! comparison's page draws the monthly workload per office, baseline and reform, each as the
//! median over seeds with its 10th–90th percentile band, the partial first and last months
//! shaded; the outage days of every seed; and each measure's difference with its paired
//! interval. A sweep's page has one slider per swept parameter and, for every grid point,
//! its figures and workload chart drawn in advance: moving a slider shows that point's, so the
//! page computes nothing.

use std::fmt::Write;

use chrono::{Datelike, NaiveDate};
use projection::measures::{Measures, workload_columns};
use projection::sweep::Sweep;
use projection::what_if::{Comparison, Stat, SubjectManifest};

use crate::compare::number;
use crate::html::esc;
use crate::labels::{self, Lang, analysis, ui};

/// The page's style: readable on a projector, printable, no external font.
const CSS: &str = "body{font-family:system-ui,'Noto Sans CJK JP',sans-serif;margin:1.5rem auto;max-width:1100px;padding:0 1rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}p.note{color:#555;font-size:.9rem;max-width:70ch}
table{border-collapse:collapse;font-size:.9rem}td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:right}td:first-child,th:first-child{text-align:left}
svg{display:block;margin:.5rem 0;font-size:11px}svg text{fill:#333}.base{stroke:#1f5fa8;fill:#1f5fa8}.reform{stroke:#c0392b;fill:#c0392b}
.band{stroke:none;opacity:.18}.line{fill:none;stroke-width:2}.axis{stroke:#888;stroke-width:1}.partial{fill:#999;opacity:.15}
.legend span{display:inline-block;margin-right:1rem}.legend i{display:inline-block;width:1rem;height:.6rem;margin-right:.3rem}
.sliders label{display:block;margin:.4rem 0}.sliders input{width:18rem;vertical-align:middle}
dl.meta{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem;font-size:.9rem}dl.meta dt{color:#555}";

/// Switches the grid point shown when a slider moves.
const SCRIPT: &str = "const sliders=[...document.querySelectorAll('.sliders input')];
function show(){let i=0;for(const s of sliders){i=i*(Number(s.max)+1)+Number(s.value);
const v=JSON.parse(s.dataset.values)[Number(s.value)];document.getElementById(s.id+'-value').textContent=v;}
for(const p of document.querySelectorAll('section.point')){p.hidden=Number(p.dataset.point)!==i;}
document.getElementById('shown').textContent=i;}
for(const s of sliders){s.addEventListener('input',show);}show();";

fn page(title: &str, lang: Lang, body: &str, script: bool) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <meta name=\"viewport\" content=\"width=device-width\"><style>{CSS}</style></head>\
         <body>{body}",
        lang.tag(),
        esc(title)
    );
    if script {
        let _ = write!(out, "<script>{SCRIPT}</script>");
    }
    out.push_str("</body></html>\n");
    out
}

/// The months of a workload key set, in order.
fn months<'a>(keys: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut m: Vec<String> = keys
        .filter(|k| k.starts_with("workload."))
        .filter_map(|k| k.rsplit_once('.').map(|(_, m)| m.to_owned()))
        .collect();
    m.sort_unstable();
    m.dedup();
    m
}

/// Whether the simulated period covers `month` (`YYYY-MM`) only in part.
fn partial(month: &str, start: NaiveDate, until: NaiveDate) -> bool {
    let first = format!("{:04}-{:02}", start.year(), start.month());
    let last = format!("{:04}-{:02}", until.year(), until.month());
    (month == first && start.day() != 1) || (month == last && until.day() != 1)
}

fn period(subject: &SubjectManifest) -> (NaiveDate, NaiveDate) {
    match subject {
        SubjectManifest::Scenario { start, until, .. }
        | SubjectManifest::Population { start, until, .. } => (*start, *until),
    }
}

/// One series of a line chart: its median per x and its band.
struct Series<'a> {
    class: &'a str,
    stats: Vec<Stat>,
}

/// A line chart of months with each series' median line and 10th–90th band; partial months
/// shaded. `data-*` attributes carry the medians for readers and tests.
fn month_chart(
    title: &str,
    months: &[String],
    series: &[Series<'_>],
    period: (NaiveDate, NaiveDate),
    lang: Lang,
) -> String {
    let (w, h, left, right, top, bottom) = (760.0, 220.0, 56.0, 12.0, 12.0, 36.0);
    let n = months.len().max(1);
    let top_value = series
        .iter()
        .flat_map(|s| s.stats.iter().map(|st| st.p90.max(st.median)))
        .fold(1.0_f64, f64::max);
    let x = |i: usize| left + (w - left - right) * (i as f64 + 0.5) / n as f64;
    let y = |v: f64| top + (h - top - bottom) * (1.0 - v / top_value);
    let step = (w - left - right) / n as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{}\">",
        esc(title)
    );
    for (i, m) in months.iter().enumerate() {
        if partial(m, period.0, period.1) {
            let _ = write!(
                svg,
                "<rect class=\"partial\" x=\"{:.1}\" y=\"{top}\" width=\"{step:.1}\" height=\"{:.1}\"><title>{}</title></rect>",
                x(i) - step / 2.0,
                h - top - bottom,
                esc(analysis(lang).partial_month)
            );
        }
    }
    let _ = write!(
        svg,
        "<line class=\"axis\" x1=\"{left}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/>\
         <text x=\"4\" y=\"{:.1}\">{}</text><text x=\"4\" y=\"{:.1}\">0</text>",
        y(0.0),
        w - right,
        y(0.0),
        y(top_value) + 4.0,
        number(top_value, false),
        y(0.0)
    );
    for (i, m) in months.iter().enumerate() {
        if i % 2 == 0 || n <= 8 {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{m}</text>",
                x(i),
                h - bottom + 16.0
            );
        }
    }
    for s in series {
        let upper: Vec<String> = s
            .stats
            .iter()
            .enumerate()
            .map(|(i, st)| format!("{:.1},{:.1}", x(i), y(st.p90)))
            .collect();
        let lower: Vec<String> = s
            .stats
            .iter()
            .enumerate()
            .rev()
            .map(|(i, st)| format!("{:.1},{:.1}", x(i), y(st.p10)))
            .collect();
        let line: Vec<String> = s
            .stats
            .iter()
            .enumerate()
            .map(|(i, st)| format!("{:.1},{:.1}", x(i), y(st.median)))
            .collect();
        let medians: Vec<String> = s.stats.iter().map(|st| st.median.to_string()).collect();
        let _ = write!(
            svg,
            "<polygon class=\"band {c}\" points=\"{} {}\"/><polyline class=\"line {c}\" data-medians=\"{}\" points=\"{}\"/>",
            upper.join(" "),
            lower.join(" "),
            medians.join(","),
            line.join(" "),
            c = s.class
        );
    }
    svg.push_str("</svg>");
    svg
}

fn legend(lang: Lang) -> String {
    let u = ui(lang);
    let w = analysis(lang);
    format!(
        "<p class=\"legend\"><span><i class=\"base\" style=\"background:#1f5fa8\"></i>{}</span>\
         <span><i class=\"reform\" style=\"background:#c0392b\"></i>{}</span>\
         <span><i style=\"background:#1f5fa8;opacity:.18\"></i>{}</span>\
         <span><i style=\"background:#999;opacity:.3\"></i>{}</span></p>",
        esc(u.baseline),
        esc(u.reform),
        esc(w.band),
        esc(w.partial_month)
    )
}

/// The workload charts of per-seed measures sets (one chart per office column that is not
/// zero throughout), each series a list of per-seed measures.
fn workload_charts(
    sets: &[(&str, Vec<&Measures>)],
    period: (NaiveDate, NaiveDate),
    lang: Lang,
) -> String {
    let keys: Vec<String> =
        Measures::ordered_keys(sets.iter().flat_map(|(_, runs)| runs.iter().copied()));
    let months = months(keys.iter());
    let mut out = String::new();
    for col in workload_columns() {
        let prefix = format!("workload.{col}.");
        if !keys.iter().any(|k| k.starts_with(&prefix)) {
            continue;
        }
        let series: Vec<Series<'_>> = sets
            .iter()
            .map(|(class, runs)| Series {
                class,
                stats: months
                    .iter()
                    .map(|m| {
                        let key = format!("{prefix}{m}");
                        Stat::of(&runs.iter().map(|r| r.get(&key) as i64).collect::<Vec<_>>())
                    })
                    .collect(),
            })
            .collect();
        if series.iter().all(|s| s.stats.iter().all(|st| st.max == 0)) {
            continue;
        }
        let title = labels::workload_column(&col, lang);
        let _ = write!(
            out,
            "<figure data-office=\"{}\"><figcaption>{}</figcaption>{}</figure>",
            esc(&col),
            esc(&title),
            month_chart(&title, &months, &series, period, lang)
        );
    }
    out
}

fn cell(s: &Stat, signed: bool) -> String {
    let m = number(s.median, signed);
    if s.is_single() {
        m
    } else {
        format!("{m} [{}–{}]", number(s.p10, signed), number(s.p90, signed))
    }
}

/// Whether a measure is a headline one (not a month of workload or a notification count).
fn headline(key: &str) -> bool {
    !key.starts_with("workload.") && !key.starts_with("notifications.")
}

/// The comparison as one self-contained HTML page with SVG charts.
pub fn compare_page(c: &Comparison, lang: Lang) -> String {
    let w = analysis(lang);
    let u = ui(lang);
    let m = &c.manifest;
    let period = period(&m.subject);
    let mut body = String::new();
    let _ = write!(body, "<h1>{}</h1>", esc(w.compare_title));
    let seeds: Vec<String> = m.seeds.iter().map(u64::to_string).collect();
    let _ = write!(
        body,
        "<dl class=\"meta\"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{} — {}</dd><dt>{}</dt><dd>{} → {}</dd></dl>",
        esc(u.baseline),
        esc(&m.baseline.name),
        esc(u.reform),
        esc(&m.reform.name),
        esc(u.seeds),
        esc(&seeds.join(", ")),
        esc(u.intervals_short),
        esc(w.period),
        period.0,
        period.1
    );
    // Monthly workload.
    let _ = write!(
        body,
        "<h2>{}</h2>{}<p class=\"note\">{}</p>",
        esc(w.workload_chart),
        legend(lang),
        esc(w.workload_note)
    );
    let base: Vec<&Measures> = c.runs.iter().map(|r| &r.baseline).collect();
    let reform: Vec<&Measures> = c.runs.iter().map(|r| &r.reform).collect();
    body.push_str(&workload_charts(
        &[("base", base.clone()), ("reform", reform.clone())],
        period,
        lang,
    ));
    // Outage days per seed.
    let _ = write!(
        body,
        "<h2>{}</h2><p class=\"note\">{}</p>",
        esc(w.outage_chart),
        esc(w.outage_note)
    );
    body.push_str(&dot_chart(
        &[("base", u.baseline, &base), ("reform", u.reform, &reform)],
        "my_number_outage_days",
    ));
    // Differences with their paired intervals.
    let _ = write!(
        body,
        "<h2>{}</h2><p class=\"note\">{}</p>",
        esc(w.difference_chart),
        esc(w.difference_note)
    );
    let rows = c.rows();
    let _ = write!(
        body,
        "<table class=\"measures\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th></th></tr></thead><tbody>",
        esc(u.measure),
        esc(u.baseline),
        esc(u.reform),
        esc(u.difference)
    );
    for r in rows.iter().filter(|r| headline(&r.key)) {
        let _ = write!(
            body,
            "<tr data-measure=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td class=\"difference\">{}</td><td>{}</td></tr>",
            esc(&r.key),
            esc(&labels::measure(&r.key, lang)),
            esc(&cell(&r.baseline, false)),
            esc(&cell(&r.reform, false)),
            esc(&cell(&r.difference, true)),
            whisker(&r.difference)
        );
    }
    body.push_str("</tbody></table>");
    let _ = write!(
        body,
        "<p class=\"note\">{} zairyu compare · {} · {}</p>",
        esc(w.generated_by),
        esc(&m.format),
        esc(&m.code_version)
    );
    page(w.compare_title, lang, &body, false)
}

/// A small difference chart: the median as a bar from zero and the 10th–90th band as a
/// whisker, on the row's own scale (measures differ by orders of magnitude).
fn whisker(s: &Stat) -> String {
    let (w, h, mid) = (220.0, 16.0, 110.0);
    let scale = [s.median, s.p10, s.p90]
        .iter()
        .fold(0.0_f64, |a, v| a.max(v.abs()));
    if scale == 0.0 {
        return format!(
            "<svg viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\"><line class=\"axis\" x1=\"{mid}\" y1=\"0\" x2=\"{mid}\" y2=\"{h}\"/></svg>"
        );
    }
    let x = |v: f64| mid + (mid - 6.0) * v / scale;
    let (a, b) = (x(0.0).min(x(s.median)), x(0.0).max(x(s.median)));
    format!(
        "<svg viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\"><rect class=\"reform\" x=\"{a:.1}\" y=\"4\" width=\"{:.1}\" height=\"8\" opacity=\".6\"/>\
         <line class=\"axis\" x1=\"{:.1}\" y1=\"8\" x2=\"{:.1}\" y2=\"8\" style=\"stroke:#222\"/>\
         <line class=\"axis\" x1=\"{mid}\" y1=\"0\" x2=\"{mid}\" y2=\"{h}\"/></svg>",
        (b - a).max(0.5),
        x(s.p10),
        x(s.p90)
    )
}

/// One dot per seed of `key` for each arm, with a tick at the median.
fn dot_chart(arms: &[(&str, &str, &Vec<&Measures>)], key: &str) -> String {
    let (w, row, left) = (760.0, 30.0, 120.0);
    let values: Vec<Vec<i64>> = arms
        .iter()
        .map(|(_, _, runs)| runs.iter().map(|m| m.get(key) as i64).collect())
        .collect();
    let lo = values.iter().flatten().copied().min().unwrap_or(0) as f64;
    let hi = values.iter().flatten().copied().max().unwrap_or(0) as f64;
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 1.0, hi + 1.0)
    };
    let x = |v: f64| left + (w - left - 60.0) * (v - lo) / (hi - lo);
    let h = row * arms.len() as f64 + 24.0;
    let mut svg =
        format!("<svg class=\"dots\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\">");
    for (i, ((class, name, _), vals)) in arms.iter().zip(&values).enumerate() {
        let cy = row * (i as f64 + 0.5) + 4.0;
        let _ = write!(
            svg,
            "<text x=\"4\" y=\"{:.1}\">{}</text>",
            cy + 4.0,
            esc(name)
        );
        for v in vals {
            let _ = write!(
                svg,
                "<circle class=\"{class}\" cx=\"{:.1}\" cy=\"{cy:.1}\" r=\"4\" opacity=\".7\"><title>{}</title></circle>",
                x(*v as f64),
                number(*v as f64, false)
            );
        }
        let st = Stat::of(vals);
        let _ = write!(
            svg,
            "<line class=\"{class}\" x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" style=\"stroke-width:3\"/>",
            x(st.median),
            cy - 10.0,
            x(st.median),
            cy + 10.0
        );
    }
    let _ = write!(
        svg,
        "<text x=\"{left}\" y=\"{:.1}\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text></svg>",
        h - 4.0,
        number(lo, false),
        w - 60.0,
        h - 4.0,
        number(hi, false)
    );
    svg
}

/// The most grid points a sweep's page draws (each point's figures are in the page).
pub const MAX_PAGE_POINTS: usize = 1_000;

/// The sweep as one self-contained HTML page: a slider per swept parameter and every grid
/// point's figures and workload chart, drawn in advance, one shown at a time.
pub fn sweep_page(s: &Sweep, lang: Lang) -> String {
    let w = analysis(lang);
    let u = ui(lang);
    let m = &s.manifest;
    let period = period(&m.subject);
    let mut body = String::new();
    let _ = write!(body, "<h1>{}</h1>", esc(w.sweep_title));
    let seeds: Vec<String> = m.seeds.iter().map(u64::to_string).collect();
    let _ = write!(
        body,
        "<dl class=\"meta\"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{} — {}</dd><dt>{}</dt><dd>{} → {}</dd></dl>",
        esc(w.policy),
        esc(&m.policy.name),
        esc(u.seeds),
        esc(&seeds.join(", ")),
        esc(w.band_note),
        esc(w.period),
        period.0,
        period.1
    );
    let _ = write!(
        body,
        "<h2>{}</h2><p class=\"note\">{}</p><div class=\"sliders\">",
        esc(w.sliders_heading),
        esc(w.sliders_note)
    );
    for (i, axis) in m.axes.iter().enumerate() {
        let values = serde_json::to_string(&axis.values).expect("json");
        let _ = write!(
            body,
            "<label>{} <input type=\"range\" id=\"axis-{i}\" min=\"0\" max=\"{}\" step=\"1\" value=\"0\" data-key=\"{}\" data-values=\"{}\"> <output id=\"axis-{i}-value\">{}</output></label>",
            esc(&axis.key),
            axis.values.len().saturating_sub(1),
            esc(&axis.key),
            esc(&values),
            esc(axis.values.first().map_or("", String::as_str))
        );
    }
    let _ = write!(
        body,
        "</div><p>{} {}: <output id=\"shown\">0</output></p>",
        esc(w.point),
        esc(w.shown_point)
    );
    let keys = s.keys();
    for (i, point) in s.points.iter().enumerate() {
        let values: Vec<String> = m
            .axes
            .iter()
            .zip(&point.values)
            .map(|(a, v)| format!("{} = {v}", a.key))
            .collect();
        let _ = write!(
            body,
            "<section class=\"point\" data-point=\"{i}\"{}><h2>{} {i}: {}</h2><table class=\"measures\"><thead><tr><th>{}</th><th>{}</th></tr></thead><tbody>",
            if i == 0 { "" } else { " hidden" },
            esc(w.point),
            esc(&values.join(", ")),
            esc(u.measure),
            esc(w.band_note)
        );
        for key in keys.iter().filter(|k| headline(k)) {
            let st = s.stat(point, key);
            let _ = write!(
                body,
                "<tr data-measure=\"{}\" data-median=\"{}\"><td>{}</td><td>{}</td></tr>",
                esc(key),
                st.median,
                esc(&labels::measure(key, lang)),
                esc(&cell(&st, false))
            );
        }
        body.push_str("</tbody></table>");
        let _ = write!(body, "<h3>{}</h3>", esc(w.workload_chart));
        body.push_str(&workload_charts(
            &[("base", point.runs.iter().collect())],
            period,
            lang,
        ));
        body.push_str("</section>");
    }
    let _ = write!(body, "<p class=\"note\">{}</p>", esc(w.workload_note));
    let _ = write!(
        body,
        "<p class=\"note\">{} zairyu sweep · {} · {}</p>",
        esc(w.generated_by),
        esc(&m.format),
        esc(&m.code_version)
    );
    page(w.sweep_title, lang, &body, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_and_last_months_of_a_mid_month_year_are_partial() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        let (start, until) = (d(2026, 6, 14), d(2027, 6, 14));
        assert!(partial("2026-06", start, until));
        assert!(!partial("2026-07", start, until));
        assert!(partial("2027-06", start, until));
        assert!(!partial("2027-05", d(2026, 6, 1), d(2027, 6, 1)));
        assert!(!partial("2026-06", d(2026, 6, 1), d(2027, 6, 1)));
    }
}
