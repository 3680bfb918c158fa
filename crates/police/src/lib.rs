//! The police, as far as residence cards are concerned: they take loss and theft reports and
//! give the receipt number (受理番号) a reissue needs (docs/domain.md §5.11 [A* ACT-19-12; A
//! MUNI-LOSS]). They keep no other record and tell no other office: the resident carries the
//! receipt number to the bureau.

use chrono::NaiveDate;
use model::command::Command;
use model::event::Event;
use model::ids::ResidentId;
use model::machine::{Context, Decision, Input, StateMachine};
use model::procedure::Procedure;
use model::service::{Office, Service};

/// The police's state: the reports each resident has made, for receipt numbers. Counted per
/// resident, never across residents, so that a number does not depend on who else is in the
/// run or in the same shard (decision 13: residents never interact).
#[derive(Debug, Default, Clone)]
pub struct Police {
    /// The id of the first resident counted (the shard's first).
    base: u32,
    reports: Vec<u32>,
}

impl Police {
    fn reports_of(&self, resident: ResidentId) -> u32 {
        resident
            .0
            .checked_sub(self.base)
            .and_then(|i| self.reports.get(i as usize))
            .copied()
            .unwrap_or(0)
    }

    /// A receipt number unique within the run: the date, the resident and the resident's own
    /// serial.
    fn receipt(&self, resident: ResidentId, on: NaiveDate) -> String {
        format!(
            "{}-{:07}-{}",
            on.format("%Y%m%d"),
            resident.0,
            self.reports_of(resident) + 1
        )
    }
}

impl StateMachine for Police {
    const SERVICE: Service = Service::Police;

    fn for_residents(residents: std::ops::Range<u32>) -> Self {
        Police {
            base: residents.start,
            reports: vec![0; residents.len()],
        }
    }

    fn decide_into(&self, input: &Input, ctx: &Context<'_>, d: &mut Decision) {
        if let Input::Command(Command::ReportLoss { resident, lost_on }) = input {
            d.push(Event::CounterVisited {
                resident: *resident,
                office: Office::Police,
                municipality: None,
                procedure: Procedure::LossReport,
            });
            d.push(Event::LossReported {
                resident: *resident,
                lost_on: *lost_on,
                receipt: self.receipt(*resident, ctx.today()),
            });
        }
    }

    fn apply(&mut self, event: &Event) {
        if let Event::LossReported { resident, .. } = event {
            let i = resident
                .0
                .checked_sub(self.base)
                .unwrap_or_else(|| panic!("{resident} is not in this shard's range"))
                as usize;
            if self.reports.len() <= i {
                self.reports.resize(i + 1, 0);
            }
            self.reports[i] += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::policy::Policy;

    #[test]
    fn given_a_loss_when_reported_then_a_visit_and_a_numbered_receipt() {
        let policy = Policy::default();
        let now = NaiveDate::from_ymd_opt(2026, 9, 2)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        let ctx = Context {
            now,
            policy: &policy,
            seed: 1,
        };
        let mut police = Police::for_residents(0..5);
        let report = |r| {
            Input::Command(Command::ReportLoss {
                resident: ResidentId(r),
                lost_on: NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
            })
        };
        let receipt = |d: &Decision| match &d.events[1] {
            Event::LossReported { receipt, .. } => receipt.clone(),
            other => panic!("{other:?}"),
        };
        let first = police.handle(&report(3), &ctx);
        assert_eq!(first.events.len(), 2);
        assert_eq!(receipt(&first), "20260902-0000003-1");
        // Another resident's report does not move resident 3's numbers (residents never
        // interact, so a number cannot depend on who else is in the shard).
        assert_eq!(
            receipt(&police.handle(&report(1), &ctx)),
            "20260902-0000001-1"
        );
        assert_eq!(
            receipt(&police.handle(&report(3), &ctx)),
            "20260902-0000003-2"
        );
    }
}
