//! Errors that stop launchgate from doing its job (exit code 2).

use crate::checklist::ChecklistError;
use crate::policy::PolicyError;

/// launchgate could not run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A path given on the command line does not exist.
    #[error("`{0}`: no such file or directory")]
    NotFound(String),
    /// A file launchgate needs could not be read.
    #[error("cannot read `{path}`: {reason}")]
    Io {
        /// Displayed path.
        path: String,
        /// The OS error.
        reason: String,
    },
    /// A file launchgate was asked to write (a report, `init`'s starters) could not be.
    #[error("cannot write `{path}`: {reason}")]
    Write {
        /// Displayed path.
        path: String,
        /// The OS error, or why launchgate refused.
        reason: String,
    },
    /// A checklist could not be loaded.
    #[error(transparent)]
    Checklist(#[from] ChecklistError),
    /// The repository policy could not be loaded.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// A JSON file given to `launchgate report` is not a check report this version can read.
    #[error("`{path}`: {reason}")]
    BadReport {
        /// Displayed path.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The results of a large run could not be written to or read back from their temporary
    /// file.
    #[error("{0}")]
    Spill(String),
    /// Bad usage not caught by argument parsing.
    #[error("{0}")]
    Usage(String),
}
