//! Validity rules for residence cards, SPR certificates, My Number cards, JPKI certificates and
//! the Tokutei card (docs/domain.md §8), the special extension period (§9), and the legacy My
//! Number validity change and special-period extension (§5.4, §5.13, §11).
//!
//! Each rule is one pure function of dates and a few enums; no clock is read ("today" is a
//! parameter). Rules graded C or disputed in §16 take a [`ValiditySwitches`] value so a run can
//! choose the reading; the defaults are documented on each switch. Date arithmetic (birthdays,
//! 民法143 periods) lives in [`crate::calendar`].

use chrono::{Datelike, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::calendar::{
    age_on, birthday_in_year, day_before, nth_birthday_after, period_end_after_years,
    special_period_end,
};
use crate::status::Status;

/// The categories the validity rules distinguish (§8). The status model maps statuses onto
/// these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CardHolderCategory {
    /// 永住者.
    PermanentResident,
    /// 高度専門職2号.
    HighlySkilledProfessional2,
    /// 特別永住者 (holds an SPR certificate, not a residence card).
    SpecialPermanentResident,
    /// Every other mid-to-long-term status (validity tied to the period of stay).
    Other,
}

/// Which text of 入管法19条の5 (and 入管特例法 for SPR certificates) governs a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CardLaw {
    /// 入管法19条の5 as in force 2024-04-01 (first-generation cards).
    Old,
    /// As amended by 令和6年法律第59号, in operation from 2026-06-14 (new-format cards).
    Amended,
}

impl CardLaw {
    /// The day the amended law operates (§3 [A* ISA-PROC]).
    pub const AMENDED_FROM: NaiveDate = NaiveDate::from_ymd_opt(2026, 6, 14).expect("valid date");

    /// The law governing a card issued on `issued_on` when the amendment operates from
    /// `amended_from` (normally [`CardLaw::AMENDED_FROM`]; the policy may move it).
    ///
    /// §2 [B IMS]: everyone, opted in to Tokutei or not, receives a new-format card
    /// at the first issuance after the amendment, so the issuance date alone decides.
    pub fn for_issuance(issued_on: NaiveDate, amended_from: NaiveDate) -> CardLaw {
        if issued_on >= amended_from {
            CardLaw::Amended
        } else {
            CardLaw::Old
        }
    }
}

/// §8.2 last row / §16.3: whether the amended law keeps the 16th-birthday cap for non-PR
/// children. Unknown [C].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChildCapUnderAmendedLaw {
    /// Default: the old rule survives (earlier of period expiry and the day before the 16th
    /// birthday). Nothing in the sources says it was removed, and the amendment's stated aim
    /// concerns PR/HSP(ii)/SPR validity only.
    #[default]
    KeepSixteenthBirthdayCap,
    /// The card is valid to the period expiry whatever the age.
    NoCap,
}

/// §8.2 row 3, §8.3 / §16.4: what the amended SPR birthday scheme counts birthdays from. Unknown
/// [C].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SprRenewalAnchor {
    /// Default: from the issuance day, like PR cards (EIJUU says "same scheme as PR"; §8.3's
    /// example uses it: issued 2026-09-10 → 2035-10-05).
    #[default]
    IssuanceDate,
    /// From the previous certificate's expiry on renewal, as the legacy SPR rule did.
    PreviousExpiry,
}

/// §9 / §16.2: how long a Tokutei card's My Number functions last during the special
/// extension period. Unknown [C] (ISA-QA Q5-3 unreadable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SpecialPeriodMyNumber {
    /// Default, the published guide's claim: the functions end at the original expiry while
    /// the card stays valid as a residence card.
    #[default]
    EndsAtOriginalExpiry,
    /// The functions last as long as the card is valid (through the special period).
    WhileCardValid,
}

/// The validity switches for C-graded rules, each with its documented default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct ValiditySwitches {
    /// Non-PR children under the amended law (§8.2, §16.3).
    #[serde(default)]
    pub child_cap: ChildCapUnderAmendedLaw,
    /// Anchor of the amended SPR scheme on renewal (§8.3, §16.4).
    #[serde(default)]
    pub spr_anchor: SprRenewalAnchor,
    /// Tokutei My Number functions in the special period (§9, §16.2).
    #[serde(default)]
    pub special_period_my_number: SpecialPeriodMyNumber,
}

/// Why a validity could not be computed (an input the rule needs is missing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ValidityError {
    /// A card whose validity is tied to the period of stay was given no period expiry.
    #[error(
        "a residence card for this status needs the period-of-stay expiry (docs/domain.md §8.1/§8.2)"
    )]
    MissingPeriodExpiry,
    /// Special permanent residents hold an SPR certificate; use `spr_certificate_valid_through`.
    #[error(
        "special permanent residents hold an SPR certificate, not a residence card (docs/domain.md §8.3)"
    )]
    SprHoldsCertificate,
}

/// A date before which cards for under-16s ran to the 16th birthday itself.
pub const UNDER_SIXTEEN_RULE_CHANGED_ON: NaiveDate =
    NaiveDate::from_ymd_opt(2023, 11, 1).expect("valid date");

/// The last valid day of a card whose validity is capped by the holder's 16th birthday.
///
/// §8.1 rows 2 and 4, §8.3 [A* ACT-19-5 for "the day before the 16th birthday"
/// and the Feb-29 → Feb-28 rule; B YSV for the 2023-11-01 change]: the day before the 16th
/// birthday; for cards issued before 2023-11-01, the 16th birthday itself. The sources
/// (YSV and a second scrivener page) state the change for PR, SPR and other statuses alike, so
/// it applies to every under-16 row.
pub fn under_sixteen_valid_through(dob: NaiveDate, issued_on: NaiveDate) -> NaiveDate {
    let sixteenth = birthday_in_year(dob, dob.year() + 16);
    if issued_on < UNDER_SIXTEEN_RULE_CHANGED_ON {
        sixteenth
    } else {
        day_before(sixteenth)
    }
}

