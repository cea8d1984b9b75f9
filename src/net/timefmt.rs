//! Times as the transcript shows them: the local time of day by default
//! (what the clock on the wall says), or UTC when asked, marked with `Z`
//! so the two are never confused. Saved logs carry the date and the
//! offset from UTC as well.

use std::time::{SystemTime, UNIX_EPOCH};

/// Which clock transcript times are read on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeZone {
    /// The system's local time zone (TZ, /etc/localtime).
    #[default]
    Local,
    Utc,
}

impl TimeZone {
    pub fn parse(name: &str) -> Option<TimeZone> {
        match name.to_ascii_lowercase().as_str() {
            "local" => Some(TimeZone::Local),
            "utc" | "z" | "gmt" => Some(TimeZone::Utc),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TimeZone::Local => "local",
            TimeZone::Utc => "UTC",
        }
    }
}

/// A moment broken into calendar fields in one time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    millis: u32,
    /// Seconds east of UTC.
    offset: i64,
}

/// "HH:MM:SS.mmm" in local time, "HH:MM:SS.mmmZ" in UTC.
pub fn clock(at: SystemTime, zone: TimeZone) -> String {
    let t = civil(at, zone);
    let z = if zone == TimeZone::Utc { "Z" } else { "" };
    format!(
        "{:02}:{:02}:{:02}.{:03}{z}",
        t.hour, t.minute, t.second, t.millis
    )
}

/// "YYYY-MM-DD HH:MM:SS.mmm +HH:MM", for saved logs.
pub fn stamp(at: SystemTime, zone: TimeZone) -> String {
    let t = civil(at, zone);
    let sign = if t.offset < 0 { '-' } else { '+' };
    let offset = t.offset.abs();
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03} {sign}{:02}:{:02}",
        t.year,
        t.month,
        t.day,
        t.hour,
        t.minute,
        t.second,
        t.millis,
        offset / 3600,
        offset / 60 % 60
    )
}

fn civil(at: SystemTime, zone: TimeZone) -> Civil {
    let (secs, millis) = match at.duration_since(UNIX_EPOCH) {
        Ok(d) => (d.as_secs() as i64, d.subsec_millis()),
        Err(e) => (-(e.duration().as_secs_f64().ceil() as i64), 0),
    };
    let offset = match zone {
        TimeZone::Utc => 0,
        TimeZone::Local => local_offset(secs),
    };
    let local = secs + offset;
    let (year, month, day) = civil_from_days(local.div_euclid(86_400));
    let of_day = local.rem_euclid(86_400);
    Civil {
        year,
        month,
        day,
        hour: (of_day / 3600) as u32,
        minute: (of_day / 60 % 60) as u32,
        second: (of_day % 60) as u32,
        millis,
        offset,
    }
}

/// The local zone's offset from UTC at `secs` (daylight saving included),
/// from the C library, which reads TZ and the zone database.
fn local_offset(secs: i64) -> i64 {
    // time_t is 64 bits on every platform wirepost builds for.
    #[allow(clippy::unnecessary_cast)]
    let t = secs as libc::time_t;
    // SAFETY: localtime_r writes only into `tm`, which lives on this stack
    // frame; a zeroed `tm` is a valid value of the type.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let filled = unsafe { libc::localtime_r(&t, &mut tm) };
    if filled.is_null() {
        0
    } else {
        // A c_long: i64 here, narrower elsewhere.
        #[allow(clippy::useless_conversion)]
        i64::from(tm.tm_gmtoff)
    }
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian
/// calendar (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn utc_is_marked_and_dated() {
        let t = UNIX_EPOCH + Duration::from_millis(1_780_000_000_123);
        assert_eq!(clock(t, TimeZone::Utc), "20:26:40.123Z");
        assert_eq!(stamp(t, TimeZone::Utc), "2026-05-28 20:26:40.123 +00:00");
        assert_eq!(
            stamp(UNIX_EPOCH, TimeZone::Utc),
            "1970-01-01 00:00:00.000 +00:00"
        );
    }

    #[test]
    fn local_time_follows_the_zone() {
        // The C library reads TZ when it first converts a time in this
        // process; every test that looks at local time sets the same zone.
        // SAFETY: tests in this binary set TZ only to this value.
        unsafe extern "C" {
            fn tzset();
        }
        unsafe {
            std::env::set_var("TZ", "Europe/Berlin");
            tzset();
        }
        let winter = UNIX_EPOCH + Duration::from_secs(1_767_225_600); // 2026-01-01 00:00Z
        assert_eq!(clock(winter, TimeZone::Local), "01:00:00.000");
        let summer = UNIX_EPOCH + Duration::from_secs(1_782_864_000); // 2026-07-01 00:00Z
        assert_eq!(
            stamp(summer, TimeZone::Local),
            "2026-07-01 02:00:00.000 +02:00"
        );
    }

    #[test]
    fn zone_names() {
        assert_eq!(TimeZone::parse("UTC"), Some(TimeZone::Utc));
        assert_eq!(TimeZone::parse("local"), Some(TimeZone::Local));
        assert_eq!(TimeZone::parse("mars"), None);
    }
}
