//! English and Japanese labels for everything a teaching report names: offices, services,
//! procedures, cards, statuses, event types, refusal rules, duties and the rest.
//!
//! Every function here is an exhaustive `match` without a wildcard arm, and every arm gives
//! both languages at once, so that a variant added to the model later does not compile until
//! it is labelled in both. The Japanese terms are the official ones domain-rules.md uses
//! (在留期間更新許可申請, 転居届, 特定在留カード, 個人番号カード, 出入国在留管理庁 …).

use model::card::CardKind;
use model::event::Event;
use model::policy::Regime;
use model::procedure::{ChangedItem, Procedure, ReissueReason};
use model::rules::{Consequence, Duty, InvalidationReason, RefusalRule, RevocationReason};
use model::service::{Channel, Office, Service};
use model::status::Status;
use model::validity::{CertificateKind, RefusalReason};

/// The language of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Ja,
}

impl Lang {
    /// The BCP 47 tag, for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }
}

/// A label in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    pub en: &'static str,
    pub ja: &'static str,
}

impl Label {
    pub const fn new(en: &'static str, ja: &'static str) -> Label {
        Label { en, ja }
    }

    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Ja => self.ja,
        }
    }
}

const fn l(en: &'static str, ja: &'static str) -> Label {
    Label::new(en, ja)
}

/// A place a resident goes.
pub fn office(o: Office) -> Label {
    match o {
        Office::ImmigrationBureau => l("immigration bureau", "出入国在留管理庁"),
        Office::CityHall => l("city hall", "市区町村"),
        Office::Police => l("police", "警察"),
        Office::CallCentre => l("My Number call centre", "マイナンバー総合フリーダイヤル"),
    }
}

/// A record-keeping office of the simulation.
pub fn service(s: Service) -> Label {
    match s {
        Service::ImmigrationBureau => l("immigration bureau", "出入国在留管理庁"),
        Service::CityHall => l("city hall", "市区町村"),
        Service::CardIssuer => l("J-LIS", "地方公共団体情報システム機構（J-LIS）"),
        Service::Police => l("police", "警察"),
    }
}

/// A short form of [`service`] for narrow places (diagram headers).
pub fn service_short(s: Service) -> Label {
    match s {
        Service::ImmigrationBureau => l("immigration bureau", "入管"),
        Service::CityHall => l("city hall", "市区町村"),
        Service::CardIssuer => l("J-LIS", "J-LIS"),
        Service::Police => l("police", "警察"),
    }
}

/// What a resident comes to do.
pub fn procedure(p: Procedure) -> Label {
    match p {
        Procedure::Landing => l("landing", "上陸"),
        Procedure::ResidenceNotification => l("first residence notification", "住居地届出"),
        Procedure::Extension => l("period-of-stay extension", "在留期間更新許可申請"),
        Procedure::StatusChange => l("change of status", "在留資格変更許可申請"),
        Procedure::PermanentResidence => l("permanent residence application", "永住許可申請"),
        Procedure::CardRenewal => l("card validity renewal", "在留カード有効期間更新申請"),
        Procedure::SprCertificateRenewal => l(
            "SPR certificate renewal",
            "特別永住者証明書の有効期間更新申請",
        ),
        Procedure::ItemChange => l(
            "change of a non-address item",
            "住居地以外の記載事項変更届出",
        ),
        Procedure::Reissue => l("card reissue", "在留カードの再交付申請"),
        Procedure::LossReissue => l("reissue after loss", "紛失等による再交付申請"),
        Procedure::LossReport => l("loss report", "遺失届"),
        Procedure::MyNumberSuspension => l(
            "suspension of My Number functions",
            "マイナンバーカード機能の一時停止",
        ),
        Procedure::TokuteiApplication => l("Tokutei card application", "特定在留カード等交付申請"),
        Procedure::CardCollection => l("card collection", "カードの受領"),
        Procedure::MoveWithinMunicipality => l("address change within the municipality", "転居届"),
        Procedure::MoveOut => l("move-out notification", "転出届"),
        Procedure::MoveIn => l("move-in notification", "転入届"),
        Procedure::MyNumberValidityChange => l(
            "My Number card validity change",
            "個人番号カードの有効期間変更",
        ),
        Procedure::MyNumberSpecialPeriodExtension => l(
            "My Number card special-period extension",
            "個人番号カードの特例期間延長",
        ),
        Procedure::MyNumberContinuity => {
            l("My Number card continued use", "個人番号カードの継続利用")
        }
        Procedure::PinReset => l("PIN reset", "暗証番号の再設定"),
    }
}

