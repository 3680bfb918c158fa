//! Events: the past-tense facts each office records. The log is a sequence of these.
//!
//! Every event names its resident. The service that decided an event is recorded in the
//! envelope; which other services hear of it is a domain rule ([`crate::rules::notified`],
//! docs/domain.md §6). Events only record what was decided: all the reasoning happens in the
//! services' `decide` functions, so that `apply` (and every projection) is plain bookkeeping.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::card::{CardKind, Certificates, MyNumberCard, ResidenceCard};
use crate::card_number::ResidenceCardNumber;
use crate::ids::{Address, Municipality, ResidentId};
use crate::mynumber::MyNumber;
use crate::procedure::{ChangedItem, MyNumberCardReissueReason, Procedure, ReissueReason};
use crate::rules::{Consequence, Duty, InvalidationReason, RefusalRule, RevocationReason};
use crate::service::{Channel, Office};
use crate::status::Status;

macro_rules! events {
    ($( $(#[$m:meta])* $name:ident { $( $(#[$fm:meta])* $field:ident : $ty:ty ),* $(,)? } )*) => {
        /// A fact recorded by one office.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(tag = "type")]
        pub enum Event {
            $( $(#[$m])* $name { resident: ResidentId, $( $(#[$fm])* $field: $ty ),* } ),*
        }

        impl Event {
            /// The event's type name as stored in the log.
            pub fn type_name(&self) -> &'static str {
                match self { $( Event::$name { .. } => stringify!($name) ),* }
            }

            /// The resident the event is about.
            pub fn resident(&self) -> ResidentId {
                match self { $( Event::$name { resident, .. } => *resident ),* }
            }

            /// Every event type name, for documentation and label tables.
            pub const TYPE_NAMES: &'static [&'static str] = &[ $( stringify!($name) ),* ];

            /// The position of the event's type in [`Event::TYPE_NAMES`]: what
            /// [`Event::type_index`] finds for [`Event::type_name`], without looking for it
            /// (a stored run's writer names each event's type by it).
            pub fn index(&self) -> usize {
                /// The types in the order of `TYPE_NAMES`, numbered by the compiler.
                #[allow(dead_code, reason = "only the discriminants are used")]
                enum Position { $( $name ),* }
                match self { $( Event::$name { .. } => Position::$name as usize ),* }
            }

            /// Appends the event's canonical binary payload to `out` (log format 2, decision
            /// 11): its own fields — not its type, not its resident, which the envelope holds —
            /// in declaration order, as a MessagePack array (structs as arrays, enum variants by
            /// name).
            pub fn encode_payload(&self, out: &mut Vec<u8>) {
                // Each field is written straight into `out`, by its own writer when it has one
                // (dates, cards, numbers: `msgpack::Encode`, chosen by `fast_text::Field`), else
                // by `msgpack`'s serializer: rmp_serde's bytes for the tuple of the fields, which
                // is nil when there are none.
                use $crate::fast_text::{AnyWrite as _, EncodeWrite as _, Field};
                fn fields(event: &Event, out: &mut Vec<u8>) -> Result<(), $crate::msgpack::Error> {
                    match event {
                        $( Event::$name { resident: _ $(, $field)* } => {
                            const FIELDS: usize = <[&str]>::len(&[ $( stringify!($field) ),* ]);
                            if FIELDS == 0 {
                                out.push(0xc0);
                            } else {
                                $crate::msgpack::write_array_len(out, FIELDS);
                            }
                            $( (&&Field($field)).write(out)?; )*
                        } ),*
                    }
                    Ok(())
                }
                // Every field type serializes.
                fields(self, out).expect("events always encode");
            }

            /// The event of type `event_type` about `resident` whose canonical payload is
            /// `bytes` ([`Event::encode_payload`]): the whole of `bytes`, nothing left over.
            pub fn decode_payload(
                event_type: &str,
                resident: ResidentId,
                bytes: &[u8],
            ) -> Result<Event, PayloadError> {
                match Event::type_index(event_type) {
                    Some(index) => Event::decode_payload_of(index, resident, bytes),
                    None => Err(PayloadError::UnknownType(event_type.to_owned())),
                }
            }

            /// The position of `event_type` in [`Event::TYPE_NAMES`], found by bisecting
            /// the names in byte order (a few comparisons, where a `match` on the name would
            /// compare it with every name before its own).
            pub fn type_index(event_type: &str) -> Option<usize> {
                static SORTED: std::sync::OnceLock<Vec<(&'static str, usize)>> =
                    std::sync::OnceLock::new();
                let sorted = SORTED.get_or_init(|| {
                    let mut names: Vec<(&'static str, usize)> =
                        Event::TYPE_NAMES.iter().copied().zip(0..).collect();
                    names.sort_unstable();
                    names
                });
                sorted
                    .binary_search_by(|(name, _)| (*name).cmp(event_type))
                    .ok()
                    .map(|at| sorted[at].1)
            }

            /// [`Event::decode_payload`] of the type at `index` in [`Event::TYPE_NAMES`]
            /// ([`Event::type_index`]).
            pub fn decode_payload_of(
                index: usize,
                resident: ResidentId,
                bytes: &[u8],
            ) -> Result<Event, PayloadError> {
                use $crate::fast_text::{AnyDecode as _, DateDecode as _, Slot};
                /// One decoder per event type, in the order of `TYPE_NAMES`.
                type Decoder = fn(ResidentId, &[u8]) -> Result<Event, PayloadError>;
                const DECODERS: &[Decoder] = &[ $( {
                    fn decode(resident: ResidentId, bytes: &[u8]) -> Result<Event, PayloadError> {
                        const FIELDS: usize = <[&str]>::len(&[ $( stringify!($field) ),* ]);
                        let mut de = rmp_serde::Deserializer::new(std::io::Cursor::new(bytes));
                        // The fields are an array; one of fewer than 16 items is one byte,
                        // 0x90 + its length. Read field by field, a date is decoded by
                        // `date_text` (`fast_text`); any other opening is read as a tuple,
                        // which reports what is wrong.
                        let event = if FIELDS < 16 && bytes.first() == Some(&(0x90 | FIELDS as u8)) {
                            de.get_mut().set_position(1);
                            $( let $field = (&&Slot::<$ty>::new()).decode(&mut de)?; )*
                            Event::$name { resident $(, $field)* }
                        } else {
                            let ( $( $field, )* ): ( $( $ty, )* ) =
                                serde::Deserialize::deserialize(&mut de)?;
                            Event::$name { resident $(, $field)* }
                        };
                        let rest = bytes.len() as u64 - de.position();
                        if rest != 0 {
                            return Err(PayloadError::TrailingBytes(rest as usize));
                        }
                        Ok(event)
                    }
                    decode
                } ),* ];
                match DECODERS.get(index) {
                    Some(decode) => decode(resident, bytes),
                    None => Err(PayloadError::UnknownType(format!("number {index}"))),
                }
            }
        }
    };
}

/// Why a canonical binary payload does not decode.
#[derive(Debug, thiserror::Error)]
pub enum PayloadError {
    /// No event type of that name exists in this build.
    #[error("unknown event type {0}")]
    UnknownType(String),
    /// The bytes are not the fields of the named type.
    #[error("the payload is not a valid encoding of the type's fields: {0}")]
    Malformed(#[from] rmp_serde::decode::Error),
    /// The fields decoded with bytes left over.
    #[error("{0} bytes left over after the type's fields")]
    TrailingBytes(usize),
}

events! {
    // ---- any office ----
    /// The resident came to a counter (or a police box, or phoned the call centre).
    CounterVisited { office: Office, municipality: Option<Municipality>, procedure: Procedure }
    /// An office refused a procedure; the rule says why. Refusals are facts, not errors.
    ProcedureRefused { procedure: Procedure, rule: RefusalRule }
    /// A deadline passed without the duty being done (§10).
    DeadlineMissed { duty: Duty, deadline: NaiveDate, consequence: Consequence }
    /// The counter had no place left for the resident today (the policy's capacity, §16 [C];
    /// decision 17): they were given a place on `waits_until`, the first working day with one,
    /// and come back then at opening time.
    CounterCapacityReached { office: Office, municipality: Option<Municipality>, procedure: Procedure, waits_until: NaiveDate }

    // ---- immigration bureau ----
    /// The bureau's record of a resident at the start of the run.
    ImmigrationRecordOpened {
        born_on: NaiveDate,
        status: Status,
        period_expiry: Option<NaiveDate>,
        card: Option<ResidenceCard>,
        municipality: Municipality,
        address: Address,
        registered: bool,
        cards_issued: u32,
    }
    /// An extension application was received (§5.4).
    ExtensionApplied { channel: Channel, filed_on: NaiveDate, expiry_at_filing: Option<NaiveDate> }
    /// A Tokutei application attached to a procedure was accepted (§3, §4).
    TokuteiApplicationAccepted { attached_to: Procedure }
    /// A Tokutei application was refused; the attached procedure goes on (§3, §4, §11).
    TokuteiApplicationRefused { attached_to: Procedure, rule: RefusalRule }
    /// The bureau decided to grant the extension; it takes effect per the disposition switch.
    ExtensionGranted { new_expiry: NaiveDate }
    /// The bureau refused the extension.
    ExtensionRefused { expiry: Option<NaiveDate> }
    /// N4: the bureau asked J-LIS to produce a Tokutei card with My Number functions (§6).
    TokuteiCardRequested { kind: CardKind, valid_through: NaiveDate, collect_at: Office }
    /// A card is ready for the resident at a counter (the bureau's; the municipality's for SPR
    /// certificates and, per the pickup switch, for Tokutei cards applied for there).
    CardReadyForCollection { kind: CardKind, at: Office }
    /// The period of stay now ends on `new_expiry` (§5.4). N3 to the municipality.
    PeriodOfStayExtended { previous_expiry: Option<NaiveDate>, new_expiry: NaiveDate }
    /// A residence card or SPR certificate was issued with a new number (§14). N3.
    ResidenceCardIssued { card: ResidenceCard, replaces: Option<ResidenceCardNumber> }
    /// N1: the bureau recorded an address relayed by the municipality (§6).
    AddressRecorded { municipality: Municipality, address: Address }
    /// A change-of-status application was received (§5.5); the special period applies (§9).
    StatusChangeApplied { to: Status, channel: Channel, filed_on: NaiveDate, expiry_at_filing: Option<NaiveDate> }
    /// The bureau decided to grant the change of status.
    StatusChangeGranted { to: Status, new_expiry: NaiveDate }
    /// A permanent residence application was received (§5.6).
    PermanentResidenceApplied { channel: Channel, filed_on: NaiveDate }
    /// The bureau decided to grant permanent residence.
    PermanentResidenceGranted {}
    /// The bureau refused an application on its merits (the resident's status is unchanged).
    ApplicationRefused { procedure: Procedure }
    /// A pending application became moot and was closed: an extension or change of status
    /// pending when permanent residence took effect (§5.6: PR has no period of stay).
    ApplicationSuperseded { procedure: Procedure }
    /// The status of residence changed (§5.5, §5.6). N3 to the municipality.
    StatusChanged { from: Status, to: Status, new_expiry: Option<NaiveDate> }
    /// A card procedure was received: renewal (§5.7), item change (§5.9), reissue (§5.10, §5.11),
    /// or an SPR certificate application forwarded by the municipality (§5.8).
    CardApplicationReceived { procedure: Procedure, reissue: Option<ReissueReason> }
    /// A non-address item changed (§5.9). N3 to the municipality.
    ItemChangeNotified { item: ChangedItem, changed_on: NaiveDate }
    /// A Tokutei card was replaced by a standard card and returned to the bureau (§1 [A
    /// SHUGIIN]); J-LIS is told so that its My Number functions end (N4).
    TokuteiCardReturned { card_number: ResidenceCardNumber }
    /// The new card was mailed to the resident, who applied online (§5 "Card by post"); it
    /// arrives on `arrives_on`.
    CardMailed { kind: CardKind, arrives_on: NaiveDate }
    /// The mailed card reached the resident: issued without a counter visit (§5 "Card by post").
    MailedCardDelivered { kind: CardKind }
    /// The resident landed; the card was handed over at the port or will be issued later (§5.1).
    Landed { port: String, card_at_port: bool }
    /// N1 received out of order: the municipality's notice names an address older than the one
    /// the bureau already recorded from a later notice, so the bureau keeps its own — a record
    /// never moves backwards (issue 8).
    OlderAddressNoticeIgnored { notified_municipality: Municipality, notified_address: Address, kept_municipality: Municipality, kept_address: Address }
    /// The resident left Japan for good at `port` (出国 without a re-entry permit, §5.14): the
    /// card they held, `card_returned`, was given back to the immigration inspector there and
    /// lapsed (入管法19条の14, 19条の15). N3 to the municipality.
    Departed { port: String, card_returned: Option<ResidenceCardNumber> }
    /// 在留資格取得許可申請: a child born in Japan applied for status `to` (§5.15; 入管法22条の2②).
    StatusAcquisitionApplied { to: Status, filed_on: NaiveDate }
    /// The bureau decided to grant the status acquisition; it takes effect per the disposition
    /// switch, as a change of status does (22条の2③ applies 20条③).
    StatusAcquisitionGranted { to: Status, new_expiry: Option<NaiveDate> }

    // ---- city hall ----
    /// The municipality's register entry at the start of the run (or a first registration).
    ResidentRegistered {
        municipality: Municipality,
        address: Address,
        my_number: MyNumber,
        status: Status,
        period_expiry: Option<NaiveDate>,
        card_number: Option<ResidenceCardNumber>,
        card_kind: Option<CardKind>,
        my_number_card: Option<MyNumberCard>,
        born_on: NaiveDate,
    }
    /// 転居: the new address is registered and written on the cards presented (§5.2).
    MovedWithinMunicipality { municipality: Municipality, address: Address, moved_on: NaiveDate, written_on: Vec<CardKind> }
    /// 転出: the move-out is recorded at the former municipality (§5.3).
    MoveOutRecorded { municipality: Municipality, to: Municipality, planned_on: NaiveDate, card_based: bool }
    /// 転入: the resident is registered at the new municipality (§5.3).
    MoveInRecorded { municipality: Municipality, from: Option<Municipality>, address: Address, moved_on: NaiveDate, written_on: Vec<CardKind> }
    /// N9: the former municipality closed its entry on the new municipality's notice.
    RegisterEntryClosed { municipality: Municipality }
    /// The municipality deleted the entry of a person it found no longer living at the
    /// registered address, of its own motion (職権消除, §6 N2). N2 to the bureau, N8 to J-LIS.
    RegisterEntryDeleted { municipality: Municipality }
    /// N2 received: the bureau records that the person is no longer in a resident register.
    RegisterDeletionRecorded { municipality: Municipality }
    /// N3 received: the register now shows the bureau's status, expiry and card number.
    ImmigrationDataUpdated { status: Status, period_expiry: Option<NaiveDate>, card_number: Option<ResidenceCardNumber>, card_kind: Option<CardKind> }
    /// N3 received out of order: the bureau's notice names a period of stay ending before the
    /// one the register already holds from a later notice, so the register keeps its own — a
    /// record never moves backwards (issue 8).
    OlderPeriodNoticeIgnored { notified_expiry: NaiveDate, kept_expiry: NaiveDate }
    /// Legacy 有効期間変更: the separate My Number card is valid through a new date (§5.4). N8.
    MyNumberCardValidityChanged { previous: NaiveDate, valid_through: NaiveDate }
    /// 住居地届出: a new arrival is registered, a My Number assigned (§5.1). N1 to the bureau.
    ResidenceNotified {
        municipality: Municipality,
        address: Address,
        my_number: MyNumber,
        status: Status,
        period_expiry: Option<NaiveDate>,
        born_on: NaiveDate,
        card: Option<(CardKind, ResidenceCardNumber)>,
    }
    /// N7: an application made at the municipal window, forwarded to the bureau.
    ApplicationForwarded { procedure: Procedure, tokutei: bool, filed_on: NaiveDate }
    /// N7: a special permanent resident's item change or certificate reissue, filed at the
    /// municipal window and forwarded to the bureau with what the bureau decides on (§5.8):
    /// the reissue's reason, or the item changed and the day it changed.
    SprApplicationForwarded { procedure: Procedure, reissue: Option<ReissueReason>, item_change: Option<(ChangedItem, NaiveDate)>, tokutei: bool, filed_on: NaiveDate }
    /// Legacy 特例期間延長 of the separate My Number card (§5.13). N8.
    MyNumberCardSpecialPeriodExtended { previous: NaiveDate, valid_through: NaiveDate }
    /// N3 received: a non-address item changed in the register. N8 to J-LIS.
    RegisterItemUpdated { item: ChangedItem }
    /// A locked PIN was reset at the window (§5.12). N8 to J-LIS.
    PinResetAtCounter {}
    /// The My Number card was not presented at the move-in: continued use is due by `deadline` (§5.3).
    MyNumberContinuityDue { deadline: NaiveDate }
    /// 継続利用 confirmed at the new municipality (§5.3).
    MyNumberContinuityConfirmed { municipality: Municipality }
    /// N8 received: J-LIS invalidated the separate My Number card; the register no longer lists it.
    MyNumberCardWithdrawn { reason: InvalidationReason }
    /// A new separate My Number card was applied for (§5.11: with the 紛失届 after a loss; §8.4:
    /// after a lapse); `card` is the card to be issued. N8 to J-LIS.
    MyNumberCardReissueApplied { reason: MyNumberCardReissueReason, card: MyNumberCard }
    /// The new separate My Number card was handed over at the window and the fee paid (§5.11,
    /// §8.4). N8 to J-LIS, which activates it.
    MyNumberCardIssued { card: MyNumberCard, fee_yen: u32 }
    /// 券面事項変更: the separate My Number card now shows the changed item (§5.9). N8.
    MyNumberCardItemsUpdated { item: ChangedItem }
    /// N3 received out of order: the bureau's notice of a change of status is older than the
    /// status the register already holds from a later notice, so the register keeps its own
    /// (issue 8).
    OlderStatusNoticeIgnored { notified_status: Status, kept_status: Status }
    /// N3 received out of order: the bureau's notice of a card is older than the card the
    /// register already holds from a later notice, so the register keeps its own (issue 8).
    OlderCardNoticeIgnored { notified_card: ResidenceCardNumber, kept_card: Option<ResidenceCardNumber> }
    /// 国外転出届: the resident notified a move abroad, leaving on `leaves_on` (住民基本台帳法24
    /// 条, §5.14); the entry closes on that day.
    DepartureNotified { municipality: Municipality, leaves_on: NaiveDate }
    /// The day of leaving notified has come: the municipality closed the register entry of the
    /// resident who moved abroad (§5.14). N2 to the bureau, N8 to J-LIS.
    MoveAbroadRecorded { municipality: Municipality }
    /// 出生届: a foreign child born in Japan is registered as a transitional stayer and a My
    /// Number assigned (§5.15; 戸籍法49条, 住基法30条の45). N1 to the bureau.
    BirthRegistered { municipality: Municipality, address: Address, my_number: MyNumber, born_on: NaiveDate }

    // ---- card issuer (J-LIS) ----
    /// J-LIS's record of a resident at the start of the run: the separate My Number card, if any.
    CardIssuerRecordOpened { born_on: NaiveDate, my_number_card: Option<MyNumberCard>, certificates: Certificates }
    /// J-LIS wrote a new validity onto the separate card's record (N8).
    MyNumberCardValidityRecorded { valid_through: NaiveDate }
    /// New JPKI certificates were issued (§5.4: a validity change needs new certificates; §8.5).
    CertificatesIssued { certificates: Certificates }
    /// The signature certificate was revoked (§8.5).
    SignatureCertificateRevoked { reason: RevocationReason }
    /// The separate My Number card lapsed at the end of its validity (§5.4, §10).
    MyNumberCardExpired { valid_through: NaiveDate }
    /// The separate My Number card was invalidated before its expiry.
    /// `tokutei_card` names the Tokutei card whose functions are meant; `None` means the separate card.
    MyNumberCardInvalidated { reason: InvalidationReason, tokutei_card: Option<ResidenceCardNumber> }
    /// J-LIS started producing a Tokutei card (§6 N4; lead time from the policy).
    TokuteiProductionStarted { kind: CardKind, ready_on: NaiveDate }
    /// N5: the Tokutei card is produced and sent to the bureau.
    TokuteiCardProduced { kind: CardKind }
    /// My Number functions are live on a Tokutei card (§8.6).
    MyNumberFunctionsActivated { card_number: ResidenceCardNumber, valid_through: NaiveDate, certificates: Certificates }
    /// A Tokutei card's My Number functions reached the end of their validity (§8.6, §9).
    MyNumberFunctionsExpired { valid_through: NaiveDate }
    /// The call centre suspended the My Number functions of a lost card (§5.11): the separate
    /// card (`tokutei_card: None`) or a Tokutei card's.
    MyNumberFunctionsSuspended { tokutei_card: Option<ResidenceCardNumber> }
    /// J-LIS started producing a new separate My Number card (lead time from the policy).
    MyNumberCardProductionStarted { ready_on: NaiveDate }
    /// The new separate My Number card is produced and sent to the municipality (N8).
    MyNumberCardProduced {}
    /// The new separate My Number card handed over at the window is live, with new
    /// certificates (§8.4, §8.5).
    MyNumberCardActivated { card: MyNumberCard, certificates: Certificates }
    /// The user-authentication PIN locked after too many wrong tries (§5.12).
    PinLocked {}
    /// The locked PIN was unlocked by a reset at the window (§5.12).
    PinUnlocked {}
    /// J-LIS had no production place left today (the policy's capacity, §16 [C]; decision 17):
    /// the Tokutei card's production starts on `starts_on`, and its lead time grows by the wait.
    ProductionQueued { kind: CardKind, starts_on: NaiveDate }

    // ---- police ----
    /// A loss or theft was reported; the receipt number is needed for the reissue (§5.11).
    LossReported { lost_on: NaiveDate, receipt: String }
}
