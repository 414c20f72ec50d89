//! Fuzzes e-mail normalization: it must return an address or a typed error, never panic, and
//! an accepted address must be accepted again unchanged (normalization is idempotent).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(address) = contacts::normalize::email(text) {
        assert_eq!(contacts::normalize::email(&address).as_deref(), Ok(address.as_str()));
    }
});