/// A kind of card.
pub fn card_kind(k: CardKind) -> Label {
    match k {
        CardKind::ResidenceCard => l("residence card", "在留カード"),
        CardKind::NewFormatResidenceCard => l("new-format residence card", "新様式の在留カード"),
        CardKind::SprCertificate => l("SPR certificate", "特別永住者証明書"),
        CardKind::NewFormatSprCertificate => {
            l("new-format SPR certificate", "新様式の特別永住者証明書")
        }
        CardKind::TokuteiResidenceCard => l("Tokutei residence card", "特定在留カード"),
        CardKind::TokuteiSprCertificate => l("Tokutei SPR certificate", "特定特別永住者証明書"),
        CardKind::MyNumberCard => l("My Number card", "個人番号カード"),
    }
}

/// A status of residence.
pub fn status(s: Status) -> Label {
    match s {
        Status::PermanentResident => l("permanent resident", "永住者"),
        Status::HighlySkilledProfessional2 => {
            l("highly skilled professional (ii)", "高度専門職2号")
        }
        Status::SpecialPermanentResident => l("special permanent resident", "特別永住者"),
        Status::HighlySkilledProfessional1 => l("highly skilled professional (i)", "高度専門職1号"),
        Status::EngineerSpecialistHumanities => l(
            "engineer / specialist in humanities / international services",
            "技術・人文知識・国際業務",
        ),
        Status::Student => l("student", "留学"),
        Status::Dependent => l("dependent", "家族滞在"),
        Status::SpouseOfJapanese => l("spouse or child of Japanese national", "日本人の配偶者等"),
        Status::SpouseOfPermanentResident => {
            l("spouse or child of permanent resident", "永住者の配偶者等")
        }
        Status::LongTermResident => l("long-term resident", "定住者"),
        Status::TechnicalIntern => l("technical intern training", "技能実習"),
        Status::SpecifiedSkilledWorker => l("specified skilled worker", "特定技能"),
        Status::BusinessManager => l("business manager", "経営・管理"),
        Status::OtherMidToLongTerm => l("other mid-to-long-term status", "その他の中長期在留資格"),
        Status::TemporaryVisitor => l("temporary visitor", "短期滞在"),
        Status::Diplomat => l("diplomat", "外交・公用"),
    }
}

/// How a procedure reached the office.
pub fn channel(c: Channel) -> Label {
    match c {
        Channel::Counter => l("in person", "窓口"),
        Channel::Online => l("online", "オンライン"),
        Channel::Airport => l("at the port of entry", "出入国港"),
    }
}

/// The regime a run simulates.
pub fn regime(r: Regime) -> Label {
    match r {
        Regime::Legacy => l(
            "legacy regime (residence card + separate My Number card)",
            "従来制度（在留カードと個人番号カードの2枚）",
        ),
        Regime::Integrated => l(
            "integrated regime (optional Tokutei card from 2026-06-14)",
            "一体化制度（2026年6月14日から特定在留カードを選択可）",
        ),
    }
}

/// A short form of [`regime`] for headings and table columns.
pub fn regime_short(r: Regime) -> Label {
    match r {
        Regime::Legacy => l("legacy", "従来制度"),
        Regime::Integrated => l("integrated", "一体化制度"),
    }
}

/// A JPKI certificate.
pub fn certificate(c: CertificateKind) -> Label {
    match c {
        CertificateKind::Signature => l("signature certificate", "署名用電子証明書"),
        CertificateKind::UserAuthentication => {
            l("user authentication certificate", "利用者証明用電子証明書")
        }
    }
}

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
            "residence notification within 14 days of landing",
            "住居地届出（住居地を定めてから14日以内）",
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
    }
}

/// Why a My Number card (or a Tokutei card's functions) was invalidated.
pub fn invalidation(r: InvalidationReason) -> Label {
    match r {
        InvalidationReason::ReplacedByTokutei => {
            l("replaced by the Tokutei card", "特定在留カードへの切替え")
        }
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
            ChangedItem::Nationality => l("the nationality changed", "国籍・地域の変更"),
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
            "special permanent residents' certificates are handled at the municipality",
            "特別永住者証明書の手続は市区町村で行う",
        )),
        RefusalRule::NotExpectedHere => fixed(l(
            "this person is not awaiting this procedure here",
            "この手続の対象者ではない",
        )),
        RefusalRule::PinResetOnlyAtMunicipality => fixed(l(
            "PINs are reset at the municipal window",
            "暗証番号の再設定は市区町村の窓口で行う",
        )),
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

