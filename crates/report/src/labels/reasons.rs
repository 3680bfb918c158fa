//! Labels for the reasons and rules events carry: duties and what missing them costs, why a
//! card was invalidated, a certificate revoked or a card reissued, and why an office refused.

use model::procedure::{ChangedItem, MyNumberCardReissueReason, ReissueReason};
use model::rules::{Consequence, Duty, InvalidationReason, RefusalRule, RevocationReason};
use model::validity::RefusalReason;

use super::{Label, Lang, l, status};

/// A duty with a deadline (§10).
pub fn duty(d: Duty) -> Label {
    match d {
        Duty::MoveInNotification => l(
            "move-in notification within 14 days",
            "転入届（転入後14日以内）",
        ),
        Duty::MoveWithinNotification => l(
            "address-change notification within 14 days",
            "転居届（転居後14日以内）",
        ),
        Duty::MyNumberContinuity => l(
            "My Number card continued use within 90 days",
            "個人番号カードの継続利用（転入届から90日以内）",
        ),
        Duty::MoveInAfterCardBasedMoveOut => l(
            "move-in within 14 days of moving / 30 days of the planned move-out",
            "特例転出後の転入届（転入後14日以内・転出予定日から30日以内）",
        ),
        Duty::ResidenceNotification => l(
            "residence notification within 14 days (of landing, or of a change of status)",
            "住居地届出（上陸後、または在留資格変更の許可から14日以内）",
        ),
        Duty::ItemChangeNotification => l(
            "item-change notification within 14 days",
            "記載事項変更届出（14日以内）",
        ),
        Duty::LossReissue => l(
            "reissue application within 14 days of learning of the loss",
            "紛失等による再交付申請（紛失を知った日から14日以内）",
        ),
        Duty::CardRenewal => l(
            "card renewal before the card expires",
            "有効期間満了前の在留カード有効期間更新申請",
        ),
        Duty::BirthNotification => l(
            "birth notification within 14 days, the day of birth counted",
            "出生届（出生の日を含め14日以内）",
        ),
        Duty::StatusAcquisitionApplication => l(
            "application for a status of residence within 30 days of the birth",
            "在留資格取得許可申請（出生の日から30日以内）",
        ),
    }
}

/// What a missed deadline costs.
pub fn consequence(c: Consequence) -> Label {
    match c {
        Consequence::PenaltyExposure => l(
            "penalty exposure flagged, filing accepted",
            "罰則の対象となり得る（届出は受理）",
        ),
        Consequence::MyNumberCardLapses => {
            l("the My Number card lapses", "個人番号カードが失効する")
        }
        Consequence::ExplanationRequired => l(
            "a written reason for the delay is required, and the status applied for is at risk (application received)",
            "遅延の理由書が必要で、希望する在留資格が許可されないおそれがある（申請は受理）",
        ),
    }
}

/// Why a My Number card (or a Tokutei card's functions) was invalidated.
pub fn invalidation(r: InvalidationReason) -> Label {
    match r {
        InvalidationReason::ReplacedByTokutei => {
            l("replaced by the Tokutei card", "特定在留カードへの切替え")
        }
        InvalidationReason::RegisterEntryDeleted => {
            l("the register entry was deleted", "住民票が消除された")
        }
        InvalidationReason::MovedAbroad => l(
            "the resident moved abroad (register entry closed)",
            "国外転出（住民票の消除）",
        ),
        InvalidationReason::ContinuityNotConfirmed => l(
            "continued use not confirmed within 90 days",
            "90日以内に継続利用の手続がなかった",
        ),
        InvalidationReason::LateMoveInAfterCardBasedMoveOut => l(
            "move-in too late after a card-based move-out",
            "特例転出後の転入届が遅れた",
        ),
        InvalidationReason::ReplacedByStandardCard => {
            l("replaced by a standard card", "標準の在留カードへの切替え")
        }
        InvalidationReason::ReportedLost => {
            l("reported lost at the city hall", "市区町村への紛失届")
        }
    }
}

