//! The repository as the tidy checks see it: the workspace's packages with their declared
//! dependencies (from `cargo metadata`), every Rust source, every Markdown file, and the set of
//! paths that exist (for links).
//!
//! Everything is loaded into plain values first so that each check is a function of values,
//! and the tests of the checks can hand them a small planted tree instead of the real one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::source::{Kind, Source};

/// How a dependency is declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DepKind {
    Normal,
    Dev,
    Build,
}

impl DepKind {
    pub fn section(self) -> &'static str {
        match self {
            DepKind::Normal => "[dependencies]",
            DepKind::Dev => "[dev-dependencies]",
            DepKind::Build => "[build-dependencies]",
        }
    }
}

/// One declared dependency of a package.
#[derive(Clone, Debug)]
pub struct Dep {
    /// The package name (`serde-saphyr`).
    pub name: String,
    /// The key in `Cargo.toml`: the name, or the rename of `key = { package = "name" }`.
    pub key: String,
    /// The name sources use: the key with `-` as `_` (`serde_saphyr`).
    pub rust_name: String,
    pub kind: DepKind,
}

/// One workspace member.
#[derive(Clone, Debug)]
pub struct Package {
    pub name: String,
    /// Directory relative to the repository root (`crates/model`, `tests`).
    pub dir: String,
    /// `Cargo.toml`'s text, to point at the line that declares a dependency.
    pub manifest: String,
    pub deps: Vec<Dep>,
}

impl Package {
    pub fn manifest_path(&self) -> String {
        format!("{}/Cargo.toml", self.dir)
    }

    /// `crates/x/Cargo.toml:LINE`, the line that declares `dep` in the section of its kind.
    pub fn declaration(&self, dep: &Dep) -> String {
        let mut section = "";
        for (i, line) in self.manifest.lines().enumerate() {
            let t = line.trim();
            if t.starts_with('[') {
                section = t;
                continue;
            }
            let key = t.split(['=', '.', ' ']).next().unwrap_or("");
            if section == dep.kind.section() && key == dep.key {
                return format!("{}:{}", self.manifest_path(), i + 1);
            }
        }
        self.manifest_path()
    }
}

