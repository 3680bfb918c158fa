//! Labels of the measures a what-if comparison reports, by their stable keys
//! (`projection::measures`): `visits.city_hall`, `my_number_outage_days`, `notifications.N3`,
//! `workload.city_hall.2026-07`. Keys are strings that a newer run may add to, so a key the
//! labels do not know is shown as it is rather than refused.

use model::service::Office;

use super::{Label, Lang, l, office_short, ui};

/// The label of the measure `key`.
pub fn measure(key: &str, lang: Lang) -> String {
    known(key, lang).unwrap_or_else(|| key.to_owned())
}

/// The label of a key the labels know.
fn known(key: &str, lang: Lang) -> Option<String> {
    let u = ui(lang);
    if let Some(office) = key.strip_prefix("visits.").and_then(office_by_key) {
        return Some(format!(
            "{}{}{}",
            u.visits,
            u.colon,
            office_short(office).get(lang)
        ));
    }
    if let Some(code) = key.strip_prefix("notifications.") {
        return Some(match lang {
            Lang::En => format!("notifications {code} (§6)"),
            Lang::Ja => format!("{} {code}（§6）", u.notifications),
        });
    }
    if let Some((who, month)) = key
        .strip_prefix("workload.")
        .and_then(|rest| rest.rsplit_once('.'))
    {
        let column = workload_column(who, lang);
        return Some(match lang {
            Lang::En => format!("{month} workload: {column}"),
            Lang::Ja => format!("{month}の業務量：{column}"),
        });
    }
    if let Some((what, queue)) = key.split_once('.')
        && let Some(queue) = waiting_queue(queue, lang)
    {
        match (what, lang) {
            ("waiting_days", Lang::En) => return Some(format!("days waited: {queue}")),
            ("waiting_days", Lang::Ja) => return Some(format!("待ち日数：{queue}")),
            ("residents_waited", Lang::En) => {
                return Some(format!("residents who waited: {queue}"));
            }
            ("residents_waited", Lang::Ja) => return Some(format!("待たされた在留者：{queue}")),
            _ => {}
        }
    }
    let text = match key {
        "my_number_outage_days" => u.outage_days,
        "special_period_days" => u.special_period_days,
        "deadline_misses" => u.deadline_misses,
        "refusals" => u.refusals,
        "fees_paid_yen" => u.fees_paid_yen,
        _ => headline(key)?.get(lang),
    };
    Some(text.to_owned())
}

/// The headline measures that are not one of the reports' own words (`ui`).
fn headline(key: &str) -> Option<Label> {
    Some(match key {
        "visits.all" => l("counter visits, all offices", "窓口への来訪（全機関）"),
        "residents_with_outage" => l(
            "residents with at least one outage day",
            "マイナンバー機能が使えない日が1日以上あった在留者",
        ),
        "inconsistency_days" => l(
            "inconsistency days (records disagree)",
            "記録が不一致だった日数",
        ),
        "residents_with_inconsistency" => l(
            "residents with at least one inconsistency day",
            "記録の不一致が1日以上あった在留者",
        ),
        "residents_inconsistent_at_end" => l(
            "residents still out of sync at the end (all offices)",
            "終了時に記録が一致していない在留者（全機関）",
        ),
        "time_to_consistency.changes" => l(
            "changes after which all offices agreed again",
            "全機関の記録が再び一致した変更",
        ),
        "time_to_consistency.p50_hours" => l(
            "time to consistency, median (hours)",
            "記録が一致するまでの時間・中央値（時間）",
        ),
        "time_to_consistency.p95_hours" => l(
            "time to consistency, 95th percentile (hours)",
            "記録が一致するまでの時間・95パーセンタイル（時間）",
        ),
        "time_to_consistency.max_hours" => l(
            "time to consistency, longest (hours)",
            "記録が一致するまでの時間・最長（時間）",
        ),
        "undelivered_at_end.notices" => l(
            "notices still in transit at the end",
            "終了時に配送中のままの通知",
        ),
        "undelivered_at_end.held_by_outages" => l(
            "deliveries an outage still held at the end",
            "終了時に停止で止まったままの配達",
        ),
        "cards_produced" => l(
            "residence cards / SPR certificates issued",
            "交付された在留カード・特別永住者証明書",
        ),
        "tokutei_productions" => l(
            "Tokutei cards produced by J-LIS",
            "J-LISが作成した特定在留カード",
        ),
        "residents_holding_tokutei" => l(
            "residents holding a Tokutei card at the end",
            "期間の終わりに特定在留カードを持つ在留者",
        ),
        "events" => l("events recorded", "記録されたイベント数"),
        "arrivals" => l("arrivals (landings at a port of entry)", "入国（上陸）"),
        "renewals" => l(
            "card validity and SPR certificate renewals",
            "在留カード・特別永住者証明書の有効期間更新",
        ),
        "losses" => l(
            "losses and thefts reported to the police",
            "警察に届け出た紛失・盗難",
        ),
        "damage_reissues" => l("card reissues for damage", "汚損・毀損による再交付"),
        "item_changes" => l("non-address item changes", "住居地以外の記載事項の変更"),
        "pin_resets" => l(
            "locked PINs reset at a window",
            "窓口での暗証番号ロックの解除",
        ),
        "departures" => l(
            "departures for good (cards returned at a port)",
            "出国（再入国許可なし、在留カードの返納）",
        ),
        "births" => l(
            "births of foreign children (birth notifications registered)",
            "外国籍の子の出生（受理された出生届）",
        ),
        _ => return None,
    })
}

