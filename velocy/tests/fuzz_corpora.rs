//! Replays every seed corpus of the fuzz targets (`fuzz/corpus/<target>/*`) through the same checks the
//! fuzz targets run (`fuzz/src/checks.rs`), on stable, as part of `cargo test`. Add a file that crashed a
//! fuzz target to its corpus folder and it stays a regression test here.

#![allow(missing_docs)]

#[path = "../../fuzz/src/checks.rs"]
mod checks;

use std::path::PathBuf;

fn corpus_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus")
}

fn corpus(target: &str) -> Vec<PathBuf> {
    let folder = corpus_root().join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", folder.display()))
        .map(|entry| entry.map(|entry| entry.path()).unwrap_or_else(|error| panic!("{error}")))
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_corpus_folder_has_a_target_and_seeds() {
    for entry in std::fs::read_dir(corpus_root()).unwrap_or_else(|error| panic!("{error}")) {
        let name = entry.unwrap_or_else(|error| panic!("{error}")).file_name();
        let name = name.to_string_lossy();
        assert!(checks::TARGETS.iter().any(|(target, _)| *target == name), "no check for corpus {name}");
    }
    for (target, _) in checks::TARGETS {
        assert!(!corpus(target).is_empty(), "the corpus of {target} is empty");
    }
}

#[test]
fn corpora_pass_their_checks() {
    let mut failures = Vec::new();
    let mut count = 0;
    for (target, check) in checks::TARGETS {
        for file in corpus(target) {
            let data = std::fs::read(&file).unwrap_or_else(|error| panic!("{}: {error}", file.display()));
            count += 1;
            if let Err(panic) = std::panic::catch_unwind(|| check(&data)) {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|text| (*text).to_owned()))
                    .unwrap_or_default();
                let name = file.file_name().unwrap_or_default().to_string_lossy().into_owned();
                failures.push(format!("{target}/{name}: {message}"));
            }
        }
    }
    assert!(count > 0);
    assert!(failures.is_empty(), "{} corpus file(s) failed:\n{}", failures.len(), failures.join("\n"));
}
