//! The Date header as its own column: stored with new mail, read in
//! resumable steps for mail indexed before it existed, and the two orders
//! (date sent, date received) a list can take.

use super::*;

/// IMAP mail whose arrival (INTERNALDATE) is years after its Date header;
/// message 0 has no Date header at all.
fn store_old_mail(store: &Store, count: u32) {
    let raws: Vec<String> = (0..count)
        .map(|n| {
            let date = if n == 0 {
                String::new()
            } else {
                format!("Date: Mon, {n} Jan 2001 10:00:00 +0000\r\n")
            };
            format!("From: a@example.com\r\nSubject: m{n}\r\n{date}\r\nbody\r\n")
        })
        .collect();
    let batch: Vec<NewMessage<'_>> = raws
        .iter()
        .enumerate()
        .map(|(n, raw)| NewMessage {
            account: "acct",
            folder: "INBOX",
            identity: ServerIdentity::Imap {
                uidvalidity: 1,
                uid: n as u32 + 1,
            },
            raw: raw.as_bytes(),
            flags: Flags::default(),
            // Arrived in reverse order of writing, in 2025.
            internal_date: Some(1_750_000_000 - i64::from(n as u32) * 60),
        })
        .collect();
    store.store_batch(&batch).unwrap();
}

fn query(by: SortBy) -> ListQuery {
    ListQuery {
        account: "acct".into(),
        folder: "INBOX".into(),
        sort: SortOrder::NewestFirst,
        by,
        search: None,
    }
}

fn subjects(store: &Store, by: SortBy) -> Vec<String> {
    store
        .page(&query(by), 0, 100)
        .unwrap()
        .into_iter()
        .map(|r| r.subject)
        .collect()
}

#[test]
fn new_mail_keeps_its_date_header_beside_its_arrival() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store_old_mail(&store, 4);
    assert!(!store.sent_dates_pending().unwrap());
    let rows = store.page(&query(SortBy::Sent), 0, 10).unwrap();
    let m3 = rows.iter().find(|r| r.subject == "m3").unwrap();
    assert_eq!(m3.sent_date, Some(978_516_000)); // 2001-01-03 10:00 UTC
    assert_eq!(m3.date, 1_750_000_000 - 180);
    assert_eq!(SortBy::Sent.date_of(m3), 978_516_000);
    assert_eq!(SortBy::Received.date_of(m3), m3.date);
    // No Date header: the arrival stands in, in both orders.
    let m0 = rows.iter().find(|r| r.subject == "m0").unwrap();
    assert_eq!(m0.sent_date, None);
    assert_eq!(SortBy::Sent.date_of(m0), m0.date);
    // Written order vs arrival order.
    assert_eq!(subjects(&store, SortBy::Sent), ["m0", "m3", "m2", "m1"]);
    assert_eq!(subjects(&store, SortBy::Received), ["m0", "m1", "m2", "m3"]);
    let threads = thread_order(
        &store.thread_fields(&query(SortBy::Sent)).unwrap(),
        SortOrder::OldestFirst,
    );
    assert_eq!(threads.len(), 4);
}

#[test]
fn an_index_from_before_reads_its_date_headers_in_resumable_steps() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        store_old_mail(&store, 5);
        // Make it look like an index written before version 5.
        store
            .conn()
            .execute_batch(
                "DROP INDEX messages_by_sent;
                 DROP TABLE sent_date_fill;
                 ALTER TABLE messages DROP COLUMN sent_date;
                 PRAGMA user_version = 4;",
            )
            .unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    assert!(store.sent_dates_pending().unwrap());
    // Until read, rows are dated (and ordered) by arrival.
    assert_eq!(
        subjects(&store, SortBy::Sent),
        subjects(&store, SortBy::Received)
    );
    assert_eq!(store.fill_sent_dates(2).unwrap(), 3);
    drop(store);
    // A restart carries on where the last step stopped.
    let store = Store::open(dir.path()).unwrap();
    assert!(store.sent_dates_pending().unwrap());
    assert_eq!(store.fill_sent_dates(2).unwrap(), 1);
    assert_eq!(store.fill_sent_dates(2).unwrap(), 0);
    assert!(!store.sent_dates_pending().unwrap());
    assert_eq!(store.fill_sent_dates(2).unwrap(), 0);
    assert_eq!(
        subjects(&store, SortBy::Sent),
        ["m0", "m4", "m3", "m2", "m1"]
    );
}

#[test]
fn the_date_order_uses_its_index() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let conn = store.reader();
    for (by, index) in [
        (SortBy::Sent, "messages_by_sent"),
        (SortBy::Received, "messages_by_date"),
    ] {
        let sql = format!(
            "EXPLAIN QUERY PLAN SELECT m.id FROM messages m WHERE m.folder_id = 1 {} LIMIT 10",
            SortOrder::NewestFirst.sql(by)
        );
        let plan: Vec<String> = conn
            .prepare(&sql)
            .unwrap()
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let plan = plan.join("; ");
        assert!(plan.contains(index), "{by:?}: {plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{by:?} sorts: {plan}");
    }
}
