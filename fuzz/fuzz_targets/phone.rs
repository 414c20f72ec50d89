//! Fuzzes phone normalization (libphonenumber's port `rlibphonenumber` behind our guards) through
//! `normalize::contact`, with the first byte choosing a default region.
#![no_main]

use libfuzzer_sys::fuzz_target;

const REGIONS: [&str; 8] = ["US", "GB", "DE", "FR", "CH", "JP", "BR", "IN"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let raw = String::from_utf8_lossy(rest).into_owned();
    let region = (pick < 200).then(|| REGIONS[usize::from(pick) % REGIONS.len()].to_string());
    let mut contact = contacts::Contact::default();
    contact.phones.push(contacts::Phone { raw: raw.clone(), number: raw, ..Default::default() });
    let _ = contacts::normalize::contact(&mut contact, &contacts::NormalizeOptions { region });
});
