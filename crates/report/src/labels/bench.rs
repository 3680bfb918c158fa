//! The words of `zairyu bench`: the figures it prints (the simulation alone, with the store, the
//! raw SQLite baseline, the replay; or the what-if comparison's two arms) and its progress bars'
//! prefixes, in English and Japanese. `bench --json` keeps its keys: they are identifiers. The
//! names of the figures line up in one column by display width (`crate::align`).

use model::policy::Regime;

use super::{Lang, regime_short};
use crate::align::pad;

/// The width of the figures' name column, in display columns (the English one is 30).
const NAME_COLUMN: usize = 30;
/// The width of the two ratio lines' name column.
const RATIO_COLUMN: usize = 40;

/// A phase of `bench`, as its progress bar's prefix names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BenchPhase {
    /// The simulation without the store.
    Simulate,
    /// The simulation appending to the store.
    SimulateAndStore,
    /// `bench --what-if`'s two arms.
    WhatIf,
}

/// A progress bar's prefix during `phase`.
pub fn bench_phase(phase: BenchPhase, lang: Lang) -> &'static str {
    match (phase, lang) {
        (BenchPhase::Simulate, Lang::En) => "simulate",
        (BenchPhase::Simulate, Lang::Ja) => "模擬",
        (BenchPhase::SimulateAndStore, Lang::En) => "sim+store",
        (BenchPhase::SimulateAndStore, Lang::Ja) => "模擬＋保存",
        (BenchPhase::WhatIf, Lang::En) => "what-if",
        (BenchPhase::WhatIf, Lang::Ja) => "制度比較",
    }
}

/// CPU time a phase used, and the events it handled per CPU-second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CpuFigure {
    pub seconds: f64,
    pub events_per_second: f64,
}

/// The figures of `zairyu bench` (rates already computed by the command).
#[derive(Debug, Clone, Copy)]
pub struct BenchFigures<'a> {
    pub residents: usize,
    pub seed: u64,
    pub regime: Regime,
    pub batch: usize,
    pub threads: usize,
    pub events: u64,
    pub generate_s: f64,
    pub sim_s: f64,
    pub sim_rate: f64,
    pub sim_peak_mib: Option<f64>,
    pub sim_cpu: Option<CpuFigure>,
    /// With the store, `finish` included.
    pub store_s: f64,
    pub store_rate: f64,
    pub finish_s: f64,
    pub store_peak_mib: Option<f64>,
    pub store_cpu: Option<CpuFigure>,
    pub baseline_s: f64,
    pub baseline_rate: f64,
    pub replay_s: f64,
    pub replay_rate: f64,
    pub replay_cpu: Option<CpuFigure>,
    pub log_hash: &'a str,
}

/// A peak memory figure, or that it could not be read.
fn mib(m: Option<f64>, lang: Lang) -> String {
    match (m, lang) {
        (Some(m), _) => format!("{m:.0} MiB"),
        (None, Lang::En) => "n/a".to_owned(),
        (None, Lang::Ja) => "不明".to_owned(),
    }
}

/// The CPU part of a figure's line (nothing where the CPU time could not be read).
fn cpu(c: Option<CpuFigure>, lang: Lang) -> String {
    match (c, lang) {
        (None, _) => String::new(),
        (Some(c), Lang::En) => format!(
            "   CPU {:.2} s = {:.0} events per CPU-second",
            c.seconds, c.events_per_second
        ),
        (Some(c), Lang::Ja) => format!(
            "   CPU 時間 {:.2} 秒 = CPU 1 秒あたり {:.0} 件",
            c.seconds, c.events_per_second
        ),
    }
}

/// A figure's name, padded to the name column.
fn name(en: &str, ja: &str, lang: Lang) -> String {
    pad(
        match lang {
            Lang::En => en,
            Lang::Ja => ja,
        },
        NAME_COLUMN,
    )
}

