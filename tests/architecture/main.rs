//! Keeps the shape of the code that docs/ARCHITECTURE.md describes:
//! imports point one way (engines never reach the app, the interface or
//! the terminal; the store knows no protocol), no import circles, small
//! files and functions. It reads the sources; nothing is compiled or run.

mod modules;

use modules::{Crate, ModPath, circles, long_functions};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What each top-level module may import, besides itself. The entry
/// points (`main.rs`, `lib.rs`, `cli`, `sync_command`, `logging`) are the
/// top and may import anything.
const LAYERS: &[(&str, &[&str])] = &[
    ("report", &[]),
    ("sanitize", &[]),
    ("config", &["report", "sanitize"]),
    ("pgp", &["report", "sanitize", "config"]),
    ("mailview", &["report", "sanitize", "config", "pgp"]),
    ("net", &["report", "sanitize", "config"]),
    (
        "store",
        &["report", "sanitize", "config", "pgp", "mailview"],
    ),
    (
        "mail",
        &[
            "report", "sanitize", "config", "pgp", "mailview", "net", "store",
        ],
    ),
    (
        "app",
        &[
            "report", "sanitize", "config", "pgp", "mailview", "net", "store", "mail",
        ],
    ),
    (
        "ui",
        &[
            "report", "sanitize", "config", "pgp", "mailview", "net", "store", "mail", "app",
        ],
    ),
    (
        "engines",
        &["report", "config", "net", "store", "mail", "app"],
    ),
    (
        "tui",
        &[
            "report", "config", "net", "store", "mail", "app", "ui", "engines",
        ],
    ),
];

/// The engines: usable without the interface, by the headless commands
/// and the tests.
const ENGINES: &[&str] = &[
    "report", "sanitize", "config", "pgp", "mailview", "net", "store", "mail",
];

const MAX_FILE_LINES: usize = 450;
const MAX_FUNCTION_LINES: usize = 60;

fn source() -> Crate {
    Crate::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

fn name(module: &ModPath) -> String {
    if module.is_empty() {
        "crate".into()
    } else {
        module.join("::")
    }
}

#[test]
fn imports_point_down_the_layers() {
    let krate = source();
    let layers: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let mut wrong = Vec::new();
    for (from, targets) in krate.imports() {
        let Some(top) = from.first() else { continue };
        let Some(allowed) = layers.get(top.as_str()) else {
            continue;
        };
        for target in targets {
            let Some(target_top) = target.first() else {
                continue;
            };
            if target_top != top && !allowed.contains(&target_top.as_str()) {
                wrong.push(format!("{} imports {}", name(&from), name(&target)));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers of docs/ARCHITECTURE.md:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn engines_never_touch_the_terminal() {
    let krate = source();
    let mut wrong = Vec::new();
    for file in &krate.files {
        let in_engine = file
            .module
            .first()
            .is_some_and(|top| ENGINES.contains(&top.as_str()));
        if !in_engine {
            continue;
        }
        let code = modules::code_of(&file.text);
        for crate_name in ["ratatui", "crossterm"] {
            if code.contains(&format!("{crate_name}::")) {
                wrong.push(format!("{} uses {crate_name}", file.path.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_import_circles_between_files() {
    let krate = source();
    let found: Vec<String> = circles(&krate.imports())
        .iter()
        .map(|c| c.iter().map(name).collect::<Vec<_>>().join(" ↔ "))
        .collect();
    assert!(
        found.is_empty(),
        "import circles (move what they share into a lower module):\n{}",
        found.join("\n")
    );
}

/// Folders as units: within each folder, its subfolders and loose files
/// import each other in one direction only.
#[test]
fn no_import_circles_between_folders() {
    let krate = source();
    let folder_of: BTreeMap<&ModPath, &ModPath> =
        krate.files.iter().map(|f| (&f.module, &f.folder)).collect();
    let mut units: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
    for (from, targets) in krate.imports() {
        for target in targets {
            let (Some(a), Some(b)) = (folder_of.get(&from), folder_of.get(&target)) else {
                continue;
            };
            let shared = a.iter().zip(b.iter()).take_while(|(x, y)| x == y).count();
            let unit = |m: &ModPath| m[..m.len().min(shared + 1)].to_vec();
            let (ua, ub) = (unit(&from), unit(&target));
            if ua != ub && (a.len() > shared || b.len() > shared) {
                units.entry(ua).or_default().insert(ub);
            }
        }
    }
    let found: Vec<String> = circles(&units)
        .iter()
        .map(|c| c.iter().map(name).collect::<Vec<_>>().join(" ↔ "))
        .collect();
    assert!(
        found.is_empty(),
        "folders in a circle:\n{}",
        found.join("\n")
    );
}

#[test]
fn files_stay_small() {
    let krate = source();
    let big: Vec<String> = krate
        .files
        .iter()
        .map(|f| (f, f.text.lines().count()))
        .filter(|(_, lines)| *lines > MAX_FILE_LINES)
        .map(|(f, lines)| format!("{} ({lines} lines)", f.path.display()))
        .collect();
    assert!(
        big.is_empty(),
        "files over {MAX_FILE_LINES} lines: split them by responsibility:\n{}",
        big.join("\n")
    );
}

#[test]
fn functions_stay_short() {
    let krate = source();
    let mut long = Vec::new();
    for file in &krate.files {
        for (line, function, length) in long_functions(&file.text, MAX_FUNCTION_LINES) {
            long.push(format!(
                "{}:{line} {function} ({length} lines)",
                file.path.display()
            ));
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines: dispatch to small named steps:\n{}",
        long.join("\n")
    );
}

/// The reader itself: a circle, a layer break and a long function in a
/// made-up crate are all found.
#[test]
fn the_checks_see_what_they_look_for() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("store")).unwrap();
    std::fs::write(src.join("lib.rs"), "pub mod store;\npub mod mail;\n").unwrap();
    std::fs::write(
        src.join("store/mod.rs"),
        "//! Store.\nuse crate::mail::{self, address::split};\nmod a;\n",
    )
    .unwrap();
    std::fs::write(src.join("store/a.rs"), "use super::b::X;\n").unwrap();
    std::fs::write(
        src.join("store/b.rs"),
        "// crate::app is only a comment\npub struct X;\nuse super::a;\n",
    )
    .unwrap();
    let long_fn = format!("fn long() {{\n{}}}\n", "    let _ = 1;\n".repeat(70));
    std::fs::write(src.join("mail.rs"), format!("use crate::store;\n{long_fn}")).unwrap();
    let krate = Crate::read(src);
    let imports = krate.imports();
    let store: ModPath = vec!["store".into()];
    let mail: ModPath = vec!["mail".into()];
    assert!(imports[&store].contains(&mail), "{imports:?}");
    let b: ModPath = vec!["store".into(), "b".into()];
    assert!(
        !imports[&b]
            .iter()
            .any(|m| m.first().is_some_and(|t| t == "app"))
    );
    let found = circles(&imports);
    assert!(
        found.contains(&vec![mail.clone(), store.clone()]),
        "{found:?}"
    );
    assert!(found.iter().any(|c| c.contains(&b)), "{found:?}");
    let mail_file = krate.files.iter().find(|f| f.module == mail).unwrap();
    assert_eq!(long_functions(&mail_file.text, 60).len(), 1);
}
