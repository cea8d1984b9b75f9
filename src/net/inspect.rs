//! The certificate check of a TLS client, watched: rustls' own verifier
//! (webpki against the trust anchors) decides, and this one keeps what the
//! server presented and what the verifier said, so that a refused
//! handshake can still show the chain and say why in plain words. With
//! checks switched off the verdict is still worked out (and shown), only
//! not enforced. A trust-on-first-use pin, when asked for, is checked on
//! top.

use super::pins::{PinCheck, Pins};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use std::sync::{Arc, Mutex};
use tokio_rustls::rustls::client::WebPkiServerVerifier;
use tokio_rustls::rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use tokio_rustls::rustls::{self, DigitallySignedStruct};

/// What the verifier saw during one handshake.
#[derive(Debug, Default, Clone)]
pub struct Seen {
    /// The certificates the server sent, its own first.
    pub chain: Vec<CertificateDer<'static>>,
    /// Why the certificate check failed (enforced or not).
    pub error: Option<rustls::Error>,
    /// What the pin said, when pinning is on, and for which host:port.
    pub pin: Option<PinCheck>,
    pub pin_host: String,
}

/// Shared between the verifier (inside rustls) and the code that reports.
pub type SeenSlot = Arc<Mutex<Seen>>;

/// The verifier a client configuration gets.
#[derive(Debug)]
pub struct Inspecting {
    pub webpki: Arc<WebPkiServerVerifier>,
    /// Checks off: the verdict is recorded but the handshake goes on.
    pub accept_anyway: bool,
    /// Trust on first use: the host's key fingerprint is remembered.
    pub pins: Option<(Pins, String)>,
    pub seen: SeenSlot,
}

impl Inspecting {
    fn record(&self, update: impl FnOnce(&mut Seen)) {
        if let Ok(mut seen) = self.seen.lock() {
            update(&mut seen);
        }
    }
}

impl ServerCertVerifier for Inspecting {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let chain: Vec<CertificateDer<'static>> = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|c| c.clone().into_owned())
            .collect();
        let verdict = self.webpki.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        let error = verdict.as_ref().err().cloned();
        let pin = self
            .pins
            .as_ref()
            .map(|(pins, host)| pins.check(host, end_entity));
        self.record(|seen| {
            seen.chain = chain;
            seen.error = error.clone();
            seen.pin = pin.clone();
            if let Some((_, host)) = &self.pins {
                seen.pin_host = host.clone();
            }
        });
        if let Some(PinCheck::Changed { .. } | PinCheck::Unreadable { .. }) = &pin {
            return Err(rustls::Error::General(
                "the pinned key does not match".into(),
            ));
        }
        match (error, self.accept_anyway) {
            (Some(e), false) => Err(e),
            _ => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}
