include!("/tmp/x.rs");
fn main() {
    for (regime, tok, ch) in [
        (Regime::Legacy, false, true),
        (Regime::Integrated, true, false),
    ] {
        let out = extension(regime, tok, ch);
        println!("{}", report::transcript(&out.log, &["mei".into()]));
        println!(
            "{}",
            report::summary(&out.projections.totals(), d(2026, 12, 31))
        );
        println!(
            "{}",
            report::card_record(
                &out.projections.records[0],
                "mei",
                d(2026, 12, 31),
                Default::default()
            )
        );
    }
}
