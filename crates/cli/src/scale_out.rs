//! Which shard of a population this process runs: `--shard k/n` as given, or `--shards n`
//! with `k` read from the batch scheduler's array index — `SLURM_ARRAY_TASK_ID` (Slurm job
//! arrays), `JOB_COMPLETION_INDEX` (Kubernetes Indexed Jobs) or `AWS_BATCH_JOB_ARRAY_INDEX`
//! (AWS Batch array jobs); docs/scale-out.md. The count is always explicit: an array's size is
//! not reliably in the environment (Slurm's `--array=0-15%4` runs 16 tasks, 4 at a time), and
//! a shard that guessed it wrongly would silently compute the wrong slice.

use model::shard::Shard;
use report::Lang;
use report::labels::CommandProblem;

use crate::diag::{Failure, refused};

/// The environment variables that carry a task's index in an array, in the order they are
/// looked at.
pub const INDEX_VARIABLES: [&str; 3] = [
    "SLURM_ARRAY_TASK_ID",
    "JOB_COMPLETION_INDEX",
    "AWS_BATCH_JOB_ARRAY_INDEX",
];

/// The shard to run from `--shard` and `--shards`, reading the index from `env` (the
/// process's environment, passed in so that tests can give their own). `None`: the whole. A
/// refusal is said in `lang`.
pub fn shard(
    given: Option<Shard>,
    count: Option<u32>,
    env: impl Fn(&str) -> Option<String>,
    lang: Lang,
) -> Result<Option<Shard>, Failure> {
    let Some(count) = count else {
        return Ok(given);
    };
    if given.is_some() {
        return Err(refused(CommandProblem::ShardAndShards, lang));
    }
    if count == 0 {
        return Err(refused(
            CommandProblem::AtLeastOne { option: "--shards" },
            lang,
        ));
    }
    let found: Vec<(&str, String)> = INDEX_VARIABLES
        .iter()
        .filter_map(|&name| env(name).map(|v| (name, v)))
        .collect();
    let Some((name, text)) = found.first() else {
        return Err(refused(
            CommandProblem::NoShardIndex {
                count,
                variables: &INDEX_VARIABLES.join(", "),
            },
            lang,
        ));
    };
    if let Some((other, value)) = found.iter().find(|(_, v)| v.trim() != text.trim()) {
        return Err(refused(
            CommandProblem::ShardIndexesDisagree {
                name,
                text,
                other,
                value,
            },
            lang,
        ));
    }
    let index: u32 = text
        .trim()
        .parse()
        .map_err(|_| refused(CommandProblem::ShardIndexNotANumber { name, text }, lang))?;
    if index >= count {
        return Err(refused(
            CommandProblem::ShardIndexOutOfRange { name, index, count },
            lang,
        ));
    }
    Ok(Some(Shard { index, count }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn each_scheduler_s_index_picks_the_shard() {
        for var in INDEX_VARIABLES {
            let s = shard(None, Some(4), env(&[(var, "1")]), Lang::En)
                .ok()
                .flatten();
            assert_eq!(s, Some(Shard { index: 1, count: 4 }), "{var}");
        }
        // Without --shards the environment is not read.
        let s = shard(None, None, env(&[("SLURM_ARRAY_TASK_ID", "1")]), Lang::En);
        assert!(matches!(s, Ok(None)));
    }

    #[test]
    fn a_missing_bad_or_out_of_range_index_is_bad_input() {
        let message = |r: Result<Option<Shard>, Failure>| match r {
            Err(Failure::Input(e)) => e.to_string(),
            other => panic!("expected bad input, got {other:?}"),
        };
        assert!(message(shard(None, Some(4), env(&[]), Lang::En)).contains("SLURM_ARRAY_TASK_ID"));
        assert!(
            message(shard(
                None,
                Some(4),
                env(&[("SLURM_ARRAY_TASK_ID", "4")]),
                Lang::En
            ))
            .contains("0 to 3")
        );
        assert!(
            message(shard(
                None,
                Some(4),
                env(&[("JOB_COMPLETION_INDEX", "x")]),
                Lang::En
            ))
            .contains("whole number")
        );
        assert!(
            message(shard(
                None,
                Some(4),
                env(&[
                    ("SLURM_ARRAY_TASK_ID", "1"),
                    ("AWS_BATCH_JOB_ARRAY_INDEX", "2")
                ]),
                Lang::En
            ))
            .contains("disagree")
        );
        assert!(
            message(shard(Some(Shard::WHOLE), Some(4), env(&[]), Lang::En)).contains("not both")
        );
        assert!(message(shard(None, Some(0), env(&[]), Lang::En)).contains("at least 1"));
    }
}
