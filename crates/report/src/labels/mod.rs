//! The one vocabulary of zairyu: every word a person reads — offices, services, procedures,
//! cards, statuses, channels, regimes, duties, reasons, refusal rules, event types, measures
//! and the reports' own headings — in English and Japanese. The `run` transcript, the card record, the
//! office-visit table and every teaching format take their words from here; the sentences that
//! put them together are in `describe` (one per event) and `phrases`.
//!
//! Every function here is an exhaustive `match` without a wildcard arm, and every arm gives
//! both languages at once, so that a variant added to the model later does not compile until
//! it is labelled in both. The Japanese terms are the official ones docs/domain.md uses
//! (在留期間更新許可申請, 転居届, 特定在留カード, 個人番号カード, 出入国在留管理庁 …).

use model::card::CardKind;
use model::ids::Municipality;
use model::policy::Regime;
use model::procedure::Procedure;
use model::service::{Channel, Office, Service};
use model::status::Status;
use model::time::Latency;
use model::validity::CertificateKind;

mod analysis;
mod bench;
mod command_errors;
mod commands;
mod errors;
mod events;
mod help;
mod history;
mod measures;
mod reasons;
mod scenario_errors;
mod step;
mod ui;

pub use analysis::{Analysis, analysis};
pub use bench::{
    BenchFigures, BenchPhase, CpuFigure, WhatIfBenchFigures, bench_figures, bench_phase,
    bench_what_if_figures,
};
pub use command_errors::{
    Cause, CommandProblem, NotALog, RunPart, ShardsMismatch, cause_ja, command_problem,
    not_a_log_ja,
};
pub use commands::{
    CommitsFound, HashName, ProgressBar, ReplayProblem, SimtestBroken, check_mark, check_passed,
    check_place, check_value, check_value_of, check_what, commits_line, expected_got, hash_line,
    population_log, population_logs_kept, progress_events, progress_seed, progress_simulate,
    progress_template, progress_writing_tables, replay_warning, run_header, simtest_broken,
    simtest_held, state_hash_of_other_rules_line, synthetic_population, tables_written, validated,
};
pub use errors::{
    LogUnreadable, LogWriting, Problem, UsageError, error_prefix, explaining_anyway, held_log,
    here, io_reason, problem, problem_because, replacing, resumed, separator, usage_error,
    warning_prefix, wrote,
};
pub use events::event_type;
pub use help::{
    arg_help_ja, arguments_heading_ja, choices_ja, command_help_ja, commands_heading_ja,
    default_ja, help_command_ja, help_flag_ja, options_heading_ja, usage_heading_ja, usage_ja,
    value_name_ja, version_flag_ja,
};
pub use history::{
    History, card_law, diff_totals, first_difference, history, identical, input, legally_on,
    rule_summary, sample_kept, why_heading,
};
pub use measures::{measure, workload_column};
pub use reasons::{
    changed_item, consequence, duty, invalidation, my_number_card_reissue_reason, refusal,
    refusal_reason, reissue_reason, revocation,
};
pub use scenario_errors::scenario_problem;
pub use step::{
    StepUsage, step_added, step_at_end, step_help, step_in_the_past, step_no_resident, step_now,
    step_saved, step_unknown, step_usage,
};
pub use ui::{Ui, ui, weekday};

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
        Service::CityHall => service(s),
        Service::CardIssuer => l("J-LIS", "J-LIS"),
        Service::Police => service(s),
    }
}

/// A service as the object of a sentence: "notifies the city hall", "notifies J-LIS".
pub fn service_object(s: Service) -> Label {
    let en = match s {
        Service::ImmigrationBureau => "the immigration bureau",
        Service::CityHall => "the city hall",
        Service::CardIssuer => "J-LIS",
        Service::Police => "the police",
    };
    Label::new(en, service(s).ja)
}

/// A place a resident goes.
pub fn office(o: Office) -> Label {
    match o {
        Office::ImmigrationBureau => service(Service::ImmigrationBureau),
        Office::CityHall => service(Service::CityHall),
        Office::Police => service(Service::Police),
        Office::CallCentre => l("My Number call centre", "マイナンバー総合フリーダイヤル"),
    }
}

