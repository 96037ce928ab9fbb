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
    // A closing run of `#` is no part of the heading.
    let text = heading.trim_end().trim_end_matches('#').trim_end();
    // What renders: a link's text, no HTML tags (but `<cargo>` in a code
    // span is text).
    let mut shown = String::new();
    let mut rest = text;
    let mut code = false;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            code = !code;
        }
        if !code
            && c == '<'
            && let Some(end) = rest.find('>')
        {
            rest = &rest[end + 1..];
            continue;
        }
        if c == ']'
            && let Some(after) = rest.strip_prefix("](")
        {
            rest = after.find(')').map_or("", |end| &after[end + 1..]);
            continue;
        }
        if c != '[' {
            shown.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    // Emphasis marks: `*` anywhere, `_` at the edge of a word (not inside
    // one: `snake_case` keeps it).
    let chars: Vec<char> = shown.chars().collect();
    let word = |i: Option<usize>| i.and_then(|i| chars.get(i)).is_some_and(|c| c.is_alphanumeric());
    let kept: String = chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| match c {
            '*' => false,
            '_' => word(i.checked_sub(1)) && word(Some(i + 1)),
            _ => true,
        })
        .map(|(_, &c)| c)
        .collect();
    kept.to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The lines of a Markdown text outside fenced code blocks (``` or ~~~).
fn prose_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut fence: Option<&str> = None;
    text.lines().filter(move |line| {
        let t = line.trim_start();
        for mark in ["```", "~~~"] {
            if t.starts_with(mark) {
                match fence {
                    None => fence = Some(mark),
                    Some(open) if open == mark => fence = None,
                    Some(_) => {}
                }
                return false;
            }
        }
        fence.is_none()
    })
}

/// The anchors of a Markdown text's ATX headings (`#` to `######`, indented
/// at most three spaces), outside code blocks. The docs use no setext
/// headings (underlined with `===` or `---`).
fn anchors(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in prose_lines(text) {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let line = line.trim_start_matches(' ');
        let level = line.len() - line.trim_start_matches('#').len();
        if indent > 3 || !(1..=6).contains(&level) {
            continue;
        }
        let heading = &line[level..];
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
/// blocks and code spans (a span may wrap onto the next line of its
/// paragraph), without a link title (`](a.md "title")`).
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lines: Vec<&str> = prose_lines(text).collect();
    for paragraph in lines.split(|l| l.trim().is_empty()) {
        let joined = paragraph.join("\n");
        // Code spans: the parts between backticks at odd positions.
        let prose: String =
            joined.split('`').enumerate().filter(|(i, _)| i % 2 == 0).map(|(_, p)| p).collect();
        let mut rest = prose.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            let target = after[..end].split_whitespace().next().unwrap_or("");
            out.push(target.trim_matches(['<', '>']).to_string());
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
    assert_eq!(slug("Heading ##"), "heading");
    assert_eq!(slug("See [the docs](kpis.md) now"), "see-the-docs-now");
    assert_eq!(slug("Foo <code>x</code>"), "foo-x");
    assert_eq!(slug("Kinds (`<cargo>` = `oil`)"), "kinds-cargo--oil");
    assert_eq!(slug("_emph_ word, snake_case *b*"), "emph-word-snake_case-b");
    let a = anchors("# A\n## A\n```\n# B\n```\n~~~\n# C\n~~~\n#D\n####### E\n   # F\n");
    assert_eq!(a.into_iter().collect::<Vec<_>>(), ["a", "a-1", "f"]);
    let l = links(
        "see [x](a.md#b) and `[y](not.md)`, [z](#c)\n```\n[w](no.md)\n```\n\
         a `span that\nwraps` then [v](d.md \"title\")\n",
    );
    assert_eq!(l, ["a.md#b", "#c", "d.md"]);
}
