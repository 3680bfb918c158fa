//! Parameter sweeps: one synthetic population per seed run under every point of a grid of
//! policies — a base policy with each axis's value set on top (`zairyu sweep`) — and the
//! measures of every point for every seed; shards of the population and their merge.
//!
//! A sweep is a what-if with more than two arms, and runs like one (`what_if`): each seed's
//! population is generated a part at a time, and each part is run under every grid point
//! before the next, so memory does not grow with the population or the grid, and the measures
//! (sums over residents) do not depend on the parts, the threads or the shards.

use chrono::NaiveDate;
use model::shard::Shard;
use population::{Population, PopulationSpec, add_digests};
use projection::measures::Measures;
use projection::sweep::{Axis, FORMAT, Point, Sweep, SweepManifest};
use projection::what_if::{Arm, INTERVALS, PolicyManifest, SubjectManifest};

use crate::scheduler::SimError;
use crate::what_if::{
    Found, GENERATOR, MergeError, RunProgress, Workers, check_shards, population_arms,
};

/// What a sweep runs: a population (or a shard of it), the base policy, the axes and one arm
/// per grid point (in [`projection::sweep::grid`] order, each with its values).
pub struct SweepInput<'a> {
    pub residents: usize,
    pub start: NaiveDate,
    pub shard: Shard,
    pub base: &'a Arm,
    pub axes: &'a [Axis],
    pub points: &'a [(Vec<String>, Arm)],
    pub seeds: &'a [u64],
    pub code_version: &'a str,
}

/// Runs every grid point for every seed.
pub fn run(
    input: &SweepInput<'_>,
    workers: Workers,
    mut progress: Option<&mut dyn FnMut(RunProgress)>,
) -> Result<Sweep, SimError> {
    let manifest = SweepManifest {
        format: FORMAT.to_owned(),
        code_version: input.code_version.to_owned(),
        subject: SubjectManifest::Population {
            residents: input.residents,
            start: input.start,
            until: input.start + chrono::Duration::days(365),
            generator: GENERATOR.to_owned(),
        },
        policy: PolicyManifest::of(input.base),
        axes: input.axes.to_vec(),
        seeds: input.seeds.to_vec(),
        shard: (!input.shard.is_whole()).then_some(input.shard),
        intervals: INTERVALS.to_owned(),
    };
    let arms: Vec<&Arm> = input.points.iter().map(|(_, arm)| arm).collect();
    let mut points: Vec<Point> = input
        .points
        .iter()
        .map(|(values, _)| Point {
            values: values.clone(),
            runs: Vec::with_capacity(input.seeds.len()),
        })
        .collect();
    let mut inputs_hashes = Vec::with_capacity(input.seeds.len());
    let per_seed = arms.len() as u64
        * Population::shard_len(&PopulationSpec {
            residents: input.residents,
            seed: 0,
            start: input.start,
            shard: input.shard,
        }) as u64;
    let total = per_seed * input.seeds.len() as u64;
    let (mut done, mut events) = (0u64, 0u64);
    for &seed in input.seeds {
        let _seed_span = tracing::info_span!("seed", seed).entered();
        let spec = PopulationSpec {
            residents: input.residents,
            seed,
            start: input.start,
            shard: input.shard,
        };
        let mut report = |residents: u64, part_events: u64| {
            done += residents;
            events += part_events;
            if let Some(f) = progress.as_deref_mut() {
                f(RunProgress {
                    done,
                    total,
                    seed,
                    events,
                });
            }
        };
        let (measures, digest) = population_arms(spec, &arms, workers, &mut report)?;
        for (point, m) in points.iter_mut().zip(measures) {
            point.runs.push(m);
        }
        inputs_hashes.push(digest);
    }
    Ok(Sweep {
        manifest,
        inputs_hashes,
        points,
    })
}

/// Adds the shards of one sweep into the result of the whole population: the same manifest but
/// for the shard, `k/n` for one `n`, every `k` once. The result is the unsharded run's, exactly.
pub fn merge(parts: Vec<Sweep>) -> Result<Sweep, MergeError> {
    let mut parts = parts;
    parts.sort_by_key(|p| p.manifest.shard.map(|s| s.index));
    let manifests: Vec<(Option<Shard>, SweepManifest)> = parts
        .iter()
        .map(|p| {
            let mut m = p.manifest.clone();
            (m.shard.take(), m)
        })
        .collect();
    let bare = check_shards(manifests)?;
    let first = parts.first().ok_or(MergeError::Empty)?;
    for part in &parts {
        if part.points.len() != first.points.len()
            || part.inputs_hashes.len() != bare.seeds.len()
            || part.points.iter().any(|p| p.runs.len() != bare.seeds.len())
        {
            return Err(MergeError::MissingPoints {
                shard: Found(part.manifest.shard),
            });
        }
    }
    let mut points: Vec<Point> = first
        .points
        .iter()
        .map(|p| Point {
            values: p.values.clone(),
            runs: vec![Measures::default(); bare.seeds.len()],
        })
        .collect();
    for part in &parts {
        for (sum, p) in points.iter_mut().zip(&part.points) {
            for (s, m) in sum.runs.iter_mut().zip(&p.runs) {
                s.add(m);
            }
        }
    }
    let inputs_hashes = (0..bare.seeds.len())
        .map(|i| add_digests(parts.iter().map(|p| p.inputs_hashes[i].as_str())).unwrap_or_default())
        .collect();
    Ok(Sweep {
        manifest: bare,
        inputs_hashes,
        points,
    })
}
