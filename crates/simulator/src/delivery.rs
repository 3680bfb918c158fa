//! The delivery layer: what happens to a notice between the office that decided an event and
//! the inbox of an office the rules say must hear of it (docs/domain.md §6).
//!
//! Today a link delivers every notice exactly once, after the link's latency from the policy.
//! This is the one place where a link's behaviour is decided, so that faults — loss (with or
//! without redelivery), duplication, reordering, batching, an office that is down — join here,
//! as seeded decisions on what to queue and when, without touching the offices or the rest of
//! the scheduler.

use model::event::Event;
use model::machine::Input;
use model::policy::Policy;
use model::rules;
use model::service::Service;
use model::time::SimTime;

use crate::queue::{Meta, Queue};

/// The links of one shard.
pub(crate) struct Links<'p> {
    policy: &'p Policy,
}

impl<'p> Links<'p> {
    pub(crate) fn new(policy: &'p Policy) -> Links<'p> {
        Links { policy }
    }

    /// Sends the notices `event`, recorded by `from` at `now`, causes (§6): each notified office
    /// gets it when the model says it arrives.
    pub(crate) fn send(
        &mut self,
        event: &Event,
        from: Service,
        now: SimTime,
        meta: Meta,
        queue: &mut Queue,
    ) {
        for n in rules::notified(event) {
            let (_, delivered) = rules::notice_delivery(self.policy, from, n.to, now);
            let input = Input::Notice {
                from,
                event: event.clone(),
            };
            queue.push(delivered, n.to, input, meta);
        }
    }
}
