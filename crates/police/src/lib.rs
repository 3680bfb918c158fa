//! The police, as far as residence cards are concerned: they take loss and theft reports and
//! give the receipt number (受理番号) a reissue needs (docs/domain.md §5.11 [A* ACT-19-12; A
//! MUNI-LOSS]). They keep no other record and tell no other office: the resident carries the
//! receipt number to the bureau.

use chrono::NaiveDate;
use model::command::Command;
use model::event::Event;
use model::machine::{Context, Decision, Input, StateMachine};
use model::procedure::Procedure;
use model::service::{Office, Service};

/// The police's state: the number of reports taken, for receipt numbers.
#[derive(Debug, Default, Clone)]
pub struct Police {
    reports: u64,
}

impl Police {
    /// A receipt number unique within the run: the report's serial and date.
    fn receipt(&self, on: NaiveDate) -> String {
        format!("{}-{:06}", on.format("%Y%m%d"), self.reports + 1)
    }
}

impl StateMachine for Police {
    const SERVICE: Service = Service::Police;

    fn for_residents(_residents: std::ops::Range<u32>) -> Self {
        Police::default()
    }

    fn decide(&self, input: &Input, ctx: &Context<'_>) -> Decision {
        let mut d = Decision::none();
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
                receipt: self.receipt(ctx.today()),
            });
        }
        d
    }

    fn apply(&mut self, event: &Event) {
        if let Event::LossReported { .. } = event {
            self.reports += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::ids::ResidentId;
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
        let mut police = Police::default();
        let report = Input::Command(Command::ReportLoss {
            resident: ResidentId(3),
            lost_on: NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
        });
        let first = police.handle(&report, &ctx);
        assert_eq!(first.events.len(), 2);
        assert!(matches!(
            &first.events[1],
            Event::LossReported { receipt, .. } if receipt == "20260902-000001"
        ));
        let second = police.handle(&report, &ctx);
        assert!(matches!(
            &second.events[1],
            Event::LossReported { receipt, .. } if receipt == "20260902-000002"
        ));
    }
}
