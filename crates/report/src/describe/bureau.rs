//! The sentences of the immigration bureau's events: its record at the start, applications and
//! their decisions, cards ordered, issued and returned, addresses relayed to it, landings.

use model::card::CardKind;
use model::event::Event;
use model::procedure::ReissueReason;

use super::{MISROUTED, card};
use crate::labels::{self, Lang};
use crate::phrases::date_or_none;

/// The bureau's record of the resident: at the start, the landing, addresses and items
/// it is told of.
pub(super) fn record(event: &Event, lang: Lang) -> String {
    match event {
        Event::ImmigrationRecordOpened {
            status,
            period_expiry,
            card: held,
            ..
        } => {
            let mut s = match lang {
                Lang::En => format!("has on record: {}", labels::status(*status).en),
                Lang::Ja => format!("記録：{}", labels::status(*status).ja),
            };
            if let Some(e) = period_expiry {
                s.push_str(&match lang {
                    Lang::En => format!(", period of stay to {e}"),
                    Lang::Ja => format!("、在留期間の満了日 {e}"),
                });
            }
            if let Some(c) = held {
                let (kind, number, through) = (card(c.kind, lang), &c.number, c.valid_through);
                s.push_str(&match lang {
                    Lang::En => format!(", {kind} {number} valid through {through}"),
                    Lang::Ja => format!("、{kind} {number}（有効期限 {through}）"),
                });
            }
            s
        }
        Event::AddressRecorded {
            municipality,
            address,
            ..
        } => match lang {
            Lang::En => format!("records the new address {address}, {municipality}"),
            Lang::Ja => format!(
                "新しい住居地を記録：{} {address}",
                labels::municipality(municipality, lang)
            ),
        },
        Event::OlderAddressNoticeIgnored {
            notified_municipality,
            notified_address,
            kept_municipality,
            kept_address,
            ..
        } => match lang {
            Lang::En => format!(
                "ignores the late notice of the address {notified_address}, \
                 {notified_municipality}: the bureau already holds a later one, {kept_address}, \
                 {kept_municipality}"
            ),
            Lang::Ja => format!(
                "遅れた住居地の通知（{} {notified_address}）を採用せず：既に後の住居地（{} {kept_address}）を記録",
                labels::municipality(notified_municipality, lang),
                labels::municipality(kept_municipality, lang)
            ),
        },
        Event::RegisterDeletionRecorded { municipality, .. } => match lang {
            Lang::En => format!(
                "records that {municipality} closed the register entry (on a move abroad or by \
                 deletion): not in a resident register"
            ),
            Lang::Ja => format!(
                "{}による住民票の消除を記録（住民基本台帳に記録なし）",
                labels::municipality(municipality, lang)
            ),
        },
        Event::ItemChangeNotified {
            item, changed_on, ..
        } => {
            let item = labels::changed_item(*item).get(lang);
            match lang {
                Lang::En => format!("records that the {item} changed on {changed_on}"),
                Lang::Ja => format!("{item}の変更を記録（変更日 {changed_on}）"),
            }
        }
        Event::Landed {
            port, card_at_port, ..
        } => match (lang, card_at_port) {
            (Lang::En, true) => format!(
                "lands the resident at {port}; the residence card is handed over at the port"
            ),
            (Lang::En, false) => format!(
                "lands the resident at {port}; the passport is stamped 在留カード後日交付: the card follows the residence notification"
            ),
            (Lang::Ja, true) => format!(
                "{}で上陸を許可（在留カードは港で交付）",
                labels::port(port, lang)
            ),
            (Lang::Ja, false) => format!(
                "{}で上陸を許可（在留カードは住居地届出の後に交付）",
                labels::port(port, lang)
            ),
        },
        Event::Departed {
            port,
            card_returned,
            ..
        } => match (lang, card_returned) {
            (Lang::En, Some(card)) => format!(
                "confirms the departure for good at {port}; the card {card} is returned there and lapses"
            ),
            (Lang::En, None) => format!("confirms the departure for good at {port}"),
            (Lang::Ja, Some(card)) => format!(
                "{}で出国を確認（再入国許可なし）、在留カード {card} を返納（失効）",
                labels::port(port, lang)
            ),
            (Lang::Ja, None) => {
                format!("{}で出国を確認（再入国許可なし）", labels::port(port, lang))
            }
        },
        other => unreachable!("{MISROUTED}: {}", other.type_name()),
    }
}