/// A short form of [`office`] for narrow places: diagram headers, the transcript's tallies.
pub fn office_short(o: Office) -> Label {
    match o {
        Office::ImmigrationBureau => service_short(Service::ImmigrationBureau),
        Office::CityHall => service_short(Service::CityHall),
        Office::Police => service_short(Service::Police),
        Office::CallCentre => l("call centre", "コールセンター"),
    }
}

/// An office as the object of a sentence: "the immigration bureau", "the My Number call
/// centre".
pub fn office_object(o: Office) -> Label {
    match o {
        Office::ImmigrationBureau => service_object(Service::ImmigrationBureau),
        Office::CityHall => service_object(Service::CityHall),
        Office::Police => service_object(Service::Police),
        Office::CallCentre => Label::new("the My Number call centre", office(o).ja),
    }
}

/// What a resident comes to do.
pub fn procedure(p: Procedure) -> Label {
    match p {
        Procedure::Landing => l("landing", "上陸"),
        Procedure::ResidenceNotification => l("first residence notification", "住居地届出"),
        Procedure::ResidenceNotificationAfterStatusChange => l(
            "residence notification after a change of status",
            "在留資格変更後の住居地届出",
        ),
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
        Procedure::MyNumberCardReissue => l(
            "new My Number card (after a loss or a lapse)",
            "個人番号カードの再交付申請（紛失・失効）",
        ),
        Procedure::MyNumberCardItemUpdate => {
            l("My Number card item update", "個人番号カードの券面事項変更")
        }
        Procedure::DepartureNotification => l("notice of a move abroad", "国外転出届"),
        Procedure::Departure => l("departure for good", "出国（再入国許可なし）"),
        Procedure::BirthNotification => l("birth notification", "出生届"),
        Procedure::StatusAcquisition => l(
            "application for a status of residence after birth",
            "在留資格取得許可申請",
        ),
    }
}

