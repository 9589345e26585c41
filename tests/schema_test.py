#!/usr/bin/python3
"""Check scenario files against scenarios/schema/scenario.schema.json.

Usage: /usr/bin/python3 tests/schema_test.py <repo-root>

* Every shipped scenario (<root>/scenarios/*.json, top level only) must be
  valid; at least one must exist.
* Every tests/data/bad/*.json (except loader_only.json) must fail to parse or
  be rejected by the schema, unless tests/data/bad/loader_only.json lists it
  (filename -> reason): those are errors only the loader can see (cross
  references, catalog names, file contents) and must be *valid* against the
  schema, so the list cannot go stale.

Prints one line per file and ends with "N passed, M failed"; exits 1 if M > 0.
Needs only the standard library and jsonschema (Draft 2020-12).
"""

import json
import os
import sys

import jsonschema
from jsonschema.exceptions import best_match

SCHEMA_REL = "scenarios/schema/scenario.schema.json"
BAD_REL = "tests/data/bad"
LOADER_ONLY = "loader_only.json"


class ParseError(Exception):
    pass


def _reject_constant(name):
    raise ParseError("non-standard JSON constant " + name)


def _no_duplicates(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise ParseError("duplicate key " + json.dumps(key))
        obj[key] = value
    return obj


def load_json(path):
    """Strict JSON: UTF-8, no NaN/Infinity, no duplicate keys."""
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
        return json.loads(text, parse_constant=_reject_constant,
                          object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, ValueError, ParseError) as e:
        raise ParseError(str(e)) from None
    except RecursionError:
        raise ParseError("nested deeper than Python's parser goes (capsim refuses more than 64 levels)") from None


def short(message, limit=200):
    line = message.splitlines()[0] if message else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."


def explain(error):
    """The most useful error for a oneOf/anyOf failure: if exactly one branch
    passed its discriminator (type, const), the errors of that branch."""
    while error.validator in ("oneOf", "anyOf") and error.context:
        branches = {}
        for e in error.context:
            branches.setdefault(e.relative_schema_path[0], []).append(e)
        depth = len(error.absolute_path)
        chosen = [errs for errs in branches.values()
                  if not any(e.validator in ("type", "const") and len(e.absolute_path) <= depth + 1
                             for e in errs)]
        if len(chosen) != 1:
            break
        error = sorted(chosen[0], key=lambda e: (len(e.absolute_path), e.message))[0]
    return error


def first_error(errors):
    return explain(best_match(errors))


def error_lines(errors):
    out = []
    for e in sorted(errors, key=lambda e: (list(map(str, e.absolute_path)), e.message)):
        out.append("       %s: %s" % (e.json_path, short(e.message)))
        inner = explain(e)
        if inner is not e:
            out.append("         (in the matching branch: %s: %s)" % (inner.json_path, short(inner.message)))
    return out


def main(argv):
    if len(argv) > 2:
        print("usage: schema_test.py <repo-root>", file=sys.stderr)
        return 2
    root = os.path.abspath(argv[1] if len(argv) == 2 else
                           os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    passed = 0
    failed = 0

    def ok(line):
        nonlocal passed
        passed += 1
        print("ok   " + line)

    def fail(line, details=()):
        nonlocal failed
        failed += 1
        print("FAIL " + line)
        for d in details:
            print(d)

    def finish():
        print("%d passed, %d failed" % (passed, failed))
        return 1 if failed else 0

    # The schema itself.
    try:
        schema = load_json(os.path.join(root, SCHEMA_REL))
        jsonschema.Draft202012Validator.check_schema(schema)
    except (OSError, ParseError) as e:
        fail("%s: cannot read: %s" % (SCHEMA_REL, e))
        return finish()
    except jsonschema.exceptions.SchemaError as e:
        fail("%s: not a valid draft 2020-12 schema: %s at %s" % (SCHEMA_REL, short(e.message), e.json_path))
        return finish()
    validator = jsonschema.Draft202012Validator(schema)

    # Shipped scenarios and the tests' good scenarios: all must be valid.
    names = []
    for folder in ("scenarios", "tests/data/scenarios"):
        scen_dir = os.path.join(root, folder)
        if os.path.isdir(scen_dir):
            names += sorted(folder + "/" + n for n in os.listdir(scen_dir)
                            if n.endswith(".json") and os.path.isfile(os.path.join(scen_dir, n)))
    for rel in names:
        try:
            doc = load_json(os.path.join(root, rel))
        except (OSError, ParseError) as e:
            fail("%s: invalid JSON: %s" % (rel, e))
            continue
        errors = list(validator.iter_errors(doc))
        if errors:
            fail("%s: %d schema error(s)" % (rel, len(errors)), error_lines(errors))
        else:
            ok(rel)
    if not names:
        fail("scenarios/*.json: no shipped scenario found, nothing was checked")

    # Known-bad files.
    bad_dir = os.path.join(root, BAD_REL)
    lo_rel = BAD_REL + "/" + LOADER_ONLY
    loader_only = {}
    lo_path = os.path.join(bad_dir, LOADER_ONLY)
    if os.path.exists(lo_path):
        try:
            loader_only = load_json(lo_path)
            if not isinstance(loader_only, dict) or \
                    not all(isinstance(v, str) for v in loader_only.values()):
                raise ParseError("must be an object filename -> reason (string)")
        except (OSError, ParseError) as e:
            fail("%s: %s" % (lo_rel, e))
            loader_only = {}
    bad_names = sorted(n for n in os.listdir(bad_dir)
                       if n.endswith(".json") and n != LOADER_ONLY
                       and os.path.isfile(os.path.join(bad_dir, n))) \
        if os.path.isdir(bad_dir) else []
    for stale in sorted(set(loader_only) - set(bad_names)):
        fail("%s lists %s, which is not a file in %s" % (lo_rel, stale, BAD_REL))

    for n in bad_names:
        rel = BAD_REL + "/" + n
        listed = n in loader_only
        try:
            doc = load_json(os.path.join(bad_dir, n))
        except (OSError, ParseError) as e:
            if listed:
                fail("%s: listed in %s as loader-only (%s) but is not valid JSON: %s"
                     % (rel, LOADER_ONLY, loader_only[n], e))
            else:
                ok("rejected %s: invalid JSON: %s" % (rel, short(str(e))))
            continue
        errors = list(validator.iter_errors(doc))
        if listed:
            if errors:
                fail("%s: listed in %s as loader-only (%s) but the schema rejects it"
                     % (rel, LOADER_ONLY, loader_only[n]), error_lines(errors))
            else:
                ok("loader-only %s: %s" % (rel, loader_only[n]))
        elif errors:
            first = first_error(errors)
            ok("rejected %s: %s (at %s)" % (rel, short(first.message), first.json_path))
        else:
            fail("%s: accepted by the schema; reject it there or list it in %s with the reason"
                 % (rel, LOADER_ONLY))

    return finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
