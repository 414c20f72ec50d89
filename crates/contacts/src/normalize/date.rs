//! Dates: birthdays to `YYYY-MM-DD` (or `--MM-DD` without a year), modification times to
//! RFC 3339. Written by hand because the inputs are a handful of fixed shapes and a date crate
//! would not know the address-book quirks (Outlook's `0/0/00`, Apple's year 1604, CloudSponge's
//! `MM-DD`). Pure arithmetic: no clock, no time zone database.

/// Normalizes a birthday. Accepted shapes: `YYYY-MM-DD` (with an optional time after it),
/// `YYYYMMDD`, `YYYY/MM/DD`, `--MM-DD`, `--MMDD`, `MM-DD`, `M/D/YYYY` (US order; read as
/// `D/M/YYYY` only when the first number cannot be a month), `D.M.YYYY`. A two-digit year is
/// ambiguous about its century, so only the month and day are kept (`--MM-DD`). Apple writes
/// year 1604 for "no year": that becomes `--MM-DD` too. Empty markers (`0/0/00`, `0000-00-00`)
/// and impossible dates give None.
pub fn birthday(raw: &str) -> Option<String> {
    let value = raw.trim();
    let (year, month, day) = parse_birthday(value)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year.unwrap_or(2000), month) {
        return None;
    }
    match year {
        Some(year) if year != 1604 && (1..=9999).contains(&year) => {
            Some(format!("{year:04}-{month:02}-{day:02}"))
        }
        Some(0) => None,
        _ => Some(format!("--{month:02}-{day:02}")),
    }
}

