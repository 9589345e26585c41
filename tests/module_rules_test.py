#!/usr/bin/env python3
"""capsim's module rules, checked on the source tree (run from ctest with the project root).

A module is a folder under include/capsim/ (its compiled part is the same folder under libsim/).
- The include graph between modules has no cycle.
- Only scenario/, sim/ and io/ include scenario/: every spec type lives beside the module that acts
  on it, and the scenario only assembles them.
- nlohmann/json and yaml-cpp appear only under libsim/io/ (never in a public header, the CLI or
  another module): io is the only module that reads or writes file formats.
- No public header is over 300 lines, and no class has more than 15 data members.
- No source file cites a file outside the repository (../shared).
Each broken rule is printed with the file and line that breaks it.
"""
import os
import re
import sys

INCLUDE = re.compile(r'\s*#\s*include\s+[<"]capsim/([a-z_0-9]+)/')
MAY_INCLUDE_SCENARIO = {"scenario", "sim", "io"}
MAX_HEADER_LINES = 300
MAX_DATA_MEMBERS = 15
SOURCE_DIRS = ("include", "libsim", "tests", "python", "bench", "examples")
SOURCE_EXT = (".hpp", ".cpp", ".h", ".cc", ".in", ".py", ".pyi", ".cmake", ".txt")


def files_under(root, exts=(".hpp", ".cpp", ".h", ".cc", ".in")):
    for dp, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in ("data", "golden", "__pycache__")]
        for f in sorted(files):
            if f.endswith(exts):
                yield os.path.join(dp, f)


def module_edges(modules):
    edges = {m: {} for m in modules}
    for m in modules:
        for root in ("include/capsim", "libsim"):
            for path in files_under(os.path.join(root, m)):
                for n, line in enumerate(open(path, errors="replace"), 1):
                    r = INCLUDE.match(line)
                    if r and r.group(1) != m and r.group(1) in edges:
                        edges[m].setdefault(r.group(1), f"{path}:{n}")
    return edges


def find_cycle(modules, edges):
    state = {m: 0 for m in modules}
    stack = []

    def visit(u):
        state[u] = 1
        stack.append(u)
        for v in sorted(edges[u]):
            if state[v] == 1:
                return stack[stack.index(v):] + [v]
            if state[v] == 0:
                found = visit(v)
                if found:
                    return found
        state[u] = 2
        stack.pop()
        return None

    for m in modules:
        if state[m] == 0:
            found = visit(m)
            if found:
                return found
    return None


def class_members(path):
    """(class name, line, data members) for each class defined in a header."""
    out = []
    lines = open(path, errors="replace").read().split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"\s*class\s+(\w+)(\s+final)?\s*(:[^{]*)?\{\s*$", lines[i])
        if not m:
            i += 1
            continue
        depth, members, start = 1, 0, i
        i += 1
        while i < len(lines) and depth > 0:
            line = lines[i]
            code = line.split("//")[0]
            if (depth == 1 and re.match(r"\s*[\w:<>,\s\*&]+?\s+\w+(\s*(=|\{)[^;]*)?;\s*$", code) and "(" not in code
                    and not re.match(r"\s*(using|friend|typedef|return|static|enum)\b", code)):
                members += 1
            depth += line.count("{") - line.count("}")
            i += 1
        out.append((m.group(1), start + 1, members))
    return out


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    os.chdir(root)
    modules = sorted(d for d in os.listdir("include/capsim") if os.path.isdir(os.path.join("include/capsim", d)))
    problems = []
    edges = module_edges(modules)
    cycle = find_cycle(modules, edges)
    if cycle:
        problems.append("module cycle: " + " -> ".join(f"{a} ({edges[a][b]})" for a, b in zip(cycle, cycle[1:])) + f" -> {cycle[-1]}")
    for m in modules:
        if m not in MAY_INCLUDE_SCENARIO and "scenario" in edges[m]:
            problems.append(f"{m} includes scenario/ ({edges[m]['scenario']}): only {sorted(MAY_INCLUDE_SCENARIO)} may")
    for top in ("include", "libsim"):
        for path in files_under(top):
            text = open(path, errors="replace").read()
            for n, line in enumerate(text.split("\n"), 1):
                if re.search(r"#\s*include\s*[<\"](nlohmann/|yaml-cpp/|yaml\.h)", line) and not path.startswith("libsim/io/"):
                    problems.append(f"{path}:{n}: a file format library outside libsim/io")
            if top == "include" and text.count("\n") > MAX_HEADER_LINES:
                problems.append(f"{path}: {text.count(chr(10))} lines, over {MAX_HEADER_LINES}")
            if path.endswith(".hpp"):
                for name, line, members in class_members(path):
                    if members > MAX_DATA_MEMBERS:
                        problems.append(f"{path}:{line}: class {name} has {members} data members, over {MAX_DATA_MEMBERS}")
    for top in SOURCE_DIRS:
        for path in files_under(top, SOURCE_EXT):
            if path.endswith("module_rules_test.py"):
                continue
            for n, line in enumerate(open(path, errors="replace"), 1):
                if "../shared" in line or "shared/MODEL.md" in line:
                    problems.append(f"{path}:{n}: cites a file outside the repository")
    for p in problems:
        print(p)
    print(f"module rules: {len(modules)} modules, {sum(len(e) for e in edges.values())} edges, "
          f"{'no problem' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
