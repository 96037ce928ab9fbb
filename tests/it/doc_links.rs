//! The links between the user docs stay true: every relative link of
//! `README.md` and `docs/*.md` to a file names one that exists, and every
//! `#anchor` (in the same file or in another Markdown file) is the anchor
//! GitHub gives one of that file's headings.
//!
//! GitHub's anchor of a heading: its text in lower case, with the Markdown
//! marks (backticks, emphasis) dropped, every character other than a letter,
//! a digit, `-`, `_` or a space removed, and each space made a `-`; a
//! heading whose anchor an earlier one has gets `-1`, `-2`, ... after it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// GitHub's anchor of a heading's text.
fn slug(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a Markdown text's headings (outside code blocks).
fn anchors(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        let Some(rest) = line.strip_prefix('#') else { continue };
        if fenced {
            continue;
        }
        let heading = rest.trim_start_matches('#');
        if !heading.starts_with(' ') {
            continue;
        }
        let base = slug(heading.trim());
        let mut anchor = base.clone();
        let mut n = 0;
        while out.contains(&anchor) {
            n += 1;
            anchor = format!("{base}-{n}");
        }
        out.insert(anchor);
    }
    out
}

/// The targets of a Markdown text's inline links `](target)` outside code
/// blocks and code spans.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // Code spans: the parts between backticks at odd positions.
        let prose: String =
            line.split('`').enumerate().filter(|(i, _)| i % 2 == 0).map(|(_, p)| p).collect();
        let mut rest = prose.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            out.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    out
}

/// The user docs: `README.md` and every `docs/*.md`.
fn docs(root: &Path) -> Vec<PathBuf> {
    let mut files = vec![root.join("README.md")];
    let mut more: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    more.sort();
    files.extend(more);
    files
}

#[test]
fn every_link_between_the_docs_reaches_a_file_and_a_heading() {
    let root = repo_root();
    let mut broken = Vec::new();
    for file in docs(&root) {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.strip_prefix(&root).unwrap().display().to_string();
        for link in links(&text) {
            if link.contains("://") || link.starts_with("mailto:") || link.is_empty() {
                continue;
            }
            let (path, anchor) =
                link.split_once('#').map_or((link.as_str(), None), |(p, a)| (p, Some(a)));
            let target =
                if path.is_empty() { file.clone() } else { file.parent().unwrap().join(path) };
            if !target.exists() {
                broken.push(format!("{name}: ({link}): no file {}", target.display()));
                continue;
            }
            let Some(anchor) = anchor else { continue };
            if target.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let headings = anchors(&std::fs::read_to_string(&target).unwrap());
            if !headings.contains(anchor) {
                broken.push(format!("{name}: ({link}): no heading with the anchor #{anchor}"));
            }
        }
    }
    assert!(broken.is_empty(), "{} broken links:\n{}", broken.len(), broken.join("\n"));
}

#[test]
fn anchors_are_githubs() {
    assert_eq!(slug("Changing one value: `--set`"), "changing-one-value---set");
    assert_eq!(slug("`[[disruption]]` (zero or more)"), "disruption-zero-or-more");
    assert_eq!(slug("5. Cargo units and tonnes"), "5-cargo-units-and-tonnes");
    assert_eq!(slug("Choosing δ and α"), "choosing-δ-and-α");
    let a = anchors("# A\n## A\n```\n# B\n```\n#C\n");
    assert_eq!(a.into_iter().collect::<Vec<_>>(), ["a", "a-1"]);
    let l = links("see [x](a.md#b) and `[y](not.md)`, [z](#c)\n```\n[w](no.md)\n```\n");
    assert_eq!(l, ["a.md#b", "#c"]);
}
