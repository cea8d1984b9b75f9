//! The thread that runs store requests one after another, so the event
//! loop never waits on disk.

use super::attachments::{open_with, pipe_input, private_temp_dir, save};
use super::{ListLine, ListRequest, StoreEvent, StoreRequest};
use crate::mailview::{self, MessageView};
use crate::report::{JobEvent, Level, Reporter};
use crate::store::{
    FolderRole, LOCAL_ACCOUNT, ListQuery, MessageId, Store, StoreError, ThreadLine, TransferKind,
    thread_order,
};
use std::path::Path;
use std::sync::mpsc;

/// Raw sources larger than this are cut in the raw view.
const RAW_VIEW_CAP_BYTES: usize = 8 * 1024 * 1024;

/// The handle `Engines` keeps; dropping it ends the thread.
#[derive(Debug)]
pub struct StoreWorker {
    requests: Option<mpsc::Sender<StoreRequest>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl StoreWorker {
    pub fn start(events: Reporter<StoreEvent>) -> StoreWorker {
        let (tx, rx) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("store".into())
            .spawn(move || Worker::new(events).run(&rx));
        let thread = spawned
            .inspect_err(|e| tracing::error!("cannot start the store thread: {e}"))
            .ok();
        StoreWorker {
            requests: Some(tx),
            thread,
        }
    }

    pub fn send(&self, request: StoreRequest) {
        let sent = self.requests.as_ref().map(|tx| tx.send(request));
        if !matches!(sent, Some(Ok(()))) {
            tracing::error!("the store thread has stopped");
        }
    }

    /// Lets the thread carry out what was asked of it (a flag changed
    /// just before quitting is written), then ends it.
    pub fn finish(&mut self) {
        self.requests = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct Listing {
    req: ListRequest,
    query: ListQuery,
    threads: Option<Vec<ThreadLine>>,
}

pub(super) struct Worker {
    pub(super) events: Reporter<StoreEvent>,
    store: Option<Store>,
    listing: Option<Listing>,
    /// The gpg of the last view, so that attachments of a signed or
    /// encrypted message are saved from the part the viewer listed.
    gpg: Option<crate::pgp::Gpg>,
}

impl Worker {
    fn new(events: Reporter<StoreEvent>) -> Worker {
        Worker {
            events,
            store: None,
            listing: None,
            gpg: None,
        }
    }

    fn run(mut self, rx: &mpsc::Receiver<StoreRequest>) {
        while let Ok(first) = rx.recv() {
            // Take what queued up meanwhile; a page request is worth doing
            // only if no newer one for the same list follows it.
            let mut batch = vec![first];
            batch.extend(rx.try_iter());
            let last_page = batch
                .iter()
                .rposition(|r| matches!(r, StoreRequest::Page { .. }));
            for (i, request) in batch.into_iter().enumerate() {
                if matches!(request, StoreRequest::Page { .. }) && Some(i) != last_page {
                    continue;
                }
                if let Err(e) = self.handle(request) {
                    tracing::warn!("store: {e}");
                    self.notice(Level::Error, e.to_string());
                }
            }
        }
    }

    pub(super) fn report(&self, event: StoreEvent) {
        self.events.blocking_send(event);
    }

    pub(super) fn notice(&self, level: Level, text: String) {
        self.events.blocking_job(JobEvent::Notice { level, text });
    }

    pub(super) fn store(&self) -> Result<&Store, StoreError> {
        self.store.as_ref().ok_or(StoreError::NotOpen)
    }

    /// Runs one request; each kind has a method of its own below.
    fn handle(&mut self, request: StoreRequest) -> Result<(), StoreError> {
        match request {
            StoreRequest::Open { dir } => self.open(&dir),
            StoreRequest::Folders => self.report_folders(),
            StoreRequest::List {
                req,
                query,
                threaded,
                keep,
            } => {
                let listed = self.list(req, query, threaded, keep);
                self.list_failed(req, listed)
            }
            StoreRequest::Page { req, offset, limit } => {
                let paged = self.page(req, offset, limit);
                self.list_failed(req, paged)
            }
            StoreRequest::View { id, width, gpg } => {
                self.gpg = gpg;
                self.view(id, width);
                Ok(())
            }
            StoreRequest::Raw { id } => {
                self.raw(id);
                Ok(())
            }
            StoreRequest::SetFlags { changes } => self.set_flags(changes),
            StoreRequest::Delete { ids } => self.delete(ids),
            StoreRequest::Transfer {
                ids,
                account,
                folder,
                copy,
                upload,
            } => self.transfer(&ids, &account, &folder, TransferKind { copy, upload }),
            StoreRequest::SaveAttachments { id, index, target } => {
                self.save_attachments(id, index, &target)
            }
            StoreRequest::OpenAttachment { id, index, command } => {
                self.open_attachment(id, index, command.as_deref())
            }
            StoreRequest::PipeAttachment { id, index, command } => {
                self.pipe_attachment(id, index, command)
            }
            StoreRequest::Import { job, path } => self.import(job, path),
        }
    }

    /// Tells the interface that list `req` failed (keys waiting for its
    /// rows must not wait forever), and passes the error on.
    fn list_failed(
        &self,
        req: ListRequest,
        result: Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        if let Err(e) = &result {
            self.report(StoreEvent::ListFailed {
                req,
                error: e.to_string(),
            });
        }
        result
    }

    fn open(&mut self, dir: &Path) -> Result<(), StoreError> {
        let store = Store::open(dir)?;
        store.ensure_folder(LOCAL_ACCOUNT, "Trash", Some(FolderRole::Trash))?;
        if store.sent_dates_pending()? {
            read_sent_dates(store.clone(), self.events.clone());
        }
        self.store = Some(store);
        self.report_folders()
    }

    /// Prepares list `req` for its pages: a threaded list is ordered once
    /// here, a flat one only counted.
    fn list(
        &mut self,
        req: ListRequest,
        query: ListQuery,
        threaded: bool,
        keep: Option<MessageId>,
    ) -> Result<(), StoreError> {
        let store = self.store()?;
        if query.search.is_some() {
            let pending = store.text_pending()?;
            if pending > 0 {
                self.notice(
                    Level::Info,
                    format!("search covers what is indexed; {pending} message(s) are still being indexed"),
                );
            }
        }
        let (total, threads) = if threaded {
            let lines = thread_order(&store.thread_fields(&query)?, query.sort);
            (lines.len() as u64, Some(lines))
        } else {
            (store.count(&query)?, None)
        };
        let kept_at = match (keep, &threads) {
            (None, _) => None,
            (Some(id), Some(lines)) => lines.iter().position(|l| l.id == id).map(|i| i as u64),
            (Some(id), None) => store.position(&query, id)?,
        };
        self.listing = Some(Listing {
            req,
            query,
            threads,
        });
        self.report(StoreEvent::Listed {
            req,
            total,
            kept_at,
        });
        Ok(())
    }

    /// A page of the current list; a page of an older list is dropped.
    fn page(&self, req: ListRequest, offset: u64, limit: u64) -> Result<(), StoreError> {
        let Some(listing) = self.listing.as_ref().filter(|l| l.req == req) else {
            return Ok(());
        };
        let store = self.store()?;
        let rows = match &listing.threads {
            None => store
                .page(&listing.query, offset, limit)?
                .into_iter()
                .map(|row| ListLine { row, depth: 0 })
                .collect(),
            Some(lines) => thread_page(store, lines, offset, limit)?,
        };
        self.report(StoreEvent::Page { req, offset, rows });
        Ok(())
    }

    /// The viewer's answer carries its own error, so the view can show it.
    fn view(&self, id: MessageId, width: u16) {
        let view = self
            .message_bytes(id)
            .map(|raw| {
                let width = usize::from(width);
                Box::new(MessageView::build_with_pgp(&raw, width, self.gpg.as_ref()))
            })
            .map_err(|e| e.to_string());
        self.report(StoreEvent::Viewed { id, view });
    }

    fn raw(&self, id: MessageId) {
        let text = self
            .message_bytes(id)
            .map(|raw| raw_text(&raw))
            .map_err(|e| e.to_string());
        self.report(StoreEvent::Raw { id, text });
    }

    fn message_bytes(&self, id: MessageId) -> Result<Vec<u8>, StoreError> {
        self.store()
            .and_then(|s| s.message_path(id))
            .and_then(|p| Ok(std::fs::read(p)?))
    }

    fn save_attachments(
        &self,
        id: MessageId,
        index: Option<usize>,
        target: &Path,
    ) -> Result<(), StoreError> {
        let raw = self.readable(std::fs::read(self.store()?.message_path(id)?)?);
        let text = save(&raw, index, target)?;
        self.notice(Level::Info, text);
        Ok(())
    }

    fn open_attachment(
        &self,
        id: MessageId,
        index: usize,
        command: Option<&str>,
    ) -> Result<(), StoreError> {
        let raw = self.readable(std::fs::read(self.store()?.message_path(id)?)?);
        let path = mailview::save_attachment(&raw, index, &private_temp_dir()?)?;
        let opener = open_with(command, &path)?;
        self.notice(
            Level::Info,
            format!("opened {} with {opener}", path.display()),
        );
        Ok(())
    }

    fn pipe_attachment(
        &self,
        id: MessageId,
        index: Option<usize>,
        command: String,
    ) -> Result<(), StoreError> {
        // The message as stored, or an attachment of the part the viewer
        // lists (the decrypted one of an encrypted message).
        let raw = std::fs::read(self.store()?.message_path(id)?)?;
        let raw = if index.is_some() {
            self.readable(raw)
        } else {
            raw
        };
        let input = pipe_input(&raw, index)?;
        self.report(StoreEvent::PipeReady { command, input });
        Ok(())
    }

    /// The part whose attachments the viewer lists: the signed or
    /// decrypted part of a PGP/MIME message, else the message.
    fn readable(&self, raw: Vec<u8>) -> Vec<u8> {
        match &self.gpg {
            Some(gpg) => mailview::security::shown_entity(&raw, gpg).unwrap_or(raw),
            None => raw,
        }
    }

    pub(super) fn report_folders(&self) -> Result<(), StoreError> {
        let folders = self.store()?.folders()?;
        self.report(StoreEvent::Folders(folders));
        Ok(())
    }
}

/// Reads the Date headers of mail an older wirepost indexed, on a thread
/// of its own and in small steps, so the Inbox is usable meanwhile; a quit
/// halfway leaves the rest for the next start.
fn read_sent_dates(store: Store, events: Reporter<StoreEvent>) {
    let spawned = std::thread::Builder::new()
        .name("sent-dates".into())
        .spawn(move || {
            loop {
                match store.fill_sent_dates(crate::store::SENT_DATE_BATCH) {
                    Ok(0) => break,
                    Ok(left) => tracing::debug!(left, "reading Date headers"),
                    Err(e) => {
                        tracing::warn!("reading Date headers: {e}");
                        return;
                    }
                }
            }
            tracing::info!("Date headers of older mail read");
            events.blocking_send(StoreEvent::SentDatesRead);
        });
    if let Err(e) = spawned {
        tracing::warn!("cannot start reading Date headers: {e}");
    }
}

/// Rows `offset..offset + limit` of a threaded list, with their depths.
fn thread_page(
    store: &Store,
    lines: &[ThreadLine],
    offset: u64,
    limit: u64,
) -> Result<Vec<ListLine>, StoreError> {
    let start = (offset as usize).min(lines.len());
    let end = (start + limit as usize).min(lines.len());
    let slice = &lines[start..end];
    let ids: Vec<MessageId> = slice.iter().map(|l| l.id).collect();
    Ok(store
        .rows(&ids)?
        .into_iter()
        .zip(slice)
        .map(|(row, line)| ListLine {
            row,
            depth: line.depth,
        })
        .collect())
}

fn raw_text(raw: &[u8]) -> String {
    let cut = raw.len().min(RAW_VIEW_CAP_BYTES);
    let mut text = String::from_utf8_lossy(&raw[..cut]).into_owned();
    if cut < raw.len() {
        text.push_str(&format!("\n[… {} more bytes not shown]", raw.len() - cut));
    }
    text
}
