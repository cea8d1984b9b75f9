//! Building the viewer's model from real messages: charsets, HTML, nested
//! messages, attachments and the limits on huge mail.

use super::*;

#[test]
fn plain_text_is_preferred_and_headers_decoded() {
    let raw = b"From: =?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= <yamada@example.jp>\r\n\
Subject: =?UTF-8?B?5pel5pys6Kqe44Gu5Lu25ZCN?=\r\n\
Content-Type: multipart/alternative; boundary=b\r\n\r\n\
--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain body\r\n\
--b\r\nContent-Type: text/html\r\n\r\n<p>html body</p>\r\n--b--\r\n";
    let view = MessageView::build(raw, 80);
    assert_eq!(view.subject, "日本語の件名");
    assert_eq!(view.from, "山田 <yamada@example.jp>");
    assert_eq!(view.body, "plain body");
    assert!(!view.body_from_html);
    assert!(view.html.as_deref().unwrap().contains("<p>html body</p>"));
    assert!(
        view.headers
            .iter()
            .any(|h| h.name == "Subject" && h.value == "日本語の件名")
    );
}

#[test]
fn html_only_mail_is_rendered_with_numbered_links() {
    let raw = b"Subject: news\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
<html><body><h1>Hello</h1><p>Read <a href=\"https://example.com/a\">this</a> and \
<a href=\"https://example.com/b\">that</a>.</p><script>alert(1)</script></body></html>";
    let view = MessageView::build(raw, 80);
    assert!(view.body_from_html);
    assert!(view.body.contains("Hello"), "{}", view.body);
    assert!(
        view.body.contains("this[1]") || view.body.contains("[this][1]"),
        "{}",
        view.body
    );
    assert!(!view.body.contains("alert"), "{}", view.body);
    assert_eq!(
        view.links,
        vec!["https://example.com/a", "https://example.com/b"]
    );
}

#[test]
fn nested_messages_show_inline_and_attachments_are_listed() {
    let raw = b"Subject: fwd\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n\
--o\r\nContent-Type: text/plain\r\n\r\nsee below\r\n\
--o\r\nContent-Type: message/rfc822\r\n\r\nFrom: inner@x\r\nSubject: inner one\r\n\r\ninner text\r\n\
--o\r\nContent-Type: application/pdf; name=\"../../etc/passwd\"\r\n\
Content-Disposition: attachment; filename=\"../../etc/passwd\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n--o--\r\n";
    let view = MessageView::build(raw, 80);
    assert!(view.body.starts_with("see below"));
    assert!(view.body.contains("Subject: inner one"), "{}", view.body);
    assert!(view.body.contains("inner text"));
    assert_eq!(view.attachments.len(), 2);
    assert!(view.attachments[0].is_message);
    assert_eq!(view.attachments[1].mime, "application/pdf");
    assert_eq!(view.attachments[1].size, 5);

    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("save");
    let first = save_attachment(raw, 1, &target).unwrap();
    assert_eq!(first, target.join("passwd"));
    assert_eq!(std::fs::read(&first).unwrap(), b"hello");
    let second = save_attachment(raw, 1, &target).unwrap();
    assert_eq!(second, target.join("passwd (1)"));
    assert_eq!(std::fs::read_dir(&target).unwrap().count(), 2);
}

#[test]
fn file_names_are_made_safe() {
    assert_eq!(safe_file_name("../../x.txt"), "x.txt");
    assert_eq!(safe_file_name("/etc/passwd"), "passwd");
    assert_eq!(safe_file_name("C:\\Windows\\evil.exe"), "evil.exe");
    assert_eq!(safe_file_name(".."), "attachment");
    assert_eq!(safe_file_name(".bashrc"), "bashrc");
    assert_eq!(safe_file_name("a\u{1b}[2Jb.pdf"), "a_[2Jb.pdf");
    assert_eq!(safe_file_name(""), "attachment");
    let long = format!("{}.pdf", "é".repeat(300));
    let safe = safe_file_name(&long);
    assert!(safe.len() <= 200 && safe.ends_with(".pdf"));
}