/// The name of an event type: what kind of fact it is.
pub fn event_type(e: &Event) -> Label {
    match e {
        Event::CounterVisited { .. } => l("counter visit", "窓口への来訪"),
        Event::ProcedureRefused { .. } => l("procedure refused", "手続の不受理"),
        Event::DeadlineMissed { .. } => l("deadline missed", "期限の徒過"),
        Event::ImmigrationRecordOpened { .. } => l("bureau record (start)", "入管の記録（開始時）"),
        Event::ExtensionApplied { .. } => l(
            "extension application received",
            "在留期間更新許可申請の受付",
        ),
        Event::TokuteiApplicationAccepted { .. } => l(
            "Tokutei application accepted",
            "特定在留カード等交付申請の受付",
        ),
        Event::TokuteiApplicationRefused { .. } => l(
            "Tokutei application refused",
            "特定在留カード等交付申請の不受理",
        ),
        Event::ExtensionGranted { .. } => l("extension granted", "在留期間更新の許可"),
        Event::ExtensionRefused { .. } => l("extension refused", "在留期間更新の不許可"),
        Event::TokuteiCardRequested { .. } => l(
            "Tokutei card requested from J-LIS",
            "J-LISへの特定在留カード作成依頼",
        ),
        Event::CardReadyForCollection { .. } => {
            l("card ready for collection", "カードの交付準備完了")
        }
        Event::PeriodOfStayExtended { .. } => l("period of stay extended", "在留期間の更新"),
        Event::ResidenceCardIssued { .. } => l("card issued", "カードの交付"),
        Event::AddressRecorded { .. } => l("address recorded", "住居地の記録"),
        Event::StatusChangeApplied { .. } => l(
            "change-of-status application received",
            "在留資格変更許可申請の受付",
        ),
        Event::StatusChangeGranted { .. } => l("change of status granted", "在留資格変更の許可"),
        Event::PermanentResidenceApplied { .. } => l(
            "permanent residence application received",
            "永住許可申請の受付",
        ),
        Event::PermanentResidenceGranted { .. } => l("permanent residence granted", "永住許可"),
        Event::ApplicationRefused { .. } => l("application refused", "申請の不許可"),
        Event::ApplicationSuperseded { .. } => l("application closed as moot", "申請の終了"),
        Event::StatusChanged { .. } => l("status changed", "在留資格の変更"),
        Event::CardApplicationReceived { .. } => l("card application received", "カード申請の受付"),
        Event::ItemChangeNotified { .. } => l("item change recorded", "記載事項の変更"),
        Event::TokuteiCardReturned { .. } => l("Tokutei card returned", "特定在留カードの返納"),
        Event::Landed { .. } => l("landing", "上陸"),
        Event::ResidentRegistered { .. } => l("register entry (start)", "住民票（開始時）"),
        Event::MovedWithinMunicipality { .. } => l("move within the municipality", "転居の記録"),
        Event::MoveOutRecorded { .. } => l("move-out recorded", "転出の記録"),
        Event::MoveInRecorded { .. } => l("move-in recorded", "転入の記録"),
        Event::RegisterEntryClosed { .. } => l("register entry closed", "転出元の住民票の消除"),
        Event::ImmigrationDataUpdated { .. } => l(
            "register updated from the bureau's notice",
            "入管の通知による住民票の更新",
        ),
        Event::MyNumberCardValidityChanged { .. } => l(
            "My Number card validity changed",
            "個人番号カードの有効期間変更",
        ),
        Event::ResidenceNotified { .. } => l("residence notification", "住居地届出"),
        Event::ApplicationForwarded { .. } => {
            l("application forwarded to the bureau", "入管への申請の送付")
        }
        Event::MyNumberCardSpecialPeriodExtended { .. } => l(
            "My Number card special-period extension",
            "個人番号カードの特例期間延長",
        ),
        Event::RegisterItemUpdated { .. } => l("register item updated", "住民票の記載事項の更新"),
        Event::PinResetAtCounter { .. } => l("PIN reset at the window", "窓口での暗証番号の再設定"),
        Event::MyNumberContinuityDue { .. } => l("continued use due", "継続利用の期限"),
        Event::MyNumberContinuityConfirmed { .. } => l("continued use confirmed", "継続利用の確認"),
        Event::MyNumberCardWithdrawn { .. } => l(
            "My Number card removed from the register",
            "個人番号カードの記録の抹消",
        ),
        Event::CardIssuerRecordOpened { .. } => l("J-LIS record (start)", "J-LISの記録（開始時）"),
        Event::MyNumberCardValidityRecorded { .. } => l(
            "My Number card validity recorded",
            "個人番号カードの有効期間の記録",
        ),
        Event::CertificatesIssued { .. } => l("certificates issued", "電子証明書の発行"),
        Event::SignatureCertificateRevoked { .. } => {
            l("signature certificate revoked", "署名用電子証明書の失効")
        }
        Event::MyNumberCardExpired { .. } => {
            l("My Number card lapsed", "個人番号カードの失効（期間満了）")
        }
        Event::MyNumberCardInvalidated { .. } => {
            l("My Number card invalidated", "個人番号カード（機能）の失効")
        }
        Event::TokuteiProductionStarted { .. } => l(
            "Tokutei card production started",
            "特定在留カードの作成開始",
        ),
        Event::TokuteiCardProduced { .. } => l("Tokutei card produced", "特定在留カードの作成完了"),
        Event::MyNumberFunctionsActivated { .. } => l(
            "My Number functions activated",
            "マイナンバーカード機能の付与",
        ),
        Event::MyNumberFunctionsExpired { .. } => l(
            "My Number functions lapsed",
            "マイナンバーカード機能の失効（期間満了）",
        ),
        Event::MyNumberFunctionsSuspended { .. } => l(
            "My Number functions suspended",
            "マイナンバーカード機能の一時停止",
        ),
        Event::PinLocked { .. } => l("PIN locked", "暗証番号のロック"),
        Event::PinUnlocked { .. } => l("PIN unlocked", "暗証番号のロック解除"),
        Event::LossReported { .. } => l("loss reported", "遺失届の受理"),
    }
}

