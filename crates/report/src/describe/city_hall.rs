//! The sentences of the city hall's events: its register entry, moves within and between
//! municipalities, the bureau's notices it records, applications it forwards, and the separate
//! My Number card's validity, continued use, PIN, a new card and its items at its window.

use model::event::Event;
use model::procedure::MyNumberCardReissueReason;

use super::{MISROUTED, written_on};
use crate::labels::{self, Lang};
use crate::phrases::date_or_none;

/// The Basic Resident Register: the entry, moves, the bureau's notices, forwarded
/// applications.
pub(super) fn register(event: &Event, lang: Lang) -> String {
    match event {
        Event::ResidentRegistered {
            municipality,
            address,
            my_number,
            my_number_card,
            ..
        } => match (
            lang,
            my_number_card,
            labels::municipality(municipality, lang),
        ) {
            (Lang::En, Some(c), municipality) => format!(
                "has in its register: {address}, {municipality}; My Number {my_number}; My Number card valid through {}",
                c.valid_through
            ),
            (Lang::En, None, municipality) => format!(
                "has in its register: {address}, {municipality}; My Number {my_number}; no separate My Number card"
            ),
            (Lang::Ja, Some(c), municipality) => format!(
                "住民票：{municipality} {address}。個人番号 {my_number}。個人番号カードの有効期限 {}",
                c.valid_through
            ),
            (Lang::Ja, None, municipality) => {
                format!(
                    "住民票：{municipality} {address}。個人番号 {my_number}。個人番号カードなし"
                )
            }
        },
        Event::MovedWithinMunicipality {
            address,
            written_on: cards,
            ..
        } => {
            let cards = written_on(cards, lang);
            match lang {
                Lang::En => format!("registers the move to {address} and writes it on {cards}"),
                Lang::Ja => format!("{address}への転居を記録し、{cards}"),
            }
        }
        Event::MoveOutRecorded {
            to,
            planned_on,
            card_based,
            ..
        } => match (lang, card_based, labels::municipality(to, lang)) {
            (Lang::En, false, to) => format!("records a move-out to {to} planned for {planned_on}"),
            (Lang::En, true, to) => {
                format!("records a move-out to {to} planned for {planned_on} (card-based, online)")
            }
            (Lang::Ja, false, to) => format!("{to}への転出（予定日 {planned_on}）を記録"),
            (Lang::Ja, true, to) => format!(
                "{to}への転出（予定日 {planned_on}）を記録（マイナンバーカードによる特例転出、オンライン）"
            ),
        },
        Event::MoveInRecorded {
            municipality,
            address,
            written_on: cards,
            ..
        } => {
            let cards = written_on(cards, lang);
            let municipality = labels::municipality(municipality, lang);
            match lang {
                Lang::En => format!(
                    "registers the move-in to {address}, {municipality} and writes it on {cards}"
                ),
                Lang::Ja => format!("{municipality} {address}への転入を記録し、{cards}"),
            }
        }
        Event::RegisterEntryClosed { municipality, .. } => match lang {
            Lang::Ja => format!("{}の住民票を消除", labels::municipality(municipality, lang)),
            Lang::En => format!("closes the register entry at {municipality}"),
        },
        Event::RegisterEntryDeleted { municipality, .. } => match lang {
            Lang::Ja => format!(
                "{}の住民票を職権で消除",
                labels::municipality(municipality, lang)
            ),
            Lang::En => format!("deletes the register entry at {municipality} of its own motion"),
        },
        Event::DepartureNotified {
            municipality,
            leaves_on,
            ..
        } => match lang {
            Lang::Ja => format!(
                "{}で国外転出届を受理（転出予定日 {leaves_on}）",
                labels::municipality(municipality, lang)
            ),
            Lang::En => format!(
                "takes the notice of a move abroad at {municipality}, leaving on {leaves_on}"
            ),
        },
        Event::MoveAbroadRecorded { municipality, .. } => match lang {
            Lang::Ja => format!(
                "国外転出により{}の住民票を消除",
                labels::municipality(municipality, lang)
            ),
            Lang::En => format!("closes the register entry at {municipality}: moved abroad"),
        },
        Event::OlderPeriodNoticeIgnored {
            notified_expiry,
            kept_expiry,
            ..
        } => match lang {
            Lang::En => format!(
                "ignores the bureau's late notice of a period to {notified_expiry}: the register \
                 already holds a later one, to {kept_expiry}"
            ),
            Lang::Ja => format!(
                "入管からの遅れた通知（在留期間{notified_expiry}まで）を採用せず：住民票には既に後の期間（{kept_expiry}まで）を記録"
            ),
        },
        Event::OlderStatusNoticeIgnored {
            notified_status,
            kept_status,
            ..
        } => {
            let (notified, kept) = (
                labels::status(*notified_status).get(lang),
                labels::status(*kept_status).get(lang),
            );
            match lang {
                Lang::En => format!(
                    "ignores the bureau's late notice of a change of status to {notified}: the \
                     register already holds a later one, {kept}"
                ),
                Lang::Ja => format!(
                    "入管からの遅れた通知（在留資格{notified}への変更）を採用せず：住民票には既に後の在留資格（{kept}）を記録"
                ),
            }
        }
        Event::OlderCardNoticeIgnored {
            notified_card,
            kept_card,
            ..
        } => {
            let kept = kept_card
                .map(|n| n.to_string())
                .unwrap_or_else(|| labels::ui(lang).none.to_owned());
            match lang {
                Lang::En => format!(
                    "ignores the bureau's late notice of card {notified_card}: the register \
                     already holds a later card, {kept}"
                ),
                Lang::Ja => format!(
                    "入管からの遅れた通知（在留カード番号{notified_card}）を採用せず：住民票には既に後のカード（{kept}）を記録"
                ),
            }
        }
        Event::ImmigrationDataUpdated {
            period_expiry,
            card_number,
            ..
        } => match lang {
            Lang::En => format!(
                "updates the register from the bureau's notice: period to {}, card {}",
                period_expiry
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "—".into()),
                card_number
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "—".into())
            ),
            Lang::Ja => format!(
                "入管の通知により住民票を更新：在留期間の満了日 {}、在留カード番号 {}",
                date_or_none(*period_expiry, lang),
                card_number
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| labels::ui(lang).none.to_owned())
            ),
        },
        Event::ResidenceNotified {
            municipality,
            address,
            my_number,
            ..
        } => match (lang, labels::municipality(municipality, lang)) {
            (Lang::En, municipality) => format!(
                "registers the new resident at {address}, {municipality} and assigns My Number {my_number}"
            ),
            (Lang::Ja, municipality) => format!(
                "住居地届出を受け、住民票を作成：{municipality} {address}。個人番号 {my_number}"
            ),
        },
        Event::BirthRegistered {
            municipality,
            address,
            my_number,
            ..
        } => match (lang, labels::municipality(municipality, lang)) {
            (Lang::En, municipality) => format!(
                "takes the birth notification and registers the child, with no status yet, at {address}, {municipality}; assigns My Number {my_number}"
            ),
            (Lang::Ja, municipality) => format!(
                "出生届を受け、出生による経過滞在者として住民票を作成：{municipality} {address}。個人番号 {my_number}"
            ),
        },
        Event::ApplicationForwarded {
            procedure, tokutei, ..
        } => {
            let procedure = labels::procedure(*procedure).get(lang);
            match (lang, tokutei) {
                (Lang::En, true) => format!(
                    "forwards the Tokutei card application filed with the {procedure} to the bureau"
                ),
                (Lang::En, false) => {
                    format!("forwards the application filed with the {procedure} to the bureau")
                }
                (Lang::Ja, true) => {
                    format!("{procedure}（特定在留カード等交付申請付き）を入管に送付")
                }
                (Lang::Ja, false) => format!("{procedure}を入管に送付"),
            }
        }
        Event::SprApplicationForwarded {
            procedure, tokutei, ..
        } => {
            let procedure = labels::procedure(*procedure).get(lang);
            match (lang, tokutei) {
                (Lang::En, true) => format!(
                    "forwards the special permanent resident's {procedure}, with a Tokutei card application, to the bureau"
                ),
                (Lang::En, false) => {
                    format!("forwards the special permanent resident's {procedure} to the bureau")
                }
                (Lang::Ja, true) => {
                    format!("特別永住者の{procedure}（特定在留カード等交付申請付き）を入管に送付")
                }
                (Lang::Ja, false) => format!("特別永住者の{procedure}を入管に送付"),
            }
        }
        Event::RegisterItemUpdated { item, .. } => {
            let item = labels::changed_item(*item).get(lang);
            match lang {
                Lang::En => format!("updates the {item} in the register from the bureau's notice"),
                Lang::Ja => format!("住民票の{item}を更新"),
            }
        }
        other => unreachable!("{MISROUTED}: {}", other.type_name()),
    }
}

