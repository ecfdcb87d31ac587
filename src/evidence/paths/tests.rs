use super::*;

fn base(dir: &Path) -> Base {
    fs::create_dir_all(dir.join(".git")).unwrap();
    fs::create_dir_all(dir.join("svc/runbooks")).unwrap();
    fs::write(dir.join("svc/runbooks/r.md"), "# R\n").unwrap();
    fs::write(dir.join("svc/readiness.yaml"), "").unwrap();
    Base::for_manifest(&Default::default(), &dir.join("svc/readiness.yaml")).unwrap()
}

#[test]
fn resolves_inside_and_allows_climbing_within_the_repo() {
    let t = tempfile::tempdir().unwrap();
    let b = base(t.path());
    assert!(b.resolve("runbooks/r.md").is_ok());
    assert!(b.resolve("../svc/runbooks/r.md").is_ok());
    assert_eq!(
        b.repo_relative("./runbooks/../runbooks/r.md"),
        "svc/runbooks/r.md"
    );
}

#[test]
fn refuses_escapes_absolute_missing_and_directories() {
    let t = tempfile::tempdir().unwrap();
    let b = base(t.path());
    assert!(matches!(
        b.resolve("../../etc/passwd"),
        Err(PathProblem::Escapes(_))
    ));
    assert!(matches!(
        b.resolve("/etc/passwd"),
        Err(PathProblem::Absolute(_))
    ));
    // A wiki page: not "missing", but no file at all.
    std::fs::create_dir_all(t.path().join("https:/wiki.acme.dev")).unwrap();
    std::fs::write(t.path().join("https:/wiki.acme.dev/restore"), "x").unwrap();
    assert!(matches!(
        b.resolve("https://wiki.acme.dev/restore"),
        Err(PathProblem::Url(_))
    ));
    assert!(matches!(b.resolve("nope.md"), Err(PathProblem::Missing(_))));
    assert!(matches!(
        b.resolve("runbooks"),
        Err(PathProblem::NotAFile {
            kind: "directory",
            ..
        })
    ));
}

#[test]
fn a_look_reads_once_and_hands_the_text_over() {
    let t = tempfile::tempdir().unwrap();
    let b = base(t.path());
    fs::write(t.path().join("svc/rules.yaml"), "groups: []\n").unwrap();
    fs::write(t.path().join("svc/binary.json"), [0xff, 0xfe]).unwrap();
    let mut reader = Reader::new(&b);
    assert!(reader.look("rules.yaml", true).is_ok());
    // The kept text is what the parser gets, even after the file changed on disk.
    fs::write(t.path().join("svc/rules.yaml"), "changed\n").unwrap();
    assert_eq!(reader.read_text("rules.yaml").unwrap().1, "groups: []\n");
    // Taken once: a second read goes to the file again.
    assert_eq!(reader.read_text("rules.yaml").unwrap().1, "changed\n");
    // A file that is not text still exists for the look; its parser reports the encoding.
    assert!(reader.look("binary.json", true).is_ok());
    assert!(matches!(
        reader.read_text("binary.json"),
        Err(PathProblem::NotUtf8(_))
    ));
    assert!(matches!(
        reader.look("missing.yaml", true),
        Err(PathProblem::Missing(_))
    ));
}

#[cfg(unix)]
#[test]
fn refuses_symlinks_that_leave_the_repo() {
    let t = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret"), "x").unwrap();
    let b = base(t.path());
    std::os::unix::fs::symlink(outside.path().join("secret"), t.path().join("svc/link.md"))
        .unwrap();
    assert!(matches!(
        b.resolve("link.md"),
        Err(PathProblem::SymlinkEscapes { .. })
    ));
    // Opening refuses it too: O_NOFOLLOW sends it to the canonicalizing path.
    assert!(matches!(
        b.read_text("link.md"),
        Err(PathProblem::SymlinkEscapes { .. })
    ));
    assert!(matches!(
        b.check_readable("link.md"),
        Err(PathProblem::SymlinkEscapes { .. })
    ));
}

#[cfg(unix)]
#[test]
fn reading_opens_what_resolving_accepts_and_refuses_the_rest() {
    let t = tempfile::tempdir().unwrap();
    let b = base(t.path());
    // A symlink to a file inside the repository is followed, and read whole.
    let long = "x".repeat(100_000);
    fs::write(t.path().join("svc/long.md"), &long).unwrap();
    std::os::unix::fs::symlink("long.md", t.path().join("svc/alias.md")).unwrap();
    let (path, text) = b.read_text("alias.md").unwrap();
    assert_eq!(text, long);
    assert!(path.ends_with("svc/long.md"), "{}", path.display());
    assert_eq!(b.read_text("runbooks/r.md").unwrap().1, "# R\n");
    assert_eq!(
        fs::read(t.path().join("svc/long.md")).unwrap().len(),
        100_000
    );
    // Through a symlinked directory inside the repository.
    std::os::unix::fs::symlink("runbooks", t.path().join("svc/books")).unwrap();
    assert_eq!(b.read_text("books/r.md").unwrap().1, "# R\n");
    assert!(matches!(
        b.read_text("runbooks"),
        Err(PathProblem::NotAFile {
            kind: "directory",
            ..
        })
    ));
    assert!(matches!(
        b.read_text("../../etc/passwd"),
        Err(PathProblem::Escapes(_))
    ));
    assert!(matches!(
        b.read_text("nope.md"),
        Err(PathProblem::Missing(_))
    ));
    // A FIFO is refused, not waited on: opened without blocking, then told apart.
    let fifo = t.path().join("svc/fifo.md");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let (tx, rx) = std::sync::mpsc::channel();
        let b2 = b.clone();
        std::thread::spawn(move || {
            let _ = tx.send((b2.read_text("fifo.md"), b2.check_readable("fifo.md")));
        });
        let (read, readable) = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("opening a FIFO blocked");
        for r in [read.map(|_| ()), readable.map(|_| ())] {
            assert!(
                matches!(r, Err(PathProblem::NotAFile { kind: "FIFO", .. })),
                "{r:?}"
            );
        }
    }
}
