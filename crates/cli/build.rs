//! Puts the commit the binary was built from into `zairyu --version`: `ZAIRYU_COMMIT` is
//! ` (<12-digit commit> <commit date>)` when the source is a git checkout with git on the PATH,
//! and empty otherwise (a source tarball, a crate package), so that the build never fails for
//! want of git; a packager building from a tarball may give it as `ZAIRYU_BUILD_COMMIT`.
//!
//! Cargo reruns this script when the checked-out commit changes. When git cannot say where the
//! checkout's `HEAD` is (git missing from the PATH, or too old for `--path-format`), the script
//! still finds it on disk (`.git/HEAD`, or a worktree's `gitdir:`), so that a version built
//! without git is rebuilt once the checkout moves rather than keeping an empty commit forever.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The trimmed stdout of `git ARGS` run in `dir`, if git ran and succeeded.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// The `HEAD` file of the git checkout holding `dir`, found without git: the nearest `.git`
/// above `dir`, a directory (a plain clone) or a file naming the worktree's own git directory.
fn head_on_disk(dir: &Path) -> Option<PathBuf> {
    let dot_git = dir
        .ancestors()
        .map(|d| d.join(".git"))
        .find(|p| p.exists())?;
    let git_dir = if dot_git.is_dir() {
        dot_git
    } else {
        let text = std::fs::read_to_string(&dot_git).ok()?;
        let named = Path::new(text.strip_prefix("gitdir:")?.trim());
        dot_git.parent()?.join(named)
    };
    Some(git_dir.join("HEAD")).filter(|p| p.is_file())
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=ZAIRYU_BUILD_COMMIT");
    // A packager who builds from a tarball can still say which commit it is.
    let given = std::env::var("ZAIRYU_BUILD_COMMIT")
        .ok()
        .filter(|c| !c.is_empty());
    let mut reruns_on_head = false;
    let commit = given.or_else(|| {
        let commit = git(dir, &["log", "-1", "--format=%h %cs", "--abbrev=12"])?;
        // Rebuild when HEAD moves: HEAD itself, the branch it names, and the packed refs
        // (the paths git reports work in a worktree too).
        for path in ["HEAD", "packed-refs"] {
            if let Some(p) = git(
                dir,
                &["rev-parse", "--path-format=absolute", "--git-path", path],
            ) {
                println!("cargo:rerun-if-changed={p}");
                reruns_on_head = true;
            }
        }
        if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"])
            && let Some(p) = git(
                dir,
                &["rev-parse", "--path-format=absolute", "--git-path", &branch],
            )
        {
            println!("cargo:rerun-if-changed={p}");
        }
        Some(commit)
    });
    // Without git (or its answer), watch the checkout's HEAD on disk: when git becomes usable
    // or the checkout moves, the commit is looked up again.
    if !reruns_on_head && let Some(head) = head_on_disk(dir) {
        println!("cargo:rerun-if-changed={}", head.display());
    }
    let suffix = commit.map(|c| format!(" ({c})")).unwrap_or_default();
    println!("cargo:rustc-env=ZAIRYU_COMMIT={suffix}");
}