/// The "like Japanese nationals" birthday scheme: the 10th birthday after `anchor` when the
/// holder is 18 or older on `issued_on`, else the 5th.
///
/// §8.2 rows 1–3 [B OFUNE, EIJUU] and §8.4 [A MUNI-MN]: the new-format PR card, the
/// amended SPR certificate and the My Number card of PR/HSP(ii)/SPR holders share it. (For the
/// 2022 My Number transition the age is judged at J-LIS receipt of the application [A
/// MUNI-AGE]; callers modelling that pass the receipt date as `issued_on`.)
pub fn birthday_scheme_valid_through(
    dob: NaiveDate,
    issued_on: NaiveDate,
    anchor: NaiveDate,
) -> NaiveDate {
    let n = if age_on(dob, issued_on) >= 18 { 10 } else { 5 };
    nth_birthday_after(dob, anchor, n)
}

/// The last valid day of a residence card.
///
/// §8.1 [A* ACT-19-5; B YSV for the 2023-11-01 date] for [`CardLaw::Old`]:
/// PR 16+ and HSP(ii): the day 7 years counted from issuance elapse; PR under 16: see
/// [`under_sixteen_valid_through`]; others 16+: the period expiry; others under 16: the earlier
/// of the period expiry and the 16th-birthday cap. A card issued by a validity renewal
/// (19条の11) is excluded from the under-16 rows, so the 16+ rows apply.
///
/// §8.2 [B OFUNE, EIJUU; C for the legal text] for [`CardLaw::Amended`]: PR 18+
/// and HSP(ii): 10th birthday after issuance; PR under 18: 5th; others 16+: the period expiry;
/// others under 16: per [`ChildCapUnderAmendedLaw`] (the 19条の11 exclusion kept).
///
/// Ages are judged on `issued_on`. The special period (19条の5②) is not applied here; see
/// [`residence_card_valid_on`]. Errors: [`ValidityError::SprHoldsCertificate`] for SPR
/// holders, [`ValidityError::MissingPeriodExpiry`] for an `Other` holder without an expiry.
pub fn residence_card_valid_through(
    law: CardLaw,
    category: CardHolderCategory,
    dob: NaiveDate,
    issued_on: NaiveDate,
    period_expiry: Option<NaiveDate>,
    issued_by_validity_renewal: bool,
    switches: ValiditySwitches,
) -> Result<NaiveDate, ValidityError> {
    use CardHolderCategory as C;
    // The under-16 rows never apply to a card issued by a validity renewal (19条の11): that
    // renewal exists precisely to replace a 16th-birthday card with an adult one.
    let child = age_on(dob, issued_on) < 16 && !issued_by_validity_renewal;
    match (law, category) {
        (_, C::SpecialPermanentResident) => Err(ValidityError::SprHoldsCertificate),
        (CardLaw::Old, C::PermanentResident) if child => {
            Ok(under_sixteen_valid_through(dob, issued_on))
        }
        (CardLaw::Old, C::PermanentResident | C::HighlySkilledProfessional2) => {
            Ok(period_end_after_years(issued_on, 7))
        }
        (CardLaw::Amended, C::HighlySkilledProfessional2) => {
            Ok(nth_birthday_after(dob, issued_on, 10))
        }
        (CardLaw::Amended, C::PermanentResident) => {
            Ok(birthday_scheme_valid_through(dob, issued_on, issued_on))
        }
        (law, C::Other) => {
            let expiry = period_expiry.ok_or(ValidityError::MissingPeriodExpiry)?;
            let capped = child
                && (law == CardLaw::Old
                    || switches.child_cap == ChildCapUnderAmendedLaw::KeepSixteenthBirthdayCap);
            Ok(if capped {
                expiry.min(under_sixteen_valid_through(dob, issued_on))
            } else {
                expiry
            })
        }
    }
}

/// The last valid day of an SPR certificate.
///
/// §8.3 [A MUNI-SPR] for [`CardLaw::Old`]: 16+: the 7th birthday after the
/// application/notification date (pass it as `issued_on`), or on renewal
/// (`previous_expiry = Some`) the 7th birthday after the previous expiry; under 16 (and not a
/// renewal): [`under_sixteen_valid_through`].
///
/// §8.2 row 3 [B EIJUU; C for the anchor, §16.4] for [`CardLaw::Amended`]: the PR
/// birthday scheme ([`birthday_scheme_valid_through`]), counted from the issuance day or, on
/// renewal, from the previous expiry per [`SprRenewalAnchor`].
pub fn spr_certificate_valid_through(
    law: CardLaw,
    dob: NaiveDate,
    issued_on: NaiveDate,
    previous_expiry: Option<NaiveDate>,
    switches: ValiditySwitches,
) -> NaiveDate {
    match law {
        CardLaw::Old => match previous_expiry {
            // A renewal is never a "card for an under-16": it replaces the 16th-birthday one.
            None if age_on(dob, issued_on) < 16 => under_sixteen_valid_through(dob, issued_on),
            _ => nth_birthday_after(dob, previous_expiry.unwrap_or(issued_on), 7),
        },
        CardLaw::Amended => {
            let anchor = match switches.spr_anchor {
                SprRenewalAnchor::IssuanceDate => issued_on,
                SprRenewalAnchor::PreviousExpiry => previous_expiry.unwrap_or(issued_on),
            };
            birthday_scheme_valid_through(dob, issued_on, anchor)
        }
    }
}

/// A running special extension period: the period of stay expired on `expiry` and the person
/// may remain through `until` (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SpecialPeriod {
    /// The original period-of-stay expiry.
    pub expiry: NaiveDate,
    /// The last day of the special period.
    pub until: NaiveDate,
}

impl SpecialPeriod {
    /// Whether `date` falls in the special period (after the expiry, through `until`).
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.expiry < date && date <= self.until
    }
}

