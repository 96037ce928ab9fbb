//! Unit tests of the replication journal.

use super::*;

/// A fresh directory, removed when dropped, and the path of a journal,
/// `cp.jsonl`, in it.
fn scratch(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir =
        tempfile::Builder::new().prefix(&format!("caspian-journal-{name}-")).tempdir().unwrap();
    let path = dir.path().join("cp.jsonl");
    (dir, path)
}

fn row(replication: u64, value: f64) -> Row {
    Row { replication, events: 7, truncated: false, values: vec![value], saturated: Vec::new() }
}

fn names() -> Vec<String> {
    vec!["delivered_total.oil".to_string()]
}

/// The rows held for `key` from replication `first` on, as far as they
/// run without a gap, as a run takes them.
fn take(j: &mut Journal, key: &str, first: u64) -> PointRecords {
    let (names, rows) = j.take_all(key);
    let (records, left) = consecutive(names, rows, first);
    j.unused |= left;
    records
}

/// The seal written on line `i` (from 0) of a journal's `text`.
fn seal_of(text: &str, i: usize) -> String {
    let batch: Batch = serde_json::from_str(text.lines().nth(i).unwrap()).unwrap();
    batch.seal
}

/// A key as the journal writes them: 64 hexadecimal digits.
fn k(c: char) -> String {
    std::iter::repeat_n(c, 64).collect()
}

#[test]
fn rows_saved_are_read_back_by_key_up_to_the_first_gap() {
    let (_dir, path) = scratch("gap");
    let (a, b) = (k('a'), k('b'));
    let mut j = Journal::open(&path).unwrap();
    j.append(&a, &names(), &[row(0, 1.0), row(1, 2.0)]).unwrap();
    j.append(&b, &names(), &[row(0, 5.0)]).unwrap();
    j.append(&a, &names(), &[row(2, 3.0), row(4, 9.0)]).unwrap();
    drop(j);
    let mut j = Journal::open(&path).unwrap();
    let held = take(&mut j, &a, 0);
    assert_eq!(held.kpi_names, names());
    let got: Vec<(u64, f64)> = held.rows.iter().map(|r| (r.replication, r.values[0])).collect();
    assert_eq!(got, [(0, 1.0), (1, 2.0), (2, 3.0)], "replication 4 follows a gap");
    assert_eq!(take(&mut j, &b, 0).rows.len(), 1);
    assert!(
        take(&mut j, &k('c'), 0).rows.is_empty() && take(&mut j, &k('c'), 0).kpi_names.is_empty()
    );
    // Taken from memory, not from the file; and the row after the gap
    // was left unused, so the file is kept.
    assert!(!j.finish().unwrap(), "kept: replication 4 of a was not used");
    assert_eq!(take(&mut Journal::open(&path).unwrap(), &a, 0).rows.len(), 3);
}

#[test]
fn a_journal_is_deleted_only_when_this_command_used_all_it_held() {
    let (_dir, path) = scratch("finish");
    let (a, b) = (k('a'), k('b'));
    let mut j = Journal::open(&path).unwrap();
    j.append(&a, &names(), &[row(0, 1.0)]).unwrap();
    j.append(&b, &names(), &[row(0, 5.0)]).unwrap();
    drop(j);
    let mut j = Journal::open(&path).unwrap();
    take(&mut j, &a, 0);
    assert!(!j.finish().unwrap(), "kept: b's rows belong to another command");
    assert!(path.exists());
    let mut j = Journal::open(&path).unwrap();
    take(&mut j, &a, 0);
    take(&mut j, &b, 0);
    assert!(j.finish().unwrap());
    assert!(!path.exists());
}

#[test]
fn a_second_command_cannot_open_a_journal_in_use() {
    let (_dir, path) = scratch("lock");
    let mut first = Journal::open(&path).unwrap();
    let e = Journal::open(&path).unwrap_err().to_string();
    assert!(e.contains("is in use by another caspian command"), "{e}");
    // The first goes on appending to the very file.
    first.append(&k('a'), &names(), &[row(0, 1.0)]).unwrap();
    drop(first);
    assert_eq!(take(&mut Journal::open(&path).unwrap(), &k('a'), 0).rows.len(), 1);
}