/// Splits a birthday into (year, month, day); a year of None means "not given".
fn parse_birthday(value: &str) -> Option<(Option<u32>, u32, u32)> {
    if let Some(rest) = value.strip_prefix("--") {
        return match rest.len() {
            4 if all_digits(rest) => Some((None, number(&rest[..2])?, number(&rest[2..])?)),
            5 if rest.as_bytes().get(2) == Some(&b'-') => {
                Some((None, number(rest.get(..2)?)?, number(rest.get(3..)?)?))
            }
            _ => None,
        };
    }
    // A time part ("1985-05-14T00:00:00Z", "1985-05-14 00:00") is ignored.
    let date = value.split(['T', ' ']).next().unwrap_or(value);
    if date.len() == 8 && all_digits(date) {
        return Some((
            Some(number(&date[..4])?),
            number(&date[4..6])?,
            number(&date[6..])?,
        ));
    }
    for separator in ['-', '/', '.'] {
        let parts: Vec<&str> = date.split(separator).collect();
        match parts[..] {
            [month, day] if separator == '-' && month.len() == 2 && day.len() == 2 => {
                return Some((None, number(month)?, number(day)?));
            }
            [year, month, day] if year.len() == 4 => {
                return Some((Some(number(year)?), number(month)?, number(day)?));
            }
            [first, second, year]
                if (1..=2).contains(&first.len()) && (1..=2).contains(&second.len()) =>
            {
                let year = match year.len() {
                    4 => Some(number(year)?),
                    2 => {
                        number(year)?; // must still be digits
                        None
                    }
                    _ => return None,
                };
                let (first, second) = (number(first)?, number(second)?);
                let (month, day) = match separator {
                    '.' => (second, first),
                    _ if first > 12 => (second, first),
                    _ => (first, second),
                };
                return Some((year, month, day));
            }
            _ => {}
        }
    }
    None
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn number(s: &str) -> Option<u32> {
    if all_digits(s) && s.len() <= 4 {
        s.parse().ok()
    } else {
        None
    }
}

fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Normalizes a modification time to RFC 3339 when it parses, else returns it as given
/// (trimmed; None when empty). Accepted: `YYYY-MM-DD[T ]HH:MM[:SS[.fff]]` and the basic form
/// `YYYYMMDDTHHMMSS` (vCard REV), each with an optional `Z` or `±HH[:]MM` zone, and Unix
/// time in seconds (9–10 digits) or milliseconds (12–13 digits), which is UTC.
pub fn timestamp(raw: &str) -> Option<String> {
    let value = raw.trim();
    if value.is_empty() {
        return None;
    }
    Some(parse_timestamp(value).unwrap_or_else(|| value.to_string()))
}

fn parse_timestamp(value: &str) -> Option<String> {
    if all_digits(value) {
        let seconds: i64 = match value.len() {
            9 | 10 => value.parse().ok()?,
            12 | 13 => value.parse::<i64>().ok()? / 1000,
            _ => return None,
        };
        return Some(from_unix(seconds));
    }
    let (date, rest) = match value.as_bytes().get(4) {
        Some(b'-') => (value.get(..10)?, value.get(10..)?),
        _ => (value.get(..8)?, value.get(8..)?),
    };
    let date: String = date.chars().filter(|&c| c != '-').collect();
    if date.len() != 8 || !all_digits(&date) {
        return None;
    }
    let (year, month, day) = (
        number(&date[..4])?,
        number(&date[4..6])?,
        number(&date[6..])?,
    );
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    // The time runs up to the zone designator.
    let zone_at = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (time, zone) = rest.split_at(zone_at);
    let (time, fraction) = match time.split_once('.') {
        Some((time, fraction)) if all_digits(fraction) => (time, Some(fraction)),
        Some(_) => return None,
        None => (time, None),
    };
    let time: String = time.chars().filter(|&c| c != ':').collect();
    if !all_digits(&time) || !(time.len() == 4 || time.len() == 6) {
        return None;
    }
    let hour = number(&time[..2])?;
    let minute = number(&time[2..4])?;
    let second = time.get(4..6).map_or(Some(0), number)?;
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let zone = match zone {
        "" => String::new(),
        "Z" | "z" => "Z".to_string(),
        _ => {
            let sign = zone.get(..1)?;
            let digits: String = zone[1..].chars().filter(|&c| c != ':').collect();
            if !all_digits(&digits) || !(digits.len() == 2 || digits.len() == 4) {
                return None;
            }
            let minutes = digits.get(2..4).unwrap_or("00");
            format!("{sign}{}:{minutes}", &digits[..2])
        }
    };
    let fraction = fraction.map(|f| format!(".{f}")).unwrap_or_default();
    Some(format!(
        "{}-{}-{}T{hour:02}:{minute:02}:{second:02}{fraction}{zone}",
        &date[..4],
        &date[4..6],
        &date[6..]
    ))
}

/// Unix seconds to `YYYY-MM-DDTHH:MM:SSZ` (Howard Hinnant's days-to-civil algorithm).
fn from_unix(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        of_day / 3600,
        (of_day % 3600) / 60,
        of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn birthdays() {
        let cases = [
            ("1815-12-10", Some("1815-12-10")),
            ("18151210", Some("1815-12-10")),
            ("--04-16", Some("--04-16")),
            ("--0416", Some("--04-16")),
            ("12/10/1815", Some("1815-12-10")),
            ("25/12/1990", Some("1990-12-25")),
            ("10.12.1815", Some("1815-12-10")),
            ("1.2.1990", Some("1990-02-01")),
            ("04-16", Some("--04-16")),
            ("1985-05-14T00:00:00Z", Some("1985-05-14")),
            ("1604-04-16", Some("--04-16")),
            ("5/14/85", Some("--05-14")),
            ("2000-02-29", Some("2000-02-29")),
            ("--02-29", Some("--02-29")),
            ("1900-02-29", None),
            ("0/0/00", None),
            ("0.0.00", None),
            ("0000-00-00", None),
            ("206-12-15", None),
            ("13/13/2000", None),
            ("", None),
            ("yesterday", None),
            ("---16", None),
        ];
        for (raw, expected) in cases {
            assert_eq!(birthday(raw).as_deref(), expected, "{raw:?}");
        }
    }

    #[test]
    fn timestamps() {
        let cases = [
            ("2015-12-05 10:12:54", "2015-12-05T10:12:54"),
            ("20121212T121212Z", "2012-12-12T12:12:12Z"),
            ("2012-12-12T12:12:12.345Z", "2012-12-12T12:12:12.345Z"),
            ("2012-12-12T12:12:12+0100", "2012-12-12T12:12:12+01:00"),
            ("2012-12-12T12:12-05:00", "2012-12-12T12:12:00-05:00"),
            ("1449310374", "2015-12-05T10:12:54Z"),
            ("1449310374000", "2015-12-05T10:12:54Z"),
            ("0", "0"),
            ("2015-12-05", "2015-12-05"),
            ("last tuesday", "last tuesday"),
            ("2015-13-05 10:12:54", "2015-13-05 10:12:54"),
        ];
        for (raw, expected) in cases {
            assert_eq!(timestamp(raw).as_deref(), Some(expected), "{raw:?}");
        }
        assert_eq!(timestamp("  "), None);
    }
}