/// Why a signature certificate was revoked (§8.5).
pub fn revocation(r: RevocationReason) -> Label {
    match r {
        RevocationReason::AddressChanged => l("the address changed", "住所の変更"),
        RevocationReason::ItemChanged { item } => match item {
            ChangedItem::Name => l("the name changed", "氏名の変更"),
            ChangedItem::Sex => l("the sex changed", "性別の変更"),
            ChangedItem::DateOfBirth => l("the date of birth changed", "生年月日の変更"),
            ChangedItem::Nationality => l("the nationality or region changed", "国籍・地域の変更"),
        },
    }
}

/// A recorded item other than the address (§5.9).
pub fn changed_item(i: ChangedItem) -> Label {
    match i {
        ChangedItem::Name => l("name", "氏名"),
        ChangedItem::Nationality => l("nationality or region", "国籍・地域"),
        ChangedItem::DateOfBirth => l("date of birth", "生年月日"),
        ChangedItem::Sex => l("sex", "性別"),
    }
}

/// Why a card is reissued (§5.10, §5.11).
pub fn reissue_reason(r: ReissueReason) -> Label {
    match r {
        ReissueReason::Damaged => l("damaged or soiled", "汚損・毀損"),
        ReissueReason::OnRequest => l("exchange on request", "交換希望"),
        ReissueReason::Lost { .. } => l("lost or stolen", "紛失・盗難"),
    }
}

/// Why a new separate My Number card is applied for (§5.11, §8.4).
pub fn my_number_card_reissue_reason(r: MyNumberCardReissueReason) -> Label {
    match r {
        MyNumberCardReissueReason::Lost { .. } => l("after a loss", "紛失による"),
        MyNumberCardReissueReason::Lapsed => l("after it lapsed", "失効後の"),
    }
}

/// Why a municipality refused a My Number card validity procedure.
pub fn refusal_reason(r: RefusalReason) -> Label {
    match r {
        RefusalReason::CardAlreadyExpired => l(
            "the card has already expired; a new card must be issued",
            "カードの有効期間が既に満了している（再交付が必要）",
        ),
        RefusalReason::SecondSpecialExtension => l(
            "the card was already extended once for the special period",
            "特例期間延長は一度しかできない",
        ),
        RefusalReason::ApplicationNotFiledBeforeExpiry => l(
            "the residence application was not filed by the period-of-stay expiry",
            "在留期間の満了日までに在留申請をしていない",
        ),
        RefusalReason::NoPendingApplication => l(
            "there is no pending residence application",
            "審査中の在留申請がない",
        ),
        RefusalReason::PeriodNotYetNotified => l(
            "the register does not know the new period yet (the bureau's notice has not arrived); come back",
            "新しい在留期間の通知（出入国在留管理庁から）がまだ届いていない（後日再来庁）",
        ),
        RefusalReason::CardStillValid => l(
            "the card has not lapsed: it needs a validity change, not a new card",
            "カードは失効していない（再交付ではなく有効期間変更が必要）",
        ),
    }
}

