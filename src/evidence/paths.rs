//! Resolving manifest paths inside the repository, refusing anything that leaves it.

use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::dirs::Dirs;

/// Largest evidence file launchgate reads.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Why a manifest path cannot be used as evidence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathProblem {
    /// Absolute paths depend on the machine.
    #[error("`{0}` is an absolute path; evidence must be inside the repository")]
    Absolute(String),
    /// `..` climbs out of the repository.
    #[error("`{0}` leaves the repository")]
    Escapes(String),
    /// A symlink on the way points outside the repository.
    #[error("`{path}` is a symlink to `{target}`, outside the repository")]
    SymlinkEscapes {
        /// As written.
        path: String,
        /// Where it leads.
        target: String,
    },
    /// Nothing there.
    #[error("`{0}` does not exist")]
    Missing(String),
    /// A directory, FIFO, socket or device.
    #[error("`{path}` is a {kind}, not a file")]
    NotAFile {
        /// As written.
        path: String,
        /// What it is instead.
        kind: &'static str,
    },
    /// Permissions or I/O.
    #[error("`{path}` cannot be read: {reason}")]
    Unreadable {
        /// As written.
        path: String,
        /// The OS error.
        reason: String,
    },
    /// Bigger than [`MAX_FILE_BYTES`].
    #[error("`{path}` is {bytes} bytes, over the {MAX_FILE_BYTES}-byte limit for evidence files")]
    TooLarge {
        /// As written.
        path: String,
        /// Its size.
        bytes: u64,
    },
    /// Text evidence must be UTF-8.
    #[error("`{0}` is not UTF-8 text")]
    NotUtf8(String),
    /// A web page: what it says, and whether it exists, cannot be read from the repository.
    #[error(
        "`{0}` is a URL, not a file: launchgate reads evidence from the repository, and cannot see whether the page exists or what it says"
    )]
    Url(String),
}

impl PathProblem {
    /// What is wrong when the path reaches outside the repository (an absolute path, `..`
    /// above the root, a symlink out); `None` for the other problems.
    pub fn outside_repository(&self) -> Option<String> {
        match self {
            PathProblem::Absolute(path) => Some(format!("`{path}` is an absolute path")),
            PathProblem::Escapes(_) | PathProblem::SymlinkEscapes { .. } => Some(self.to_string()),
            _ => None,
        }
    }

    /// How to fix it.
    pub fn help(&self) -> &'static str {
        match self {
            PathProblem::Absolute(_)
            | PathProblem::Escapes(_)
            | PathProblem::SymlinkEscapes { .. } => {
                "reference a file inside the repository, relative to the manifest"
            }
            PathProblem::Missing(_) => {
                "create the file, or fix the path (it is relative to the manifest)"
            }
            PathProblem::NotAFile { .. } => "point at a regular file",
            PathProblem::Unreadable { .. } => {
                "make the file readable by the user running launchgate"
            }
            PathProblem::TooLarge { .. } => "evidence files are documents; split or trim this one",
            PathProblem::NotUtf8(_) => "save the file as UTF-8",
            PathProblem::Url(_) => {
                "keep the document in the repository, beside the manifest (a wiki page can link to it), and name its path"
            }
        }
    }
}

/// A repository root and a manifest's directory inside it.
#[derive(Debug, Clone)]
pub struct Base {
    /// Canonical repository root.
    pub root: PathBuf,
    /// The manifest's directory, relative to the root, lexically normalized.
    pub dir: PathBuf,
    /// The run's directory facts, shared by every manifest's base.
    dirs: Arc<Dirs>,
}

impl Base {
    /// The base for a manifest file: the root is the nearest ancestor holding `.git`, else the
    /// manifest's own directory. `dirs` remembers the directories a run has looked at.
    pub fn for_manifest(dirs: &Arc<Dirs>, manifest: &Path) -> std::io::Result<Base> {
        let dir = manifest.parent().unwrap_or(Path::new(""));
        let canonical = dirs.canonical(dir)?;
        let root = dirs.repo_root(&canonical).unwrap_or(&canonical);
        let rel = canonical
            .strip_prefix(root)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        Ok(Base {
            root: root.to_path_buf(),
            dir: rel,
            dirs: dirs.clone(),
        })
    }

    /// The same repository seen from its root: paths are then written from the root, as
    /// CODEOWNERS locations are.
    pub fn at_root(&self) -> Base {
        Base {
            root: self.root.clone(),
            dir: PathBuf::new(),
            dirs: self.dirs.clone(),
        }
    }

    /// Resolves a manifest path to a regular file inside the repository, without opening it.
    pub fn resolve(&self, written: &str) -> Result<PathBuf, PathProblem> {
        self.resolve_sized(written).map(|(path, _)| path)
    }

    /// [`Base::resolve`], with the file's size.
    fn resolve_sized(&self, written: &str) -> Result<(PathBuf, u64), PathProblem> {
        let (joined, dirs_real) = self.join(written)?;
        self.resolve_joined(written, joined, dirs_real)
    }