/// The special extension period (特例期間), if any.
///
/// §9 [A* ISA-FAQ-SP; 入管法20条⑥, 21条④]: when an extension or change application
/// is filed by the expiry (`applied_on <= expiry`, the expiry day itself counting) and not
/// decided by it, the person may remain until the earlier of the disposition and
/// [`special_period_end`]. The disposition day counts as the last day (the old card is
/// exchanged for the new one that day). `decided_on = None` means undecided so far.
/// Not modelled: the exclusion of periods of 30 days or less [C], since callers pass no
/// period length.
pub fn special_period(
    expiry: NaiveDate,
    applied_on: NaiveDate,
    decided_on: Option<NaiveDate>,
) -> Option<SpecialPeriod> {
    if applied_on > expiry || decided_on.is_some_and(|d| d <= expiry) {
        return None;
    }
    let end = special_period_end(expiry);
    Some(SpecialPeriod {
        expiry,
        until: decided_on.map_or(end, |d| d.min(end)),
    })
}

/// Whether `date` is inside the special extension period; a convenience over
/// [`special_period`] (§9).
pub fn in_special_period(
    expiry: NaiveDate,
    applied_on: NaiveDate,
    decided_on: Option<NaiveDate>,
    date: NaiveDate,
) -> bool {
    special_period(expiry, applied_on, decided_on).is_some_and(|sp| sp.contains(date))
}

/// Whether a person with `status` is lawfully resident at the end of `day`.
///
/// §2 and §9 [A* ISA-FAQ-SP; 入管法20条⑥, 21条④]: a status without a period of
/// stay (PR, HSP(ii), SPR) is lawful throughout; a status with one is lawful through the
/// period's expiry (the expiry day itself counting) and then only while a special period runs.
/// A person the bureau has no record of is not asked about (the caller has no status to pass).
pub fn lawfully_resident(
    status: Status,
    period_expiry: Option<NaiveDate>,
    special_period: Option<SpecialPeriod>,
    day: NaiveDate,
) -> bool {
    if !status.has_period_of_stay() {
        return true;
    }
    match period_expiry {
        Some(expiry) if day <= expiry => true,
        _ => special_period.is_some_and(|sp| sp.contains(day)),
    }
}

/// The cards that carry a resident's My Number functions, as far as their use is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MyNumberFunctionsHeld {
    /// The last valid day of the separate My Number card, if one is held and in use (not
    /// expired by J-LIS, invalidated or suspended).
    pub separate_card_through: Option<NaiveDate>,
    /// The recorded last valid day of the My Number functions on a Tokutei card, if they are
    /// in use (not expired, invalidated or suspended).
    pub tokutei_functions_through: Option<NaiveDate>,
    /// The user-authentication PIN is locked.
    pub pin_locked: bool,
}

impl MyNumberFunctionsHeld {
    /// Whether the My Number functions can be used on `day`.
    ///
    /// §8.4 [A MUNI-MN]: a separate card works through its validity; §8.6 and §9
    /// [B EIJUU; C, §16.2]: the functions on a Tokutei card work through
    /// [`my_number_functions_valid_through`], which during a running special period (`special`,
    /// from the bureau's record) follows the policy's [`SpecialPeriodMyNumber`] reading;
    /// §5.12 [A MUNI-PIN for the lock; C that a locked PIN stops every use until the reset]:
    /// with the PIN locked neither works.
    pub fn usable_on(
        &self,
        day: NaiveDate,
        period_expiry: Option<NaiveDate>,
        special: Option<SpecialPeriod>,
        switch: SpecialPeriodMyNumber,
    ) -> bool {
        if self.pin_locked {
            return false;
        }
        let separate = self.separate_card_through.is_some_and(|t| day <= t);
        let tokutei = self.tokutei_functions_through.is_some_and(|t| {
            let until = special.map(|sp| sp.until).filter(|_| day > t);
            day <= my_number_functions_valid_through(t, period_expiry, until, switch)
        });
        separate || tokutei
    }
}

/// Whether a residence card valid through `valid_through` is valid on `date`.
///
/// §9 and §8.1 "special period" row [A* ACT-19-5, 19条の5②]: a card whose validity
/// is the period expiry ("expiry-tied") stays valid while the special period runs. A card
/// capped earlier (e.g. by the 16th birthday) or running past the expiry is not extended.
pub fn residence_card_valid_on(
    valid_through: NaiveDate,
    special_period: Option<SpecialPeriod>,
    date: NaiveDate,
) -> bool {
    date <= valid_through
        || special_period.is_some_and(|sp| sp.expiry == valid_through && sp.contains(date))
}

/// The last valid day of a separate My Number card (個人番号カード) held by a foreign resident.
///
/// §8.4 [A MUNI-MN]: PR, HSP(ii) and SPR holders: like Japanese nationals
/// ([`birthday_scheme_valid_through`] from issuance); others: the earlier of the period expiry
/// and that birthday cap. An `Other` holder without a known expiry gets the birthday cap.
pub fn my_number_card_valid_through(
    category: CardHolderCategory,
    dob: NaiveDate,
    issued_on: NaiveDate,
    period_expiry: Option<NaiveDate>,
) -> NaiveDate {
    let cap = birthday_scheme_valid_through(dob, issued_on, issued_on);
    match category {
        CardHolderCategory::Other => period_expiry.map_or(cap, |e| e.min(cap)),
        _ => cap,
    }
}

/// Why a municipality refuses a My Number card validity procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RefusalReason {
    /// The card's validity has already ended; only a reissue (fee) is possible.
    CardAlreadyExpired,
    /// The card was already extended once for the special period.
    SecondSpecialExtension,
    /// The extension/change application was not filed by the residence expiry.
    ApplicationNotFiledBeforeExpiry,
    /// The residence application has already been decided (use a validity change instead).
    NoPendingApplication,
    /// The period the window knows would shorten the card: the bureau's notice of the new
    /// period (N3) has not reached the register yet; come back once it has (§5.4, §5.13).
    PeriodNotYetNotified,
    /// The card has not lapsed: it needs a validity change, not a new card (§5.4, §8.4).
    CardStillValid,
}

