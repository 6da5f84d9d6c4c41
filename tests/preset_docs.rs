//! Every preset of the catalogue has its row in each table that lists presets: the
//! README's presets table, the provider matrix (PROVIDERS.md) and the presets module's
//! rustdoc. A preset added without its documentation fails here.
#![allow(clippy::unwrap_used, missing_docs)]

use hookshield::presets;

/// The first cells of the table rows of `text` (the text before the second `|`).
fn first_cells(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| line.trim_start_matches("//!").trim())
        .filter(|line| line.starts_with('|'))
        .filter_map(|line| line.split('|').nth(1))
        .map(|cell| cell.trim().trim_matches(['`', '[', ']']).to_owned())
        .collect()
}

#[test]
fn every_preset_has_a_row_in_every_table() {
    let tables = [
        ("README.md", include_str!("../README.md")),
        ("PROVIDERS.md", include_str!("../PROVIDERS.md")),
        (
            "presets/mod.rs",
            include_str!("../crates/hookshield-core/src/presets/mod.rs"),
        ),
    ];
    for (file, text) in tables {
        let cells = first_cells(text);
        for name in presets::NAMES {
            // The rustdoc table links the function, whose name uses `_`.
            let function = name.replace('-', "_");
            assert!(
                cells.iter().any(|c| c == name || *c == function),
                "{file} has no row for {name}"
            );
        }
    }
}