#[test]
fn legacy_charsets_are_converted() {
    // "中文" in GBK, "日本" in Shift-JIS, "é" in Latin-1.
    let gbk = b"Subject: =?GBK?B?1tDOxA==?=\r\nContent-Type: text/plain; charset=gbk\r\n\r\n\xd6\xd0\xce\xc4";
    let view = MessageView::build(gbk, 80);
    assert_eq!(
        (view.subject.as_str(), view.body.as_str()),
        ("中文", "中文")
    );
    let sjis = b"Content-Type: text/plain; charset=shift_jis\r\n\r\n\x93\xfa\x96\x7b";
    assert_eq!(MessageView::build(sjis, 80).body, "日本");
    let latin = b"Content-Type: text/plain; charset=iso-8859-1\r\n\r\ncaf\xe9";
    assert_eq!(MessageView::build(latin, 80).body, "café");
}

#[test]
fn huge_bodies_and_header_lines_are_cut_for_the_viewer() {
    let to: Vec<String> = (0..600_000).map(|i| format!("u{i}@example.test")).collect();
    let mut raw = format!(
        "Subject: {}\r\nTo: {}\r\n\r\n",
        "long ".repeat(3_000_000),
        to.join(", ")
    );
    while raw.len() < 40 << 20 {
        raw.push_str("a line of a very long body\r\n");
    }
    let view = MessageView::build(raw.as_bytes(), 80);
    assert!(view.subject.len() < VIEW_HEADER_CAP_BYTES + 40);
    assert!(
        view.subject.ends_with("MB more not shown]"),
        "{}",
        &view.subject[view.subject.len() - 40..]
    );
    assert!(view.to.len() < VIEW_HEADER_CAP_BYTES + 40);
    assert!(
        view.headers
            .iter()
            .all(|h| h.value.len() < VIEW_HEADER_CAP_BYTES + 40)
    );
    assert!(view.body.len() < VIEW_BODY_CAP_BYTES + 40);
    assert!(view.body.starts_with("a line of a very long body\n"));
    assert!(view.body.ends_with("long body\n[…8.7 MB more not shown]"));
    assert_eq!(view.size, raw.len());
}

#[test]
fn a_boundary_that_is_missing_is_found_and_the_attachments_agree() {
    // The boundary parameter is lost (cut off), the parts still carry
    // their delimiter lines; one of them is an attachment.
    let raw = b"From: a@example.com\r\nSubject: report\r\nContent-Type: multipart/mixed;\r\n\tbo\r\n\r\n\
--XyZ.123/host\r\nContent-Type: text/plain\r\n\r\nThe text.\r\n\
--XyZ.123/host\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"r.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n--XyZ.123/host--\r\n";
    let view = MessageView::build(raw, 80);
    assert_eq!(view.body, "The text.");
    assert!(view.notice.as_deref().unwrap().contains("no boundary"));
    assert_eq!(view.attachments.len(), 1);
    assert_eq!(view.attachments[0].name, "r.pdf");
    let (info, bytes) = crate::mailview::attachment_bytes(raw, 0).unwrap();
    assert_eq!(
        (info.name.as_str(), bytes.as_slice()),
        ("r.pdf", &b"hello"[..])
    );
}

#[test]
fn a_message_cut_short_says_so_and_shows_what_arrived() {
    let raw = b"Subject: cut\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
--b\r\nContent-Type: text/plain\r\n\r\nFirst part.\r\n--b\r\nContent-Type: application/pdf\r\n\
Content-Transfer-Encoding: base64\r\n\r\naGVsb";
    let view = MessageView::build(raw, 80);
    assert_eq!(view.body, "First part.");
    assert!(view.notice.as_deref().unwrap().contains("cut short"));
    // Well-formed mail has no notice.
    let fine = b"Subject: ok\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
--b\r\nContent-Type: text/plain\r\n\r\nAll here.\r\n--b--\r\n";
    assert_eq!(MessageView::build(fine, 80).notice, None);
}

#[test]
fn delimiter_lines_name_the_boundary_only_when_they_agree() {
    use super::repair::delimiter_in;
    assert_eq!(
        delimiter_in(b"--a\nx\n--a\ny\n--a--\n").as_deref(),
        Some("a")
    );
    // A signature dash line and a lone rule are not delimiters.
    assert_eq!(delimiter_in(b"text\n-- \nme\n----- rule -----\n"), None);
    assert_eq!(delimiter_in(b"--once\nonly\n"), None);
}
