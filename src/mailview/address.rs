//! Address fields: a parsed header shown as people write it, and a typed
//! list split into its entries. Shared by the store (which indexes them),
//! the viewer and the composer.

use mail_parser::Address;

/// `Name <addr>, addr2` for an address header (groups flattened).
pub fn envelope_addresses(address: Option<&Address<'_>>) -> String {
    let Some(address) = address else {
        return String::new();
    };
    let mut out = Vec::new();
    for addr in address.iter() {
        let name = addr.name().map(str::trim).filter(|n| !n.is_empty());
        let mail = addr.address().map(str::trim).filter(|a| !a.is_empty());
        out.push(match (name, mail) {
            (Some(n), Some(a)) if n != a => format!("{n} <{a}>"),
            (Some(n), _) => n.to_string(),
            (None, Some(a)) => a.to_string(),
            (None, None) => continue,
        });
    }
    out.join(", ")
}

/// The entries of a field, trimmed, empty ones dropped.
pub fn split_entries(field: &str) -> Vec<String> {
    let mut entries = Vec::new();
    let mut current = String::new();
    let (mut quoted, mut angle) = (false, false);
    for c in field.chars() {
        match c {
            '"' => quoted = !quoted,
            '<' if !quoted => angle = true,
            '>' if !quoted => angle = false,
            ',' | ';' if !quoted && !angle => {
                entries.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    entries.push(current);
    entries
        .into_iter()
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty())
        .collect()
}