/// The period of stay a legacy My Number validity change works from: the one the register
/// shows, or — with the switch `validity_change_evidence: card_presented` — the later of that
/// and the one on the new residence card the resident presents.
///
/// §5.4, §6 N3 [C; A Matsudo: the validity change is "impossible on holidays because of the
/// notice from the MoJ", so the window waits for the notice by default]. Whether the card shown
/// at the window is enough evidence is not documented: a switch.
pub fn validity_change_period(
    evidence: crate::policy::ValidityChangeEvidence,
    register: Option<NaiveDate>,
    presented: Option<NaiveDate>,
) -> Option<NaiveDate> {
    match evidence {
        crate::policy::ValidityChangeEvidence::Register => register,
        crate::policy::ValidityChangeEvidence::CardPresented => register.max(presented),
    }
}

/// The new validity of a legacy My Number card after a 有効期間変更 at the municipality.
///
/// §5.4, §8.4, §11 [A MUNI-MN]: refused once the card has expired
/// (`today > current_valid_through`); otherwise the validity becomes what a card issued on
/// `card_issued_on` would have with the new period expiry, i.e. the earlier of the new expiry
/// and the 10th/5th birthday after the card's issuance ([`my_number_card_valid_through`]).
/// When the birthday cap binds, the cap is returned: going beyond it needs a new card. PR,
/// HSP(ii) and SPR holders (e.g. after a PR grant) get the birthday cap whatever
/// `new_period_expiry` is.
///
/// A validity change never shortens the card [C, docs/domain.md §5.4]: a card specially
/// extended under §5.13 (to the decision date or two months after the old expiry) that is
/// brought in before the bureau's notice of the new period (N3) has arrived would fall back to
/// the old expiry; it is refused instead (`period_not_yet_notified`), and the resident comes
/// back.
pub fn my_number_validity_change(
    category: CardHolderCategory,
    dob: NaiveDate,
    card_issued_on: NaiveDate,
    current_valid_through: NaiveDate,
    new_period_expiry: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<NaiveDate, RefusalReason> {
    if today > current_valid_through {
        return Err(RefusalReason::CardAlreadyExpired);
    }
    let changed = my_number_card_valid_through(category, dob, card_issued_on, new_period_expiry);
    if changed < current_valid_through {
        return Err(RefusalReason::PeriodNotYetNotified);
    }
    Ok(changed)
}

/// The new validity of a legacy My Number card after a special-period extension (特例期間延長).
///
/// §5.13, §11 [A MUNI-MN Adachi, Tsumagoi, Hachioji]: refused after the card has
/// expired, for a second special extension, when the residence application was not filed by
/// the residence expiry (the expiry day counts, as in §9), or when it has already been decided
/// (`decided_on <= today`; a 有効期間変更 is then needed instead). Otherwise the card runs to the
/// earlier of the decision date (if already known) and [`special_period_end`] of the residence
/// expiry. An extension never shortens the card.
pub fn my_number_special_period_extension(
    current_valid_through: NaiveDate,
    residence_expiry: NaiveDate,
    applied_on: NaiveDate,
    decided_on: Option<NaiveDate>,
    already_extended: bool,
    today: NaiveDate,
) -> Result<NaiveDate, RefusalReason> {
    if today > current_valid_through {
        return Err(RefusalReason::CardAlreadyExpired);
    }
    if already_extended {
        return Err(RefusalReason::SecondSpecialExtension);
    }
    if applied_on > residence_expiry {
        return Err(RefusalReason::ApplicationNotFiledBeforeExpiry);
    }
    if decided_on.is_some_and(|d| d <= today) {
        return Err(RefusalReason::NoPendingApplication);
    }
    let end = special_period_end(residence_expiry);
    let until = decided_on.map_or(end, |d| d.min(end));
    Ok(until.max(current_valid_through))
}

/// The two JPKI certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CertificateKind {
    /// 署名用電子証明書.
    Signature,
    /// 利用者証明用電子証明書.
    UserAuthentication,
}

/// The last valid day of a JPKI certificate.
///
/// §8.5 [A MUNI-CERT; A* JPKI]: the earliest of the 5th birthday after the
/// certificate's issuance (the 6th when renewed within the 3 months before expiry), the card's
/// validity, and the period expiry for foreigners with a period of stay. The signature
/// certificate is also capped by the user-authentication certificate; both are issued together
/// from the same inputs, so the same date results and `kind` does not change the arithmetic.
/// A signature certificate issued on its own must additionally be capped by the caller with
/// the user-authentication certificate's date.
pub fn certificate_valid_through(
    kind: CertificateKind,
    dob: NaiveDate,
    cert_issued_on: NaiveDate,
    card_valid_through: NaiveDate,
    period_expiry: Option<NaiveDate>,
    renewed_in_last_three_months: bool,
) -> NaiveDate {
    let _ = kind;
    let n = if renewed_in_last_three_months { 6 } else { 5 };
    let birthday = nth_birthday_after(dob, cert_issued_on, n);
    let through = birthday.min(card_valid_through);
    period_expiry.map_or(through, |e| through.min(e))
}

/// Whether a signature certificate (署名用) may be issued to a person born on `dob` on `today`.
///
/// §8.5 [A MUNI-CERT]: not issued to under-15s "in principle"; the exceptions are
/// not modelled.
pub fn signature_certificate_issuable(dob: NaiveDate, today: NaiveDate) -> bool {
    age_on(dob, today) >= 15
}

