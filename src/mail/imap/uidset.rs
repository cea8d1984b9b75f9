//! IMAP sequence sets of UIDs ("1:500,502,510:520") and batching.

/// Compresses sorted, distinct UIDs into a sequence set.
pub fn to_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end + 1 {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_compressed() {
        assert_eq!(to_set(&[1, 2, 3, 5, 7, 8]), "1:3,5,7:8");
        assert_eq!(to_set(&[42]), "42");
        assert_eq!(to_set(&[]), "");
    }
}
