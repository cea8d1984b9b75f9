//! Small text helpers for columns: fitting by display width (CJK takes two
//! columns), and sizes.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `text` cut (with `…`) or padded with spaces to exactly `width` columns.
pub fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        let pad = width - text.width();
        return format!("{text}{}", " ".repeat(pad));
    }
    let mut out = String::new();
    let mut cols = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if cols + w + 1 > width {
            break;
        }
        out.push(c);
        cols += w;
    }
    out.push('…');
    cols += 1;
    out.push_str(&" ".repeat(width.saturating_sub(cols)));
    out
}

/// `512`, `1.2K`, `34M`.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["K", "M", "G", "T"];
    if bytes < 1000 {
        return bytes.to_string();
    }
    let mut value = bytes as f64 / 1024.0;
    for unit in UNITS {
        if value < 10.0 {
            return format!("{value:.1}{unit}");
        }
        if value < 1000.0 {
            return format!("{value:.0}{unit}");
        }
        value /= 1024.0;
    }
    format!("{value:.0}P")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_fit_by_display_width() {
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("日本語の件名", 7), "日本語…");
        assert_eq!(fit("日本語", 5), "日本…");
        assert_eq!(crate::mailview::format_date(0), "1970-01-01 00:00");
        assert_eq!(
            crate::mailview::format_date(1_751_364_000),
            "2025-07-01 10:00"
        );
        assert_eq!(size(512), "512");
        assert_eq!(size(1536), "1.5K");
        assert_eq!(size(25 * 1024 * 1024), "25M");
    }
}