    /// [`Base::resolve_sized`] once the path is joined.
    fn resolve_joined(
        &self,
        written: &str,
        joined: PathBuf,
        dirs_real: bool,
    ) -> Result<(PathBuf, u64), PathProblem> {
        if !dirs_real {
            return self.resolve_canonical(written, &joined);
        }
        // The common case costs one lstat per file: its directories were verified before and
        // it is not a symlink. A symlink takes the canonicalizing path.
        let meta = fs::symlink_metadata(&joined).map_err(|e| io_problem(written, e))?;
        if meta.file_type().is_symlink() {
            return self.resolve_canonical(written, &joined);
        }
        sized(written, joined, &meta)
    }

    /// The path a manifest path names under the root, lexically, and whether its directories
    /// are known to be real directories inside the root (no symlink on the way).
    fn join(&self, written: &str) -> Result<(PathBuf, bool), PathProblem> {
        if crate::manifest::is_url(written) {
            return Err(PathProblem::Url(written.into()));
        }
        let p = Path::new(written);
        if p.is_absolute() || written.starts_with('\\') || written.get(1..2) == Some(":") {
            return Err(PathProblem::Absolute(written.into()));
        }
        let mut joined = self.root.clone();
        let mut depth = 0usize;
        for c in self.dir.components().chain(p.components()) {
            match c {
                Component::Normal(n) => {
                    joined.push(n);
                    depth += 1;
                }
                Component::CurDir => {}
                Component::ParentDir => {
                    if depth == 0 {
                        return Err(PathProblem::Escapes(written.into()));
                    }
                    joined.pop();
                    depth -= 1;
                }
                Component::RootDir | Component::Prefix(_) => {
                    return Err(PathProblem::Absolute(written.into()));
                }
            }
        }
        let dirs_real = joined
            .parent()
            .is_some_and(|d| self.dirs.real_inside(&self.root, d));
        Ok((joined, dirs_real))
    }

    /// Resolves through symlinks, refusing a target outside the root.
    fn resolve_canonical(
        &self,
        written: &str,
        joined: &Path,
    ) -> Result<(PathBuf, u64), PathProblem> {
        let problem = |e: std::io::Error| io_problem(written, e);
        let canonical = fs::canonicalize(joined).map_err(problem)?;
        if !canonical.starts_with(&self.root) {
            return Err(PathProblem::SymlinkEscapes {
                path: written.into(),
                target: canonical.display().to_string(),
            });
        }
        let meta = fs::metadata(&canonical).map_err(problem)?;
        sized(written, canonical, &meta)
    }

    /// Resolves and opens a regular file inside the repository: the file, where it is, its size.
    fn open(&self, written: &str) -> Result<(fs::File, PathBuf, u64), PathProblem> {
        let (joined, dirs_real) = self.join(written)?;
        #[cfg(unix)]
        if dirs_real {
            // Open first and ask the open file what it is: one path lookup instead of an lstat
            // and then an open. O_NOFOLLOW refuses a symlink (ELOOP), which then takes the
            // canonicalizing path; O_NONBLOCK keeps a FIFO from blocking the open until the
            // metadata refuses it.
            use std::os::unix::fs::OpenOptionsExt;
            let opened = fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
                .open(&joined);
            match opened {
                Ok(file) => {
                    let meta = file.metadata().map_err(|e| io_problem(written, e))?;
                    let (path, size) = sized(written, joined, &meta)?;
                    return Ok((file, path, size));
                }
                Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {}
                Err(e) => return Err(io_problem(written, e)),
            }
        }
        let (path, size) = self.resolve_joined(written, joined, dirs_real)?;
        // Resolved as a regular file a moment ago; if a FIFO took its place since, the open
        // still must not wait for a writer.
        let file = open_nonblocking(&path).map_err(|e| PathProblem::Unreadable {
            path: written.into(),
            reason: e.to_string(),
        })?;
        Ok((file, path, size))
    }

    /// Resolves and reads a text file, bounded by [`MAX_FILE_BYTES`].
    pub fn read_text(&self, written: &str) -> Result<(PathBuf, String), PathProblem> {
        let (file, path, size) = self.open(written)?;
        let bytes = read_known(file, size).map_err(|e| PathProblem::Unreadable {
            path: written.into(),
            reason: e.to_string(),
        })?;
        let text = String::from_utf8(bytes).map_err(|_| PathProblem::NotUtf8(written.into()))?;
        Ok((path, text))
    }

    /// Checks that a resolved file can be opened for reading.
    pub fn check_readable(&self, written: &str) -> Result<PathBuf, PathProblem> {
        self.open(written).map(|(_, path, _)| path)
    }

    /// The repository-relative form of a path written in the manifest (for reports and CODEOWNERS).
    pub fn repo_relative(&self, written: &str) -> String {
        joined(&self.dir, written)
    }
}

/// `written`, a path as a manifest in `dir` (repository-relative) writes it, as a repository
/// path: `..` and `.` resolved by the text alone, as git's trees know paths.
pub fn joined(dir: &Path, written: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in dir.components().chain(Path::new(written).components()) {
        match c {
            Component::Normal(n) => parts.push(n.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop();
            }
            _ => {}
        }
    }
    parts.join("/")
}

