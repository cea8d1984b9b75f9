//! The real Dovecot + Postfix stack that `scripts/mailstack` starts; tests
//! find it through the environment the test command sets.

use std::path::PathBuf;

pub struct Mailstack {
    pub host: String,
    pub imap_port: u16,
    pub imaps_port: u16,
    pub pop3_port: u16,
    pub pop3s_port: u16,
    pub submission_port: u16,
    pub smtps_port: u16,
    pub smtp_port: u16,
    pub ca: PathBuf,
    pub user1: String,
    pub pass1: String,
    pub user2: String,
    pub pass2: String,
    pub state: PathBuf,
    pub pool: Vec<(String, String)>,
    /// Each pool user's OAuth2 access tokens: (address, valid, expired).
    /// Empty for a stack started before the token endpoint existed.
    pub oauth_pool: Vec<(String, String, String)>,
}

/// A test user with an empty mailbox, claimed by one test only.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub address: String,
    pub password: String,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn port(name: &str) -> u16 {
    var(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{name} is not a port"))
}

impl Mailstack {
    /// The running stack, or `None` (with a note on stderr) when the tests
    /// run without one. `WIREPOST_REQUIRE_MAILSTACK=1`, which the test
    /// command sets, turns a missing stack into a failure.
    pub fn get() -> Option<Mailstack> {
        let Some(host) = var("WIREPOST_TEST_HOST") else {
            if var("WIREPOST_REQUIRE_MAILSTACK").as_deref() == Some("1") {
                panic!("the mail servers are required but WIREPOST_TEST_HOST is not set");
            }
            eprintln!("skipped: no mail servers (run the tests with scripts/test)");
            return None;
        };
        Some(Mailstack {
            host,
            imap_port: port("WIREPOST_TEST_IMAP_PORT"),
            imaps_port: port("WIREPOST_TEST_IMAPS_PORT"),
            pop3_port: port("WIREPOST_TEST_POP3_PORT"),
            pop3s_port: port("WIREPOST_TEST_POP3S_PORT"),
            submission_port: port("WIREPOST_TEST_SUBMISSION_PORT"),
            smtps_port: port("WIREPOST_TEST_SMTPS_PORT"),
            smtp_port: port("WIREPOST_TEST_SMTP_PORT"),
            ca: PathBuf::from(var("WIREPOST_TEST_CA").expect("WIREPOST_TEST_CA")),
            user1: var("WIREPOST_TEST_USER1").expect("WIREPOST_TEST_USER1"),
            pass1: var("WIREPOST_TEST_PASS1").expect("WIREPOST_TEST_PASS1"),
            user2: var("WIREPOST_TEST_USER2").expect("WIREPOST_TEST_USER2"),
            pass2: var("WIREPOST_TEST_PASS2").expect("WIREPOST_TEST_PASS2"),
            state: PathBuf::from(var("WIREPOST_TEST_STATE").expect("WIREPOST_TEST_STATE")),
            pool: var("WIREPOST_TEST_POOL")
                .expect("WIREPOST_TEST_POOL")
                .split(',')
                .map(|entry| {
                    let (user, pass) = entry.split_once(':').expect("user:password");
                    (user.to_string(), pass.to_string())
                })
                .collect(),
            oauth_pool: var("WIREPOST_TEST_OAUTH_POOL")
                .unwrap_or_default()
                .split(',')
                .filter(|entry| !entry.is_empty())
                .map(|entry| {
                    let mut parts = entry.splitn(3, ':').map(str::to_string);
                    let mut next = || parts.next().expect("user:valid:expired");
                    (next(), next(), next())
                })
                .collect(),
        })
    }

    /// A token unique to this test run, to find a test's own messages.
    pub fn unique(tag: &str) -> String {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        format!("{tag}-{}-{nanos}", std::process::id())
    }
}

impl Mailstack {
    /// The `[[accounts]]` block for `user` on this stack, named `name`:
    /// SMTP submission with STARTTLS and IMAPS, the password given by a
    /// command, the stack's CA trusted.
    pub fn account_toml(&self, name: &str, user: &TestUser) -> String {
        format!(
            r#"[[accounts]]
name = "{name}"
email = "{email}"
[accounts.smtp]
host = "{host}"
port = {submission}
security = "starttls"
password_command = "printf %s '{password}'"
ca_file = "{ca}"
[accounts.imap]
host = "{host}"
port = {imaps}
security = "tls"
password_command = "printf %s '{password}'"
ca_file = "{ca}"
"#,
            email = user.address,
            host = self.host,
            ca = self.ca.display(),
            imaps = self.imaps_port,
            submission = self.submission_port,
            password = user.password,
        )
    }
}

impl Mailstack {
    /// Claims a pool user no other test in this process has, with its
    /// mailbox emptied first (test binaries run one after another, so a
    /// user may have been used by an earlier binary).
    pub fn claim_user(&self) -> TestUser {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let index = NEXT.fetch_add(1, Ordering::SeqCst);
        let (address, password) = self
            .pool
            .get(index)
            .unwrap_or_else(|| panic!("more than {} tests claimed a user", self.pool.len()))
            .clone();
        self.reset(&address);
        TestUser { address, password }
    }

    /// The OAuth2 access tokens the stack's token endpoint holds for the
    /// pool user `user`: (valid, expired).
    fn oauth_tokens(&self, user: &str) -> (String, String) {
        if self.oauth_pool.is_empty() {
            panic!(
                "WIREPOST_TEST_OAUTH_POOL is not set: this mail stack has no token endpoint; \
                 restart it with scripts/mailstack start"
            );
        }
        self.oauth_pool
            .iter()
            .find(|(address, _, _)| address == user)
            .map(|(_, valid, expired)| (valid.clone(), expired.clone()))
            .unwrap_or_else(|| panic!("no OAuth2 tokens for {user}"))
    }

    /// A valid OAuth2 access token of the pool user `user`.
    pub fn oauth_token(&self, user: &str) -> String {
        self.oauth_tokens(user).0
    }

    /// An OAuth2 access token of the pool user `user` that has expired.
    pub fn expired_oauth_token(&self, user: &str) -> String {
        self.oauth_tokens(user).1
    }

    /// What the token endpoint logged (one line per introspection, never
    /// a token).
    pub fn oauth_log(&self) -> String {
        std::fs::read_to_string(self.state.join("log/oauth.log")).unwrap_or_default()
    }

    /// Empties `user`'s mailbox on the server.
    pub fn reset(&self, user: &str) {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/mailstack");
        let status = std::process::Command::new(script)
            .arg("reset")
            .arg(&self.state)
            .arg(user)
            .status()
            .expect("scripts/mailstack reset");
        assert!(status.success(), "mailstack reset {user} failed");
    }

    /// Whether Postfix has nothing queued (so what its mailboxes hold is
    /// final). Other tests' mail counts too: wait for this, don't assert it.
    pub fn postfix_idle(&self) -> bool {
        fn empty(dir: &std::path::Path) -> bool {
            std::fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .all(|e| e.path().is_dir() && empty(&e.path()))
        }
        let queue = self.state.join("postfix/queue");
        ["maildrop", "incoming", "active", "deferred", "hold"]
            .iter()
            .all(|dir| empty(&queue.join(dir)))
    }

    /// Writes `count` messages of about `size` bytes into `user`'s INBOX.
    pub fn seed(&self, user: &str, count: usize, size: usize) {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/mailstack");
        let status = std::process::Command::new(script)
            .arg("seed")
            .arg(&self.state)
            .arg(user)
            .arg(count.to_string())
            .arg(size.to_string())
            .status()
            .expect("scripts/mailstack seed");
        assert!(status.success(), "mailstack seed {user} failed");
    }
}

impl Mailstack {
    /// Delivers a short message to `to` through Postfix's plain SMTP port
    /// (LMTP into Dovecot), as mail from outside arrives.
    pub fn deliver(&self, to: &str, subject: &str) {
        use std::io::{BufRead, BufReader, Write};
        let stream = std::net::TcpStream::connect((self.host.as_str(), self.smtp_port))
            .expect("connect to Postfix");
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut writer = stream;
        let mut reply = |expect: &str| {
            let mut line = String::new();
            loop {
                line.clear();
                reader.read_line(&mut line).unwrap();
                assert!(
                    line.starts_with(expect),
                    "Postfix said {line:?}, not {expect}"
                );
                if line.as_bytes().get(3) == Some(&b' ') {
                    break;
                }
            }
        };
        reply("220");
        let message = format!(
            "From: Sender <sender@example.test>\r\nTo: {to}\r\nSubject: {subject}\r\n\
             Message-ID: <{subject}@example.test>\r\n\r\nDelivered by the test.\r\n"
        );
        let steps: [(String, &str); 5] = [
            ("EHLO test.example\r\n".into(), "250"),
            ("MAIL FROM:<sender@example.test>\r\n".into(), "250"),
            (format!("RCPT TO:<{to}>\r\n"), "250"),
            ("DATA\r\n".into(), "354"),
            (format!("{message}.\r\n"), "250"),
        ];
        for (command, expect) in steps {
            writer.write_all(command.as_bytes()).unwrap();
            reply(expect);
        }
        writer.write_all(b"QUIT\r\n").unwrap();
    }
}