#[test]
fn an_incomplete_end_is_cut_off_and_damage_before_it_is_refused() {
    let (_dir, path) = scratch("torn");
    let a = k('a');
    let mut j = Journal::open(&path).unwrap();
    j.append(&a, &names(), &[row(0, 1.0)]).unwrap();
    j.append(&a, &names(), &[row(1, 2.0)]).unwrap();
    drop(j);
    let whole = fs::read_to_string(&path).unwrap();
    // A torn last line is cut off the file, so what is appended next
    // follows a whole line.
    fs::write(&path, format!("{whole}{{\"key\":\"a\",\"kpi_na")).unwrap();
    let mut j = Journal::open(&path).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), whole);
    assert_eq!(take(&mut j, &a, 0).rows.len(), 2);
    j.append(&a, &names(), &[row(2, 3.0)]).unwrap();
    drop(j);
    assert_eq!(take(&mut Journal::open(&path).unwrap(), &a, 0).rows.len(), 3);
    // Zero bytes where the end never reached the disk: cut at the first.
    let cut = whole.rfind("{\"key\"").unwrap();
    fs::write(&path, format!("{}\0\0\0{}", &whole[..cut], &whole[cut..])).unwrap();
    assert_eq!(take(&mut Journal::open(&path).unwrap(), &a, 0).rows.len(), 1);
    // A last line complete but for its newline is kept, and the newline
    // added before the next line.
    fs::write(&path, whole.trim_end()).unwrap();
    let mut j = Journal::open(&path).unwrap();
    assert_eq!(take(&mut j, &a, 0).rows.len(), 2);
    assert_eq!(fs::read_to_string(&path).unwrap(), whole);
    drop(j);
    // A damaged line before the last is refused, and so is an impossible
    // value, a key that is not one, a replication saved twice with
    // different values, and rows that do not match their seal: an
    // undefined value (`null`) or a plausible one typed in, or rows moved
    // under another scenario's key.
    let lines: Vec<&str> = whole.lines().collect();
    for (text, says) in [
        (
            format!("{}\n{{oops\n{}\n", lines[0], lines[1]),
            "line 2: key must be a string at column 2",
        ),
        (whole.replace("[1.0]", "[-1.0]"), "line 2: delivered_total.oil: -1"),
        (whole.replace(&a, "zz"), "line 2: key \"zz\" is not a SHA-256"),
        (whole.replace("[1.0]", "[null]"), "line 2: its rows do not match their seal"),
        (whole.replace("[1.0]", "[1.25]"), "line 2: its rows do not match their seal"),
        (whole.replace(&a, &k('b')), "line 2: its rows do not match their seal"),
        (
            whole.replace(&format!(",\"seal\":\"{}\"", seal_of(&whole, 1)), ""),
            "line 2: its rows have no seal",
        ),
        (
            whole.replace("[2.0]", "[1.5]").replace("\"replication\":1", "\"replication\":0"),
            "line 3: replication 0 is saved twice, with different values",
        ),
    ] {
        fs::write(&path, &text).unwrap();
        let e = Journal::open(&path).unwrap_err().to_string();
        assert!(e.contains(says) && e.contains("delete it to start afresh"), "{says}: {e}");
        assert_eq!(fs::read_to_string(&path).unwrap(), text, "left as it was");
    }
    // The same row saved twice (computed again after a gap) is fine.
    fs::write(&path, format!("{whole}{}\n", lines[1])).unwrap();
    assert_eq!(take(&mut Journal::open(&path).unwrap(), &a, 0).rows.len(), 2);
    // Zero bytes only (a crash before the header reached the disk), or
    // nothing: begun afresh.
    for text in ["\0\0\0\0", ""] {
        fs::write(&path, text).unwrap();
        assert!(take(&mut Journal::open(&path).unwrap(), &a, 0).rows.is_empty());
        assert_eq!(fs::read_to_string(&path).unwrap(), "{\"kind\":\"replication_journal\"}\n");
    }
}

#[test]
fn another_file_is_refused_and_left_as_it_is() {
    let (_dir, path) = scratch("other");
    for (text, says) in [
        ("x,y\n1,2\n", "no checkpoint header"),
        ("{\"kind\":\"checkpoint\"}\n", "kind \"checkpoint\""),
        ("{\n  \"kind\": \"run\"\n}\n", "no checkpoint header"),
        // UTF-16 text of ASCII begins with a zero byte.
        ("\0m\0y\0 \0n\0o\0t\0e\0s\0\n", "begins with a zero byte"),
        ("\n{\"kind\":\"replication_journal\"}\n", "an empty line"),
    ] {
        fs::write(&path, text).unwrap();
        let e = Journal::open(&path).unwrap_err().to_string();
        assert!(e.contains("is not a checkpoint") && e.contains(says), "{text:?}: {e}");
        assert_eq!(fs::read_to_string(&path).unwrap(), text);
    }
}

#[test]
fn the_key_changes_with_anything_the_model_reads_and_the_seed() {
    let plan = crate::study::Study::single(crate::BASELINE_TOML, "baseline", None).unwrap().plan;
    let mut other = plan.clone();
    other.max_events += 1;
    assert_eq!(key(&plan, 1), key(&plan.clone(), 1));
    assert_ne!(key(&plan, 1), key(&plan, 2));
    assert_ne!(key(&plan, 1), key(&other, 1));
    assert_eq!(key(&plan, 1).len(), 64);
}