/// The separate My Number card at the window: its validity, continued use, the PIN, and its
/// removal from the register.
pub(super) fn my_number_card(event: &Event, lang: Lang) -> String {
    match event {
        Event::MyNumberCardValidityChanged {
            previous,
            valid_through,
            ..
        } => match lang {
            Lang::En => {
                format!("changes the My Number card's validity from {previous} to {valid_through}")
            }
            Lang::Ja => format!("個人番号カードの有効期間を変更：{previous} → {valid_through}"),
        },
        Event::MyNumberCardSpecialPeriodExtended {
            previous,
            valid_through,
            ..
        } => match lang {
            Lang::En => format!(
                "extends the My Number card for the special period, from {previous} to {valid_through}"
            ),
            Lang::Ja => {
                format!("個人番号カードの有効期間を特例期間延長：{previous} → {valid_through}")
            }
        },
        Event::PinResetAtCounter { .. } => match lang {
            Lang::En => "resets the locked PIN".to_owned(),
            Lang::Ja => "窓口で暗証番号を再設定".to_owned(),
        },
        Event::MyNumberContinuityDue { deadline, .. } => match lang {
            Lang::En => format!(
                "notes that the My Number card must be presented for continued use by {deadline}"
            ),
            Lang::Ja => format!("個人番号カードの継続利用の期限を記録：{deadline}まで"),
        },
        Event::MyNumberContinuityConfirmed { municipality, .. } => match lang {
            Lang::Ja => format!(
                "{}で個人番号カードの継続利用を確認",
                labels::municipality(municipality, lang)
            ),
            Lang::En => format!("confirms the My Number card's continued use in {municipality}"),
        },
        Event::MyNumberCardReissueApplied { reason, card, .. } => {
            let why = labels::my_number_card_reissue_reason(*reason).get(lang);
            let through = card.valid_through;
            match (lang, reason) {
                (Lang::En, MyNumberCardReissueReason::Lost { .. }) => format!(
                    "takes the loss notification and an application for a new My Number card {why}, to be valid through {through}"
                ),
                (Lang::En, MyNumberCardReissueReason::Lapsed) => format!(
                    "takes an application for a new My Number card {why}, to be valid through {through}"
                ),
                (Lang::Ja, MyNumberCardReissueReason::Lost { .. }) => {
                    format!("紛失届と個人番号カードの再交付申請を受付（有効期限 {through} の予定）")
                }
                (Lang::Ja, MyNumberCardReissueReason::Lapsed) => {
                    format!("{why}個人番号カードの交付申請を受付（有効期限 {through} の予定）")
                }
            }
        }
        Event::MyNumberCardIssued { card, fee_yen, .. } => match lang {
            Lang::En => format!(
                "hands over the new My Number card, valid through {}, against a fee of {fee_yen} yen",
                card.valid_through
            ),
            Lang::Ja => format!(
                "新しい個人番号カードを交付（有効期限 {}、手数料 {fee_yen}円）",
                card.valid_through
            ),
        },
        Event::MyNumberCardItemsUpdated { item, .. } => {
            let item = labels::changed_item(*item).get(lang);
            match lang {
                Lang::En => format!("writes the new {item} on the My Number card"),
                Lang::Ja => format!("個人番号カードの券面の{item}を変更"),
            }
        }
        Event::MyNumberCardWithdrawn { reason, .. } => match lang {
            Lang::En => "removes the separate My Number card from its records".to_owned(),
            Lang::Ja => format!(
                "個人番号カードを記録から抹消（{}）",
                labels::invalidation(*reason).ja
            ),
        },
        other => unreachable!("{MISROUTED}: {}", other.type_name()),
    }
}
