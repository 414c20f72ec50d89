#!/usr/bin/env python3
"""Writes the libphonenumber vectors of the phone differential test
(crates/contacts/tests/data/phone_libphonenumber.tsv): numbers of every region libphonenumber
supports, and of every non-geographic calling code, written the ways people write them, with
what libphonenumber makes of each (its Python port, `phonenumbers`, pinned below).

Regenerate (the output is deterministic for a given `phonenumbers` version):

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install phonenumbers==9.0.42
    /tmp/venv/bin/python crates/contacts/tools/phone_vectors.py > crates/contacts/tests/data/phone_libphonenumber.tsv

The version is pinned to the one whose metadata the Rust side uses (rlibphonenumber 2.2.15
carries libphonenumber's metadata v9.0.42): a newer metadata release changes some answers, and
the test would then measure the metadata's age rather than the parser.

Numbers: for each region, the example numbers of its fixed-line, mobile, toll-free, premium-rate, VoIP and
"universal access" ranges,
one more with its last four digits drawn at random, and two of a wrong length (one digit less,
one more), and one far too short. Forms, each with the default region the test passes:
  national        the national format ("020 7946 0000"), with the region itself;
  international   "+44 20 7946 0000", with no region, or with another region (whose own
                  national-prefix rule must not apply);
  idd             "00 44 20 7946 0000", with a region whose international prefix is 00;
  e164            "+442079460000", with no region;
  zero            "+44 (0)20 7946 0000" where the national prefix is 0, with no region, or with
                  the region itself;
  issue           the numbers issue 9 named, as written there.
Columns: input, default region ("-" for none), form, libphonenumber's E.164 (or "-" when it
does not parse), its `is_possible_number_with_reason` (or the parse error's type).
"""

import random
import re
import sys

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

PINNED = "9.0.42"

# The differences issue 9 reported between libphonenumber and the `phonenumber` crate.
ISSUE_9 = [
    ("+57 (0)3211234477", None),
    ("+44 (0)7700 900194", None),
    ("06 03 17 43", "GA"),
    ("250 123 646", "RW"),
]

TYPES = [
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.MOBILE,
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.VOIP,
    PhoneNumberType.UAN,
]

REASONS = {
    value: name
    for name, value in vars(phonenumbers.ValidationResult).items()
    if name.isupper()
}

ERRORS = {
    value: name
    for name, value in vars(NumberParseException).items()
    if name.isupper() and isinstance(value, int)
}


def expected(text, region):
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as error:
        return "-", ERRORS[error.error_type]
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return e164, REASONS[phonenumbers.is_possible_number_with_reason(number)]


def numbers_of(region, rng):
    """The region's example numbers, one changed at random, and two of a wrong length."""
    found = []
    for kind in TYPES:
        number = phonenumbers.example_number_for_type(region, kind)
        if number is not None and number not in found:
            found.append(number)
    if not found:
        return [], []
    base = found[0]
    nsn = phonenumbers.national_significant_number(base)
    if len(nsn) > 4:
        changed = nsn[:-4] + "".join(rng.choice("0123456789") for _ in range(4))
        found.append(phonenumbers.parse("+%d%s" % (base.country_code, changed), None))
    wrong = [
        (base.country_code, nsn[:-1]),
        (base.country_code, nsn + rng.choice("0123456789")),
    ]
    return found, wrong


def main():
    if phonenumbers.__version__ != PINNED:
        sys.exit("phone_vectors.py: needs phonenumbers==%s (found %s)" % (PINNED, phonenumbers.__version__))
    rng = random.Random(9)
    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    idd_00 = [
        r for r in regions
        if re.fullmatch(phonenumbers.PhoneMetadata.metadata_for_region(r).international_prefix or "", "00")
    ]
    rows = []
    for index, region in enumerate(regions):
        meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
        numbers, wrong = numbers_of(region, rng)
        foreign = regions[(index * 37 + 11) % len(regions)]
        dialing_from = idd_00[index % len(idd_00)]
        for n, number in enumerate(numbers):
            national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
            international = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
            e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
            rows.append((national, region, "national"))
            rows.append((international, None if n % 2 == 0 else foreign, "international"))
            rows.append(("00 " + international[1:], dialing_from, "idd"))
            rows.append((e164, None, "e164"))
            if meta.national_prefix == "0":
                code, _, rest = international.partition(" ")
                rows.append(("%s (0)%s" % (code, rest), None if n % 2 == 0 else region, "zero"))
        for code, nsn in wrong:
            rows.append(("+%d%s" % (code, nsn), None, "e164"))
            if meta.national_prefix:
                rows.append((meta.national_prefix + nsn, region, "national"))
        if wrong:
            # Far too short: libphonenumber does not parse it.
            rows.append(("+%d %s" % (wrong[0][0], wrong[0][1][:1]), None, "e164"))
    for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        number = phonenumbers.example_number_for_non_geo_entity(code)
        if number is None:
            continue
        rows.append((phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL), None, "international"))
        rows.append((phonenumbers.format_number(number, PhoneNumberFormat.E164), None, "e164"))

    # Calling codes no country has.
    for code in (0, 292, 384, 999):
        rows.append(("+%d 1234 5678" % code, None, "e164"))
    # The numbers issue 9 named, as it wrote them.
    for text, region in ISSUE_9:
        rows.append((text, region, "issue"))

    out = sys.stdout
    out.write("# libphonenumber's answers, from Python phonenumbers==%s; regenerate with\n" % PINNED)
    out.write("# crates/contacts/tools/phone_vectors.py (its docstring says how).\n")
    out.write("input\tregion\tform\te164\tpossible\n")
    for text, region, form in rows:
        e164, possible = expected(text, region)
        out.write("%s\t%s\t%s\t%s\t%s\n" % (text, region or "-", form, e164, possible))


if __name__ == "__main__":
    main()
