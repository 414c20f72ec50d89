#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 300), one after another, seeded with the shared
# corpus; logs go to fuzz/logs/, crashes to fuzz/artifacts/<target>/.
# Needs: rustup toolchain nightly, `cargo install cargo-fuzz`.
set -uo pipefail
cd "$(dirname "$0")"
seconds="${1:-300}"
corpus=../tests/corpus
mkdir -p logs seeds/{vcard,csv,json,xml,email,phone}
cp "$corpus"/vcard/*.vcf "$corpus"/security/*.vcf seeds/vcard/
cp "$corpus"/csv/* "$corpus"/security/*.csv seeds/csv/
cp "$corpus"/xml/*.json ../crates/contacts/tests/data/*.json seeds/json/
cp "$corpus"/xml/*.xml ../crates/contacts/tests/data/*.xml seeds/xml/
# One seed per e-mail and phone vector (the first byte of a phone seed picks the region).
tail -n +5 "$corpus"/email/isemail_vectors.tsv | cut -f2 | awk '{ f = sprintf("seeds/email/%d", NR); printf "%s", $0 > f; close(f) }'
tail -n +2 "$corpus"/phone/phone_normalization_vectors.tsv | cut -f1 | awk '{ f = sprintf("seeds/phone/%d", NR); printf "\005%s", $0 > f; close(f) }'
cargo +nightly fuzz build -O || exit 1
for target in vcard csv json xml email phone; do
    mkdir -p corpus/$target
    # -timeout=60: the first input pays the phonenumber crate's one-time metadata load, which
    # takes about 20 s under AddressSanitizer.
    cargo +nightly fuzz run -O $target corpus/$target seeds/$target -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -timeout=60 > logs/$target.log 2>&1
    echo "$target: exit $? — $(grep -E 'Done [0-9]+ runs' logs/$target.log)"
done