/// The words of the report itself: headings, captions, table rows.
#[derive(Debug)]
pub struct Ui {
    /// Punctuation: ": " / "：", ", " / "、", " (" / "（", ")" / "）".
    pub colon: &'static str,
    pub comma: &'static str,
    pub lp: &'static str,
    pub rp: &'static str,
    pub starting_state: &'static str,
    pub end_of_day: &'static str,
    pub unchanged: &'static str,
    pub in_person: &'static str,
    pub by_phone: &'static str,
    pub decides: &'static str,
    pub timer: &'static str,
    pub on_notice: &'static str,
    pub sent: &'static str,
    pub tells: &'static str,
    pub arrives: &'static str,
    pub after: &'static str,
    pub hands: &'static str,
    pub cards: &'static str,
    pub no_cards: &'static str,
    pub valid_through: &'static str,
    pub my_number: &'static str,
    pub usable: &'static str,
    pub not_usable: &'static str,
    pub no_functions: &'static str,
    pub certificates: &'static str,
    pub signature: &'static str,
    pub user_auth: &'static str,
    pub none: &'static str,
    pub residence: &'static str,
    pub lawful: &'static str,
    pub not_lawful: &'static str,
    pub special_until: &'static str,
    pub records: &'static str,
    pub agree: &'static str,
    pub disagree: &'static str,
    pub bureau_view: &'static str,
    pub city_hall_view: &'static str,
    pub chip_view: &'static str,
    pub period_expiry: &'static str,
    pub card_number: &'static str,
    pub status: &'static str,
    pub address: &'static str,
    pub municipality: &'static str,
    pub measures: &'static str,
    pub measures_for: &'static str,
    pub visits: &'static str,
    pub outage_days: &'static str,
    pub inconsistency_days: &'static str,
    pub special_period_days: &'static str,
    pub cards_produced: &'static str,
    pub deadline_misses: &'static str,
    pub refusals: &'static str,
    pub notifications: &'static str,
    pub events: &'static str,
    pub rules_cited: &'static str,
    pub outage_begins: &'static str,
    pub outage_ends: &'static str,
    pub disagreement_begins: &'static str,
    pub disagreement_ends: &'static str,
    pub special_begins: &'static str,
    pub special_ends: &'static str,
    pub no_events: &'static str,
    pub later: &'static str,
    pub days: &'static str,
    pub day: &'static str,
    pub seed: &'static str,
    pub compare: &'static str,
    pub resident: &'static str,
    pub prev: &'static str,
    pub next: &'static str,
    pub first: &'static str,
    pub last: &'static str,
    pub keys_hint: &'static str,
    pub step: &'static str,
    pub sequence: &'static str,
    pub timeline: &'static str,
    pub event_list: &'static str,
    pub legend_action: &'static str,
    pub legend_notice: &'static str,
    pub legend_handover: &'static str,
    pub legend_disagree: &'static str,
    pub legend_outage: &'static str,
    pub legend_special: &'static str,
    pub legend_change: &'static str,
    pub latency: &'static str,
    pub chip_separate: &'static str,
    pub chip_functions: &'static str,
    pub active: &'static str,
    pub lapsed: &'static str,
    pub invalidated: &'static str,
    pub suspended: &'static str,
    pub generated: &'static str,
}

