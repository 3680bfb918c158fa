//! The special permanent resident's certificate procedures at the municipal window
//! (docs/domain.md §5.8): renewal, non-address item changes and reissue (damage, exchange, loss)
//! are all filed here, not at the bureau, and the municipality forwards each to the bureau (N7),
//! which issues the certificate and has it handed over here.

use chrono::NaiveDate;
use model::event::Event;
use model::procedure::{ChangedItem, Procedure, ReissueReason};
use model::rules::RefusalRule;
use model::status::Status;

use crate::Window;

/// What the resident files: the procedure, with what the bureau decides on.
pub(crate) struct SprFiling {
    pub procedure: Procedure,
    pub reissue: Option<ReissueReason>,
    pub item_change: Option<(ChangedItem, NaiveDate)>,
    pub tokutei: bool,
}

impl Window<'_> {
    /// An SPR certificate procedure at the window: a resident who is not a special permanent
    /// resident files their card procedures at the bureau and is refused here (§5.8); an SPR's
    /// filing is forwarded to the bureau (N7). A renewal keeps its own event, which predates the
    /// other procedures; an item change or a reissue carries its details.
    pub(crate) fn spr_filing(&mut self, filing: SprFiling) {
        let (resident, today) = (self.resident, self.ctx.today());
        let procedure = filing.procedure;
        self.visit(procedure);
        if self.entry.status != Status::SpecialPermanentResident {
            self.refuse(procedure, RefusalRule::WrongOfficeForStatus);
            return;
        }
        if procedure == Procedure::SprCertificateRenewal {
            self.push(Event::ApplicationForwarded {
                resident,
                procedure,
                tokutei: filing.tokutei,
                filed_on: today,
            });
        } else {
            self.push(Event::SprApplicationForwarded {
                resident,
                procedure,
                reissue: filing.reissue,
                item_change: filing.item_change,
                tokutei: filing.tokutei,
                filed_on: today,
            });
        }
    }
}
