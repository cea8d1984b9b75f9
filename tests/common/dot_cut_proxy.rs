//! A plaintext SMTP proxy that breaks the connection at the worst moment:
//! the client's final "\r\n.\r\n" is passed on to the server, the server's
//! reply to it (Postfix: "250 ... queued as ...") is read and thrown away,
//! and both connections are closed. The server has the message; the client
//! never hears so.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

pub struct DotCutProxy {
    pub port: u16,
    /// Cut after the final dot (on by default); off, it just forwards.
    pub armed: Arc<AtomicBool>,
    pub connections: Arc<AtomicU64>,
    /// Server replies to a final dot swallowed so far.
    pub swallowed: Arc<AtomicU64>,
}

impl DotCutProxy {
    pub fn start(upstream: u16) -> DotCutProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let armed = Arc::new(AtomicBool::new(true));
        let connections = Arc::new(AtomicU64::new(0));
        let swallowed = Arc::new(AtomicU64::new(0));
        {
            let (armed, connections, swallowed) =
                (armed.clone(), connections.clone(), swallowed.clone());
            std::thread::spawn(move || {
                for client in listener.incoming().flatten() {
                    let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                        continue;
                    };
                    connections.fetch_add(1, Ordering::SeqCst);
                    let cut = armed.load(Ordering::SeqCst);
                    let dot_sent = Arc::new(AtomicBool::new(false));
                    upstream_pump(&client, &server, dot_sent.clone());
                    downstream_pump(&server, &client, cut, dot_sent, swallowed.clone());
                }
            });
        }
        DotCutProxy {
            port,
            armed,
            connections,
            swallowed,
        }
    }
}

/// Client → server, noting when the end of a message has gone through.
fn upstream_pump(client: &TcpStream, server: &TcpStream, dot_sent: Arc<AtomicBool>) {
    let (mut from, mut to) = (client.try_clone().unwrap(), server.try_clone().unwrap());
    std::thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        let mut tail: Vec<u8> = Vec::new();
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            tail.extend_from_slice(&buf[..n]);
            // The flag goes up before the dot reaches the server, so its
            // reply can never slip past the other pump.
            if tail.windows(5).any(|w| w == b"\r\n.\r\n") {
                dot_sent.store(true, Ordering::SeqCst);
            }
            let keep = tail.len().saturating_sub(4);
            tail.drain(..keep);
            if to.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
}

/// Server → client; once the end of a message went up, the server's next
/// bytes (its verdict on the message) are swallowed and both sides closed.
fn downstream_pump(
    server: &TcpStream,
    client: &TcpStream,
    cut: bool,
    dot_sent: Arc<AtomicBool>,
    swallowed: Arc<AtomicU64>,
) {
    let (mut from, mut to) = (server.try_clone().unwrap(), client.try_clone().unwrap());
    std::thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if cut && dot_sent.load(Ordering::SeqCst) {
                swallowed.fetch_add(1, Ordering::SeqCst);
                let _ = to.shutdown(Shutdown::Both);
                let _ = from.shutdown(Shutdown::Both);
                return;
            }
            if to.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
}
