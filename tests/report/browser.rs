//! The scorecard page in headless Chromium: it renders, and its filters work.

use std::path::{Path, PathBuf};

use scraper::{ElementRef, Html};

use crate::{org_report, sel, text};

/// Debian's `chromium` (scripts/install-test-tools.sh installs it), else a Chromium build the
/// machine already has (GitHub's Ubuntu runners ship Google Chrome); `None` says it skipped.
fn browser() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for name in [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ] {
        for dir in std::env::split_paths(&path) {
            let c = dir.join(name);
            if c.is_file() {
                return Some(c);
            }
        }
    }
    eprintln!("SKIPPED: no `chromium` to render the page in; run scripts/install-test-tools.sh");
    None
}

/// Headless Chromium with nothing that could reach the network.
fn chromium(chrome: &Path, args: &[String]) -> std::process::Output {
    let profile = tempfile::tempdir().unwrap();
    std::process::Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn chromium_renders_the_page_and_the_filters_work() {
    let Some(chrome) = browser() else {
        return;
    };
    let dir = org_report(&[("html", "org.html")]);
    let page = dir.path().join("org.html");
    let url = format!("file://{}", page.display());
    // Kept as a test artifact: target/tmp/report.png.
    let shot: PathBuf = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report.png");
    let _ = std::fs::remove_file(&shot);
    let out = chromium(
        &chrome,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000".into(),
            url.clone(),
        ],
    );
    assert!(
        shot.is_file(),
        "no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(&shot).unwrap();
    eprintln!("screenshot: {} ({} bytes)", shot.display(), png.len());
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // 1280x2000 of a rendered page: far more than a blank image compresses to.
    assert!(png.len() > 50_000, "{} bytes", png.len());
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 1280);

    // After the script ran: the filters are shown, and the hash filters and sorts the rows.
    let out = chromium(
        &chrome,
        &[
            "--dump-dom".into(),
            format!("{url}#team=search&verdict=fail&sort=failing"),
        ],
    );
    let dom = Html::parse_document(&String::from_utf8_lossy(&out.stdout));
    let root_el = doc_root(&dom);
    assert_eq!(root_el.value().attr("data-script"), Some("ready"));
    let form = dom.select(&sel("form#filters")).next().unwrap();
    assert!(form.value().attr("hidden").is_none(), "filters shown");
    assert_eq!(
        shown_rows(&dom),
        ["search-api", "query-suggest"],
        "most failing first"
    );
    assert_eq!(
        text(dom.select(&sel("#shown")).next().unwrap()),
        "2 of 16 services shown"
    );

    // An item and a state: the services holding on the known-good release. lineage-api holds
    // too, on another item (n/a here): the item decides, not the row. Before,
    // `form.elements['item']` was the collection's `item()` method, so the item filter never
    // applied and any held (or failing) cell showed its row.
    for (hash, rows) in [
        (
            "item=PROD-KNOWN-GOOD&state=hold",
            &["stream-router", "warehouse-loader"][..],
        ),
        ("item=PROD-SLA&state=fail", &["stream-router"][..]),
    ] {
        let out = chromium(&chrome, &["--dump-dom".into(), format!("{url}#{hash}")]);
        let dom = Html::parse_document(&String::from_utf8_lossy(&out.stdout));
        assert_eq!(shown_rows(&dom), rows, "{hash}");
    }
}

/// The services whose rows the filters leave shown, in their order.
fn shown_rows(dom: &Html) -> Vec<String> {
    dom.select(&sel("#matrix tbody tr"))
        .filter(|tr| tr.value().attr("hidden").is_none())
        .map(|tr| tr.value().attr("data-service").unwrap().to_string())
        .collect()
}

fn doc_root(dom: &Html) -> ElementRef<'_> {
    dom.select(&sel("html")).next().unwrap()
}