/// The last day a Tokutei card's My Number functions are valid.
///
/// §8.6 [B EIJUU: aligned with card validity] and §9 [C, §16.2]: normally the
/// card's validity. During a special period (`in_special_period_until = Some(until)`), per
/// [`SpecialPeriodMyNumber`]: either the original period expiry (default; the card stays valid
/// as a residence card only) or as long as the card is valid, i.e. through `until`.
pub fn my_number_functions_valid_through(
    card_valid_through: NaiveDate,
    period_expiry: Option<NaiveDate>,
    in_special_period_until: Option<NaiveDate>,
    switch: SpecialPeriodMyNumber,
) -> NaiveDate {
    match (in_special_period_until, switch) {
        (None, _) => card_valid_through,
        (Some(_), SpecialPeriodMyNumber::EndsAtOriginalExpiry) => {
            period_expiry.map_or(card_valid_through, |e| e.min(card_valid_through))
        }
        (Some(until), SpecialPeriodMyNumber::WhileCardValid) => until.max(card_valid_through),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    const SW: ValiditySwitches = ValiditySwitches {
        child_cap: ChildCapUnderAmendedLaw::KeepSixteenthBirthdayCap,
        spr_anchor: SprRenewalAnchor::IssuanceDate,
        special_period_my_number: SpecialPeriodMyNumber::EndsAtOriginalExpiry,
    };

    fn card(
        law: CardLaw,
        cat: CardHolderCategory,
        dob: NaiveDate,
        issued: NaiveDate,
        expiry: Option<NaiveDate>,
    ) -> NaiveDate {
        residence_card_valid_through(law, cat, dob, issued, expiry, false, SW).unwrap()
    }

    use CardHolderCategory::{
        HighlySkilledProfessional2 as Hsp2, Other, PermanentResident as Pr,
        SpecialPermanentResident as Spr,
    };

    // ---- §8.1 worked examples ----

    #[test]
    fn given_pr_card_issued_2020_04_01_under_old_law_then_valid_through_2027_03_31() {
        let v = card(CardLaw::Old, Pr, d(1980, 1, 15), d(2020, 4, 1), None);
        assert_eq!(v, d(2027, 3, 31));
    }

    #[test]
    fn given_non_pr_child_born_2011_09_20_expiry_2028_03_31_issued_2025_04_01_then_2027_09_19() {
        let v = card(
            CardLaw::Old,
            Other,
            d(2011, 9, 20),
            d(2025, 4, 1),
            Some(d(2028, 3, 31)),
        );
        assert_eq!(v, d(2027, 9, 19));
    }

    // ---- §8.1 other rows ----

    #[test]
    fn given_old_law_under_16_cards_when_issued_before_2023_11_01_then_16th_birthday_itself() {
        let dob = d(2011, 9, 20);
        assert_eq!(
            card(CardLaw::Old, Pr, dob, d(2023, 10, 31), None),
            d(2027, 9, 20)
        );
        assert_eq!(
            card(CardLaw::Old, Pr, dob, d(2023, 11, 1), None),
            d(2027, 9, 19)
        );
        assert_eq!(
            card(
                CardLaw::Old,
                Other,
                dob,
                d(2023, 10, 31),
                Some(d(2028, 3, 31))
            ),
            d(2027, 9, 20)
        );
    }

    #[test]
    fn given_non_pr_child_when_period_expires_before_16th_birthday_then_period_expiry() {
        let v = card(
            CardLaw::Old,
            Other,
            d(2011, 9, 20),
            d(2025, 4, 1),
            Some(d(2026, 3, 31)),
        );
        assert_eq!(v, d(2026, 3, 31));
    }

    #[test]
    fn given_under_16_card_issued_by_validity_renewal_then_the_16_plus_rows_apply() {
        let dob = d(2011, 9, 20);
        let issued = d(2027, 6, 1);
        let pr = residence_card_valid_through(CardLaw::Old, Pr, dob, issued, None, true, SW);
        assert_eq!(pr, Ok(d(2034, 5, 31)));
        let other = residence_card_valid_through(
            CardLaw::Old,
            Other,
            dob,
            issued,
            Some(d(2028, 3, 31)),
            true,
            SW,
        );
        assert_eq!(other, Ok(d(2028, 3, 31)));
    }

    #[test]
    fn given_hsp2_under_old_law_then_seven_years_from_issuance() {
        assert_eq!(
            card(CardLaw::Old, Hsp2, d(1970, 12, 1), d(2024, 5, 10), None),
            d(2031, 5, 9)
        );
    }

    #[test]
    fn given_missing_expiry_or_spr_when_computing_residence_card_then_error() {
        let r = residence_card_valid_through(
            CardLaw::Old,
            Other,
            d(1990, 1, 1),
            d(2025, 1, 1),
            None,
            false,
            SW,
        );
        assert_eq!(r, Err(ValidityError::MissingPeriodExpiry));
        let r = residence_card_valid_through(
            CardLaw::Amended,
            Spr,
            d(1990, 1, 1),
            d(2026, 7, 1),
            None,
            false,
            SW,
        );
        assert_eq!(r, Err(ValidityError::SprHoldsCertificate));
    }

    // ---- §8.2 worked examples ----

    #[test]
    fn given_pr_born_1975_11_03_issued_2026_06_22_then_2035_11_03_new_and_2033_06_21_legacy() {
        let dob = d(1975, 11, 3);
        let issued = d(2026, 6, 22);
        assert_eq!(
            card(CardLaw::Amended, Pr, dob, issued, None),
            d(2035, 11, 3)
        );
        assert_eq!(card(CardLaw::Old, Pr, dob, issued, None), d(2033, 6, 21));
    }

    #[test]
    fn given_hsp2_born_1970_12_01_issued_2026_07_03_then_2035_12_01() {
        // The first birthday after issuance is 2026-12-01.
        let v = card(CardLaw::Amended, Hsp2, d(1970, 12, 1), d(2026, 7, 3), None);
        assert_eq!(v, d(2035, 12, 1));
    }

    #[test]
    fn given_pr_born_1990_07_20_issued_2026_07_01_then_2035_07_20() {
        let v = card(CardLaw::Amended, Pr, d(1990, 7, 20), d(2026, 7, 1), None);
        assert_eq!(v, d(2035, 7, 20));
    }

    #[test]
    fn given_pr_born_1990_07_20_issued_on_birthday_2026_07_20_then_2036_07_20() {
        let v = card(CardLaw::Amended, Pr, d(1990, 7, 20), d(2026, 7, 20), None);
        assert_eq!(v, d(2036, 7, 20));
    }

    #[test]
    fn given_pr_child_born_2012_05_10_issued_2026_08_03_age_14_then_2031_05_10_new_and_2028_05_09_legacy()
     {
        let dob = d(2012, 5, 10);
        let issued = d(2026, 8, 3);
        assert_eq!(
            card(CardLaw::Amended, Pr, dob, issued, None),
            d(2031, 5, 10)
        );
        assert_eq!(card(CardLaw::Old, Pr, dob, issued, None), d(2028, 5, 9));
    }

    #[test]
    fn given_pr_born_1984_02_29_issued_2026_09_01_then_2036_02_29() {
        let v = card(CardLaw::Amended, Pr, d(1984, 2, 29), d(2026, 9, 1), None);
        assert_eq!(v, d(2036, 2, 29));
    }

    #[test]
    fn given_amended_law_non_pr_child_when_switching_child_cap_then_cap_or_expiry() {
        let dob = d(2011, 9, 20);
        let issued = d(2026, 7, 1);
        let expiry = Some(d(2028, 3, 31));
        assert_eq!(
            card(CardLaw::Amended, Other, dob, issued, expiry),
            d(2027, 9, 19)
        );
        let no_cap = ValiditySwitches {
            child_cap: ChildCapUnderAmendedLaw::NoCap,
            ..SW
        };
        let v = residence_card_valid_through(
            CardLaw::Amended,
            Other,
            dob,
            issued,
            expiry,
            false,
            no_cap,
        );
        assert_eq!(v, Ok(d(2028, 3, 31)));
        assert_eq!(
            card(CardLaw::Amended, Other, d(1990, 1, 1), issued, expiry),
            d(2028, 3, 31)
        );
    }

    #[test]
    fn given_issuance_dates_when_choosing_the_law_then_amended_from_2026_06_14() {
        assert_eq!(
            CardLaw::for_issuance(d(2026, 6, 13), CardLaw::AMENDED_FROM),
            CardLaw::Old
        );
        assert_eq!(
            CardLaw::for_issuance(d(2026, 6, 14), CardLaw::AMENDED_FROM),
            CardLaw::Amended
        );
    }

    // ---- §8.3 worked example ----

    #[test]
    fn given_spr_born_1956_10_05_cert_to_2026_10_05_renewing_then_2033_10_05_legacy_and_2035_10_05_new()
     {
        let dob = d(1956, 10, 5);
        let previous = Some(d(2026, 10, 5));
        let legacy = spr_certificate_valid_through(CardLaw::Old, dob, d(2026, 9, 10), previous, SW);
        assert_eq!(legacy, d(2033, 10, 5));
        let new =
            spr_certificate_valid_through(CardLaw::Amended, dob, d(2026, 9, 10), previous, SW);
        assert_eq!(new, d(2035, 10, 5));
    }

    #[test]
    fn given_spr_renewal_when_anchor_is_previous_expiry_then_counted_from_it() {
        let sw = ValiditySwitches {
            spr_anchor: SprRenewalAnchor::PreviousExpiry,
            ..SW
        };
        let v = spr_certificate_valid_through(
            CardLaw::Amended,
            d(1956, 10, 5),
            d(2026, 9, 10),
            Some(d(2026, 10, 5)),
            sw,
        );
        assert_eq!(v, d(2036, 10, 5));
    }

    #[test]
    fn given_legacy_spr_certificates_when_new_or_child_then_7th_birthday_or_16th_cap() {
        let dob = d(1990, 3, 1);
        assert_eq!(
            spr_certificate_valid_through(CardLaw::Old, dob, d(2020, 5, 1), None, SW),
            d(2027, 3, 1)
        );
        let child = d(2015, 6, 30);
        assert_eq!(
            spr_certificate_valid_through(CardLaw::Old, child, d(2024, 1, 10), None, SW),
            d(2031, 6, 29)
        );
        assert_eq!(
            spr_certificate_valid_through(CardLaw::Old, child, d(2022, 1, 10), None, SW),
            d(2031, 6, 30)
        );
    }

    // ---- §9 ----

    #[test]
    fn given_expiry_2026_09_30_filed_in_time_and_undecided_then_special_period_to_2026_11_30() {
        let sp = special_period(d(2026, 9, 30), d(2026, 9, 1), None).unwrap();
        assert_eq!(sp.until, d(2026, 11, 30));
        assert!(!sp.contains(d(2026, 9, 30)));
        assert!(sp.contains(d(2026, 10, 1)));
        assert!(sp.contains(d(2026, 11, 30)));
        assert!(!sp.contains(d(2026, 12, 1)));
    }

    #[test]
    fn given_expiry_2026_12_31_when_special_period_then_latest_2027_02_28() {
        let sp = special_period(d(2026, 12, 31), d(2026, 12, 31), None).unwrap();
        assert_eq!(sp.until, d(2027, 2, 28));
    }

    #[test]
    fn given_expiry_2026_06_30_when_special_period_then_latest_2026_08_31() {
        let sp = special_period(d(2026, 6, 30), d(2026, 6, 1), None).unwrap();
        assert_eq!(sp.until, d(2026, 8, 31));
    }

    #[test]
    fn given_expiry_2027_03_31_when_special_period_then_latest_2027_05_31() {
        let sp = special_period(d(2027, 3, 31), d(2027, 1, 5), None).unwrap();
        assert_eq!(sp.until, d(2027, 5, 31));
    }

    #[test]
    fn given_a_decision_when_in_special_period_then_it_ends_at_the_earlier_of_decision_and_end() {
        let expiry = d(2026, 9, 30);
        assert_eq!(
            special_period(expiry, d(2026, 9, 1), Some(d(2026, 10, 20))).map(|s| s.until),
            Some(d(2026, 10, 20))
        );
        assert!(in_special_period(
            expiry,
            d(2026, 9, 1),
            Some(d(2026, 10, 20)),
            d(2026, 10, 20)
        ));
        assert!(!in_special_period(
            expiry,
            d(2026, 9, 1),
            Some(d(2026, 10, 20)),
            d(2026, 10, 21)
        ));
        // Decided by the expiry, or filed late: no special period.
        assert_eq!(
            special_period(expiry, d(2026, 9, 1), Some(d(2026, 9, 30))),
            None
        );
        assert_eq!(special_period(expiry, d(2026, 10, 1), None), None);
    }

    #[test]
    fn given_expiry_tied_card_in_special_period_then_valid_until_its_end_but_not_capped_cards() {
        let expiry = d(2026, 9, 30);
        let sp = special_period(expiry, d(2026, 9, 1), None);
        assert!(residence_card_valid_on(expiry, sp, d(2026, 11, 30)));
        assert!(!residence_card_valid_on(expiry, sp, d(2026, 12, 1)));
        assert!(!residence_card_valid_on(expiry, None, d(2026, 10, 1)));
        // A card capped by the 16th birthday before the expiry is not expiry-tied.
        assert!(!residence_card_valid_on(d(2026, 8, 19), sp, d(2026, 10, 1)));
    }

    // ---- §8.4 My Number card ----

    #[test]
    fn given_my_number_cards_when_category_differs_then_birthday_cap_or_period_expiry() {
        let dob = d(1990, 7, 20);
        let issued = d(2025, 1, 10);
        assert_eq!(
            my_number_card_valid_through(Pr, dob, issued, None),
            d(2034, 7, 20)
        );
        assert_eq!(
            my_number_card_valid_through(Spr, dob, issued, None),
            d(2034, 7, 20)
        );
        assert_eq!(
            my_number_card_valid_through(Other, dob, issued, Some(d(2027, 3, 31))),
            d(2027, 3, 31)
        );
        // Under 18 at issuance: 5th birthday after.
        assert_eq!(
            my_number_card_valid_through(Other, d(2012, 5, 10), issued, Some(d(2035, 1, 1))),
            d(2029, 5, 10)
        );
    }

    #[test]
    fn given_validity_change_when_card_valid_then_new_expiry_capped_by_birthday() {
        let dob = d(1990, 7, 20);
        let issued = d(2025, 1, 10);
        let today = d(2027, 3, 1);
        let v = my_number_validity_change(
            Other,
            dob,
            issued,
            d(2027, 3, 31),
            Some(d(2030, 3, 31)),
            today,
        );
        assert_eq!(v, Ok(d(2030, 3, 31)));
        // Beyond the 10th birthday after issuance (2034-07-20) a new card is needed.
        let v = my_number_validity_change(
            Other,
            dob,
            issued,
            d(2027, 3, 31),
            Some(d(2036, 3, 31)),
            today,
        );
        assert_eq!(v, Ok(d(2034, 7, 20)));
    }

    #[test]
    fn given_a_specially_extended_card_when_the_register_still_has_the_old_period_then_refused_not_shortened()
     {
        // Extended under §5.13 to 2027-05-31 (two months after the old expiry 2027-03-31); the
        // register still shows 2027-03-31 because the bureau's notice has not arrived.
        let v = my_number_validity_change(
            Other,
            d(1990, 7, 20),
            d(2025, 1, 10),
            d(2027, 5, 31),
            Some(d(2027, 3, 31)),
            d(2027, 4, 20),
        );
        assert_eq!(v, Err(RefusalReason::PeriodNotYetNotified));
        assert_eq!(RefusalReason::PeriodNotYetNotified.section(), "§5.4");
        // Once it has arrived, the card follows the new period.
        let v = my_number_validity_change(
            Other,
            d(1990, 7, 20),
            d(2025, 1, 10),
            d(2027, 5, 31),
            Some(d(2030, 3, 31)),
            d(2027, 4, 25),
        );
        assert_eq!(v, Ok(d(2030, 3, 31)));
    }

    #[test]
    fn given_expired_card_when_changing_validity_then_refused() {
        let v = my_number_validity_change(
            Other,
            d(1990, 7, 20),
            d(2025, 1, 10),
            d(2027, 3, 31),
            Some(d(2030, 3, 31)),
            d(2027, 4, 1),
        );
        assert_eq!(v, Err(RefusalReason::CardAlreadyExpired));
        assert_eq!(RefusalReason::CardAlreadyExpired.section(), "§11");
    }

    #[test]
    fn given_pending_application_when_special_extension_then_up_to_two_months() {
        let expiry = d(2026, 9, 30);
        let v =
            my_number_special_period_extension(expiry, expiry, d(2026, 9, 1), None, false, expiry);
        assert_eq!(v, Ok(d(2026, 11, 30)));
        let v = my_number_special_period_extension(
            expiry,
            expiry,
            d(2026, 9, 1),
            Some(d(2026, 10, 20)),
            false,
            d(2026, 9, 25),
        );
        assert_eq!(v, Ok(d(2026, 10, 20)));
    }

    #[test]
    fn given_disallowed_cases_when_special_extension_then_refused_with_reason() {
        let expiry = d(2026, 9, 30);
        let ext = |applied, decided, already, today| {
            my_number_special_period_extension(expiry, expiry, applied, decided, already, today)
        };
        assert_eq!(
            ext(d(2026, 9, 1), None, false, d(2026, 10, 1)),
            Err(RefusalReason::CardAlreadyExpired)
        );
        assert_eq!(
            ext(d(2026, 9, 1), None, true, d(2026, 9, 20)),
            Err(RefusalReason::SecondSpecialExtension)
        );
        assert_eq!(
            ext(d(2026, 10, 1), None, false, d(2026, 9, 20)),
            Err(RefusalReason::ApplicationNotFiledBeforeExpiry)
        );
        assert_eq!(
            ext(d(2026, 9, 1), Some(d(2026, 9, 15)), false, d(2026, 9, 20)),
            Err(RefusalReason::NoPendingApplication)
        );
        assert_eq!(RefusalReason::SecondSpecialExtension.section(), "§5.13");
        assert_eq!(
            serde_json::to_string(&RefusalReason::CardAlreadyExpired).unwrap(),
            "\"card_already_expired\""
        );
    }

    // ---- §8.5 certificates ----

    #[test]
    fn given_certificates_when_computing_validity_then_earliest_of_birthday_card_and_expiry() {
        let dob = d(1990, 7, 20);
        let issued = d(2026, 8, 1);
        let k = CertificateKind::UserAuthentication;
        // 5th birthday after issuance: 2031-07-20.
        assert_eq!(
            certificate_valid_through(k, dob, issued, d(2036, 7, 20), None, false),
            d(2031, 7, 20)
        );
        assert_eq!(
            certificate_valid_through(k, dob, issued, d(2036, 7, 20), None, true),
            d(2032, 7, 20)
        );
        assert_eq!(
            certificate_valid_through(k, dob, issued, d(2029, 1, 1), None, false),
            d(2029, 1, 1)
        );
        assert_eq!(
            certificate_valid_through(
                CertificateKind::Signature,
                dob,
                issued,
                d(2029, 1, 1),
                Some(d(2028, 3, 31)),
                false
            ),
            d(2028, 3, 31)
        );
    }

    #[test]
    fn given_ages_when_issuing_signature_certificate_then_only_from_15() {
        let dob = d(2011, 9, 20);
        assert!(!signature_certificate_issuable(dob, d(2026, 9, 19)));
        assert!(signature_certificate_issuable(dob, d(2026, 9, 20)));
    }

    // ---- §8.6 / §9 Tokutei My Number functions ----

    #[test]
    fn given_tokutei_card_in_special_period_when_switching_then_original_expiry_or_card_validity() {
        let expiry = d(2026, 9, 30);
        let until = Some(d(2026, 11, 30));
        assert_eq!(
            my_number_functions_valid_through(
                expiry,
                Some(expiry),
                None,
                SpecialPeriodMyNumber::EndsAtOriginalExpiry
            ),
            expiry
        );
        assert_eq!(
            my_number_functions_valid_through(
                expiry,
                Some(expiry),
                until,
                SpecialPeriodMyNumber::EndsAtOriginalExpiry
            ),
            expiry
        );
        assert_eq!(
            my_number_functions_valid_through(
                expiry,
                Some(expiry),
                until,
                SpecialPeriodMyNumber::WhileCardValid
            ),
            d(2026, 11, 30)
        );
    }

    #[test]
    fn given_validity_switches_when_deserializing_empty_object_then_documented_defaults() {
        let sw: ValiditySwitches = serde_json::from_str("{}").unwrap();
        assert_eq!(sw, SW);
        let sw: ValiditySwitches =
            serde_json::from_str(r#"{"special_period_my_number":"while_card_valid"}"#).unwrap();
        assert_eq!(
            sw.special_period_my_number,
            SpecialPeriodMyNumber::WhileCardValid
        );
    }

    #[test]
    fn given_a_period_of_stay_when_it_expires_then_lawful_only_inside_the_special_period() {
        let expiry = d(2026, 9, 30);
        let sp = special_period(expiry, d(2026, 9, 1), None);
        let worker = Status::EngineerSpecialistHumanities;
        assert!(lawfully_resident(worker, Some(expiry), None, expiry));
        assert!(!lawfully_resident(
            worker,
            Some(expiry),
            None,
            d(2026, 10, 1)
        ));
        assert!(lawfully_resident(worker, Some(expiry), sp, d(2026, 10, 1)));
        assert!(!lawfully_resident(worker, Some(expiry), sp, d(2026, 12, 1)));
        // A status without a period of stay is lawful whatever the dates.
        assert!(lawfully_resident(
            Status::PermanentResident,
            None,
            None,
            d(2040, 1, 1)
        ));
    }

    #[test]
    fn given_my_number_cards_when_asking_usability_then_validity_special_period_and_pin_decide() {
        let expiry = d(2026, 9, 30);
        let sp = special_period(expiry, d(2026, 9, 1), None);
        let separate = MyNumberFunctionsHeld {
            separate_card_through: Some(expiry),
            ..MyNumberFunctionsHeld::default()
        };
        let ends = SpecialPeriodMyNumber::EndsAtOriginalExpiry;
        assert!(separate.usable_on(expiry, Some(expiry), None, ends));
        assert!(!separate.usable_on(d(2026, 10, 1), Some(expiry), sp, ends));
        let locked = MyNumberFunctionsHeld {
            pin_locked: true,
            ..separate
        };
        assert!(!locked.usable_on(expiry, Some(expiry), None, ends));
        // Tokutei functions in a special period follow the policy's reading (§16.2).
        let tokutei = MyNumberFunctionsHeld {
            tokutei_functions_through: Some(expiry),
            ..MyNumberFunctionsHeld::default()
        };
        let oct = d(2026, 10, 15);
        assert!(!tokutei.usable_on(oct, Some(expiry), sp, ends));
        let while_valid = SpecialPeriodMyNumber::WhileCardValid;
        assert!(tokutei.usable_on(oct, Some(expiry), sp, while_valid));
        assert!(!tokutei.usable_on(oct, Some(expiry), None, while_valid));
        assert!(!MyNumberFunctionsHeld::default().usable_on(expiry, None, None, ends));
    }
}