/// Parses the output of `cargo metadata --format-version 1 --no-deps`. Manifests are read
/// through `read` (a path relative to `root`).
pub fn packages_from_metadata(
    json: &str,
    root: &Path,
    read: impl Fn(&str) -> String,
) -> Vec<Package> {
    let v: Value = serde_json::from_str(json).expect("cargo metadata prints JSON");
    let mut out = Vec::new();
    for p in v["packages"].as_array().expect("packages") {
        let manifest = PathBuf::from(p["manifest_path"].as_str().expect("manifest_path"));
        let dir = manifest
            .parent()
            .and_then(|d| d.strip_prefix(root).ok())
            .expect("workspace members live under the workspace root");
        let dir = dir.to_string_lossy().replace('\\', "/");
        let deps = p["dependencies"]
            .as_array()
            .expect("dependencies")
            .iter()
            .map(|d| {
                let name = d["name"].as_str().expect("name").to_string();
                let key = d["rename"].as_str().unwrap_or(&name).to_string();
                let rust_name = key.replace('-', "_");
                let kind = match d["kind"].as_str() {
                    None => DepKind::Normal,
                    Some("dev") => DepKind::Dev,
                    Some("build") => DepKind::Build,
                    Some(other) => panic!("unknown dependency kind {other}"),
                };
                Dep {
                    name,
                    key,
                    rust_name,
                    kind,
                }
            })
            .collect();
        out.push(Package {
            name: p["name"].as_str().expect("name").to_string(),
            manifest: read(&format!("{dir}/Cargo.toml")),
            dir,
            deps,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The package a file belongs to: the one with the longest directory that contains it.
pub fn package_of<'a>(packages: &'a [Package], path: &str) -> Option<&'a Package> {
    packages
        .iter()
        .filter(|p| path.starts_with(&format!("{}/", p.dir)))
        .max_by_key(|p| p.dir.len())
}

/// Reads Rust sources into [`Source`]s, marking as test code the module files declared by
/// `#[cfg(test)] mod name;`.
pub fn sources(packages: &[Package], files: &BTreeMap<String, String>) -> Vec<Source> {
    let mut out: Vec<Source> = files
        .iter()
        .filter(|(path, _)| path.ends_with(".rs"))
        .filter_map(|(path, text)| {
            let p = package_of(packages, path)?;
            let kind = Kind::of(&path[p.dir.len() + 1..]);
            Some(Source::new(path, &p.name, kind, text))
        })
        .collect();
    let test_files: BTreeSet<String> = out
        .iter()
        .flat_map(|s| {
            let dir = module_dir(&s.path);
            s.test_module_files()
                .into_iter()
                .flat_map(move |m| [format!("{dir}/{m}.rs"), format!("{dir}/{m}/mod.rs")])
        })
        .collect();
    for s in &mut out {
        if s.kind == Kind::Production && test_files.contains(&s.path) {
            s.kind = Kind::Test;
        }
    }
    out
}

/// Where the child modules of a file live: beside `lib.rs`, `main.rs` and `mod.rs`, in a
/// directory of the file's name otherwise.
fn module_dir(path: &str) -> String {
    let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
    match file {
        "lib.rs" | "main.rs" | "mod.rs" => dir.to_string(),
        _ => format!("{dir}/{}", file.trim_end_matches(".rs")),
    }
}

/// The real repository.
pub struct Tree {
    pub packages: Vec<Package>,
    pub sources: Vec<Source>,
    /// Markdown files by path.
    pub markdown: BTreeMap<String, String>,
    /// Every text file people or tools read (sources, docs, scenarios, manifests, scripts,
    /// recorded outputs).
    pub texts: BTreeMap<String, String>,
    /// Every file and directory in the repository (outside `target/` and `.git/`).
    pub paths: BTreeSet<String>,
}

impl Tree {
    pub fn load() -> Tree {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("tests/ sits in the workspace root")
            .canonicalize()
            .expect("workspace root");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let out = Command::new(cargo)
            .args([
                "metadata",
                "--format-version",
                "1",
                "--no-deps",
                "--offline",
            ])
            .current_dir(&root)
            .output()
            .expect("cargo metadata runs");
        assert!(
            out.status.success(),
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let read = |rel: &str| {
            std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
        };
        let packages = packages_from_metadata(&String::from_utf8_lossy(&out.stdout), &root, read);

        let mut paths = BTreeSet::new();
        walk(&root, &root, &mut paths);
        let text_of = |ext: &str| -> BTreeMap<String, String> {
            paths
                .iter()
                .filter(|p| p.ends_with(ext))
                .map(|p| (p.clone(), read(p)))
                .collect()
        };
        let sources = sources(&packages, &text_of(".rs"));
        let markdown = text_of(".md");
        let texts = paths
            .iter()
            .filter(|p| {
                let ext = p.rsplit_once('.').map_or("", |(_, e)| e);
                let name = p.rsplit('/').next().unwrap_or(p);
                [
                    "rs", "md", "toml", "yaml", "yml", "json", "sh", "html", "css", "js", "svg",
                    "snap",
                ]
                .contains(&ext)
                    || ["run", "justfile", ".gitignore"].contains(&name)
            })
            .filter(|p| root.join(p).is_file())
            .map(|p| (p.clone(), read(p)))
            .collect();
        Tree {
            packages,
            sources,
            markdown,
            texts,
            paths,
        }
    }
}

/// Every file and directory under `dir`, relative to `root`, except build output and git's.
fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name == "target" || name == ".git" {
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .expect("under root")
            .to_string_lossy()
            .replace('\\', "/");
        out.insert(rel);
        if path.is_dir() {
            walk(root, &path, out);
        }
    }
}

#[test]
fn metadata_gives_renames_kinds_and_declaring_lines() {
    let json = r#"{"packages":[{"name":"report","manifest_path":"/r/crates/report/Cargo.toml",
        "dependencies":[
          {"name":"serde-saphyr","rename":null,"kind":null},
          {"name":"tokio","rename":"rt","kind":"dev"},
          {"name":"cc","rename":null,"kind":"build"}]}]}"#;
    let manifest = "[package]\nname = \"report\"\n\n[dependencies]\nserde-saphyr.workspace = true\n\n[dev-dependencies]\nrt = { package = \"tokio\", version = \"1\" }\n[build-dependencies]\ncc = \"1\"\n";
    let ps = packages_from_metadata(json, Path::new("/r"), |p| {
        assert_eq!(p, "crates/report/Cargo.toml");
        manifest.to_string()
    });
    let p = &ps[0];
    assert_eq!(p.dir, "crates/report");
    let names: Vec<(&str, DepKind)> = p
        .deps
        .iter()
        .map(|d| (d.rust_name.as_str(), d.kind))
        .collect();
    assert_eq!(
        names,
        [
            ("serde_saphyr", DepKind::Normal),
            ("rt", DepKind::Dev),
            ("cc", DepKind::Build)
        ]
    );
    assert_eq!(p.declaration(&p.deps[0]), "crates/report/Cargo.toml:5");
    assert_eq!(p.declaration(&p.deps[1]), "crates/report/Cargo.toml:8");
    assert_eq!(p.declaration(&p.deps[2]), "crates/report/Cargo.toml:10");
}
