//! The compose engine as the interface drives it, on a real store.

use super::*;
use crate::mail::folders;
use crate::report::Report;
use tokio::sync::mpsc;

async fn next_compose_event(rx: &mut mpsc::Receiver<Report<ComposeEvent>>) -> ComposeEvent {
    loop {
        match rx.recv().await.expect("an event") {
            Report::Event(event) => return event,
            Report::Job(_) => continue,
        }
    }
}

#[tokio::test]
async fn replies_lists_and_deletes_stored_messages() {
    let dir = tempfile::tempdir().unwrap();
    let engine = ComposeEngine::new(dir.path().to_path_buf());
    let store = engine.store().unwrap();
    let raw = b"From: Carol <carol@example.test>\r\nTo: me@example.test\r\n\
Subject: lunch?\r\nMessage-ID: <l1@example.test>\r\n\r\nNoon?\r\n";
    let id = folders::put(&store, "work", "INBOX", raw, crate::store::Flags::default()).unwrap();
    let (tx, mut rx) = Reporter::channel(16);
    let identity = crate::mail::compose::reply::Identity {
        account: "work".into(),
        from: "me@example.test".into(),
        email: "me@example.test".into(),
        signature: None,
    };
    engine.dispatch(
        ComposeCommand::Respond {
            id,
            identity,
            how: crate::mail::compose::reply::Respond::Reply,
        },
        1,
        tx.clone(),
    );
    let ComposeEvent::Drafted(draft) = next_compose_event(&mut rx).await else {
        panic!("no draft");
    };
    assert_eq!(draft.subject, "Re: lunch?");
    assert_eq!(draft.in_reply_to.as_deref(), Some("<l1@example.test>"));

    engine.dispatch(
        ComposeCommand::ListFolder {
            account: "work".into(),
            folder: "INBOX".into(),
        },
        2,
        tx.clone(),
    );
    let ComposeEvent::Folder { entries, .. } = next_compose_event(&mut rx).await else {
        panic!("no listing");
    };
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].subject, "lunch?");
    engine.dispatch(ComposeCommand::Delete { id }, 3, tx);
    assert_eq!(
        next_compose_event(&mut rx).await,
        ComposeEvent::Deleted { id }
    );
}