/// Applications for a period of stay or a status, and the bureau's decisions on them.
pub(super) fn applications(event: &Event, lang: Lang) -> String {
    match event {
        Event::ExtensionApplied {
            channel,
            expiry_at_filing,
            ..
        } => match lang {
            Lang::En => format!(
                "receives an extension application{}",
                expiry_at_filing
                    .map(|e| format!(" (period expires {e})"))
                    .unwrap_or_default()
            ),
            Lang::Ja => format!(
                "在留期間更新許可申請を受け付ける（{}、在留期間の満了日 {}）",
                labels::channel(*channel).ja,
                date_or_none(*expiry_at_filing, lang)
            ),
        },
        Event::TokuteiApplicationAccepted { attached_to, .. } => {
            let procedure = labels::procedure(*attached_to).get(lang);
            match lang {
                Lang::En => {
                    format!("accepts a Tokutei card application attached to the {procedure}")
                }
                Lang::Ja => format!("{procedure}に併せた特定在留カード等交付申請を受け付ける"),
            }
        }
        Event::ExtensionGranted { new_expiry, .. } => match lang {
            Lang::En => format!("grants the extension to {new_expiry}"),
            Lang::Ja => format!("在留期間の更新を許可（新しい満了日 {new_expiry}）"),
        },
        Event::ExtensionRefused { .. } => match lang {
            Lang::En => "refuses the extension".to_owned(),
            Lang::Ja => "在留期間の更新を許可しない".to_owned(),
        },
        Event::PeriodOfStayExtended {
            previous_expiry,
            new_expiry,
            ..
        } => match lang {
            Lang::En => format!(
                "extends the period of stay{} to {new_expiry}",
                previous_expiry
                    .map(|e| format!(" from {e}"))
                    .unwrap_or_default()
            ),
            Lang::Ja => format!(
                "在留期間を更新：満了日 {} → {new_expiry}",
                date_or_none(*previous_expiry, lang)
            ),
        },
        Event::StatusChangeApplied {
            to,
            channel,
            expiry_at_filing,
            ..
        } => match lang {
            Lang::En => format!(
                "receives a change-of-status application to {}{}",
                labels::status(*to).en,
                expiry_at_filing
                    .map(|e| format!(" (period expires {e})"))
                    .unwrap_or_default()
            ),
            Lang::Ja => format!(
                "在留資格変更許可申請を受け付ける（{}へ、{}、在留期間の満了日 {}）",
                labels::status(*to).ja,
                labels::channel(*channel).ja,
                date_or_none(*expiry_at_filing, lang)
            ),
        },
        Event::StatusChangeGranted { to, new_expiry, .. } => {
            let to = labels::status(*to).get(lang);
            match lang {
                Lang::En => format!("grants the change of status to {to} until {new_expiry}"),
                Lang::Ja => format!("在留資格の変更を許可（{to}、在留期間の満了日 {new_expiry}）"),
            }
        }
        Event::StatusAcquisitionApplied { to, .. } => {
            let to = labels::status(*to).get(lang);
            match lang {
                Lang::En => format!(
                    "receives the application for a status of residence ({to}) for a child born in Japan"
                ),
                Lang::Ja => format!("在留資格取得許可申請を受け付ける（{to}、日本で出生した子）"),
            }
        }
        Event::StatusAcquisitionGranted { to, new_expiry, .. } => {
            let to = labels::status(*to).get(lang);
            match (lang, new_expiry) {
                (Lang::En, Some(e)) => format!("grants the status of residence {to} until {e}"),
                (Lang::En, None) => format!("grants the status of residence {to}"),
                (Lang::Ja, Some(e)) => {
                    format!("在留資格の取得を許可（{to}、在留期間の満了日 {e}）")
                }
                (Lang::Ja, None) => format!("在留資格の取得を許可（{to}）"),
            }
        }
        Event::PermanentResidenceApplied { channel, .. } => match lang {
            Lang::En => "receives a permanent residence application".to_owned(),
            Lang::Ja => format!(
                "永住許可申請を受け付ける（{}）",
                labels::channel(*channel).ja
            ),
        },
        Event::PermanentResidenceGranted { .. } => match lang {
            Lang::En => "grants permanent residence".to_owned(),
            Lang::Ja => "永住を許可".to_owned(),
        },
        Event::ApplicationRefused { procedure, .. } => {
            let procedure = labels::procedure(*procedure).get(lang);
            match lang {
                Lang::En => format!("refuses the {procedure} on its merits"),
                Lang::Ja => format!("{procedure}を許可しない"),
            }
        }
        Event::ApplicationSuperseded { procedure, .. } => {
            let procedure = labels::procedure(*procedure).get(lang);
            match lang {
                Lang::En => format!(
                    "closes the pending {procedure}: permanent residence has no period of stay"
                ),
                Lang::Ja => format!("永住者には在留期間がないため、係属中の{procedure}を終了する"),
            }
        }
        Event::StatusChanged {
            from,
            to,
            new_expiry,
            ..
        } => {
            let (from, to) = (
                labels::status(*from).get(lang),
                labels::status(*to).get(lang),
            );
            match (lang, new_expiry) {
                (Lang::En, Some(e)) => {
                    format!("changes the status from {from} to {to}, period to {e}")
                }
                (Lang::En, None) => {
                    format!("changes the status from {from} to {to}, with no period of stay")
                }
                (Lang::Ja, Some(e)) => {
                    format!("在留資格を変更：{from} → {to}（在留期間の満了日 {e}）")
                }
                (Lang::Ja, None) => format!("在留資格を変更：{from} → {to}"),
            }
        }
        other => unreachable!("{MISROUTED}: {}", other.type_name()),
    }
}

