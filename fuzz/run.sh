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
# The hostile shapes of issue 9 at seed size (under -max_len): a header and a row of 15,000
# columns, 1,500 rows sharing one phone number (past the most records one contact merges), and
# a card with 1,000 e-mails and 1,000 phones (past the most items one record keeps).
awk 'BEGIN { printf "Name,E-mail"; for (i = 3; i <= 15000; i++) printf ",c"; printf "\nAda,ada@example.org"; for (i = 3; i <= 15000; i++) printf ",x"; printf "\n" }' > seeds/csv/hostile-wide.csv
awk 'BEGIN { print "Name,Phone"; for (i = 0; i < 1500; i++) print "Max Klein,+49 30 1234567" }' > seeds/csv/hostile-shared-phone.csv
awk 'BEGIN { printf "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Max Klein\r\n"; for (i = 0; i < 1000; i++) printf "EMAIL:m%d@k.de\r\nTEL:+4930%07d\r\n", i, i; printf "END:VCARD\r\n" }' > seeds/vcard/hostile-many-items.vcf
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
