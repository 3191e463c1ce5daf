#!/usr/bin/env python3
"""The shape of the tree (issue 13), checked so that it stays:

  lines ROOT      every .c and .h file under userspace/libs/, host/ and
                  tools/ has at most 500 lines;
  functions ROOT  every function defined in a .c or .h file under
                  userspace/libs/ has at most 80 lines of body (the lines
                  between its opening and its closing brace);
  vnet-fields ROOT
                  no C file outside userspace/libs/virtio-net/ reads or
                  writes a field of struct vnet_dev: everything else uses
                  the frontend's accessors (virtio_net.h says the fields are
                  private).
  outside-refs ROOT
                  no file of the tree (text files, build/ and .git left
                  out) names a file outside the repository: the design
                  notes the project was started from (DESIGN.md, STYLE.md,
                  the *-NOTES.md checklists) or a ../shared directory. The
                  tree carries what it needs (docs/architecture.md).

Each prints what it found, one line per finding with the file and line, and
exits 1 on any finding, 0 otherwise.

Functions are found the way the root .clang-format lays them out
(BreakBeforeBraces: Linux): a "{" alone at the start of a line after a
signature, the body up to the first "}" at the start of a line.

For vnet-fields, the field names are read from the struct's definition in
virtio_net.h, the names that hold a struct vnet_dev (variables, parameters,
members, pointers or not) from every C file of the tree; a finding is one of
those names followed by "." or "->" and a field name, with comments and
strings taken out. A name that also holds some other struct somewhere is
left out (it cannot be told apart without the types). tests/ is not
looked at: the frontend's unit tests look inside it on purpose.

Usage: tree_shape.py lines|functions|vnet-fields|outside-refs ROOT
"""
import os
import re
import sys

MAX_FILE_LINES = 500
MAX_FUNC_LINES = 80
# Where vnet-fields looks: the code that ships or is shipped with (tests/ is
# left out: the frontend's own unit tests look inside it on purpose).
C_DIRS = ("userspace", "host", "tools", "platform", "bench", "ports", "examples")
VNET_HDR = "userspace/libs/virtio-net/include/virtio-net/virtio_net.h"
VNET_DIR = "userspace/libs/virtio-net/"


def c_files(root, tops):
    """The .c and .h files under each of tops, relative to root, sorted."""
    out = []
    for top in tops:
        for d, dirs, files in os.walk(os.path.join(root, top)):
            dirs[:] = sorted(x for x in dirs if x not in (".git", "build"))
            out += [os.path.relpath(os.path.join(d, f), root) for f in files
                    if f.endswith((".c", ".h"))]
    return sorted(out)


def read(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        return f.read()


def strip(text):
    """Comments, string and character literals out, line breaks kept."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    return re.sub(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'',
                  blank, text, flags=re.S)


def check_lines(root):
    bad = []
    for rel in c_files(root, ("userspace/libs", "host", "tools")):
        n = read(root, rel).count("\n")
        if n > MAX_FILE_LINES:
            bad.append(f"{rel}: {n} lines (at most {MAX_FILE_LINES})")
    return bad


NAME = re.compile(r"(\w+)\s*\(")


def functions(text):
    """(name, line of the signature, body lines) of each function."""
    lines = strip(text).split("\n")
    out = []
    i = 0
    while i < len(lines):
        if lines[i].rstrip() != "{" or i == 0 or not lines[i - 1].rstrip().endswith(")"):
            i += 1
            continue
        start = i - 1  # the signature's first line: the last one not indented
        while start > 0 and lines[start][:1] in (" ", "\t"):
            start -= 1
        m = NAME.search(lines[start])
        end = i + 1
        while end < len(lines) and not lines[end].startswith("}"):
            end += 1
        out.append((m.group(1) if m else "?", start + 1, end - i - 1))
        i = end + 1
    return out


def check_functions(root):
    bad = []
    for rel in c_files(root, ("userspace/libs",)):
        for name, line, n in functions(read(root, rel)):
            if n > MAX_FUNC_LINES:
                bad.append(f"{rel}:{line}: {name} has {n} lines (at most {MAX_FUNC_LINES})")
    return bad


DECL = re.compile(r"\bstruct\s+(\w+)\s*(?:const\s*)?\**\s*(?:const\s*)?(\w+)\s*[;,)=\[]")


def vnet_fields(root):
    text = strip(read(root, VNET_HDR))
    m = re.search(r"^struct vnet_dev \{(.*?)^\};", text, re.S | re.M)
    if not m:
        sys.exit(f"tree_shape: no struct vnet_dev in {VNET_HDR}")
    fields = re.findall(r"(\w+)\s*(?:\[[^\]]*\])?\s*;", m.group(1))
    if len(fields) < 5:
        sys.exit(f"tree_shape: read only {fields} as the fields of struct vnet_dev")
    return fields


def check_vnet_fields(root):
    fields = vnet_fields(root)
    files = c_files(root, C_DIRS)
    texts = {rel: strip(read(root, rel)) for rel in files}
    decls = {}
    for rel, t in texts.items():
        mine, other = set(), set()
        for typ, name in DECL.findall(t):
            (mine if typ == "vnet_dev" else other).add(name)
        decls[rel] = (mine, other)
    # Names the headers give (members such as ns_config's virt0, the
    # harness's dev) hold one in every file; a file's own declarations
    # (parameters, locals) in that file. A name that also holds some other
    # struct there (virt0 is also the hand-over's interface info) cannot be
    # told apart by its spelling: left out.
    shared, shared_other = set(), set()
    for rel, (mine, other) in decls.items():
        shared_other |= other
        if rel.endswith(".h"):
            shared |= mine
    shared -= shared_other
    fields_re = "|".join(fields)
    bad = []
    for rel in files:
        if rel.startswith(VNET_DIR):
            continue
        mine, other = decls[rel]
        holders = shared | (mine - other)
        if not holders:
            continue
        use = re.compile(r"\b(" + "|".join(sorted(holders)) + r")\s*(?:\.|->)\s*(" + fields_re +
                         r")\b")
        for n, line in enumerate(texts[rel].split("\n"), 1):
            for h, f in use.findall(line):
                bad.append(f"{rel}:{n}: {h}.{f}: a field of struct vnet_dev (use an accessor)")
    return bad


# The names looked for; this file itself, which must spell them, is skipped.
OUTSIDE = re.compile(r"\.\./shared|\b(?:DESIGN|STYLE)\.md\b|\b(?:VIRTIO|DHCP|TFTP)-NOTES\b")
SELF = "tests/bringup_rv_virt_v1_2_host/tree_shape.py"


def check_outside_refs(root):
    bad = []
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if x not in (".git", "build"))
        for f in sorted(files):
            path = os.path.join(d, f)
            with open(path, "rb") as fh:
                data = fh.read()
            if b"\0" in data:
                continue  # binary: pcaps, fuzz inputs
            rel = os.path.relpath(path, root)
            if rel == SELF:
                continue
            for n, line in enumerate(data.decode("utf-8", "replace").split("\n"), 1):
                if OUTSIDE.search(line):
                    bad.append(f"{rel}:{n}: names a file outside the repository")
    return bad


def main():
    checks = {"lines": check_lines, "functions": check_functions,
              "vnet-fields": check_vnet_fields, "outside-refs": check_outside_refs}
    if len(sys.argv) != 3 or sys.argv[1] not in checks:
        sys.exit(__doc__)
    bad = checks[sys.argv[1]](sys.argv[2])
    for b in bad:
        print(b)
    print(f"tree_shape {sys.argv[1]}: {len(bad)} finding(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
