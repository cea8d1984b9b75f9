//! Dates as wirepost prints them: `YYYY-MM-DD HH:MM`, in UTC or in the
//! local time zone (the C library's, so `TZ` is honoured as by every other
//! program; the offset is taken for the instant shown, so summer time is
//! right for old mail too).

/// Which clock dates are shown on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Zone {
    /// The same on every machine (tests, logs).
    #[default]
    Utc,
    /// The user's time zone, as neomutt shows dates.
    Local,
}

impl Zone {
    /// `unix` as `YYYY-MM-DD HH:MM` on this clock.
    pub fn format(self, unix: i64) -> String {
        match self {
            Zone::Utc => format_date(unix),
            Zone::Local => format_date(unix.saturating_add(local_offset_secs(unix).unwrap_or(0))),
        }
    }
}

/// Seconds east of UTC of the local time zone at `unix`, if the C library
/// can say (it cannot for times outside its range).
fn local_offset_secs(unix: i64) -> Option<i64> {
    let time = libc::time_t::try_from(unix).ok()?;
    let mut tm = std::mem::MaybeUninit::<libc::tm>::zeroed();
    // SAFETY: both pointers are valid for the call; localtime_r writes
    // only into `tm` and returns null (leaving it unread) on failure.
    let result = unsafe { libc::localtime_r(&time, tm.as_mut_ptr()) };
    if result.is_null() {
        return None;
    }
    // SAFETY: localtime_r filled `tm` (it returned non-null), and a
    // zeroed `tm` is a valid value anyway.
    let tm = unsafe { tm.assume_init() };
    // `c_long` is narrower than i64 on 32-bit targets.
    #[allow(clippy::useless_conversion)]
    Some(i64::from(tm.tm_gmtoff))
}

/// `YYYY-MM-DD HH:MM` in UTC (the same on every machine, so lists and
/// tests agree).
pub fn format_date(unix: i64) -> String {
    // Years 1 to 9999: a hostile Date: header cannot overflow the maths.
    let unix = unix.clamp(-62_135_596_800, 253_402_300_799);
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extreme_dates_stay_in_range() {
        assert_eq!(format_date(i64::MIN), "0001-01-01 00:00");
        assert_eq!(format_date(i64::MAX), "9999-12-31 23:59");
        assert_eq!(Zone::Local.format(i64::MIN).len(), 16);
        assert_eq!(Zone::Local.format(i64::MAX).len(), 16);
    }

    #[test]
    fn local_time_is_utc_shifted_by_the_zone_offset() {
        let unix = 1_751_364_000; // 2025-07-01 10:00 UTC
        let offset = local_offset_secs(unix).unwrap();
        assert_eq!(Zone::Local.format(unix), format_date(unix + offset));
        assert_eq!(Zone::Utc.format(unix), "2025-07-01 10:00");
    }
}
