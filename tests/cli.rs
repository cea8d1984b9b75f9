//! The headless commands, run as a user would.

use std::process::Command;

fn wirepost(args: &[&str], home: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .output()
        .unwrap()
}

#[test]
fn check_config_prints_accounts_without_secrets() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("c.toml");
    std::fs::write(
        &config,
        "[[accounts]]\nname = \"work\"\nemail = \"me@example.com\"\n[accounts.smtp]\nhost = \"smtp.example.com\"\nsecurity = \"starttls\"\npassword_env = \"WP_TEST_SECRET\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .args(["--config", config.to_str().unwrap(), "check-config"])
        .env("HOME", home.path())
        .env("WP_TEST_SECRET", "s3cr3t-value")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("smtp  smtp.example.com:587  security=starttls"),
        "{stdout}"
    );
    assert!(stdout.contains("WP_TEST_SECRET (set)"), "{stdout}");
    assert!(!stdout.contains("s3cr3t-value"));
}

#[test]
fn check_config_without_a_file_reports_defaults() {
    let home = tempfile::tempdir().unwrap();
    let out = wirepost(&["check-config"], home.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        stdout.contains("does not exist; using defaults"),
        "{stdout}"
    );
    assert!(stdout.contains("accounts: 0"), "{stdout}");
}

#[test]
fn broken_config_fails_with_location() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("c.toml");
    std::fs::write(&config, "[[accounts]]\nname = \"x\"\nemail = 5\n").unwrap();
    let out = wirepost(
        &["--config", config.to_str().unwrap(), "check-config"],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{}:3:", config.display())),
        "{stderr}"
    );
}

#[test]
fn version_and_completions() {
    let home = tempfile::tempdir().unwrap();
    let out = wirepost(&["--version"], home.path());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("wirepost "));
    let out = wirepost(&["completions", "bash"], home.path());
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("check-config"));
}

#[test]
fn the_interface_refuses_to_start_without_a_terminal() {
    let home = tempfile::tempdir().unwrap();
    let out = wirepost(&[], home.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a terminal"));
}
