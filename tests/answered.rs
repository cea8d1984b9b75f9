//! A reply sent through real Postfix marks the original `\Answered`, a
//! forward marks it `$Forwarded` — in the store and on the Dovecot
//! server — and only once the mail actually left.

mod common;

use common::imap::{id_of, options, second_client, server_flags, store_flags};
use common::mailstack::{Mailstack, TestUser};
use wirepost::config::{Account, Config};
use wirepost::mail::compose::engine::{AccountConfig, ComposeCommand, ComposeEngine, ComposeEvent};
use wirepost::mail::compose::reply::{ForwardMode, Identity, Respond};
use wirepost::mail::imap::{FolderChoice, sync_account};
use wirepost::report::{Report, Reporter};
use wirepost::store::{MessageId, Store};

const ACCOUNT: &str = "test";

fn account(stack: &Mailstack, user: &TestUser) -> Account {
    let text = stack.account_toml(ACCOUNT, user);
    Config::parse(&text, std::path::Path::new("t.toml"))
        .unwrap()
        .accounts[0]
        .clone()
}

/// Replies to (or forwards) `original` to `to` and waits for the send.
async fn answer(
    engine: &ComposeEngine,
    account: &Account,
    original: MessageId,
    how: Respond,
    to: &str,
) {
    let (tx, mut rx) = Reporter::channel(256);
    let mut next = async move || loop {
        if let Report::Event(event) = rx.recv().await.expect("event") {
            return event;
        }
    };
    let identity = Identity::from_account(account);
    engine.dispatch(
        ComposeCommand::Respond {
            id: original,
            identity,
            how,
        },
        1,
        tx.clone(),
    );
    let ComposeEvent::Drafted(mut draft) = next().await else {
        panic!("no draft");
    };
    draft.to = to.to_string();
    let account = AccountConfig(account.clone());
    let send = ComposeCommand::Send {
        account,
        draft,
        replaces: None,
        protection: Default::default(),
    };
    engine.dispatch(send, 2, tx);
    loop {
        match next().await {
            ComposeEvent::SendFinished { outcome, .. } => {
                outcome.expect("sent");
                return;
            }
            ComposeEvent::Failed(e) => panic!("{e}"),
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replying_and_forwarding_mark_the_original_here_and_on_the_server() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (me, them) = (stack.claim_user(), stack.claim_user());
    stack.seed(&me.address, 2, 700);
    let dir = tempfile::tempdir().unwrap();
    let account = account(&stack, &me);
    let opts = options(&stack, &me);
    {
        let store = Store::open(dir.path()).unwrap();
        let choice = FolderChoice::One("INBOX".into());
        sync_account(&opts, &store, ACCOUNT, &choice, None, &mut |_| {})
            .await
            .unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    let uids: Vec<u32> = store_flags(&store, ACCOUNT, "INBOX").into_keys().collect();
    let (replied, forwarded) = (
        id_of(&store, ACCOUNT, "INBOX", uids[0]).unwrap(),
        id_of(&store, ACCOUNT, "INBOX", uids[1]).unwrap(),
    );
    let engine = ComposeEngine::new(dir.path().to_path_buf());
    answer(&engine, &account, replied, Respond::Reply, &them.address).await;
    let forward = Respond::Forward(ForwardMode::Inline);
    answer(&engine, &account, forwarded, forward, &them.address).await;

    assert!(store.flag_state(replied).unwrap().flags.answered);
    assert!(
        store
            .flag_state(forwarded)
            .unwrap()
            .keywords
            .contains("$Forwarded")
    );
    let mut other = second_client(&opts).await;
    let server = server_flags(&mut other, "INBOX").await;
    assert!(server[&uids[0]].flags.answered, "{server:?}");
    assert!(
        server[&uids[1]].keywords.contains("$Forwarded"),
        "{server:?}"
    );
    assert!(!server[&uids[1]].flags.answered);
    assert_eq!(store_flags(&store, ACCOUNT, "INBOX"), server);
}