/// Cards: applied for, ordered from J-LIS, ready, issued, returned.
pub(super) fn cards(event: &Event, lang: Lang) -> String {
    match event {
        Event::CardApplicationReceived {
            procedure, reissue, ..
        } => {
            let procedure = labels::procedure(*procedure).get(lang);
            match lang {
                Lang::En => format!(
                    "receives an application for {procedure}{}",
                    reissue.map(reissue_en).unwrap_or_default()
                ),
                Lang::Ja => match reissue {
                    Some(r) => format!(
                        "{procedure}を受け付ける（{}）",
                        labels::reissue_reason(*r).ja
                    ),
                    None => format!("{procedure}を受け付ける"),
                },
            }
        }
        Event::TokuteiCardRequested {
            kind,
            valid_through,
            collect_at,
            ..
        } => match lang {
            Lang::En => format!(
                "asks J-LIS to produce a {} valid through {valid_through}",
                card(*kind, lang)
            ),
            Lang::Ja => format!(
                "J-LISに{}（有効期限 {valid_through}）の作成を依頼（{}で交付）",
                card(*kind, lang),
                labels::office(*collect_at).ja
            ),
        },
        Event::CardReadyForCollection { kind, at, .. } => match lang {
            Lang::En => format!(
                "has a {} ready for collection at the {}",
                card(*kind, lang),
                labels::office_short(*at).en
            ),
            Lang::Ja => format!(
                "{}の交付準備ができた（{}で受領）",
                card(*kind, lang),
                labels::office(*at).ja
            ),
        },
        Event::CardMailed {
            kind, arrives_on, ..
        } => match lang {
            Lang::En => format!(
                "mails the {} to the resident, who applied online (arrives {arrives_on})",
                card(*kind, lang)
            ),
            Lang::Ja => format!(
                "{}を郵送（オンライン申請、{arrives_on} 到着予定）",
                card(*kind, lang)
            ),
        },
        Event::MailedCardDelivered { kind, .. } => match lang {
            Lang::En => format!(
                "records that the mailed {} reached the resident (no counter visit)",
                card(*kind, lang)
            ),
            Lang::Ja => format!("郵送した{}の到着を記録（来庁なし）", card(*kind, lang)),
        },
        Event::ResidenceCardIssued {
            card: c, replaces, ..
        } => {
            let (kind, number, through) = (card(c.kind, lang), &c.number, c.valid_through);
            match (lang, replaces) {
                (Lang::En, Some(old)) => format!(
                    "issues {} {kind} valid through {through} (new number {number}, replaces {old})",
                    article(c.kind)
                ),
                (Lang::En, None) => format!(
                    "issues {} {kind} valid through {through} (number {number})",
                    article(c.kind)
                ),
                (Lang::Ja, Some(old)) => format!(
                    "{kind}を交付（番号 {number}、有効期限 {through}、旧カード {old} に代わる）"
                ),
                (Lang::Ja, None) => format!("{kind}を交付（番号 {number}、有効期限 {through}）"),
            }
        }
        Event::TokuteiCardReturned { card_number, .. } => match lang {
            Lang::En => {
                format!("takes back the Tokutei card {card_number}, replaced by a standard card")
            }
            Lang::Ja => format!("特定在留カード {card_number} の返納を受ける"),
        },
        other => unreachable!("{MISROUTED}: {}", other.type_name()),
    }
}

/// Why a card is reissued, as the English sentence puts it after the procedure.
fn reissue_en(reason: ReissueReason) -> String {
    match reason {
        ReissueReason::Damaged => " (damaged card)".to_owned(),
        ReissueReason::OnRequest => format!(" ({})", labels::reissue_reason(reason).en),
        ReissueReason::Lost { learned_on, .. } => format!(" (loss learned of on {learned_on})"),
    }
}

/// "a" or "an" before a card's English name.
fn article(kind: CardKind) -> &'static str {
    match labels::card_kind(kind).en.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u' | 'A' | 'E' | 'I' | 'O' | 'U') => "an",
        _ => "a",
    }
}
