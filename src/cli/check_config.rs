//! The `check-config` report: where the files are and what each account
//! resolves to, never a secret.

use crate::config::{ConfigOrigin, LoadedConfig, Paths};
use std::fmt::Write as _;

/// The `check-config` report for a configuration that parsed.
pub fn describe_config(loaded: &LoadedConfig, paths: &Paths) -> String {
    let mut out = String::new();
    match &loaded.origin {
        ConfigOrigin::File(path) => {
            let _ = writeln!(out, "config: {} (ok)", path.display());
        }
        ConfigOrigin::Missing(path) => {
            let _ = writeln!(
                out,
                "config: {} does not exist; using defaults",
                path.display()
            );
        }
    }
    let config = &loaded.config;
    let _ = writeln!(out, "store:  {}", config.store_dir(paths).display());
    let _ = writeln!(out, "log:    {}", paths.log_file().display());
    let _ = writeln!(out, "accounts: {}", config.accounts.len());
    for account in &config.accounts {
        let name = account
            .display_name
            .as_deref()
            .map(|d| format!("{d} <{}>", account.email))
            .unwrap_or_else(|| account.email.clone());
        let _ = writeln!(out, "  {}: {name}", account.name);
        for (protocol, endpoint) in account.endpoints() {
            let password = endpoint
                .password_source()
                .map_or_else(|| "no password configured".to_string(), |s| s.describe());
            let _ = writeln!(
                out,
                "    {:<5} {}:{}  security={}  user={}  password {password}",
                protocol.name(),
                endpoint.host,
                endpoint.port_for(protocol),
                endpoint.security.as_str(),
                account.username_for(endpoint),
            );
            if let Some(ca) = &endpoint.ca_file {
                let _ = writeln!(out, "          extra CA: {}", ca.display());
            }
            if protocol == crate::config::Protocol::Pop3 {
                let _ = writeln!(out, "          {}", describe_pop3(&endpoint.pop3_options()));
            }
            if endpoint.accept_invalid_certs {
                let _ = writeln!(
                    out,
                    "          WARNING: certificate verification is OFF for this server"
                );
            }
        }
    }
    out
}

/// What a POP3 sync does with the mail on the server, in one line.
fn describe_pop3(options: &crate::config::Pop3Options) -> String {
    let mut out = match (options.delete_after_download, options.delete_after_days) {
        (true, _) => "deletes on the server after download".to_string(),
        (false, Some(days)) => format!("deletes on the server {days} days after download"),
        (false, None) => "leaves mail on the server".to_string(),
    };
    if let Some(max) = options.max_message_bytes {
        let what = match options.oversize {
            crate::config::Oversize::Headers => "headers only",
            crate::config::Oversize::Skip => "skipped",
        };
        out.push_str(&format!("; above {} MB: {what}", max >> 20));
    }
    if options.apop {
        out.push_str("; APOP login");
    }
    out
}
