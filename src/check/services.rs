//! One service named by two manifests of a run.
//!
//! A manifest copied to start a new service's (`cp -r services/a services/b`) keeps the first
//! service's `service.name` until someone changes it: the new service then reports, and is
//! gated and scored, under the old one's name. Several manifests may describe one service on
//! purpose (one per environment or component, `*.readiness.yaml`), so a repeat is a warning for
//! the reviewer, never a block. Only the manifests of one run are compared: a pre-commit run
//! of one changed file sees no other.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::report::{Finding, Location, Outcome, Related, Severity, sort_findings};
use crate::source::display_path;
use crate::yaml::{Limits, Route};

use super::Checked;

/// The first manifest of the run to name each service: its index in the run's sorted paths
/// (a run of 100,000 manifests keeps a name and a number for each, not a location).
#[derive(Default)]
pub struct Services {
    first: HashMap<Box<str>, u32>,
}

impl Services {
    /// Records `c`'s service (`c` is `files[index]`), or warns in `c`'s report when an earlier
    /// manifest named it.
    pub fn note(&mut self, c: &mut Checked, index: usize, files: &[PathBuf]) {
        let (Some(name), Some(at), Some(src)) =
            (&c.report.service, c.service_at, c.sources.first())
        else {
            return;
        };
        let Some(&first) = self.first.get(name.as_str()) else {
            self.first.insert(
                name.as_str().into(),
                u32::try_from(index).unwrap_or(u32::MAX),
            );
            return;
        };
        let Some(first) = files.get(first as usize) else {
            return;
        };
        let first = name_location(first).unwrap_or_else(|| Location::file(&display_path(first)));
        let at = Location::new(src, at);
        let item = crate::core::lookup("LG-UNIQUE").expect("LG-UNIQUE is a core item");
        let message = format!(
            "service `{name}` is also the service of {}: each service's readiness is one manifest's, or the reports, gates and scorecards of two blur into one",
            first.file
        );
        let mut f = Finding::new(item.id, item.title, Severity::Warning, Outcome::Fail, message)
            .at(at)
            .help("if this manifest was copied from that one to start a new service, give it the new service's `service.name`; if both describe one service on purpose (one per environment or component), this warning is for the reviewer");
        f.related.push(Related {
            location: first,
            message: format!("`{name}` first named here"),
        });
        // A warning never blocks: the manifest's verdict stands.
        c.report.findings.push(f);
        sort_findings(&mut c.report.findings);
    }
}

/// Where an earlier manifest writes `service.name`, read again: only a repeat needs it.
fn name_location(path: &Path) -> Option<Location> {
    let src = super::read_manifest(path).ok()?.ok()?;
    let doc = crate::yaml::parse(&src, &Limits::default()).ok()?;
    let at = doc.locate(&Route::root().key("service").key("name"));
    Some(Location::new(&src, at.span))
}
