#!/usr/bin/env python3
"""Writes crates/contacts/src/normalize/phone/metadata.bin: rlibphonenumber's compiled
libphonenumber metadata (a protobuf `PhoneMetadataCollection`, `resources/phonemetadata.proto`
in that crate) with only the fields that parsing to E.164 and the possible-length test read.

Regenerate (from the repository root; the output is deterministic for a given crate version):

    python3 crates/contacts/tools/phone_metadata.py > crates/contacts/src/normalize/phone/metadata.bin

It finds the crate's `src/generated/metadata/metadata.bin` through `cargo metadata`.

Why: the full metadata is 229 KB (55 KB gzip) in the engine module, and most of it is what
normalization never reads: the national and international formatting patterns, and the number
ranges and example numbers of each number type (fixed line, mobile, …), which only
`is_valid_number`, `get_number_type` and the formatters other than E.164 use. Parsing reads the
general description (its pattern, which tells whether stripping a national prefix leaves a
viable number, and its possible lengths), the country code, the international and national
prefixes and their parsing rules, and which region is the main one of a shared country code
(libphonenumber's `parseHelper`, `maybeExtractCountryCode`,
`maybeStripNationalPrefixAndCarrierCode`, `isPossibleNumberWithReason`). The differential test
against libphonenumber (`tests/phone_libphonenumber.rs`) runs on the trimmed metadata.
"""

import json
import os
import subprocess
import sys

# PhoneMetadata fields kept (field numbers of phonemetadata.proto): general_desc (1), id (9),
# country_code (10), international_prefix (11), national_prefix (12), preferred_extn_prefix
# (13), national_prefix_for_parsing (15), national_prefix_transform_rule (16),
# preferred_international_prefix (17), same_mobile_and_fixed_line_pattern (18),
# main_country_for_code (22), leading_digits (23), mobile_number_portable_region (32).
# Dropped: the type descriptions (2-8, 21, 24, 25, 27-31, 33) and the formats (19, 20).
KEPT = {1, 9, 10, 11, 12, 13, 15, 16, 17, 18, 22, 23, 32}

# PhoneNumberDesc fields kept: national_number_pattern (2), possible_length (9),
# possible_length_local_only (10). Dropped: example_number (6).
KEPT_IN_DESC = {2, 9, 10}

VERSION = "2.2.15"


def varint(data, at):
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def encode_varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def fields(data):
    """(field number, wire type, the field's whole bytes, its payload for length-delimited)."""
    at = 0
    while at < len(data):
        start = at
        key, at = varint(data, at)
        number, wire = key >> 3, key & 7
        payload = None
        if wire == 0:
            _, at = varint(data, at)
        elif wire == 1:
            at += 8
        elif wire == 2:
            length, at = varint(data, at)
            payload = data[at:at + length]
            at += length
        elif wire == 5:
            at += 4
        else:
            raise ValueError("wire type %d" % wire)
        yield number, wire, data[start:at], payload


def message(number, payload):
    return encode_varint(number << 3 | 2) + encode_varint(len(payload)) + payload


def trim_desc(desc):
    return b"".join(raw for number, _, raw, _ in fields(desc) if number in KEPT_IN_DESC)


def trim_metadata(meta):
    out = bytearray()
    for number, _, raw, payload in fields(meta):
        if number == 1:
            out += message(1, trim_desc(payload))
        elif number in KEPT:
            out += raw
    return bytes(out)


def source():
    listing = json.loads(subprocess.check_output(
        ["cargo", "metadata", "--format-version", "1", "--locked"], text=True))
    for package in listing["packages"]:
        if package["name"] == "rlibphonenumber":
            if package["version"] != VERSION:
                sys.exit("phone_metadata.py: written for rlibphonenumber %s, found %s"
                         % (VERSION, package["version"]))
            root = os.path.dirname(package["manifest_path"])
            return os.path.join(root, "src", "generated", "metadata", "metadata.bin")
    sys.exit("phone_metadata.py: rlibphonenumber is not in the dependency graph")


def main():
    with open(source(), "rb") as file:
        collection = file.read()
    out = bytearray()
    for number, _, raw, payload in fields(collection):
        if number != 1:
            sys.exit("phone_metadata.py: unexpected field %d in the collection" % number)
        out += message(1, trim_metadata(payload))
    sys.stdout.buffer.write(bytes(out))


if __name__ == "__main__":
    main()
