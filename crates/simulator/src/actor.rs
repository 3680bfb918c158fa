//! A service task: one office's state machine running on its own tokio task behind a bounded
//! channel, reached through a cloneable handle (the "actor with Tokio" pattern). The task stops
//! when every handle is dropped.
//!
//! The scheduler sends a whole batch of deliveries due at one instant in a single message, so the
//! per-message cost is paid once per batch, not once per event (docs/benchmarks.md).

use std::sync::Arc;

use model::machine::{Context, Decision, Input, StateMachine};
use model::policy::Policy;
use model::time::SimTime;
use tokio::sync::{mpsc, oneshot};

/// The closed set of messages a service task accepts.
pub enum ServiceMessage {
    /// Handle these inputs, in order, at simulated time `now`; reply with one decision each.
    Deliver {
        now: SimTime,
        inputs: Vec<Input>,
        reply: oneshot::Sender<Vec<Decision>>,
    },
}

/// The handle to a running service task.
#[derive(Clone)]
pub struct ServiceHandle {
    tx: mpsc::Sender<ServiceMessage>,
}

/// The task stopped before answering (it panicked); the run cannot go on.
#[derive(Debug, thiserror::Error)]
#[error("the {0} task stopped unexpectedly")]
pub struct ServiceGone(pub &'static str);

impl ServiceHandle {
    /// Starts `M` on a new task with room for `residents` residents.
    pub fn spawn<M: StateMachine>(
        residents: usize,
        policy: Arc<Policy>,
        seed: u64,
    ) -> ServiceHandle {
        // A small bound: the scheduler waits for each reply before sending more, so more
        // buffering would only hide a bug.
        let (tx, mut rx) = mpsc::channel::<ServiceMessage>(4);
        tokio::spawn(async move {
            let mut machine = M::with_capacity(residents);
            while let Some(message) = rx.recv().await {
                match message {
                    ServiceMessage::Deliver { now, inputs, reply } => {
                        let ctx = Context {
                            now,
                            policy: &policy,
                            seed,
                        };
                        let decisions = inputs.iter().map(|i| machine.handle(i, &ctx)).collect();
                        // The scheduler may have given up (an error elsewhere); nothing to do.
                        let _ = reply.send(decisions);
                    }
                }
            }
        });
        ServiceHandle { tx }
    }

    /// Sends a batch; the returned receiver yields the decisions.
    pub async fn deliver(
        &self,
        now: SimTime,
        inputs: Vec<Input>,
        name: &'static str,
    ) -> Result<oneshot::Receiver<Vec<Decision>>, ServiceGone> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(ServiceMessage::Deliver { now, inputs, reply })
            .await
            .map_err(|_| ServiceGone(name))?;
        Ok(rx)
    }
}
