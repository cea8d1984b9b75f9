use super::*;
use clap::CommandFactory;

/// Every argument of `command` and its subcommands without a sentence of
/// help, named by the command path and the argument.
fn missing_help(command: &clap::Command, path: &str, found: &mut Vec<String>) {
    for arg in command.get_arguments() {
        let id = arg.get_id().as_str();
        if id == "help" || id == "version" {
            continue;
        }
        let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
        if help.trim().is_empty() {
            let name = arg
                .get_long()
                .map(|l| format!("--{l}"))
                .unwrap_or_else(|| format!("<{}>", id.to_uppercase()));
            found.push(format!("`{path}`: argument {name} has no help text"));
        }
    }
    for sub in command.get_subcommands() {
        let sub_path = format!("{path} {}", sub.get_name());
        if sub.get_about().is_none() {
            found.push(format!("`{sub_path}`: the command has no description"));
        }
        missing_help(sub, &sub_path, found);
    }
}

#[test]
fn every_argument_and_command_has_help() {
    let mut found = Vec::new();
    missing_help(&Cli::command(), "wirepost", &mut found);
    assert!(
        found.is_empty(),
        "add a /// doc comment to each of these:\n{}",
        found.join("\n")
    );
}

#[test]
fn subcommand_descriptions_are_distinct_and_one_thought() {
    let command = Cli::command();
    let mut seen = std::collections::HashSet::new();
    for sub in command.get_subcommands() {
        let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
        assert!(
            seen.insert(about.clone()),
            "{} repeats a description",
            sub.get_name()
        );
    }
}

#[test]
fn the_definition_is_valid() {
    Cli::command().debug_assert();
}

#[test]
fn help_names_the_files_and_global_options() {
    let paths = Paths {
        config_file: "/home/u/.config/wirepost/config.toml".into(),
        data_dir: "/home/u/.local/share/wirepost".into(),
        state_dir: "/home/u/.local/state/wirepost".into(),
    };
    let help = command(&paths, None).render_help().to_string();
    assert!(
        help.contains("config  /home/u/.config/wirepost/config.toml"),
        "{help}"
    );
    assert!(
        help.contains("store   /home/u/.local/share/wirepost/mail"),
        "{help}"
    );
    assert!(
        help.contains("log     /home/u/.local/state/wirepost/wirepost.log"),
        "{help}"
    );
    assert!(help.contains("Global options:"), "{help}");
    let named = command(&paths, Some(std::path::Path::new("/etc/wp.toml")))
        .render_help()
        .to_string();
    assert!(named.contains("config  /etc/wp.toml"), "{named}");
}

#[test]
fn the_man_page_has_files_examples_and_every_command() {
    let files = ManPaths {
        config: "/cfg/config.toml".into(),
        store: "/data/mail".into(),
        log: "/state/wirepost.log".into(),
    };
    let mut out = Vec::new();
    write_man_page(Cli::command(), &files, &mut out).unwrap();
    let page = String::from_utf8(out).unwrap();
    for needle in [
        ".TH wirepost 1",
        ".SH FILES",
        ".SH EXAMPLES",
        ".SH COMMANDS",
        "/cfg/config.toml",
        "/data/mail",
        "/state/wirepost.log",
        ".SH \"EXIT STATUS\"",
    ] {
        assert!(page.contains(needle), "no {needle} in\n{page}");
    }
    for sub in Cli::command().get_subcommands() {
        let heading = format!(".SS \"wirepost {}\"", sub.get_name());
        assert!(page.contains(&heading), "no {heading}");
    }
}
