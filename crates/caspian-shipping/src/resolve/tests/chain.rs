//! A chain of files extending one another: at most sixteen.

use super::*;

#[test]
fn a_chain_of_at_most_sixteen_files_is_followed() {
    // c0 extends the embedded baseline, c<k> extends c<k-1>: c15 is a chain
    // of 16 files, c16 one of 17.
    let texts: Vec<(String, String)> = (0..=16)
        .map(|k| {
            let parent = if k == 0 { "baseline".to_string() } else { format!("c{}.toml", k - 1) };
            (format!("c{k}.toml"), format!("[scenario]\nextends = \"{parent}\"\nname = \"c{k}\"\n"))
        })
        .collect();
    let files: BTreeMap<&str, &str> = texts.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let mut load = memory(&files);
    let r = resolve(Root::File(Path::new("c15.toml")), &[], &mut load).unwrap();
    assert_eq!(r.lineage.extends.len(), 16, "15 files and the embedded baseline");
    let e = resolve(Root::File(Path::new("c16.toml")), &[], &mut load).unwrap_err().to_string();
    assert!(e.starts_with("c16.toml: more than 16 files extend one another: c16.toml -> "), "{e}");
    assert!(e.ends_with("c1.toml -> c0.toml"), "{e}");
}
