//! The release the Action installs: the archive `scripts/package.sh` makes from the binary cargo
//! built for these tests, the loopback server that serves it, and the runner job that uses it.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use super::VERSION;
use super::common::{self, root};
use super::composite::Job;

/// The release target these tests can build: the host's own (other rustup targets cannot be
/// downloaded here). `None` off Linux, where the scripts' Linux paths are not the host's.
pub fn host_target() -> Option<String> {
    if std::env::consts::OS != "linux" {
        eprintln!("SKIPPED: the Action harness needs a Linux host");
        return None;
    }
    Some(format!("{}-unknown-linux-gnu", std::env::consts::ARCH))
}

pub fn archive_name(target: &str) -> String {
    format!("launchgate-{VERSION}-{target}.tar.gz")
}

/// Packages the test binary as `target`'s archive into `assets`, then writes `SHA256SUMS`, with
/// `scripts/package.sh` exactly as the release workflow runs it.
pub fn package(target: &str, assets: &Path) {
    let out = std::process::Command::new("bash")
        .arg(root().join("scripts/package.sh"))
        .args([target, VERSION])
        .arg(assets)
        .env("LAUNCHGATE_BIN", env!("CARGO_BIN_EXE_launchgate"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "package.sh: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = std::process::Command::new("bash")
        .arg(root().join("scripts/package.sh"))
        .arg("--sums")
        .arg(assets)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "package.sh --sums: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A release directory laid out as GitHub serves it (`v{VERSION}/{asset}`), made once per test
/// run with `scripts/package.sh`, exactly as the release workflow makes it.
pub fn release() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let target = host_target().unwrap_or_default();
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("action-release");
        let _ = std::fs::remove_dir_all(&dir);
        package(&target, &dir.join(format!("v{VERSION}")));
        dir
    })
}

/// A loopback HTTP server for a directory: GET only, 404 for anything that is not a file in
/// it. It records every requested path.
pub struct Server {
    pub url: String,
    pub requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub fn start(dir: &Path) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        let dir = dir.to_path_buf();
        // The thread lives as long as the test process; it only ever serves this test's curl.
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let _ = serve_one(stream, &dir, &log);
            }
        });
        Server { url, requests }
    }

    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

pub fn serve_one(
    stream: std::net::TcpStream,
    dir: &Path,
    log: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
    log.lock().unwrap().push(path.clone());
    let rel = path.trim_start_matches('/');
    let file = dir.join(rel);
    let mut stream = stream;
    if request.starts_with("GET ") && !rel.split('/').any(|c| c == "..") && file.is_file() {
        let mut f = std::fs::File::open(&file)?;
        let len = f.metadata()?.len();
        write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Length: {len}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"
        )?;
        std::io::copy(&mut f, &mut stream)?;
    } else {
        let body = "Not Found";
        write!(
            stream,
            "HTTP/1.1 404 Not Found\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )?;
    }
    stream.flush()
}

/// The runner's PATH for these jobs: the test's PATH without any directory that has cargo,
/// rustc or rustup, behind a directory of recording stand-ins for them.
pub fn job_path(shims: &Path) -> String {
    let base = std::env::var_os("PATH").unwrap_or_default();
    let kept: Vec<String> = std::env::split_paths(&base)
        .filter(|d| {
            !["cargo", "rustc", "rustup"]
                .iter()
                .any(|t| d.join(t).exists())
        })
        .map(|d| d.display().to_string())
        .collect();
    format!("{}:{}", shims.display(), kept.join(":"))
}

/// Writes `cargo`, `rustc` and `rustup` stand-ins that log their arguments to `log`. The
/// `cargo install --root DIR` stand-in installs the tests' launchgate into DIR/bin, as the real
/// one would after minutes of compiling, so `install: source` can be run end to end cheaply.
pub fn write_shims(dir: &Path, log: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let bin = env!("CARGO_BIN_EXE_launchgate");
    for tool in ["cargo", "rustc", "rustup"] {
        let script = format!(
            r#"#!/usr/bin/env bash
echo "{tool} $*" >> '{log}'
if [ "{tool} $1" = "cargo install" ]; then
  while [ $# -gt 0 ]; do
    if [ "$1" = --root ]; then mkdir -p "$2/bin" && cp '{bin}' "$2/bin/launchgate" && exit 0; fi
    shift
  done
fi
echo "{tool} stand-in: not available in this job" >&2
exit 101
"#,
            log = log.display()
        );
        let path = dir.join(tool);
        std::fs::write(&path, script).unwrap();
        let mut perm = std::fs::metadata(&path).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o755);
        std::fs::set_permissions(&path, perm).unwrap();
    }
}

/// A job on a fresh runner: tool cache, temp, workspace, the recording cargo on PATH, and the
/// release URL pointing at `server`.
pub struct Fixture {
    _dir: tempfile::TempDir,
    pub job: Job,
    pub cargo_log: PathBuf,
}

impl Fixture {
    pub fn new(server: Option<&Server>, target: &str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let shims = dir.path().join("shims");
        let cargo_log = dir.path().join("cargo.log");
        write_shims(&shims, &cargo_log);
        let mut job = Job::new(dir.path(), &job_path(&shims));
        if let Some(s) = server {
            job.env
                .insert("LAUNCHGATE_RELEASES_URL".into(), s.url.clone());
        }
        // Linux X64 runners get the musl build; this host can only build its gnu one.
        job.env.insert("LAUNCHGATE_TARGET".into(), target.into());
        job.env.insert("NO_COLOR".into(), "1".into());
        Fixture {
            _dir: dir,
            job,
            cargo_log,
        }
    }

    pub fn cargo_calls(&self) -> String {
        std::fs::read_to_string(&self.cargo_log).unwrap_or_default()
    }

    /// Copies an example into the workspace as a git repository of its own whose previous
    /// release is tagged `v1.4.2`, `rollback.known_good` (a commit of this repository in
    /// the example) pointing at it.
    pub fn example(&self, name: &str) {
        let ws = &self.job.workspace;
        common::copy_dir(&root().join("examples").join(name), ws);
        release_history(ws);
    }
}

/// Makes `dir` a repository with two commits: the previous release, tagged `v1.4.2`, and
/// this one, whose manifest names that tag as `rollback.known_good` (a strict ancestor).
pub fn release_history(dir: &Path) {
    let git = |args: &[&str]| {
        assert!(
            common::git_cmd(dir, args, None).status.success(),
            "git {args:?}"
        )
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "previous release"]);
    git(&["tag", "v1.4.2"]);
    let manifest = dir.join("readiness.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let edited: Vec<String> = text
        .lines()
        .map(|l| match l.split_once("known_good: ") {
            Some((indent, _)) => format!("{indent}known_good: v1.4.2"),
            None => l.to_string(),
        })
        .collect();
    std::fs::write(&manifest, edited.join("\n") + "\n").unwrap();
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "this release"]);
}

pub fn sha256(path: &Path) -> String {
    let out = std::process::Command::new("sha256sum")
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}
