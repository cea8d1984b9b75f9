//! The store worker's import: on a thread of its own, with progress as
//! job events and a one-line summary for the status line.

use super::StoreEvent;
use super::worker::Worker;
use crate::report::{JobEvent, JobId};
use crate::store::{ImportReport, LOCAL_ACCOUNT, StoreError};
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
                    r.why_nothing()
                )),
                Ok(r) => Ok(r.status_line(LOCAL_ACCOUNT)),
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
