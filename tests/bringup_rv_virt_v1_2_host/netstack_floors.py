#!/usr/bin/env python3
"""The netstack's files stand in floors: a file calls only its own functions
and those of the floors below it (userspace/libs/netstack/src/ns_internal.h).

Reads the "=== Floor N: a.c b.c (...)" lines of ns_internal.h and the
declarations under each, then every src/*.c with its comments and strings
taken out, and fails on:
  - a call of an ns_* function defined in another file that is not on a
    lower floor (a higher number), i.e. a call up or sideways;
  - an ns_* function defined in two files, or a call of one defined nowhere
    (not in a file, not inline in ns_internal.h);
  - a declaration under a floor whose files do not define it;
  - a file in no floor or in two, a floor naming a file that is not there;
  - a local include other than ns_internal.h and netstack/netstack.h.

Usage: netstack_floors.py SRC_DIR   (userspace/libs/netstack/src)
"""
import os
import re
import sys

FLOOR = re.compile(r"^/\* === Floor (\d+): ([\w. ]+?) \(")
DECL = re.compile(r"^[a-z][\w \*]*?\b(ns_\w+)\(")
CALL = re.compile(r"\b(ns_[a-z0-9_]+)\s*\(")
INLINE = re.compile(r"^static inline [\w \*]*?\b(ns_\w+)\(", re.M)
INCLUDE = re.compile(r'^#include "([^"]+)"', re.M)


def strip(text):
    """Comments and string literals out, line breaks kept."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    text = re.sub(r"/\*.*?\*/", blank, text, flags=re.S)
    text = re.sub(r"//[^\n]*", blank, text)
    return re.sub(r'"(\\.|[^"\\\n])*"', '""', text)


def main(src):
    errors = []
    header = open(os.path.join(src, "ns_internal.h")).read()
    floor_of = {}     # file -> floor number
    declared = {}     # function -> floor number it is declared under
    floor = None
    for line in header.splitlines():
        m = FLOOR.match(line)
        if m:
            floor = int(m.group(1))
            for f in m.group(2).split():
                if f in floor_of:
                    errors.append(f"{f} is in floors {floor_of[f]} and {floor}")
                floor_of[f] = floor
            continue
        m = DECL.match(line)
        if m and floor is not None and not line.startswith("static"):
            declared[m.group(1)] = floor
    inline = set(INLINE.findall(header))
    if not floor_of:
        errors.append("ns_internal.h lists no floor")

    files = sorted(f for f in os.listdir(src) if f.endswith(".c"))
    for f in files:
        if f not in floor_of:
            errors.append(f"{f} is in no floor of ns_internal.h")
    for f in floor_of:
        if f not in files:
            errors.append(f"floor {floor_of[f]} names {f}, which is not in {src}")

    text = {f: strip(open(os.path.join(src, f)).read()) for f in files}
    defined = {}  # function -> file
    for f in files:
        for line in text[f].splitlines():
            m = DECL.match(line)
            if m and not line.rstrip().endswith(";"):
                name = m.group(1)
                if name in defined:
                    errors.append(f"{name} is defined in {defined[name]} and {f}")
                defined[name] = f
        for inc in INCLUDE.findall(text[f]):
            if inc not in ("ns_internal.h", "netstack/netstack.h"):
                errors.append(f'{f} includes "{inc}"')

    for name, fl in declared.items():
        where = defined.get(name)
        if where is None:
            errors.append(f"{name} is declared under floor {fl} and defined nowhere")
        elif floor_of.get(where) != fl:
            errors.append(f"{name} is declared under floor {fl} but defined in {where}"
                          f" (floor {floor_of.get(where)})")

    calls = 0
    for f in files:
        if f not in floor_of:
            continue
        for n, line in enumerate(text[f].splitlines(), 1):
            own = DECL.match(line)
            for m in CALL.finditer(line):
                name = m.group(1)
                if own and own.group(1) == name and not line.rstrip().endswith(";"):
                    continue  # its own definition
                where = defined.get(name)
                if where is None:
                    if name not in inline:
                        errors.append(f"{f}:{n}: {name} is defined nowhere")
                    continue
                if where == f:
                    continue
                calls += 1
                if floor_of[where] <= floor_of[f]:
                    errors.append(f"{f}:{n}: calls {name} of {where}: floor {floor_of[f]}"
                                  f" may only call floors below it, and {where} is on floor"
                                  f" {floor_of[where]}")
    for e in errors:
        print("netstack_floors: " + e)
    if errors:
        return 1
    print(f"netstack_floors: ok: {len(files)} files in {len(set(floor_of.values()))} floors,"
          f" {calls} calls between files, all downward")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
