use super::*;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, Path::new("/home/u/.config/wirepost/config.toml"))
}

#[test]
fn empty_file_is_defaults() {
    let config = parse("").unwrap();
    assert!(config.accounts.is_empty());
}

#[test]
fn full_account_parses_with_default_ports() {
    let config = parse(
        r#"
[[accounts]]
name = "work"
email = "me@example.com"
[accounts.imap]
host = "imap.example.com"
security = "starttls"
password_env = "WORK_PW"
[accounts.smtp]
host = "smtp.example.com"
password_command = "pass show work"
"#,
    )
    .unwrap();
    let account = &config.accounts[0];
    let imap = account.imap.as_ref().unwrap();
    assert_eq!(imap.port_for(Protocol::Imap), 143);
    assert_eq!(account.username_for(imap), "me@example.com");
    let smtp = account.smtp.as_ref().unwrap();
    assert_eq!(smtp.port_for(Protocol::Smtp), 465);
    assert_eq!(
        smtp.password_source(),
        Some(SecretSource::Command("pass show work".into()))
    );
}

#[test]
fn syntax_error_has_line_and_column() {
    let err = parse("[store]\npath = \n").unwrap_err().to_string();
    assert!(
        err.starts_with("/home/u/.config/wirepost/config.toml:2:"),
        "{err}"
    );
}

#[test]
fn unknown_key_is_rejected_with_location() {
    let err = parse("[store]\npaht = \"/x\"\n").unwrap_err().to_string();
    assert!(err.contains(":2:1:"), "{err}");
    assert!(err.contains("paht"), "{err}");
}

#[test]
fn plaintext_password_is_refused_where_it_is() {
    let text = "[[accounts]]\nname = \"a\"\nemail = \"a@b.c\"\n[accounts.imap]\nhost = \"h\"\npassword = \"hunter2\"\n";
    let err = parse(text).unwrap_err().to_string();
    assert!(err.contains(":6:12:"), "{err}");
    assert!(err.contains("password_command"), "{err}");
    assert!(
        !err.contains("hunter2"),
        "the password must not be echoed: {err}"
    );
}

#[test]
fn bad_security_value_is_explained() {
    let text = "[[accounts]]\nname = \"a\"\nemail = \"a@b.c\"\n[accounts.smtp]\nhost = \"h\"\nsecurity = \"ssl\"\n";
    let err = parse(text).unwrap_err().to_string();
    assert!(err.contains(":6:"), "{err}");
    assert!(err.contains("starttls"), "{err}");
}

#[test]
fn duplicate_account_names_are_refused() {
    let text = "[[accounts]]\nname = \"a\"\nemail = \"a@b.c\"\n[[accounts]]\nname = \"a\"\nemail = \"x@b.c\"\n";
    let err = parse(text).unwrap_err().to_string();
    assert!(err.contains("two accounts"), "{err}");
}

#[test]
fn bad_colour_and_unknown_key_context() {
    let err = parse("[theme]\naccent = \"blurple\"\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains(":2:") && err.contains("blurple"), "{err}");
    let err = parse("[keys.nowhere]\nq = \"quit\"\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains(":1:") && err.contains("nowhere"), "{err}");
}

#[test]
fn missing_default_file_means_defaults_but_missing_explicit_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths {
        config_file: dir.path().join("config.toml"),
        data_dir: dir.path().join("data"),
        state_dir: dir.path().join("state"),
    };
    let loaded = Config::load(None, &paths).unwrap();
    assert!(matches!(loaded.origin, ConfigOrigin::Missing(_)));
    let err = Config::load(Some(&dir.path().join("nope.toml")), &paths).unwrap_err();
    assert!(matches!(err, ConfigError::Io { .. }));
}

#[test]
fn example_config_is_valid() {
    let text = include_str!("../../config.example.toml");
    let config = parse(text).unwrap();
    assert!(!config.accounts.is_empty());
}

#[test]
fn secrets_never_print() {
    let secret = Secret::new("hunter2".into());
    assert_eq!(format!("{secret} {secret:?}"), "*** Secret(***)");
}

#[test]
fn watch_settings_default_and_parse() {
    let config = parse(
        r#"
[ui]
start_tab = "sockets"
[[accounts]]
name = "a"
email = "a@example.com"
[accounts.imap]
host = "imap.example.com"
notify = false
poll_interval_secs = 5
[accounts.pop3]
host = "pop.example.com"
[accounts.smtp]
host = "smtp.example.com"
"#,
    )
    .unwrap();
    assert_eq!(config.ui.start_tab, StartTab::Sockets);
    let account = &config.accounts[0];
    let imap = account.imap.as_ref().unwrap();
    assert!(!imap.uses_notify());
    assert_eq!(
        imap.poll_interval(Protocol::Imap),
        Some(std::time::Duration::from_secs(5))
    );
    let pop3 = account.pop3.as_ref().unwrap();
    assert_eq!(
        pop3.poll_interval(Protocol::Pop3),
        Some(std::time::Duration::from_secs(POP3_POLL_DEFAULT_SECS))
    );
    assert_eq!(parse("").unwrap().ui.start_tab, StartTab::Inbox);
}

#[test]
fn watch_settings_on_the_wrong_server_are_refused() {
    let base = "[[accounts]]\nname = \"a\"\nemail = \"a@b.c\"\n";
    let err = parse(&format!(
        "{base}[accounts.pop3]\nhost = \"h\"\nnotify = true\n"
    ))
    .unwrap_err()
    .to_string();
    assert!(err.contains("notify applies to [imap] only"), "{err}");
    let err = parse(&format!(
        "{base}[accounts.smtp]\nhost = \"h\"\npoll_interval_secs = 9\n"
    ))
    .unwrap_err()
    .to_string();
    assert!(err.contains("poll_interval_secs applies"), "{err}");
    let off = parse(&format!(
        "{base}[accounts.pop3]\nhost = \"h\"\npoll_interval_secs = 0\n"
    ))
    .unwrap();
    let pop3 = off.accounts[0].pop3.as_ref().unwrap();
    assert_eq!(pop3.poll_interval(Protocol::Pop3), None);
    let err = parse("[ui]\nstart_tab = \"mail\"\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("start_tab") || err.contains("mail"), "{err}");
}