const UI_EN: Ui = Ui {
    colon: ": ",
    comma: ", ",
    lp: " (",
    rp: ")",
    starting_state: "Starting state",
    end_of_day: "At the end of the day",
    unchanged: "card record unchanged",
    in_person: "in person",
    by_phone: "by phone",
    decides: "decides",
    timer: "at a time it had set itself",
    on_notice: "on the notice",
    sent: "sent",
    tells: "tells",
    arrives: "arrives",
    after: "after",
    hands: "hands over",
    cards: "cards",
    no_cards: "no valid card",
    valid_through: "valid through",
    my_number: "My Number",
    usable: "usable",
    not_usable: "NOT usable",
    no_functions: "no card with My Number functions",
    certificates: "certificates",
    signature: "signature",
    user_auth: "user authentication",
    none: "none",
    residence: "residence",
    lawful: "lawfully resident",
    not_lawful: "NOT lawfully resident",
    special_until: "special period until",
    records: "records",
    agree: "the bureau and the city hall agree",
    disagree: "the bureau and the city hall DISAGREE",
    bureau_view: "bureau",
    city_hall_view: "city hall",
    chip_view: "J-LIS (chip)",
    period_expiry: "period expiry",
    card_number: "card number",
    status: "status",
    address: "address",
    municipality: "municipality",
    measures: "Measures",
    measures_for: "Measures for",
    visits: "counter visits",
    outage_days: "My Number outage days",
    inconsistency_days: "inconsistency days",
    special_period_days: "special-period days",
    cards_produced: "cards produced",
    deadline_misses: "deadline misses",
    refusals: "refusals",
    notifications: "notifications",
    events: "events",
    rules_cited: "Rules cited (sections of docs/domain.md)",
    outage_begins: "from today the My Number functions are unusable although lawfully resident",
    outage_ends: "the My Number functions work again",
    disagreement_begins: "the offices' records disagree from today",
    disagreement_ends: "the offices' records agree again",
    special_begins: "lawfully resident only through the special period (§9)",
    special_ends: "the special period is over",
    no_events: "no event",
    later: "later",
    days: "days",
    day: "day",
    seed: "seed",
    compare: "Both regimes compared",
    resident: "resident",
    prev: "◀ back",
    next: "next ▶",
    first: "« start",
    last: "all »",
    keys_hint: "← → keys step, Home / End jump",
    step: "event",
    sequence: "Sequence diagram (vertical axis: simulated time; arrows slope with each message's latency)",
    timeline: "Card record: when each office's view changed (days on which something happens are drawn wider)",
    event_list: "What happened",
    legend_action: "resident → office",
    legend_notice: "notice between offices (§6)",
    legend_handover: "card handed over",
    legend_disagree: "bureau and city hall disagree",
    legend_outage: "My Number outage day",
    legend_special: "special-period day",
    legend_change: "view changed",
    latency: "latency",
    chip_separate: "My Number card",
    chip_functions: "Tokutei My Number functions",
    active: "active",
    lapsed: "lapsed",
    invalidated: "invalidated",
    suspended: "suspended",
    generated: "Generated by zairyu explain from",
};

