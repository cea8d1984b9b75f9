//! The store worker's import: on a thread of its own, with progress as
//! job events and a one-line summary for the status line.

use super::StoreEvent;
use super::worker::Worker;
use crate::report::{JobEvent, JobId};
use crate::store::{FileOutcome, ImportReport, LOCAL_ACCOUNT, StoreError};
use std::path::PathBuf;

impl Worker {
    /// Imports on a thread of its own so the list stays responsive.
    pub(super) fn import(&self, job: JobId, path: PathBuf) -> Result<(), StoreError> {
        let store = self.store()?.clone();
        let events = self.events.clone();
        let label = format!("import {}", path.display());
        events.blocking_job(JobEvent::Started { job, label });
        std::thread::spawn(move || {
            let progress_events = events.clone();
            let mut progress = move |report: &ImportReport| {
                progress_events.try_job(JobEvent::Progress {
                    job,
                    done: report.messages(),
                    total: 0,
                });
            };
            let outcome = store.import(&path, LOCAL_ACCOUNT, None, &mut progress);
            let result = match &outcome {
                Ok(r) if r.messages() == 0 => Err(format!(
                    "no mail in {}: {}",
                    path.display(),
                    skipped_text(r)
                )),
                Ok(r) => Ok(status_summary(r)),
                Err(e) => Err(e.to_string()),
            };
            events.blocking_job(JobEvent::Finished {
                job,
                outcome: result,
            });
            if let Ok(report) = outcome {
                events.blocking_send(StoreEvent::Imported(report));
            }
            if let Ok(folders) = store.folders() {
                events.blocking_send(StoreEvent::Folders(folders));
            }
        });
        Ok(())
    }
}

/// The import's result for the status line: short enough to read there;
/// every file that gave nothing goes to the log with its reason.
fn status_summary(report: &ImportReport) -> String {
    for file in &report.files {
        if file.imported + file.already_there == 0 || file.outcome != FileOutcome::Read {
            tracing::info!("import: {}", file.describe());
        }
    }
    let skipped: u64 = report.skipped_by_reason().values().sum();
    let partly = report.failed().count();
    let mut text = format!(
        "imported {} message(s) into {LOCAL_ACCOUNT} / {}",
        report.imported,
        report.folders.join(", "),
    );
    if report.already_there > 0 {
        text.push_str(&format!("; {} already there", report.already_there));
    }
    // Files: "1 skipped", "2 read in part", or both, then where to look.
    let files: Vec<String> = [(skipped, "skipped"), (partly as u64, "read in part")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
    if !files.is_empty() {
        text.push_str(&format!("; {} (see the log)", files.join(", ")));
    }
    text
}

/// Why an import found nothing, in a line.
fn skipped_text(report: &ImportReport) -> String {
    let reasons: Vec<String> = report
        .skipped_by_reason()
        .into_iter()
        .map(|(reason, n)| format!("{n} file(s) {reason}"))
        .collect();
    if reasons.is_empty() {
        "expected mbox files, .eml files or Maildirs".to_string()
    } else {
        reasons.join(", ")
    }
}
