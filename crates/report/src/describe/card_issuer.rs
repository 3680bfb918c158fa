//! The sentences of J-LIS's events: the chip-side record of the separate My Number card and
//! of a Tokutei card's My Number functions, the JPKI certificates, Tokutei production, and
//! the PIN.

use model::event::Event;
use model::rules::InvalidationReason;

use super::{MISROUTED, card};
use crate::labels::{self, Lang};
use crate::phrases::{certificate_dates, date_or_none};

pub(super) fn describe(event: &Event, lang: Lang) -> String {
    match event {
        Event::CardIssuerRecordOpened {
            my_number_card,
            certificates,
            ..
        } => match (lang, my_number_card) {
            (Lang::En, Some(c)) => format!(
                "has on record a My Number card valid through {}; certificates: {}",
                c.valid_through,
                certificate_dates(certificates, lang)
            ),
            (Lang::En, None) => "has no separate My Number card on record".to_owned(),
            (Lang::Ja, Some(c)) => format!(
                "記録：個人番号カード（有効期限 {}）。署名用電子証明書 {}、利用者証明用電子証明書 {}",
                c.valid_through,
                date_or_none(certificates.signature_through, lang),
                date_or_none(certificates.user_auth_through, lang)
            ),
            (Lang::Ja, None) => "個人番号カードの記録なし".to_owned(),
        },
        Event::MyNumberCardValidityRecorded { valid_through, .. } => match lang {
            Lang::En => format!("records the My Number card's new validity {valid_through}"),
            Lang::Ja => format!("個人番号カードの新しい有効期限 {valid_through} を記録"),
        },
        Event::CertificatesIssued { certificates, .. } => match lang {
            Lang::En => format!(
                "issues new certificates: {}",
                certificate_dates(certificates, lang)
            ),
            Lang::Ja => format!(
                "電子証明書を発行：{}",
                certificate_dates(certificates, lang)
            ),
        },
        Event::SignatureCertificateRevoked { reason, .. } => {
            let why = labels::revocation(*reason).get(lang);
            match lang {
                Lang::En => format!("revokes the signature certificate ({why})"),
                Lang::Ja => format!("署名用電子証明書を失効させる（{why}）"),
            }
        }
        Event::MyNumberCardExpired { valid_through, .. } => match lang {
            Lang::En => {
                format!("records that the My Number card lapsed (valid through {valid_through})")
            }
            Lang::Ja => format!("個人番号カードの失効を記録（有効期限 {valid_through}）"),
        },
        Event::MyNumberCardInvalidated {
            reason,
            tokutei_card,
            ..
        } => match (lang, tokutei_card.is_some()) {
            (Lang::En, true) => format!(
                "invalidates the Tokutei card's My Number functions: {}",
                invalidation_en(*reason)
            ),
            (Lang::En, false) => format!(
                "invalidates the separate My Number card: {}",
                invalidation_en(*reason)
            ),
            (Lang::Ja, true) => format!(
                "特定在留カードのマイナンバーカード機能を失効させる：{}",
                labels::invalidation(*reason).ja
            ),
            (Lang::Ja, false) => format!(
                "個人番号カードを失効させる：{}",
                labels::invalidation(*reason).ja
            ),
        },
        Event::TokuteiProductionStarted { kind, ready_on, .. } => {
            let kind = card(*kind, lang);
            match lang {
                Lang::En => format!("starts producing the {kind} (ready {ready_on})"),
                Lang::Ja => format!("{kind}の作成を開始（完成予定 {ready_on}）"),
            }
        }
        Event::ProductionQueued {
            kind, starts_on, ..
        } => {
            let kind = card(*kind, lang);
            match lang {
                Lang::En => format!(
                    "has no production place left today: the {kind} waits, its production starts on {starts_on}"
                ),
                Lang::Ja => format!("本日の作成枠が満了：{kind}の作成は{starts_on}に開始"),
            }
        }
        Event::TokuteiCardProduced { kind, .. } => {
            let kind = card(*kind, lang);
            match lang {
                Lang::En => format!("has produced the {kind} and sends it to the bureau"),
                Lang::Ja => format!("{kind}を作成し、入管に送付"),
            }
        }
        Event::MyNumberCardProductionStarted { ready_on, .. } => match lang {
            Lang::En => format!("starts producing a new My Number card (ready {ready_on})"),
            Lang::Ja => format!("個人番号カードの作成を開始（完成予定 {ready_on}）"),
        },
        Event::MyNumberCardProduced { .. } => match lang {
            Lang::En => {
                "has produced the new My Number card and sends it to the city hall".to_owned()
            }
            Lang::Ja => "個人番号カードを作成し、市区町村に送付".to_owned(),
        },
        Event::MyNumberCardActivated {
            card, certificates, ..
        } => match lang {
            Lang::En => format!(
                "activates the new My Number card, valid through {}; certificates: {}",
                card.valid_through,
                certificate_dates(certificates, lang)
            ),
            Lang::Ja => format!(
                "新しい個人番号カードの利用を開始（有効期限 {}）。電子証明書：{}",
                card.valid_through,
                certificate_dates(certificates, lang)
            ),
        },
        Event::MyNumberFunctionsActivated { valid_through, .. } => match lang {
            Lang::En => {
                format!("activates My Number functions on the Tokutei card through {valid_through}")
            }
            Lang::Ja => {
                format!("特定在留カードにマイナンバーカード機能を付与（有効期限 {valid_through}）")
            }
        },
        Event::MyNumberFunctionsExpired { valid_through, .. } => match lang {
            Lang::En => format!(
                "records that the Tokutei card's My Number functions lapsed (valid through {valid_through})"
            ),
            Lang::Ja => format!(
                "特定在留カードのマイナンバーカード機能の失効を記録（有効期限 {valid_through}）"
            ),
        },
        Event::MyNumberFunctionsSuspended { tokutei_card, .. } => {
            match (lang, tokutei_card.is_some()) {
                (Lang::En, true) => {
                    "suspends the My Number functions of the lost Tokutei card".to_owned()
                }
                (Lang::En, false) => {
                    "suspends the My Number functions of the lost My Number card".to_owned()
                }
                (Lang::Ja, true) => "特定在留カードのマイナンバーカード機能を一時停止".to_owned(),
                (Lang::Ja, false) => "個人番号カードのマイナンバーカード機能を一時停止".to_owned(),
            }
        }
        Event::PinLocked { .. } => match lang {
            Lang::En => {
                "records that the user-authentication PIN locked after wrong tries".to_owned()
            }
            Lang::Ja => "利用者証明用の暗証番号がロックされた".to_owned(),
        },
        Event::PinUnlocked { .. } => match lang {
            Lang::En => "unlocks the PIN".to_owned(),
            Lang::Ja => "暗証番号のロックを解除".to_owned(),
        },
        other => unreachable!("{MISROUTED}: {}", other.type_name()),
    }
}

/// Why a card or a Tokutei card's functions were invalidated. The sentence already names the
/// Tokutei card's functions, so a replacement by a standard card says what became of the card.
fn invalidation_en(reason: InvalidationReason) -> &'static str {
    match reason {
        InvalidationReason::ReplacedByStandardCard => {
            "the Tokutei card was replaced by a standard card"
        }
        InvalidationReason::ReplacedByTokutei
        | InvalidationReason::ContinuityNotConfirmed
        | InvalidationReason::LateMoveInAfterCardBasedMoveOut
        | InvalidationReason::ReportedLost
        | InvalidationReason::RegisterEntryDeleted
        | InvalidationReason::MovedAbroad => labels::invalidation(reason).en,
    }
}
