//! One Japanese sentence per event: the counterpart of `describe.rs` for Japanese reports.
//!
//! The rule behind an event is language-independent and comes from `describe::describe`; this
//! module only words the fact. An exhaustive `match`, so a new event type does not compile until
//! it has its Japanese sentence. My Numbers are written only in their masked form.

use chrono::NaiveDate;
use model::card::CardKind;
use model::event::Event;

use crate::labels::{self, Lang};

const JA: Lang = Lang::Ja;

fn card(kind: CardKind) -> &'static str {
    labels::card_kind(kind).ja
}

fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string())
        .unwrap_or_else(|| "なし".to_owned())
}

fn cards(kinds: &[CardKind]) -> String {
    if kinds.is_empty() {
        return "どのカードにも記載なし".to_owned();
    }
    let names: Vec<&str> = kinds.iter().map(|k| card(*k)).collect();
    format!("{}に記載", names.join("と"))
}

/// What an event says, in Japanese.
pub fn describe_ja(event: &Event) -> String {
    match event {
        Event::CounterVisited {
            office,
            municipality,
            procedure,
            ..
        } => {
            let place = labels::office(*office).ja;
            match municipality {
                Some(m) => format!(
                    "{m}（{place}）の窓口に来訪：{}",
                    labels::procedure(*procedure).ja
                ),
                None => format!("{place}に来訪：{}", labels::procedure(*procedure).ja),
            }
        }
        Event::ProcedureRefused {
            procedure, rule, ..
        } => format!(
            "{}を受け付けない：{}",
            labels::procedure(*procedure).ja,
            labels::refusal(rule, JA)
        ),
        Event::DeadlineMissed {
            duty,
            deadline,
            consequence,
            ..
        } => format!(
            "期限の徒過を記録（{}、期限 {deadline}）：{}",
            labels::duty(*duty).ja,
            labels::consequence(*consequence).ja
        ),
        Event::ImmigrationRecordOpened {
            status,
            period_expiry,
            card: c,
            ..
        } => {
            let mut s = format!("記録：{}", labels::status(*status).ja);
            if let Some(e) = period_expiry {
                s.push_str(&format!("、在留期間の満了日 {e}"));
            }
            if let Some(c) = c {
                s.push_str(&format!(
                    "、{} {}（有効期限 {}）",
                    card(c.kind),
                    c.number,
                    c.valid_through
                ));
            }
            s
        }
        Event::ExtensionApplied {
            channel,
            expiry_at_filing,
            ..
        } => format!(
            "在留期間更新許可申請を受け付ける（{}、在留期間の満了日 {}）",
            labels::channel(*channel).ja,
            date(*expiry_at_filing)
        ),
        Event::TokuteiApplicationAccepted { attached_to, .. } => format!(
            "{}に併せた特定在留カード等交付申請を受け付ける",
            labels::procedure(*attached_to).ja
        ),
        Event::TokuteiApplicationRefused {
            attached_to, rule, ..
        } => format!(
            "特定在留カード等交付申請を受け付けない（{}）。{}は続行",
            labels::refusal(rule, JA),
            labels::procedure(*attached_to).ja
        ),
        Event::ExtensionGranted { new_expiry, .. } => {
            format!("在留期間の更新を許可（新しい満了日 {new_expiry}）")
        }
        Event::ExtensionRefused { .. } => "在留期間の更新を許可しない".to_owned(),
        Event::TokuteiCardRequested {
            kind,
            valid_through,
            collect_at,
            ..
        } => format!(
            "J-LISに{}（有効期限 {valid_through}）の作成を依頼（{}で交付）",
            card(*kind),
            labels::office(*collect_at).ja
        ),
        Event::CardReadyForCollection { kind, at, .. } => format!(
            "{}の交付準備ができた（{}で受領）",
            card(*kind),
            labels::office(*at).ja
        ),
        Event::PeriodOfStayExtended {
            previous_expiry,
            new_expiry,
            ..
        } => format!(
            "在留期間を更新：満了日 {} → {new_expiry}",
            date(*previous_expiry)
        ),
        Event::ResidenceCardIssued {
            card: c, replaces, ..
        } => {
            let mut s = format!(
                "{}を交付（番号 {}、有効期限 {}",
                card(c.kind),
                c.number,
                c.valid_through
            );
            if let Some(r) = replaces {
                s.push_str(&format!("、旧カード {r} に代わる"));
            }
            s.push('）');
            s
        }
        Event::AddressRecorded {
            municipality,
            address,
            ..
        } => format!("新しい住居地を記録：{address}、{municipality}"),
        Event::StatusChangeApplied {
            to,
            channel,
            expiry_at_filing,
            ..
        } => format!(
            "在留資格変更許可申請を受け付ける（{}へ、{}、在留期間の満了日 {}）",
            labels::status(*to).ja,
            labels::channel(*channel).ja,
            date(*expiry_at_filing)
        ),
        Event::StatusChangeGranted { to, new_expiry, .. } => format!(
            "在留資格の変更を許可（{}、在留期間の満了日 {new_expiry}）",
            labels::status(*to).ja
        ),
        Event::PermanentResidenceApplied { channel, .. } => format!(
            "永住許可申請を受け付ける（{}）",
            labels::channel(*channel).ja
        ),
        Event::PermanentResidenceGranted { .. } => "永住を許可".to_owned(),
        Event::ApplicationRefused { procedure, .. } => {
            format!("{}を許可しない", labels::procedure(*procedure).ja)
        }
        Event::ApplicationSuperseded { procedure, .. } => format!(
            "永住者には在留期間がないため、係属中の{}を終了する",
            labels::procedure(*procedure).ja
        ),
        Event::StatusChanged {
            from,
            to,
            new_expiry,
            ..
        } => {
            let mut s = format!(
                "在留資格を変更：{} → {}",
                labels::status(*from).ja,
                labels::status(*to).ja
            );
            if let Some(e) = new_expiry {
                s.push_str(&format!("（在留期間の満了日 {e}）"));
            }
            s
        }
        Event::CardApplicationReceived {
            procedure, reissue, ..
        } => match reissue {
            Some(r) => format!(
                "{}を受け付ける（{}）",
                labels::procedure(*procedure).ja,
                labels::reissue_reason(*r).ja
            ),
            None => format!("{}を受け付ける", labels::procedure(*procedure).ja),
        },
        Event::ItemChangeNotified {
            item, changed_on, ..
        } => format!(
            "{}の変更を記録（変更日 {changed_on}）",
            labels::changed_item(*item).ja
        ),
        Event::TokuteiCardReturned { card_number, .. } => {
            format!("特定在留カード {card_number} の返納を受ける")
        }
        Event::Landed {
            port, card_at_port, ..
        } => format!(
            "{port}で上陸を許可（{}）",
            if *card_at_port {
                "在留カードは港で交付"
            } else {
                "在留カードは住居地届出の後に交付"
            }
        ),
        Event::ResidentRegistered {
            municipality,
            address,
            my_number,
            my_number_card,
            ..
        } => format!(
            "住民票：{address}、{municipality}。個人番号 {my_number}。{}",
            match my_number_card {
                Some(c) => format!("個人番号カードの有効期限 {}", c.valid_through),
                None => "個人番号カードなし".to_owned(),
            }
        ),
        Event::MovedWithinMunicipality {
            address,
            written_on,
            ..
        } => format!("{address}への転居を記録し、{}", cards(written_on)),
        Event::MoveOutRecorded {
            to,
            planned_on,
            card_based,
            ..
        } => format!(
            "{to}への転出（予定日 {planned_on}）を記録{}",
            if *card_based {
                "（マイナンバーカードによる特例転出、オンライン）"
            } else {
                ""
            }
        ),
        Event::MoveInRecorded {
            municipality,
            address,
            written_on,
            ..
        } => format!(
            "{address}、{municipality}への転入を記録し、{}",
            cards(written_on)
        ),
        Event::RegisterEntryClosed { municipality, .. } => {
            format!("{municipality}の住民票を消除")
        }
        Event::ImmigrationDataUpdated {
            period_expiry,
            card_number,
            ..
        } => format!(
            "入管の通知により住民票を更新：在留期間の満了日 {}、在留カード番号 {}",
            date(*period_expiry),
            card_number
                .map(|n| n.to_string())
                .unwrap_or_else(|| "なし".to_owned())
        ),
        Event::MyNumberCardValidityChanged {
            previous,
            valid_through,
            ..
        } => format!("個人番号カードの有効期間を変更：{previous} → {valid_through}"),
        Event::ResidenceNotified {
            municipality,
            address,
            my_number,
            ..
        } => format!(
            "住居地届出を受け、住民票を作成：{address}、{municipality}。個人番号 {my_number}"
        ),
        Event::ApplicationForwarded {
            procedure, tokutei, ..
        } => format!(
            "{}{}を入管に送付",
            labels::procedure(*procedure).ja,
            if *tokutei {
                "（特定在留カード等交付申請付き）"
            } else {
                ""
            }
        ),
        Event::MyNumberCardSpecialPeriodExtended {
            previous,
            valid_through,
            ..
        } => format!("個人番号カードの有効期間を特例期間延長：{previous} → {valid_through}"),
        Event::RegisterItemUpdated { item, .. } => {
            format!("住民票の{}を更新", labels::changed_item(*item).ja)
        }
        Event::PinResetAtCounter { .. } => "窓口で暗証番号を再設定".to_owned(),
        Event::MyNumberContinuityDue { deadline, .. } => {
            format!("個人番号カードの継続利用の期限を記録：{deadline}まで")
        }
        Event::MyNumberContinuityConfirmed { municipality, .. } => {
            format!("{municipality}で個人番号カードの継続利用を確認")
        }
        Event::MyNumberCardWithdrawn { reason, .. } => format!(
            "個人番号カードを記録から抹消（{}）",
            labels::invalidation(*reason).ja
        ),
        Event::CardIssuerRecordOpened {
            my_number_card,
            certificates,
            ..
        } => match my_number_card {
            Some(c) => format!(
                "記録：個人番号カード（有効期限 {}）。署名用電子証明書 {}、利用者証明用電子証明書 {}",
                c.valid_through,
                date(certificates.signature_through),
                date(certificates.user_auth_through)
            ),
            None => "個人番号カードの記録なし".to_owned(),
        },
        Event::MyNumberCardValidityRecorded { valid_through, .. } => {
            format!("個人番号カードの新しい有効期限 {valid_through} を記録")
        }
        Event::CertificatesIssued { certificates, .. } => format!(
            "電子証明書を発行：署名用 {}、利用者証明用 {}",
            date(certificates.signature_through),
            date(certificates.user_auth_through)
        ),
        Event::SignatureCertificateRevoked { reason, .. } => format!(
            "署名用電子証明書を失効させる（{}）",
            labels::revocation(*reason).ja
        ),
        Event::MyNumberCardExpired { valid_through, .. } => {
            format!("個人番号カードの失効を記録（有効期限 {valid_through}）")
        }
        Event::MyNumberCardInvalidated {
            reason,
            tokutei_card,
            ..
        } => format!(
            "{}を失効させる：{}",
            if tokutei_card.is_some() {
                "特定在留カードのマイナンバーカード機能"
            } else {
                "個人番号カード"
            },
            labels::invalidation(*reason).ja
        ),
        Event::TokuteiProductionStarted { kind, ready_on, .. } => {
            format!("{}の作成を開始（完成予定 {ready_on}）", card(*kind))
        }
        Event::TokuteiCardProduced { kind, .. } => {
            format!("{}を作成し、入管に送付", card(*kind))
        }
        Event::MyNumberFunctionsActivated { valid_through, .. } => {
            format!("特定在留カードにマイナンバーカード機能を付与（有効期限 {valid_through}）")
        }
        Event::MyNumberFunctionsExpired { valid_through, .. } => format!(
            "特定在留カードのマイナンバーカード機能の失効を記録（有効期限 {valid_through}）"
        ),
        Event::MyNumberFunctionsSuspended { tokutei_card, .. } => format!(
            "{}のマイナンバーカード機能を一時停止",
            if tokutei_card.is_some() {
                "特定在留カード"
            } else {
                "個人番号カード"
            }
        ),
        Event::PinLocked { .. } => "利用者証明用の暗証番号がロックされた".to_owned(),
        Event::PinUnlocked { .. } => "暗証番号のロックを解除".to_owned(),
        Event::LossReported {
            lost_on, receipt, ..
        } => format!("遺失届を受理（紛失日 {lost_on}、受理番号 {receipt}）"),
    }
}

/// The sentence for `event` in `lang`, and the rule behind it (a domain-rules section).
pub fn sentence(event: &Event, lang: Lang) -> (String, Option<&'static str>) {
    let (en, rule) = crate::describe::describe(event);
    match lang {
        Lang::En => (en, rule),
        Lang::Ja => (describe_ja(event), rule),
    }
}
