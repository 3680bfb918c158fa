//! The name of every event type, in both languages: what kind of fact an office recorded (the
//! diagrams' notes and the timeline's tooltips).

use model::event::Event;

use super::{Label, l};

/// The name of an event type: what kind of fact it is.
pub fn event_type(e: &Event) -> Label {
    match e {
        Event::CounterVisited { .. } => l("counter visit", "窓口への来訪"),
        Event::ProcedureRefused { .. } => l("procedure refused", "手続の不受理"),
        Event::DeadlineMissed { .. } => l("deadline missed", "期限の徒過"),
        Event::CounterCapacityReached { .. } => l(
            "counter full: a place on a later day",
            "窓口の受付枠の満了（後日の受付）",
        ),
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
        Event::RegisterDeletionRecorded { .. } => {
            l("register entry closure recorded", "住民票消除の記録")
        }
        Event::RegisterEntryDeleted { .. } => {
            l("register entry deleted ex officio", "住民票の職権消除")
        }
        Event::DepartureNotified { .. } => l("move abroad notified", "国外転出届の受理"),
        Event::MoveAbroadRecorded { .. } => l(
            "register entry closed on a move abroad",
            "国外転出による住民票の消除",
        ),
        Event::Departed { .. } => l("departed for good, card returned", "出国・カードの返納"),
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
        Event::OlderPeriodNoticeIgnored { .. } => {
            l("older period notice ignored", "古い在留期間の通知の不採用")
        }
        Event::OlderStatusNoticeIgnored { .. } => {
            l("older status notice ignored", "古い在留資格の通知の不採用")
        }
        Event::OlderCardNoticeIgnored { .. } => {
            l("older card notice ignored", "古い在留カードの通知の不採用")
        }
        Event::OlderAddressNoticeIgnored { .. } => {
            l("older address notice ignored", "古い住居地の通知の不採用")
        }
        Event::ImmigrationDataUpdated { .. } => l(
            "register updated from the bureau's notice",
            "入管の通知による住民票の更新",
        ),
        Event::MyNumberCardValidityChanged { .. } => l(
            "My Number card validity changed",
            "個人番号カードの有効期間変更",
        ),
        Event::ResidenceNotified { .. } => l("residence notification", "住居地届出"),
        Event::BirthRegistered { .. } => l("birth registered", "出生届による住民票の作成"),
        Event::StatusAcquisitionApplied { .. } => l(
            "status acquisition application received",
            "在留資格取得許可申請の受付",
        ),
        Event::StatusAcquisitionGranted { .. } => {
            l("status acquisition granted", "在留資格取得の許可")
        }
        Event::ApplicationForwarded { .. } => {
            l("application forwarded to the bureau", "入管への申請の送付")
        }
        Event::SprApplicationForwarded { .. } => l(
            "SPR certificate filing forwarded to the bureau",
            "特別永住者証明書の届出・申請の入管への送付",
        ),
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
        Event::ProductionQueued { .. } => l(
            "Tokutei production queued",
            "特定在留カードの作成の順番待ち",
        ),
        Event::LossReported { .. } => l("loss reported", "遺失届の受理"),
        Event::MyNumberCardReissueApplied { .. } => l(
            "new My Number card applied for",
            "個人番号カードの再交付申請",
        ),
        Event::MyNumberCardIssued { .. } => l(
            "new My Number card handed over",
            "個人番号カードの再交付（交付）",
        ),
        Event::MyNumberCardItemsUpdated { .. } => l(
            "My Number card items updated",
            "個人番号カードの券面事項変更",
        ),
        Event::MyNumberCardProductionStarted { .. } => l(
            "My Number card production started",
            "個人番号カードの作成開始",
        ),
        Event::MyNumberCardProduced { .. } => {
            l("My Number card produced", "個人番号カードの作成完了")
        }
        Event::CardMailed { .. } => l("card mailed", "カードの郵送"),
        Event::MailedCardDelivered { .. } => l("mailed card delivered", "郵送されたカードの到着"),
        Event::MyNumberCardActivated { .. } => l(
            "new My Number card activated",
            "新しい個人番号カードの利用開始",
        ),
    }
}