/// The lines `zairyu bench` prints (without a final newline).
pub fn bench_figures(f: &BenchFigures<'_>, lang: Lang) -> String {
    let ja = lang == Lang::Ja;
    let mut lines = Vec::new();
    lines.push(if ja {
        format!(
            "zairyu bench — 在留者 {} 人、シード {}、{}、1 トランザクションあたり {} 件、スレッド {} 本",
            f.residents,
            f.seed,
            regime_short(f.regime).ja,
            f.batch,
            f.threads
        )
    } else {
        format!(
            "zairyu bench — {} residents, seed {}, {} regime, {} events/transaction, {} threads",
            f.residents,
            f.seed,
            f.regime.as_str(),
            f.batch,
            f.threads
        )
    });
    lines.push(format!(
        "  {}{}",
        name("events", "イベント数", lang),
        f.events
    ));
    let (s, per_second) = if ja {
        ("秒", "件/秒")
    } else {
        ("s", "events/s")
    };
    lines.push(format!(
        "  {}{:.2} {s}",
        name("population generated in", "人口の生成", lang),
        f.generate_s
    ));
    let per_thread = f.sim_rate / f.threads as f64;
    lines.push(if ja {
        format!(
            "  {}{:.2} {s}   {:>10.0} {per_second}   （スレッドあたり {per_thread:.0}）   最大常駐メモリ {}{}",
            name("", "模擬のみ", lang),
            f.sim_s,
            f.sim_rate,
            mib(f.sim_peak_mib, lang),
            cpu(f.sim_cpu, lang)
        )
    } else {
        format!(
            "  {}{:.2} {s}   {:>10.0} {per_second}   ({per_thread:.0} per thread)   peak RSS {}{}",
            name("simulation alone", "", lang),
            f.sim_s,
            f.sim_rate,
            mib(f.sim_peak_mib, lang),
            cpu(f.sim_cpu, lang)
        )
    });
    lines.push(if ja {
        format!(
            "  {}{:.2} {s}   {:>10.0} {per_second}   （完了処理 {:.2} 秒を含む）   最大常駐メモリ {}{}",
            name("", "模擬＋ログ保存", lang),
            f.store_s,
            f.store_rate,
            f.finish_s,
            mib(f.store_peak_mib, lang),
            cpu(f.store_cpu, lang)
        )
    } else {
        format!(
            "  {}{:.2} {s}   {:>10.0} {per_second}   (incl. finish {:.2} s)   peak RSS {}{}",
            name("simulation + store", "", lang),
            f.store_s,
            f.store_rate,
            f.finish_s,
            mib(f.store_peak_mib, lang),
            cpu(f.store_cpu, lang)
        )
    });
    lines.push(if ja {
        format!(
            "  {}{:.2} {s}   {:>10.0} 行/秒     （同じ行を索引なしの単純な挿入で）",
            name("", "基準：SQLite への素の追記", lang),
            f.baseline_s,
            f.baseline_rate
        )
    } else {
        format!(
            "  {}{:.2} {s}   {:>10.0} rows/s     (same rows, plain INSERT, no index)",
            name("baseline: raw SQLite append", "", lang),
            f.baseline_s,
            f.baseline_rate
        )
    });
    if f.baseline_rate > 0.0 {
        let ratio = |en: &str, ja_name: &str, r: f64| {
            format!(
                "  {}{r:.2}",
                pad(if ja { ja_name } else { en }, RATIO_COLUMN)
            )
        };
        lines.push(ratio(
            "ratio (simulation + store) / baseline",
            "比：（模擬＋ログ保存）／基準",
            f.store_rate / f.baseline_rate,
        ));
        lines.push(ratio(
            "ratio simulation alone / baseline",
            "比：模擬のみ／基準",
            f.sim_rate / f.baseline_rate,
        ));
    }
    lines.push(if ja {
        format!(
            "  {}{:.2} {s}   {:>10.0} {per_second}   （ハッシュ照合済み）{}",
            name("", "保存したログの再生", lang),
            f.replay_s,
            f.replay_rate,
            cpu(f.replay_cpu, lang)
        )
    } else {
        format!(
            "  {}{:.2} {s}   {:>10.0} {per_second}   (hash checked){}",
            name("replay of the stored log", "", lang),
            f.replay_s,
            f.replay_rate,
            cpu(f.replay_cpu, lang)
        )
    });
    lines.push(if ja {
        format!("  ログのハッシュ  {}", f.log_hash)
    } else {
        format!("  log hash  {}", f.log_hash)
    });
    lines.join("\n")
}

/// The figures of `zairyu bench --what-if`.
#[derive(Debug, Clone, Copy)]
pub struct WhatIfBenchFigures<'a> {
    pub residents: usize,
    pub seed: u64,
    pub threads: usize,
    pub legacy_events: u64,
    pub integrated_events: u64,
    pub seconds: f64,
    pub rate: f64,
    pub cpu: Option<CpuFigure>,
    pub peak_mib: Option<f64>,
    pub digest: &'a str,
}

