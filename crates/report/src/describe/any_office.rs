//! The sentences of the events more than one office records — a counter visit, a refusal (of
//! a procedure, or of a Tokutei application at the bureau or a city hall), a missed deadline, a
//! counter with no place left that day — and of the police's loss report.

use model::event::Event;
use model::procedure::Procedure;

use super::MISROUTED;
use crate::labels::{self, Lang};

pub(super) fn describe(event: &Event, lang: Lang) -> String {
    match event {
        Event::CounterVisited {
            office,
            municipality,
            procedure,
            ..
        } => {
            let procedure = labels::procedure(*procedure).get(lang);
            match (lang, municipality) {
                (Lang::En, Some(m)) => format!(
                    "visits the {} of {m} for: {procedure}",
                    labels::office_short(*office).en
                ),
                (Lang::En, None) => format!(
                    "visits the {} for: {procedure}",
                    labels::office_short(*office).en
                ),
                (Lang::Ja, Some(m)) => {
                    format!(
                        "{}（{}）の窓口に来訪：{procedure}",
                        labels::municipality(m, lang),
                        labels::office(*office).ja
                    )
                }
                (Lang::Ja, None) => format!("{}に来訪：{procedure}", labels::office(*office).ja),
            }
        }
        Event::ProcedureRefused {
            procedure, rule, ..
        } => {
            // The rule's section follows the sentence wherever it is shown (`Event::section`):
            // the sentence does not repeat it.
            let procedure = labels::procedure(*procedure).get(lang);
            let why = labels::refusal(rule, lang);
            match lang {
                Lang::En => format!("refuses the {procedure}: {why}"),
                Lang::Ja => format!("{procedure}を受け付けない：{why}"),
            }
        }
        // The sentence names the procedure the application was made with, and claims nothing
        // about that procedure's fate: it usually goes on (§4), but a refusal of the procedure
        // itself (a person the register does not take, §3) is its own event, beside this one.
        Event::TokuteiApplicationRefused {
            attached_to, rule, ..
        } => {
            let why = labels::refusal(rule, lang);
            let with = labels::procedure(*attached_to).get(lang);
            match lang {
                Lang::En if *attached_to == Procedure::TokuteiApplication => {
                    format!("refuses the Tokutei card application ({why})")
                }
                Lang::En => {
                    format!("refuses the Tokutei card application made with the {with} ({why})")
                }
                Lang::Ja if *attached_to == Procedure::TokuteiApplication => {
                    format!("特定在留カード等交付申請を受け付けない（{why}）")
                }
                Lang::Ja => {
                    format!("{with}に添えた特定在留カード等交付申請を受け付けない（{why}）")
                }
            }
        }
        Event::DeadlineMissed {
            duty,
            deadline,
            consequence,
            ..
        } => {
            let duty = labels::duty(*duty).get(lang);
            let cost = labels::consequence(*consequence).get(lang);
            match lang {
                Lang::En => format!("records a missed deadline ({duty}, due {deadline}): {cost}"),
                Lang::Ja => format!("期限の徒過を記録（{duty}、期限 {deadline}）：{cost}"),
            }
        }
        Event::CounterCapacityReached {
            office,
            municipality,
            procedure,
            waits_until,
            ..
        } => {
            let procedure = labels::procedure(*procedure).get(lang);
            match (lang, municipality) {
                (Lang::En, Some(m)) => format!(
                    "has no place left today at the {} of {m} for: {procedure}; the resident comes back on {waits_until}",
                    labels::office_short(*office).en
                ),
                (Lang::En, None) => format!(
                    "has no place left today at the {} for: {procedure}; the resident comes back on {waits_until}",
                    labels::office_short(*office).en
                ),
                (Lang::Ja, Some(m)) => format!(
                    "{}（{}）の窓口は本日の受付枠が満了：{procedure}（{waits_until}に再来訪）",
                    labels::municipality(m, lang),
                    labels::office(*office).ja
                ),
                (Lang::Ja, None) => format!(
                    "{}の本日の受付枠が満了：{procedure}（{waits_until}に再来訪）",
                    labels::office(*office).ja
                ),
            }
        }
        Event::LossReported {
            lost_on, receipt, ..
        } => match lang {
            Lang::En => format!("takes a loss report (lost on {lost_on}; receipt {receipt})"),
            Lang::Ja => format!("遺失届を受理（紛失日 {lost_on}、受理番号 {receipt}）"),
        },
        other => unreachable!("{MISROUTED}: {}", other.type_name()),
    }
}
