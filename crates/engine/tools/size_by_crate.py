#!/usr/bin/env python3
"""The engine module's code by crate: sums twiggy's shallow sizes of the functions whose
demangled name starts with (or, for a trait impl `<T as Trait>::f`, whose type starts with)
each crate's path. Data segments cannot be told apart this way (rustc puts all constant data
in one `.rodata` segment): it is printed as one line.

    twiggy top -n 1000000 -f csv target/wasm32-unknown-unknown/engine/contact_picker_engine.wasm \
        | python3 crates/engine/tools/size_by_crate.py

Read the named module cargo writes (before wasm-bindgen and wasm-opt strip the names); its
figures are raw bytes before wasm-opt, so they tell shares, not the shipped size. "(other)" is
mostly wasm-bindgen's describe functions and shims, which wasm-bindgen removes.
"""

import csv
import re
import sys
from collections import Counter

sizes = Counter()
total = 0
for row in csv.DictReader(sys.stdin):
    name, size = row["Name"], int(row["ShallowSize"])
    total += size
    if name.startswith("data segment") or name.startswith("data["):
        sizes["(data segments)"] += size
        continue
    if name.startswith("custom section '__wasm_bindgen"):
        sizes["(wasm-bindgen's custom section, removed by wasm-bindgen)"] += size
        continue
    if "subsection" in name or name.startswith("custom section") or name in ("type section", "import section", "export section", "elem section", "table section", "memory section", "global section", "wasm magic bytes"):
        sizes["(names, sections)"] += size
        continue
    path = name.lstrip("<&*").removeprefix("mut ").removeprefix("dyn ")
    match = re.match(r"([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::", path)
    if match:
        sizes[match.group(1)] += size
    elif path.startswith(("str>", "str ", "[", "T ", "F ", "f64", "u8", "char")):
        sizes["(generic or primitive impls)"] += size
    else:
        sizes["(other)"] += size

for crate, size in sizes.most_common(40):
    print(f"{size:>10}  {100 * size / total:5.1f}%  {crate}")
print(f"{total:>10}  100.0%  total")