/// The lines `zairyu bench --what-if` prints (without a final newline).
pub fn bench_what_if_figures(f: &WhatIfBenchFigures<'_>, lang: Lang) -> String {
    let legacy = regime_short(Regime::Legacy);
    let integrated = regime_short(Regime::Integrated);
    let per_thread = f.rate / f.threads as f64;
    let mut lines = Vec::new();
    match lang {
        Lang::En => {
            lines.push(format!(
                "zairyu bench --what-if — {} residents, seed {}, legacy vs integrated, {} threads",
                f.residents, f.seed, f.threads
            ));
            lines.push(format!(
                "  {}{} {} + {} {}",
                name("events", "", lang),
                f.legacy_events,
                legacy.en,
                f.integrated_events,
                integrated.en
            ));
            lines.push(format!(
                "  {}{:.2} s   {:>10.0} events/s   ({per_thread:.0} per thread)",
                name("both arms", "", lang),
                f.seconds,
                f.rate
            ));
            if let Some(c) = f.cpu {
                lines.push(format!(
                    "  {}{:.2} s   {:>10.0} events per CPU-second",
                    name("CPU time", "", lang),
                    c.seconds,
                    c.events_per_second
                ));
            }
            lines.push(format!(
                "  {}{}",
                name("peak RSS", "", lang),
                mib(f.peak_mib, lang)
            ));
            lines.push(format!("  measures digest  {}", f.digest));
        }
        Lang::Ja => {
            lines.push(format!(
                "zairyu bench --what-if — 在留者 {} 人、シード {}、{}と{}の比較、スレッド {} 本",
                f.residents, f.seed, legacy.ja, integrated.ja, f.threads
            ));
            lines.push(format!(
                "  {}{} {} 件 + {} {} 件",
                name("", "イベント数", lang),
                legacy.ja,
                f.legacy_events,
                integrated.ja,
                f.integrated_events
            ));
            lines.push(format!(
                "  {}{:.2} 秒   {:>10.0} 件/秒   （スレッドあたり {per_thread:.0}）",
                name("", "両制度の合計", lang),
                f.seconds,
                f.rate
            ));
            if let Some(c) = f.cpu {
                lines.push(format!(
                    "  {}{:.2} 秒   CPU 1 秒あたり {:>10.0} 件",
                    name("", "CPU 時間", lang),
                    c.seconds,
                    c.events_per_second
                ));
            }
            lines.push(format!(
                "  {}{}",
                name("", "最大常駐メモリ", lang),
                mib(f.peak_mib, lang)
            ));
            lines.push(format!("  測定値のダイジェスト  {}", f.digest));
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(hash: &str) -> BenchFigures<'_> {
        BenchFigures {
            residents: 200,
            seed: 1,
            regime: Regime::Integrated,
            batch: 100_000,
            threads: 2,
            events: 1234,
            generate_s: 0.01,
            sim_s: 0.5,
            sim_rate: 2468.0,
            sim_peak_mib: Some(40.0),
            sim_cpu: Some(CpuFigure {
                seconds: 0.6,
                events_per_second: 2056.7,
            }),
            store_s: 0.8,
            store_rate: 1542.5,
            finish_s: 0.1,
            store_peak_mib: None,
            store_cpu: None,
            baseline_s: 0.05,
            baseline_rate: 24680.0,
            replay_s: 0.2,
            replay_rate: 6170.0,
            replay_cpu: None,
            log_hash: hash,
        }
    }

    #[test]
    fn the_english_figures_keep_their_words_and_columns() {
        let text = bench_figures(&figures("abc"), Lang::En);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "zairyu bench — 200 residents, seed 1, integrated regime, 100000 events/transaction, 2 threads"
        );
        assert_eq!(lines[1], "  events                        1234");
        assert_eq!(
            lines[3],
            "  simulation alone              0.50 s         2468 events/s   (1234 per thread)   peak RSS 40 MiB   CPU 0.60 s = 2057 events per CPU-second"
        );
        assert!(lines[4].ends_with("(incl. finish 0.10 s)   peak RSS n/a"));
        assert_eq!(lines[6], "  ratio (simulation + store) / baseline   0.06");
        assert_eq!(lines.last(), Some(&"  log hash  abc"));
    }

    #[test]
    fn the_japanese_figures_line_up_by_display_width() {
        let text = bench_figures(&figures("abc"), Lang::Ja);
        assert!(text.contains("一体化制度"), "{text}");
        assert!(text.contains("最大常駐メモリ 不明"), "{text}");
        // Every figure's value starts in the same display column as in English.
        for line in text.lines().skip(1).take(6) {
            let value = line
                .char_indices()
                .find(|&(i, c)| i > 2 && c.is_ascii_digit())
                .map(|(i, _)| i)
                .unwrap();
            let col = crate::align::width(&line[..value]);
            assert!(col == NAME_COLUMN + 2 || col == RATIO_COLUMN + 2, "{line}");
        }
    }

    #[test]
    fn the_what_if_figures_name_both_regimes() {
        let f = WhatIfBenchFigures {
            residents: 100,
            seed: 3,
            threads: 1,
            legacy_events: 10,
            integrated_events: 12,
            seconds: 1.0,
            rate: 22.0,
            cpu: None,
            peak_mib: None,
            digest: "d",
        };
        let en = bench_what_if_figures(&f, Lang::En);
        assert!(
            en.contains("  events                        10 legacy + 12 integrated"),
            "{en}"
        );
        assert!(en.ends_with("  measures digest  d"), "{en}");
        let ja = bench_what_if_figures(&f, Lang::Ja);
        assert!(ja.contains("従来制度 10 件 + 一体化制度 12 件"), "{ja}");
        assert!(ja.contains("最大常駐メモリ"), "{ja}");
    }
}
