//! `--exec CMD`: the user's command run for each new message, one at a
//! time on a thread of its own so a slow command never holds up the
//! watch. What the message says travels in environment variables, made
//! safe for a terminal; the command line is the user's own text only.

use crate::sanitize::clean_line;
use crate::store::Arrival;
use std::process::{Command, Stdio};
use std::sync::mpsc;

/// Runs `command` for every arrival sent to it, in order.
pub struct Exec {
    queue: mpsc::Sender<Arrival>,
}

impl Exec {
    pub fn start(command: String) -> Exec {
        let (queue, arrivals) = mpsc::channel::<Arrival>();
        std::thread::spawn(move || {
            for arrival in arrivals {
                run_one(&command, &arrival);
            }
        });
        Exec { queue }
    }

    pub fn run(&self, arrival: Arrival) {
        let _ = self.queue.send(arrival);
    }
}

/// The variables that describe `arrival` to the command.
pub fn environment(arrival: &Arrival) -> Vec<(&'static str, String)> {
    vec![
        ("WIREPOST_ACCOUNT", clean_line(&arrival.account)),
        ("WIREPOST_FOLDER", clean_line(&arrival.folder)),
        ("WIREPOST_FROM", clean_line(&arrival.from)),
        ("WIREPOST_SUBJECT", clean_line(&arrival.subject)),
        ("WIREPOST_DATE", arrival.date.to_string()),
        (
            "WIREPOST_MESSAGE_ID",
            clean_line(arrival.message_id.as_deref().unwrap_or("")),
        ),
        ("WIREPOST_ID", arrival.id.to_string()),
    ]
}

fn run_one(command: &str, arrival: &Arrival) {
    let status = Command::new("sh")
        .arg("-c")
        .arg(command)
        .envs(environment(arrival))
        .stdin(Stdio::null())
        .status();
    match status {
        Ok(status) if status.success() => {}
        Ok(status) => eprintln!("wirepost: --exec command ended with {status}"),
        Err(e) => eprintln!("wirepost: cannot run the --exec command: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_text_reaches_the_command_as_safe_variables() {
        let arrival = Arrival {
            id: 7,
            account: "work".into(),
            folder: "INBOX".into(),
            from: "Evil <e@example.com>".into(),
            subject: "$(rm -rf ~) \u{1b}]0;owned\u{7} `id`\ttab".into(),
            date: 1_700_000_000,
            message_id: Some("<m@x>".into()),
            flags: Default::default(),
        };
        let env = environment(&arrival);
        let subject = env
            .iter()
            .find(|(k, _)| *k == "WIREPOST_SUBJECT")
            .unwrap()
            .1
            .clone();
        assert!(
            !subject.contains('\u{1b}') && !subject.contains('\t'),
            "{subject}"
        );
        // Shell syntax stays plain text: it is a variable's value, never
        // part of the command the shell reads.
        assert!(subject.starts_with("$(rm -rf ~)"));
        let out = Command::new("sh")
            .arg("-c")
            .arg("printf '%s' \"$WIREPOST_SUBJECT\"")
            .envs(env)
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), subject);
    }
}
