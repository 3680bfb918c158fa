//! The year's flows a what-if counts (issue 14 item 1): arrivals, card renewals, losses,
//! reissues for damage, item changes, PIN resets, departures and births, each the event that
//! says the procedure took place (accepted, not refused), counted in total and per calendar
//! month.
//!
//! A flow is counted by the office's own record of it — the landing, the card application the
//! bureau received, the police report, the reset at the window — so a refused attempt (a
//! renewal before its window opens, say) is not a flow, and the same event is counted in a
//! live run and in replay.

use model::event::Event;
use model::procedure::Procedure;

/// A flow of residents or procedures during the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Flow {
    /// A landing at a port of entry (`Landed`, §5.1).
    Arrival,
    /// A residence card's validity renewal or an SPR certificate's renewal received by the
    /// bureau (§5.7, §5.8).
    Renewal,
    /// A loss or theft reported to the police (§5.11).
    Loss,
    /// A card reissue for damage or on request received by the bureau (§5.10).
    DamageReissue,
    /// A non-address item change the bureau recorded (§5.9).
    ItemChange,
    /// A locked PIN reset at a window (§5.12).
    PinReset,
    /// A departure for good at a port, the card returned (`Departed`, §5.14).
    Departure,
    /// A foreign child born in Japan, registered by its birth notification (`BirthRegistered`,
    /// §5.15).
    Birth,
}

impl Flow {
    /// Every flow, in the order the measures list them.
    pub const ALL: [Flow; 8] = [
        Flow::Arrival,
        Flow::Renewal,
        Flow::Loss,
        Flow::DamageReissue,
        Flow::ItemChange,
        Flow::PinReset,
        Flow::Departure,
        Flow::Birth,
    ];

    /// The measure key (`arrivals`), and the workload column (`workload.arrivals.2026-07`).
    pub fn key(self) -> &'static str {
        match self {
            Flow::Arrival => "arrivals",
            Flow::Renewal => "renewals",
            Flow::Loss => "losses",
            Flow::DamageReissue => "damage_reissues",
            Flow::ItemChange => "item_changes",
            Flow::PinReset => "pin_resets",
            Flow::Departure => "departures",
            Flow::Birth => "births",
        }
    }

    /// The flow `event` records, if any.
    pub fn of(event: &Event) -> Option<Flow> {
        Some(match event {
            Event::Landed { .. } => Flow::Arrival,
            Event::Departed { .. } => Flow::Departure,
            Event::BirthRegistered { .. } => Flow::Birth,
            Event::LossReported { .. } => Flow::Loss,
            Event::PinResetAtCounter { .. } => Flow::PinReset,
            // The change is recorded even when its new card must wait (a card already pending).
            Event::ItemChangeNotified { .. } => Flow::ItemChange,
            Event::CardApplicationReceived { procedure, .. } => match procedure {
                Procedure::CardRenewal | Procedure::SprCertificateRenewal => Flow::Renewal,
                Procedure::Reissue => Flow::DamageReissue,
                _ => return None,
            },
            _ => return None,
        })
    }

    /// The flow's position in [`Flow::ALL`].
    pub fn index(self) -> usize {
        Flow::ALL
            .iter()
            .position(|f| *f == self)
            .expect("every flow is in ALL")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::ids::ResidentId;
    use model::procedure::ReissueReason;

    #[test]
    fn accepted_procedures_are_flows_and_refusals_are_not() {
        let resident = ResidentId(0);
        let received = |procedure, reissue| Event::CardApplicationReceived {
            resident,
            procedure,
            reissue,
        };
        assert_eq!(
            Flow::of(&received(Procedure::SprCertificateRenewal, None)),
            Some(Flow::Renewal)
        );
        assert_eq!(
            Flow::of(&received(Procedure::Reissue, Some(ReissueReason::Damaged))),
            Some(Flow::DamageReissue)
        );
        // A loss is counted once, at the police report, not again at its reissue.
        let lost = ReissueReason::Lost {
            learned_on: chrono::NaiveDate::from_ymd_opt(2026, 7, 1).expect("a date"),
            reported_on: None,
        };
        assert_eq!(
            Flow::of(&received(Procedure::LossReissue, Some(lost))),
            None
        );
        assert_eq!(
            Flow::of(&Event::ProcedureRefused {
                resident,
                procedure: Procedure::CardRenewal,
                rule: model::rules::RefusalRule::NothingPending,
            }),
            None
        );
        let keys: std::collections::BTreeSet<&str> = Flow::ALL.iter().map(|f| f.key()).collect();
        assert_eq!(keys.len(), Flow::ALL.len());
        assert!(Flow::ALL.iter().enumerate().all(|(i, f)| f.index() == i));
    }
}
