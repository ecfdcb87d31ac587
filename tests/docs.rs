//! `docs/items.md` (where every finding's help link points) matches the checklists.

#[test]
fn items_page_is_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/items.md");
    let expected = launchgate::explain::items_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/items.md is stale: run `UPDATE_DOCS=1 cargo test --test docs` and commit it"
    );
}
