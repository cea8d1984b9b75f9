use super::*;

#[test]
fn parts_lie_between_delimiters_whose_line_end_is_their_own() {
    let body = b"preamble\r\n--b\r\nfirst\r\n\r\n--b  \r\nsecond\r\n--b--\r\nepilogue\r\n";
    let ranges = part_ranges(body, "b");
    let parts: Vec<&[u8]> = ranges.into_iter().map(|r| &body[r]).collect();
    // The first part ends in a blank line of its own; only the CRLF right
    // before "--b" belongs to the delimiter.
    assert_eq!(parts, [&b"first\r\n"[..], b"second"]);
}

#[test]
fn look_alike_lines_empty_parts_and_bare_lf_are_handled() {
    let body = b"--b\n--bx is text\n---b too\n--b\n--b\n--b--\n";
    let parts: Vec<&[u8]> = part_ranges(body, "b")
        .into_iter()
        .map(|r| &body[r])
        .collect();
    assert_eq!(parts, [&b"--bx is text\n---b too"[..], b"", b""]);
    // No closing delimiter: the open part is not returned half-read.
    assert_eq!(
        part_ranges(b"--b\r\nunfinished", "b"),
        Vec::<Range<usize>>::new()
    );
}

const SIGNED: &str = "From: a@example.test\r\n\
Content-Type: multipart/signed; micalg=pgp-sha256;\r\n \
protocol=\"application/pgp-signature\"; boundary=\"XX\"\r\n\
\r\n\
--XX\r\n\
Content-Type: text/plain\r\n\
\r\n\
Hi.\r\n\
--XX\r\n\
Content-Type: application/pgp-signature\r\n\
\r\n\
-----BEGIN PGP SIGNATURE-----\r\nAAAA\r\n-----END PGP SIGNATURE-----\r\n\
--XX--\r\n";

#[test]
fn a_signed_message_yields_its_signed_bytes_signature_and_micalg() {
    let found = find_signed(SIGNED.as_bytes()).unwrap();
    assert_eq!(found.signed, b"Content-Type: text/plain\r\n\r\nHi.");
    assert!(
        found
            .signature
            .starts_with(b"-----BEGIN PGP SIGNATURE-----")
    );
    assert_eq!(found.micalg.as_deref(), Some("pgp-sha256"));
    // Stored with bare LFs, the bytes still come back as they were sent.
    let lf = SIGNED.replace("\r\n", "\n");
    assert_eq!(find_signed(lf.as_bytes()).unwrap().signed, found.signed);
    assert!(matches!(
        find_pgp(SIGNED.as_bytes()),
        Some(PgpContent::Signed(_))
    ));
}

#[test]
fn other_protocols_and_plain_mail_are_not_pgp() {
    let smime = SIGNED.replace(
        "application/pgp-signature\"",
        "application/pkcs7-signature\"",
    );
    assert_eq!(find_signed(smime.as_bytes()), None);
    assert_eq!(find_pgp(smime.as_bytes()), None);
    let plain = b"Subject: hi\r\nContent-Type: text/plain\r\n\r\nJust text.\r\n";
    assert_eq!(find_pgp(plain), None);
}

#[test]
fn the_encrypted_part_is_the_octet_stream_inside_a_mixed_message() {
    let raw = "Content-Type: multipart/mixed; boundary=\"M\"\r\n\r\n\
--M\r\n\
Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"E\"\r\n\
\r\n\
--E\r\n\
Content-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\
--E\r\n\
Content-Type: application/octet-stream\r\n\r\n\
-----BEGIN PGP MESSAGE-----\r\nBBBB\r\n-----END PGP MESSAGE-----\r\n\
--E--\r\n\
--M--\r\n";
    let found = find_encrypted(raw.as_bytes()).unwrap();
    assert!(
        found
            .ciphertext
            .starts_with(b"-----BEGIN PGP MESSAGE-----\r\nBBBB")
    );
    assert!(matches!(
        find_pgp(raw.as_bytes()),
        Some(PgpContent::Encrypted(_))
    ));
}

#[test]
fn inline_blocks_are_found_in_plain_text_only() {
    let raw = "Content-Type: text/plain\r\n\r\nSee below.\r\n\
-----BEGIN PGP MESSAGE-----\r\n\r\nCCCC\r\n-----END PGP MESSAGE-----\r\nbye\r\n";
    let Some(InlinePgp::Message(block)) = find_inline(raw.as_bytes()) else {
        panic!("no block");
    };
    assert!(block.starts_with(b"-----BEGIN PGP MESSAGE-----"));
    assert!(block.ends_with(b"-----END PGP MESSAGE-----\n"));

    let clear = "Content-Type: text/plain\r\n\r\n-----BEGIN PGP SIGNED MESSAGE-----\r\n\
Hash: SHA256\r\n\r\nHello\r\n-----BEGIN PGP SIGNATURE-----\r\nDDDD\r\n-----END PGP SIGNATURE-----\r\n";
    let found = find_pgp(clear.as_bytes());
    assert!(matches!(
        found,
        Some(PgpContent::Inline(InlinePgp::Clearsigned(_)))
    ));

    let html = raw.replace("text/plain", "text/html");
    assert_eq!(find_inline(html.as_bytes()), None);
    let quoted = raw.replace("\r\n-----BEGIN", "\r\n> -----BEGIN");
    assert_eq!(find_inline(quoted.as_bytes()), None);
}

#[test]
fn a_signed_part_inside_a_list_footer_wrapper_is_cut_exactly() {
    let inner = SIGNED.split_once("\r\n\r\n").unwrap().1;
    let raw = format!(
        "Content-Type: multipart/mixed; boundary=\"L\"\r\n\r\n--L\r\n\
Content-Type: multipart/signed; micalg=pgp-sha512;\r\n \
protocol=\"application/pgp-signature\"; boundary=\"XX\"\r\n\r\n{inner}\
\r\n--L\r\nContent-Type: text/plain\r\n\r\nList footer\r\n--L--\r\n"
    );
    let found = find_signed(raw.as_bytes()).unwrap();
    assert_eq!(found.signed, b"Content-Type: text/plain\r\n\r\nHi.");
    assert!(found.signature.ends_with(b"-----END PGP SIGNATURE-----"));
    assert_eq!(found.micalg.as_deref(), Some("pgp-sha512"));
}