/// Why an office refused something, with the rule's parameters, without the section (the
/// caller cites [`RefusalRule::section`] itself).
pub fn refusal(rule: &RefusalRule, lang: Lang) -> String {
    let fixed = |label: Label| label.get(lang).to_owned();
    match rule {
        RefusalRule::TokuteiNotInRegime => fixed(l(
            "no Tokutei card exists in the legacy regime",
            "従来制度には特定在留カードがない",
        )),
        RefusalRule::TokuteiBeforeStartDate { start_date } => match lang {
            Lang::En => format!("the Tokutei card starts on {start_date}"),
            Lang::Ja => format!("特定在留カードの制度は{start_date}から"),
        },
        RefusalRule::TokuteiCounterNotOpen { opens_on } => match lang {
            Lang::En => format!("this counter accepts Tokutei applications from {opens_on}"),
            Lang::Ja => format!("この窓口での特定在留カードの申請受付は{opens_on}から"),
        },
        RefusalRule::TokuteiOnline => fixed(l(
            "a Tokutei application cannot be made online",
            "特定在留カードはオンラインでは申請できない",
        )),
        RefusalRule::TokuteiAtPortOfEntry => fixed(l(
            "a Tokutei application cannot be made at the port of entry",
            "出入国港では特定在留カードを申請できない",
        )),
        RefusalRule::TokuteiNotOfferedHere => fixed(l(
            "this municipality does not yet accept Tokutei applications",
            "この市区町村ではまだ特定在留カードの申請を受け付けていない",
        )),
        RefusalRule::TokuteiStandAlone => fixed(l(
            "a Tokutei application must be attached to another procedure",
            "特定在留カードの申請は他の手続に併せて行う",
        )),
        RefusalRule::TokuteiNotMidToLongTerm { status: s } => match lang {
            Lang::En => format!(
                "only mid-to-long-term and special permanent residents may apply ({})",
                status(*s).en
            ),
            Lang::Ja => format!(
                "申請できるのは中長期在留者と特別永住者のみ（{}）",
                status(*s).ja
            ),
        },
        RefusalRule::TokuteiNotInResidentRegister => fixed(l(
            "the applicant is not recorded in the Basic Resident Register",
            "住民基本台帳に記録されていない",
        )),
        RefusalRule::NothingPending => fixed(l(
            "nothing is pending for this resident",
            "処理中の手続がない",
        )),
        RefusalRule::NoPeriodOfStay => fixed(l(
            "the status has no period of stay to extend",
            "更新する在留期間がない在留資格である",
        )),
        RefusalRule::AlreadyPending => fixed(l(
            "an application is already pending",
            "同じ申請が既に審査中",
        )),
        RefusalRule::NotRegisteredHere => fixed(l(
            "the resident is not registered at this municipality",
            "この市区町村に住民登録がない",
        )),
        RefusalRule::NoMyNumberCard => fixed(l(
            "the resident holds no My Number card",
            "個人番号カードを持っていない",
        )),
        RefusalRule::HoldsTokuteiCard => fixed(l(
            "a Tokutei card's validity follows the residence card",
            "特定在留カードの有効期間は在留カードの有効期間に従う",
        )),
        RefusalRule::Validity { reason } => fixed(refusal_reason(*reason)),
        RefusalRule::RenewalWindowNotOpen { opens_on } => match lang {
            Lang::En => format!("the renewal window opens on {opens_on}"),
            Lang::Ja => format!("更新申請の受付は{opens_on}から"),
        },
        RefusalRule::NotRenewable => fixed(l(
            "this card's validity follows the period of stay: extend the stay instead",
            "このカードの有効期間は在留期間に従う（在留期間更新許可申請による）",
        )),
        RefusalRule::PoliceReportMissing => fixed(l(
            "a reissue after loss needs the police report's receipt number",
            "紛失による再交付には警察の受理番号が必要",
        )),
        RefusalRule::WrongOfficeForStatus => fixed(l(
            "special permanent residents' certificates are handled at the municipality, other residents' cards at the bureau",
            "特別永住者証明書の手続は市区町村で、その他の在留カードの手続は入管で行う",
        )),
        RefusalRule::NotExpectedHere => fixed(l(
            "this person is not awaiting this procedure here",
            "この手続の対象者ではない",
        )),
        RefusalRule::PinResetOnlyAtMunicipality => fixed(l(
            "PINs are reset at the municipal window",
            "暗証番号の再設定は市区町村の窓口で行う",
        )),
        RefusalRule::NotInRegisterScope { status: s } => match lang {
            Lang::En => format!(
                "the resident register takes only mid-to-long-term and special permanent residents ({})",
                status(*s).en
            ),
            Lang::Ja => format!(
                "住民基本台帳に記録されるのは中長期在留者と特別永住者のみ（{}）",
                status(*s).ja
            ),
        },
        RefusalRule::StatusAcquisitionAfterSixtyDays { born_on } => match lang {
            Lang::En => format!(
                "a child born on {born_on} may stay without a status for 60 days only: the application is too late"
            ),
            Lang::Ja => format!(
                "{born_on}に出生した子が在留資格なしで在留できるのは60日まで（申請期限を過ぎている）"
            ),
        },
        RefusalRule::UsePermanentResidenceApplication => fixed(l(
            "a change to permanent residence is a permanent residence application",
            "永住者への変更は永住許可申請による",
        )),
        RefusalRule::TokuteiNotForLossReissue => fixed(l(
            "a lost card is replaced by a standard card, without My Number functions",
            "紛失後は標準の在留カード（マイナンバー機能なし）で再交付される",
        )),
    }
}
