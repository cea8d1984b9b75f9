//! TLS servers for the socket tests: certificates made by rcgen (a CA and
//! leaves signed by it, or odd ones: expired, wrong name, a CA used as
//! its own leaf) and a blocking rustls server that runs a test's script.

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use tokio_rustls::rustls::{self, ServerConfig, ServerConnection, StreamOwned};

/// A private CA that signs the test's leaves; its PEM is on disk for `--ca`.
pub struct TestCa {
    params: CertificateParams,
    key: KeyPair,
    pub der: CertificateDer<'static>,
    pub pem_path: PathBuf,
    _dir: tempfile::TempDir,
}

/// A certificate chain and its key, ready for a server.
pub struct ServerIdentity {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
}

impl TestCa {
    pub fn new(name: &str) -> TestCa {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        params
            .distinguished_name
            .push(DnType::OrganizationName, "wirepost tests");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let pem_path = dir.path().join("ca.pem");
        std::fs::write(&pem_path, cert.pem()).unwrap();
        TestCa {
            params,
            key,
            der: cert.der().clone(),
            pem_path,
            _dir: dir,
        }
    }

    /// A leaf for `names`, signed by this CA; `adjust` changes its
    /// parameters first (validity, CA flag, ...).
    pub fn leaf(
        &self,
        names: &[&str],
        adjust: impl FnOnce(&mut CertificateParams),
    ) -> ServerIdentity {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(names.clone()).unwrap();
        params.distinguished_name.push(
            DnType::CommonName,
            names.first().cloned().unwrap_or_default(),
        );
        adjust(&mut params);
        let key = KeyPair::generate().unwrap();
        let issuer = Issuer::from_params(&self.params, &self.key);
        let cert = params.signed_by(&key, &issuer).unwrap();
        ServerIdentity {
            chain: vec![cert.der().clone(), self.der.clone()],
            key: PrivateKeyDer::try_from(key.serialize_der()).unwrap(),
        }
    }

    /// The CA's own certificate served as the leaf.
    pub fn itself(&self) -> ServerIdentity {
        ServerIdentity {
            chain: vec![self.der.clone()],
            key: PrivateKeyDer::try_from(self.key.serialize_der()).unwrap(),
        }
    }
}

pub fn server_config(identity: ServerIdentity) -> Arc<ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(identity.chain, identity.key)
        .unwrap();
    Arc::new(config)
}

pub type TlsServerStream = StreamOwned<ServerConnection, TcpStream>;

/// Accepts one client on a thread, runs the handshake and hands the stream
/// to `script`. Returns the port and the thread.
pub fn serve_one<T: Send + 'static>(
    config: Arc<ServerConfig>,
    script: impl FnOnce(TlsServerStream) -> T + Send + 'static,
) -> (u16, std::thread::JoinHandle<T>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let thread = std::thread::spawn(move || {
        let (tcp, _) = listener.accept().unwrap();
        let conn = ServerConnection::new(config).unwrap();
        let mut stream = StreamOwned::new(conn, tcp);
        // Finish the handshake before the script runs.
        while stream.conn.is_handshaking() {
            if stream.conn.complete_io(&mut stream.sock).is_err() {
                break;
            }
        }
        script(stream)
    });
    (port, thread)
}

/// Reads decrypted bytes until `needle` has arrived.
pub fn read_until(stream: &mut TlsServerStream, needle: &[u8]) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !got.windows(needle.len()).any(|w| w == needle) {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    got
}

/// Writes and flushes plaintext.
pub fn send(stream: &mut TlsServerStream, data: &[u8]) {
    stream.write_all(data).unwrap();
    stream.flush().unwrap();
}

/// The calendar date `days` days from today (negative: in the past), for
/// certificate validity.
pub fn date_from_today(days: i64) -> (i32, u8, u8) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    civil_from_days(now.div_euclid(86_400) + days)
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day)
}