const UI_JA: Ui = Ui {
    colon: "：",
    comma: "、",
    lp: "（",
    rp: "）",
    starting_state: "開始時の状態",
    end_of_day: "この日の終わり",
    unchanged: "カード記録に変化なし",
    in_person: "窓口",
    by_phone: "電話",
    decides: "が決定",
    timer: "が設定した期日の到来",
    on_notice: "通知を受けて",
    sent: "送信",
    tells: "通知",
    arrives: "到着",
    after: "所要",
    hands: "交付",
    cards: "カード",
    no_cards: "有効なカードなし",
    valid_through: "有効期限",
    my_number: "マイナンバー機能",
    usable: "利用可",
    not_usable: "利用不可",
    no_functions: "マイナンバー機能付きのカードなし",
    certificates: "電子証明書",
    signature: "署名用",
    user_auth: "利用者証明用",
    none: "なし",
    residence: "在留",
    lawful: "適法に在留",
    not_lawful: "適法な在留ではない",
    special_until: "特例期間の終期",
    records: "記録",
    agree: "入管と市区町村の記録は一致",
    disagree: "入管と市区町村の記録が不一致",
    bureau_view: "入管",
    city_hall_view: "市区町村",
    chip_view: "J-LIS（ICチップ）",
    period_expiry: "在留期間の満了日",
    card_number: "在留カード番号",
    status: "在留資格",
    address: "住居地",
    municipality: "市区町村",
    measures: "指標",
    measures_for: "指標",
    visits: "窓口への来訪",
    outage_days: "マイナンバー機能が使えなかった日数",
    inconsistency_days: "記録が不一致だった日数",
    special_period_days: "特例期間の日数",
    cards_produced: "交付されたカード",
    deadline_misses: "期限の徒過",
    refusals: "不受理",
    notifications: "機関間の通知",
    events: "イベント数",
    rules_cited: "根拠となる規則（docs/domain.md の節）",
    outage_begins: "この日から、適法に在留しているのにマイナンバー機能が使えない",
    outage_ends: "マイナンバー機能が再び使える",
    disagreement_begins: "この日から機関の記録が一致しない",
    disagreement_ends: "機関の記録が再び一致",
    special_begins: "特例期間（§9）によってのみ適法に在留",
    special_ends: "特例期間が終わった",
    no_events: "イベントなし",
    later: "後",
    days: "日",
    day: "日",
    seed: "シード",
    compare: "二つの制度の比較",
    resident: "在留者",
    prev: "◀ 戻る",
    next: "次へ ▶",
    first: "« 最初",
    last: "全部 »",
    keys_hint: "← → キーで一つずつ、Home / End で先頭・末尾",
    step: "イベント",
    sequence: "シーケンス図（縦軸は模擬時間。矢印の傾きは各通知の所要時間）",
    timeline: "カード記録：各機関の記録が変わった時点（出来事のあった日は幅を広げて表示）",
    event_list: "起きたこと",
    legend_action: "在留者 → 機関",
    legend_notice: "機関間の通知（§6）",
    legend_handover: "カードの交付",
    legend_disagree: "入管と市区町村の記録が不一致",
    legend_outage: "マイナンバー機能が使えない日",
    legend_special: "特例期間の日",
    legend_change: "記録の変更",
    latency: "所要時間",
    chip_separate: "個人番号カード",
    chip_functions: "特定在留カードのマイナンバー機能",
    active: "有効",
    lapsed: "失効（期間満了）",
    invalidated: "失効",
    suspended: "一時停止",
    generated: "zairyu explain により生成。入力:",
};

/// The report's own words in `lang`.
pub fn ui(lang: Lang) -> &'static Ui {
    match lang {
        Lang::En => &UI_EN,
        Lang::Ja => &UI_JA,
    }
}

/// The day of the week, abbreviated.
pub fn weekday(day: chrono::NaiveDate, lang: Lang) -> &'static str {
    use chrono::{Datelike, Weekday};
    let (en, ja) = match day.weekday() {
        Weekday::Mon => ("Mon", "月"),
        Weekday::Tue => ("Tue", "火"),
        Weekday::Wed => ("Wed", "水"),
        Weekday::Thu => ("Thu", "木"),
        Weekday::Fri => ("Fri", "金"),
        Weekday::Sat => ("Sat", "土"),
        Weekday::Sun => ("Sun", "日"),
    };
    match lang {
        Lang::En => en,
        Lang::Ja => ja,
    }
}
