//! `docs/items.md` (where every finding's help link points) matches the checklists, and lists
//! under each item the mutations that prove it fails (`tests/mutations.yaml`).

mod common;

#[test]
fn items_page_is_up_to_date() {
    let root = common::root();
    let path = root.join("docs/items.md");
    let all = common::mutations::load(&root);
    let expected =
        launchgate::explain::items_markdown_with(|id| common::mutations::markdown_for(id, &all));
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/items.md is stale: run `UPDATE_DOCS=1 cargo test --test docs` and commit it"
    );
}
