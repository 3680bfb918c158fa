//! Puts the commit the binary was built from into `zairyu --version`: `ZAIRYU_COMMIT` is
//! ` (<12-digit commit> <commit date>)` when the source is a git checkout with git on the PATH,
//! and empty otherwise (a source tarball, a crate package), so that the build never fails for
//! want of git; a packager building from a tarball may give it as `ZAIRYU_BUILD_COMMIT`. Cargo reruns this script when the checked-out commit changes.

use std::path::Path;
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

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=ZAIRYU_BUILD_COMMIT");
    // A packager who builds from a tarball can still say which commit it is.
    let given = std::env::var("ZAIRYU_BUILD_COMMIT")
        .ok()
        .filter(|c| !c.is_empty());
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
    let suffix = commit.map(|c| format!(" ({c})")).unwrap_or_default();
    println!("cargo:rustc-env=ZAIRYU_COMMIT={suffix}");
}
