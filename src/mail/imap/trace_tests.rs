//! The IMAP trace: secrets masked and literals elided however the bytes
//! arrive, with a bounded buffer.

use super::*;

fn lines(sink: &TraceSink) -> Vec<(TraceDir, String)> {
    sink.take().into_iter().map(|l| (l.dir, l.text)).collect()
}

#[test]
fn login_arguments_are_masked_even_when_written_in_pieces() {
    let sink = TraceSink::new();
    let mut tracer = Tracer::new(sink.clone());
    tracer.on_sent(b"A1 LOGIN \"alice\" ");
    tracer.on_sent(b"\"hunter2\"\r\n");
    tracer.on_received(b"A1 OK Logged in\r\n");
    let got = lines(&sink);
    assert_eq!(got[0], (TraceDir::Sent, "A1 LOGIN ***".to_string()));
    assert!(!format!("{got:?}").contains("hunter2"));
    assert!(!format!("{got:?}").contains("alice"));
}

#[test]
fn sasl_responses_are_masked_until_the_tagged_reply() {
    let sink = TraceSink::new();
    let mut tracer = Tracer::new(sink.clone());
    tracer.on_sent(b"A2 AUTHENTICATE PLAIN\r\n");
    tracer.on_received(b"+ \r\n");
    tracer.on_sent(b"AGFsaWNlAGh1bnRlcjI=\r\n");
    tracer.on_received(b"A2 OK done\r\n");
    tracer.on_sent(b"A3 SELECT INBOX\r\n");
    let got = lines(&sink);
    assert_eq!(got[0].1, "A2 AUTHENTICATE PLAIN");
    assert_eq!(got[2].1, "*** (authentication data)");
    assert_eq!(got[4].1, "A3 SELECT INBOX");
    assert!(!format!("{got:?}").contains("AGFsaWNl"));
}

#[test]
fn literals_are_reduced_to_their_size() {
    let sink = TraceSink::new();
    let mut tracer = Tracer::new(sink.clone());
    tracer.on_received(b"* 1 FETCH (UID 7 BODY[] {11}\r\nHello");
    tracer.on_received(b" world)\r\n* 2 EXISTS\r\n");
    let got = lines(&sink);
    assert_eq!(got[0].1, "* 1 FETCH (UID 7 BODY[] {11}<11 bytes>)");
    assert_eq!(got[1].1, "* 2 EXISTS");
}

#[test]
fn a_literal_split_across_many_reads_is_skipped_exactly() {
    let sink = TraceSink::new();
    let mut tracer = Tracer::new(sink.clone());
    let body = vec![b'\n'; 5000];
    tracer.on_received(b"* 1 FETCH (BODY[] {5000}\r\n");
    for chunk in body.chunks(7) {
        tracer.on_received(chunk);
    }
    tracer.on_received(b")\r\nA4 OK\r\n");
    let got = lines(&sink);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].1, "* 1 FETCH (BODY[] {5000}<5000 bytes>)");
}

#[test]
fn the_buffer_is_bounded() {
    let sink = TraceSink::new();
    for i in 0..TRACE_BUFFER_LINES + 10 {
        sink.note(format!("{i}"));
    }
    let got = sink.take();
    assert_eq!(got.len(), TRACE_BUFFER_LINES);
    assert_eq!(got[0].text, "10");
}