#[test]
fn journals_joined_end_to_end_read_as_one() {
    let (_dir, dir) = scratch("joined");
    let (a, b) = (k('a'), k('b'));
    let one = dir.with_file_name("one.jsonl");
    let two = dir.with_file_name("two.jsonl");
    let mut j = Journal::open(&one).unwrap();
    j.append(&a, &names(), &[row(0, 1.0), row(1, 2.0)]).unwrap();
    drop(j);
    let mut j = Journal::open(&two).unwrap();
    j.append(&a, &names(), &[row(2, 3.0)]).unwrap();
    j.append(&b, &names(), &[row(0, 5.0)]).unwrap();
    drop(j);
    // The first part torn at its end, as a shard killed mid-write.
    let first = fs::read_to_string(&one).unwrap() + "{\"key\":\"aa";
    fs::write(&dir, first + &fs::read_to_string(&two).unwrap()).unwrap();
    let mut j = Journal::open(&dir).unwrap();
    assert_eq!(j.passed_over(), [(3, 3)], "the torn line runs on into the header");
    assert_eq!(take(&mut j, &a, 0).rows.len(), 3);
    assert_eq!(take(&mut j, &b, 0).rows.len(), 1);
    drop(j);
    // Torn, then a newline before the next part.
    let first = fs::read_to_string(&one).unwrap() + "{\"key\":\"aa\n";
    fs::write(&dir, first + &fs::read_to_string(&two).unwrap()).unwrap();
    let mut j = Journal::open(&dir).unwrap();
    assert_eq!(j.passed_over(), [(3, 4)]);
    assert_eq!(take(&mut j, &a, 2).rows.len(), 1, "from replication 2 on");
    assert_eq!(take(&mut j, &b, 0).rows.len(), 1);
    drop(j);
    // A part that a crash left with zero bytes at its end, or of zero bytes
    // only, first or in the middle: passed over up to the next part.
    let zeros = "\0".repeat(100);
    let one_text = fs::read_to_string(&one).unwrap();
    let two_text = fs::read_to_string(&two).unwrap();
    for (joined, passed) in [
        (format!("{one_text}{zeros}{two_text}"), (3, 3)),
        (format!("{zeros}{one_text}{two_text}"), (1, 1)),
        (format!("{one_text}{zeros}\n{two_text}"), (3, 4)),
        (format!("{zeros}{two_text}{one_text}"), (1, 1)),
    ] {
        fs::write(&dir, &joined).unwrap();
        let mut j = Journal::open(&dir).unwrap();
        assert_eq!(j.passed_over(), [passed], "{joined:?}");
        assert_eq!(take(&mut j, &a, 0).rows.len(), 3, "{joined:?}");
        assert_eq!(take(&mut j, &b, 0).rows.len(), 1);
    }
    // Joined whole, nothing is passed over.
    fs::write(&dir, format!("{one_text}{two_text}")).unwrap();
    assert!(Journal::open(&dir).unwrap().passed_over().is_empty());
}

#[test]
fn a_journal_stops_saving_before_it_outgrows_what_can_be_read_back() {
    let (_dir, path) = scratch("full");
    let a = k('a');
    let mut j = Journal::open(&path).unwrap();
    j.append(&a, &names(), &[row(0, 1.0)]).unwrap();
    assert_eq!(j.len, fs::metadata(&path).unwrap().len(), "its length kept as written");
    assert!(!j.full());
    let before = fs::read(&path).unwrap();
    // As if the file were a few bytes short of the cap: the next batch
    // would pass it, so it and every later one are left unsaved.
    let room = 40;
    j.len = InputKind::Result.cap() - room;
    j.append(&a, &names(), &[row(1, 2.0)]).unwrap();
    assert!(j.full());
    j.len = 0;
    j.append(&a, &names(), &[row(2, 3.0)]).unwrap();
    drop(j);
    assert_eq!(fs::read(&path).unwrap(), before, "nothing written once full");
    // A batch that fits exactly is saved.
    let mut j = Journal::open(&path).unwrap();
    let line = serde_json::to_string(&Batch::new(&a, &names(), &[row(1, 2.0)])).unwrap();
    j.len = InputKind::Result.cap() - line.len() as u64 - 1;
    j.append(&a, &names(), &[row(1, 2.0)]).unwrap();
    assert!(!j.full());
    drop(j);
    assert_eq!(take(&mut Journal::open(&path).unwrap(), &a, 0).rows.len(), 2);
}
