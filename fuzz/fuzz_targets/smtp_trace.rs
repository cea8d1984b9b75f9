#![no_main]
//! The SMTP trace recorder over a whole dialogue, cut into chunks where the
//! input says, with the server's text taken from the input: chunking never
//! changes the trace, and AUTH PLAIN/LOGIN credentials are never shown.
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, Mutex};
use wirepost::mail::smtp::{TraceLine, TraceRecorder, TraceSink};

const SECRET_PLAIN: &str = "AHVzZXJAZXhhbXBsZS50ZXN0AHMzY3IzdC1wYXNz";
const SECRET_LOGIN: &str = "czNjcjN0LXBhc3M=";

/// The trace of one dialogue; client line k goes out after server reply k,
/// as a real client waits.
fn trace(client: &[u8], server: &[&[u8]], cuts: &[u8]) -> Vec<String> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let out = lines.clone();
    let sink: TraceSink = Arc::new(move |l: TraceLine| out.lock().unwrap().push(l.display()));
    let mut recorder = TraceRecorder::new(sink);
    let mut cuts = cuts.iter().cycle();
    let client_lines: Vec<&[u8]> = client.split_inclusive(|b| *b == b'\n').collect();
    for (k, reply) in server.iter().enumerate() {
        for piece in reply.chunks(1 + *cuts.next().unwrap_or(&200) as usize) {
            recorder.received(piece);
        }
        if let Some(line) = client_lines.get(k) {
            for piece in line.chunks(1 + *cuts.next().unwrap_or(&200) as usize) {
                recorder.sent(piece);
            }
        }
    }
    lines.lock().unwrap().clone()
}

fuzz_target!(|cuts: &[u8]| {
    let client = format!(
        "EHLO wirepost\r\nAUTH PLAIN {SECRET_PLAIN}\r\nAUTH LOGIN\r\ndXNlcg==\r\n{SECRET_LOGIN}\r\nMAIL FROM:<a@b>\r\nDATA\r\nSubject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n"
    );
    // The server's text comes from the input where it cannot change what
    // the client may do next (the codes stay).
    let noise = String::from_utf8_lossy(cuts).replace(['\r', '\n'], " ");
    let server: Vec<Vec<u8>> = [
        format!("220 mx {noise}\r\n"),
        format!("250-mx\r\n250-AUTH PLAIN LOGIN {noise}\r\n250 8BITMIME\r\n"),
        "235 2.7.0 ok\r\n".to_string(),
        "334 VXNlcm5hbWU6\r\n".to_string(),
        "334 UGFzc3dvcmQ6\r\n".to_string(),
        format!("235 {noise}\r\n"),
        "250 ok\r\n".to_string(),
        "354 go ahead\r\n".to_string(),
        String::new(),
        String::new(),
        String::new(),
        format!("250 queued {noise}\r\n"),
        "221 bye\r\n".to_string(),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect();
    let server: Vec<&[u8]> = server.iter().map(Vec::as_slice).collect();
    let chunked = trace(client.as_bytes(), &server, cuts);
    let whole = trace(client.as_bytes(), &server, &[255]);
    assert_eq!(chunked, whole, "chunking changed the trace");
    let all = chunked.join("\n");
    assert!(!all.contains(SECRET_PLAIN) && !all.contains(SECRET_LOGIN));
    assert!(all.contains("C: AUTH PLAIN ****"));
    assert!(all.contains("<message, 18 bytes>"));
});