/// One manifest's evidence files, each read once: a file that is looked at first (to know it
/// exists) and parsed later (rule files, dashboards) is read at the first look and its text kept
/// for the parser.
pub struct Reader<'a> {
    /// Where the manifest's paths resolve.
    pub base: &'a Base,
    kept: HashMap<String, (PathBuf, String)>,
}

impl<'a> Reader<'a> {
    /// A reader with nothing read yet.
    pub fn new(base: &'a Base) -> Reader<'a> {
        Reader {
            base,
            kept: HashMap::new(),
        }
    }

    /// Checks that a file can be read; when `keep`, reads it and keeps its text for
    /// [`Reader::read_text`].
    pub fn look(&mut self, written: &str, keep: bool) -> Result<PathBuf, PathProblem> {
        if !keep {
            return self.base.check_readable(written);
        }
        match self.base.read_text(written) {
            Ok((path, text)) => {
                self.kept.insert(written.to_string(), (path.clone(), text));
                Ok(path)
            }
            // Existing but not text: whoever parses it reports that; the look only asks
            // whether it can be opened.
            Err(PathProblem::NotUtf8(_)) => self.base.check_readable(written),
            Err(e) => Err(e),
        }
    }

    /// Reads a text file, or takes the text an earlier [`Reader::look`] kept.
    pub fn read_text(&mut self, written: &str) -> Result<(PathBuf, String), PathProblem> {
        match self.kept.remove(written) {
            Some(hit) => Ok(hit),
            None => self.base.read_text(written),
        }
    }
}

/// Opens a file for reading without blocking on a FIFO or device: the caller asks the open
/// file what it is ([`fs::File::metadata`]), one path lookup instead of a `stat` and an `open`.
pub fn open_nonblocking(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// Why [`read_limited`] read nothing; each caller words it for its file.
#[derive(Debug)]
pub enum Unread {
    /// Opening, asking or reading failed (`NotFound` among them).
    Io(std::io::Error),
    /// A directory, FIFO, socket or device.
    NotAFile {
        /// It is a directory.
        dir: bool,
    },
    /// Over the limit: its size.
    TooLarge(u64),
}

/// A regular file's bytes, from one open that cannot block: a FIFO or device is refused by
/// what the open file says it is, as is a file over `limit` bytes.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, Unread> {
    let file = open_nonblocking(path).map_err(Unread::Io)?;
    let meta = file.metadata().map_err(Unread::Io)?;
    if !meta.is_file() {
        return Err(Unread::NotAFile { dir: meta.is_dir() });
    }
    if meta.len() > limit {
        return Err(Unread::TooLarge(meta.len()));
    }
    read_known(file, meta.len()).map_err(Unread::Io)
}

/// [`read_limited`] with the refusal as an I/O error: a directory as `EISDIR`, anything else
/// that is no file as "not a regular file".
pub fn read_regular(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    read_limited(path, limit).map_err(|unread| match unread {
        Unread::Io(e) => e,
        #[cfg(unix)]
        Unread::NotAFile { dir: true } => std::io::Error::from_raw_os_error(libc::EISDIR),
        Unread::NotAFile { .. } => std::io::Error::other("not a regular file"),
        Unread::TooLarge(bytes) => {
            std::io::Error::other(format!("{bytes} bytes, over the {limit}-byte limit"))
        }
    })
}

/// Reads a file opened and measured (by [`Base::open`], or a manifest's read): what its
/// metadata measured, in one read for an unchanged file (a short read of a regular file is its
/// end). A file that grew since is read as it was measured; one that shrank, to its end. The
/// caller has held `size` to its own limit (evidence, manifests, reports differ).
pub fn read_known(mut file: fs::File, size: u64) -> std::io::Result<Vec<u8>> {
    let size = usize::try_from(size).map_err(std::io::Error::other)?;
    let mut buf = vec![0; size];
    let mut filled = 0;
    while filled < size {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(filled);
    Ok(buf)
}

/// A regular file within the size limit, with its size; the problem otherwise.
fn sized(written: &str, path: PathBuf, meta: &fs::Metadata) -> Result<(PathBuf, u64), PathProblem> {
    if !meta.is_file() {
        return Err(PathProblem::NotAFile {
            path: written.into(),
            kind: kind_of(meta),
        });
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(PathProblem::TooLarge {
            path: written.into(),
            bytes: meta.len(),
        });
    }
    Ok((path, meta.len()))
}

/// A missing file, or why it cannot be read.
fn io_problem(written: &str, e: std::io::Error) -> PathProblem {
    match e.kind() {
        // `a/b` where `a` is a file: nothing is there either.
        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory => {
            PathProblem::Missing(written.into())
        }
        _ => PathProblem::Unreadable {
            path: written.into(),
            reason: e.to_string(),
        },
    }
}

fn kind_of(meta: &fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "FIFO";
        }
        if t.is_socket() {
            return "socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "device";
        }
    }
    if meta.is_dir() {
        "directory"
    } else {
        "special file"
    }
}

#[cfg(test)]
mod tests;
