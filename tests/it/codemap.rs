//! The codemap stays true: `docs/ARCHITECTURE.md` names every Rust source
//! file of the workspace in the section of the crate it belongs to, and names
//! no file that does not exist.
//!
//! A section is a `### ` heading whose first backticked word is a folder
//! (`crates/caspian-engine`, `tests/`, `benches/`). A file is named by its
//! path inside that folder, without a leading `src/`, in backticks: `heap.rs`,
//! `model/state.rs`, `tests/properties/level.rs`, `it/pinned.rs`. A path from
//! the repository root may be named anywhere as a cross-reference.

use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.rs` file under `dir`, as a path relative to the repository root
/// with `/` separators; build output is skipped.
fn rust_files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let rel = dir.join(&name);
        let ty = entry.file_type().unwrap();
        if ty.is_dir() && name != "target" && !name.starts_with('.') {
            rust_files(root, &rel, out);
        } else if ty.is_file() && name.ends_with(".rs") {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// (folder, section text) for each section of the codemap.
fn sections(doc: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for chunk in doc.split("\n### ").skip(1) {
        let text = chunk.split("\n## ").next().unwrap_or(chunk);
        let Some(folder) = text.split('`').nth(1) else { continue };
        let folder = folder.trim_end_matches('/').to_string();
        out.push((folder, text.to_string()));
    }
    out
}

/// The backticked words of `text` that end in `.rs`.
fn named_files(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).filter(|w| w.ends_with(".rs") && !w.contains(' ')).collect()
}

#[test]
fn architecture_md_names_every_source_file_and_no_missing_one() {
    let root = repo_root();
    let doc = std::fs::read_to_string(root.join("docs/ARCHITECTURE.md")).unwrap();
    let sections = sections(&doc);
    assert!(sections.len() >= 7, "found only {} codemap sections", sections.len());
    let mut files = Vec::new();
    for top in ["crates", "tests", "benches"] {
        rust_files(&root, Path::new(top), &mut files);
    }
    files.sort();
    let mut problems = Vec::new();
    for file in &files {
        let owner = sections
            .iter()
            .filter(|(folder, _)| file.starts_with(&format!("{folder}/")))
            .max_by_key(|(folder, _)| folder.len());
        let Some((folder, text)) = owner else {
            problems.push(format!("{file}: no codemap section covers it"));
            continue;
        };
        let inner = &file[folder.len() + 1..];
        let inner = inner.strip_prefix("src/").unwrap_or(inner);
        if !named_files(text).contains(&inner) {
            problems.push(format!("{file}: not named as `{inner}` in the `{folder}` section"));
        }
    }
    for (folder, text) in &sections {
        for name in named_files(text) {
            let exists =
                [format!("{folder}/src/{name}"), format!("{folder}/{name}"), name.to_string()]
                    .iter()
                    .any(|p| root.join(p).is_file());
            if !exists {
                problems
                    .push(format!("the `{folder}` section names `{name}`, which does not exist"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "docs/ARCHITECTURE.md is out of date:\n  {}",
        problems.join("\n  ")
    );
}

/// The `[dependencies]` (not dev-dependencies) of a crate's manifest, by name.
fn dependencies(manifest: &str) -> Vec<String> {
    let text = std::fs::read_to_string(repo_root().join(manifest)).unwrap();
    text.split("\n[")
        .filter(|t| t.starts_with("dependencies]"))
        .flat_map(|t| t.lines().skip(1))
        .filter_map(|l| l.split(['.', ' ', '=']).next())
        .filter(|name| !name.is_empty() && !name.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// The boundaries `docs/ARCHITECTURE.md` states, checked on the manifests.
#[test]
fn crates_depend_only_on_what_the_codemap_allows() {
    let caspian = |deps: Vec<String>| -> Vec<String> {
        deps.into_iter().filter(|d| d.starts_with("caspian-")).collect()
    };
    let engine = dependencies("crates/caspian-engine/Cargo.toml");
    assert!(!engine.is_empty(), "could not read the engine's dependencies");
    assert_eq!(caspian(engine), Vec::<String>::new(), "the engine depends on no caspian crate");
    assert_eq!(
        caspian(dependencies("crates/caspian-report/Cargo.toml")),
        ["caspian-montecarlo"],
        "the report reads documents only: it depends on the runner alone"
    );
    let mut cli = caspian(dependencies("crates/caspian-cli/Cargo.toml"));
    cli.sort();
    assert_eq!(cli, ["caspian-montecarlo", "caspian-report"], "the CLI goes through the runner");
    for krate in ["caspian-engine", "caspian-shipping", "caspian-cli", "caspian-report"] {
        let deps = dependencies(&format!("crates/{krate}/Cargo.toml"));
        assert!(!deps.iter().any(|d| d == "rayon"), "{krate} uses rayon; only the runner may");
    }
    assert!(dependencies("crates/caspian-montecarlo/Cargo.toml").iter().any(|d| d == "rayon"));
}