/// What the office-visit table's row for a procedure does not show, if anything.
pub fn office_table_note(p: Procedure) -> Option<Label> {
    match p {
        Procedure::MoveIn => Some(l(
            "move-out at the former and move-in at the new municipality",
            "転出届は転出元、転入届は転入先の市区町村で行う",
        )),
        Procedure::LossReissue => Some(l(
            "a lost Tokutei card is replaced by a standard card by default (§16.1): My Number functions need a new application",
            "紛失した特定在留カードは既定では標準の在留カードで再交付される（§16.1）：マイナンバー機能には新たな申請が必要",
        )),
        Procedure::ResidenceNotificationAfterStatusChange => Some(l(
            "a short-term visitor made a mid-to-long-term resident: the change of status (file, collect) at the bureau, then the notification (19条の8)",
            "短期滞在者が在留資格の変更で中長期在留者となる場合：入管で変更の申請と受領、その後の住居地届出（19条の8）",
        )),
        Procedure::Departure => Some(l(
            "the notice of a move abroad at the city hall, then the card returned at the port (no counter); the goal: no valid card and no My Number functions left",
            "市区町村への国外転出届、その後に港で在留カードを返納（窓口なし）。目標は有効なカードも個人番号カードの機能も残らないこと",
        )),
        Procedure::StatusAcquisition => Some(l(
            "a child born in Japan: the birth notification at the city hall, then the application and the card at the bureau",
            "日本で生まれた子：市区町村への出生届、入管での申請とカードの受領",
        )),
        Procedure::ItemChange => Some(l(
            "the separate My Number card's own update at the city hall (§5.9) is not among the follow-ups counted",
            "個人番号カード自体の市区町村での記載変更（§5.9）は数えていない",
        )),
        Procedure::Landing
        | Procedure::ResidenceNotification
        | Procedure::Extension
        | Procedure::StatusChange
        | Procedure::PermanentResidence
        | Procedure::CardRenewal
        | Procedure::SprCertificateRenewal
        | Procedure::Reissue
        | Procedure::LossReport
        | Procedure::MyNumberSuspension
        | Procedure::TokuteiApplication
        | Procedure::CardCollection
        | Procedure::MoveWithinMunicipality
        | Procedure::MoveOut
        | Procedure::MyNumberValidityChange
        | Procedure::MyNumberSpecialPeriodExtension
        | Procedure::MyNumberContinuity
        | Procedure::PinReset
        | Procedure::MyNumberCardReissue
        | Procedure::MyNumberCardItemUpdate
        | Procedure::DepartureNotification
        | Procedure::BirthNotification => None,
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
        Status::TransitionalStayer => l(
            "transitional stay after birth (no status yet)",
            "出生による経過滞在者",
        ),
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

/// How procedure `p` reached the office: [`channel`], with the port named for what `p` does
/// there — one channel serves both landing and leaving (出入国港 says both in Japanese).
pub fn channel_of(c: Channel, p: Procedure) -> Label {
    match (c, p) {
        (Channel::Airport, Procedure::Departure) => l("at the port of departure", "出入国港"),
        _ => channel(c),
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

/// A municipality: in English its key as scenarios write it (`yokohama-naka`), in Japanese its
/// official name (横浜市中区, `model::municipality`). A key zairyu does not know is shown as it
/// is, except the synthetic population's `other-NNN`, which is 「その他の市区町村（NNN）」 in
/// Japanese.
pub fn municipality(m: &Municipality, lang: Lang) -> String {
    match lang {
        Lang::En => m.as_str().to_owned(),
        Lang::Ja => match model::municipality::official_name(m) {
            Some(name) => name.to_owned(),
            None => match m.as_str().strip_prefix("other-") {
                Some(n) => format!("その他の市区町村（{n}）"),
                None => m.as_str().to_owned(),
            },
        },
    }
}

/// A port of entry, as scenarios write it (`narita`): in English the key, in Japanese the
/// airport's name (成田空港). The table holds the seven airports that hand the residence card
/// over on landing (`model::rules::CARD_AT_LANDING_PORTS`) and Naha, which the bundled scenarios
/// use; a port not in it is shown as it is written.
pub fn port(port: &str, lang: Lang) -> String {
    const JA: [(&str, &str); 8] = [
        ("new_chitose", "新千歳空港"),
        ("narita", "成田空港"),
        ("haneda", "羽田空港"),
        ("chubu", "中部国際空港"),
        ("kansai", "関西国際空港"),
        ("hiroshima", "広島空港"),
        ("fukuoka", "福岡空港"),
        ("naha", "那覇空港"),
    ];
    match (lang, JA.iter().find(|(key, _)| *key == port)) {
        (Lang::Ja, Some((_, name))) => (*name).to_owned(),
        _ => port.to_owned(),
    }
}

/// A duration, to the minute: `1d 2h 10m` / 「1日2時間10分」.
pub fn duration(d: Latency, lang: Lang) -> String {
    let minutes = d.as_minutes();
    let (days, rem) = (minutes / 1440, minutes % 1440);
    let (hours, mins) = (rem / 60, rem % 60);
    let units = match lang {
        Lang::En => ["d", "h", "m"],
        Lang::Ja => ["日", "時間", "分"],
    };
    let mut parts = Vec::new();
    for (n, unit) in [days, hours, mins].into_iter().zip(units) {
        if n > 0 {
            parts.push(format!("{n}{unit}"));
        }
    }
    if parts.is_empty() {
        parts.push(format!("0{}", units[2]));
    }
    parts.join(match lang {
        Lang::En => " ",
        Lang::Ja => "",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_both_languages() {
        let d = Latency::minutes;
        assert_eq!(duration(d(10), Lang::En), "10m");
        assert_eq!(duration(d(10), Lang::Ja), "10分");
        assert_eq!(duration(d(1440), Lang::En), "1d");
        assert_eq!(duration(d(1440), Lang::Ja), "1日");
        assert_eq!(duration(d(1440 + 130), Lang::En), "1d 2h 10m");
        assert_eq!(duration(d(1440 + 130), Lang::Ja), "1日2時間10分");
        assert_eq!(duration(d(0), Lang::Ja), "0分");
        // The English form is the one the model writes.
        assert_eq!(duration(d(1440 + 130), Lang::En), d(1440 + 130).to_string());
    }

    #[test]
    fn municipalities_have_their_official_names_in_japanese() {
        let m = |k: &str| Municipality::new(k);
        assert_eq!(municipality(&m("yokohama-naka"), Lang::En), "yokohama-naka");
        assert_eq!(municipality(&m("yokohama-naka"), Lang::Ja), "横浜市中区");
        assert_eq!(
            municipality(&m("other-017"), Lang::Ja),
            "その他の市区町村（017）"
        );
        assert_eq!(municipality(&m("atlantis"), Lang::Ja), "atlantis");
    }
}