/// The label of a workload column (`city_hall`, `jlis_tokutei`): an office's counter visits,
/// or J-LIS's Tokutei productions.
pub fn workload_column(key: &str, lang: Lang) -> String {
    if office_by_key(key).is_none()
        && let Some(flow) = headline(key)
    {
        return flow.get(lang).to_owned();
    }
    match (office_by_key(key), lang) {
        (Some(o), Lang::En) => format!("{} visits", office_short(o).en),
        (Some(o), Lang::Ja) => format!("{}への来訪", office_short(o).ja),
        (None, Lang::En) => "J-LIS Tokutei productions".to_owned(),
        (None, Lang::Ja) => "J-LISによる特定在留カードの作成".to_owned(),
    }
}

/// The queue a waiting measure names (`projection`'s `WAITS`): an office's counters, or
/// J-LIS's production (decision 17).
fn waiting_queue(key: &str, lang: Lang) -> Option<String> {
    if let Some(office) = office_by_key(key) {
        return Some(match lang {
            Lang::En => format!("{} counters", office_short(office).en),
            Lang::Ja => format!("{}の窓口", office_short(office).ja),
        });
    }
    (key == "jlis_production").then(|| {
        match lang {
            Lang::En => "J-LIS Tokutei production",
            Lang::Ja => "J-LISによる特定在留カードの作成",
        }
        .to_owned()
    })
}

fn office_by_key(key: &str) -> Option<Office> {
    Office::ALL.into_iter().find(|o| o.as_str() == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_measure_key_has_a_label_in_english() {
        let en = |k| measure(k, Lang::En);
        assert_eq!(en("visits.call_centre"), "counter visits: call centre");
        assert_eq!(en("visits.all"), "counter visits, all offices");
        assert_eq!(en("my_number_outage_days"), "My Number outage days");
        assert_eq!(en("notifications.N3"), "notifications N3 (§6)");
        assert_eq!(
            en("workload.city_hall.2026-07"),
            "2026-07 workload: city hall visits"
        );
        assert_eq!(
            en("workload.jlis_tokutei.2026-07"),
            "2026-07 workload: J-LIS Tokutei productions"
        );
        assert_eq!(
            en("workload.arrivals.2026-07"),
            "2026-07 workload: arrivals (landings at a port of entry)"
        );
        assert_eq!(
            en("waiting_days.immigration_bureau"),
            "days waited: immigration bureau counters"
        );
        assert_eq!(
            en("residents_waited.jlis_production"),
            "residents who waited: J-LIS Tokutei production"
        );
        assert_eq!(
            measure("waiting_days.city_hall", Lang::Ja),
            "待ち日数：市区町村の窓口"
        );
        assert_eq!(en("a_key_from_a_newer_run"), "a_key_from_a_newer_run");
    }

    #[test]
    fn every_headline_measure_is_labelled_in_both_languages() {
        for key in projection::measures::HEADLINE {
            for lang in [Lang::En, Lang::Ja] {
                assert!(known(key, lang).is_some(), "{key} has no {lang:?} label");
            }
        }
    }
}
