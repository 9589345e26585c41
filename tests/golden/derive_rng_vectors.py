#!/usr/bin/python3
"""Derive golden vectors for capsim's random streams.

Usage (from the repository root):
    /usr/bin/python3 tests/golden/derive_rng_vectors.py > tests/golden/rng_vectors.hpp

The algorithms below are transcribed from their published definitions (splitmix64 and
xoshiro256** by Vigna / Blackman-Vigna, FNV-1a 64, Hoermann's PTRS as in numpy's
random_poisson_ptrs), NOT from capsim's C++ sources or output, so the generated header is an
independent check on the C++ implementation. Standard library only.

The C++ test compares doubles with ==. That is sound because every operation here is a single
IEEE-754 double operation evaluated in the same order as the C++ expression would be, and
log/exp/cos/sqrt go through the platform libm in both CPython and C++. The one exception is
lgamma (CPython ships its own), so the script counts how often PTRS evaluated its lgamma test;
the count is written into the header and printed to stderr.
"""

import math
import sys

MASK64 = 0xFFFFFFFFFFFFFFFF


# --------------------------------------------------------------------------------------------
# Generators
# --------------------------------------------------------------------------------------------

class SplitMix64:
    """splitmix64; the state is public because stream keys overwrite it between steps."""

    def __init__(self, state):
        self.state = state & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK64


class Xoshiro256StarStar:
    """xoshiro256** 1.0."""

    def __init__(self, state):
        assert len(state) == 4
        self.s = [v & MASK64 for v in state]

    @classmethod
    def from_seed(cls, x):
        # Vigna's recommended seeding: four successive splitmix64 outputs.
        sm = SplitMix64(x)
        return cls([sm.next() for _ in range(4)])

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & MASK64, 7) * 9) & MASK64
        t = (s[1] << 17) & MASK64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def uniform01(self):
        # 53 random bits scaled by 2^-53: exact in double, so identical to the C++ expression.
        return (self.next() >> 11) * (2.0 ** -53)


def fnv1a64(text):
    h = 0xCBF29CE484222325
    for byte in text.encode("utf-8"):
        h ^= byte
        h = (h * 0x100000001B3) & MASK64
    return h


def make_stream(seed, replicate, component, entity, index):
    """Chain the key parts through splitmix64 so every part perturbs the final seed."""
    sm = SplitMix64(seed)
    k = sm.next()
    for part in (replicate, fnv1a64(component), fnv1a64(entity), index):
        sm.state = (k ^ part) & MASK64
        k = sm.next()
    return Xoshiro256StarStar.from_seed(k)


# --------------------------------------------------------------------------------------------
# Distributions. Expressions are written in the same left-to-right order as their C++
# counterparts are expected to be, because floating-point results depend on that order.
# --------------------------------------------------------------------------------------------

def uniform(rng, lo, hi):
    return lo + (hi - lo) * rng.uniform01()


def exponential(rng, mean):
    return -mean * math.log(1.0 - rng.uniform01())


def normal(rng, mean, sd):
    # Box-Muller with the second variate discarded, so a draw never depends on an earlier one.
    # 1 - u keeps the log argument in (0, 1].
    u1 = 1.0 - rng.uniform01()
    u2 = rng.uniform01()
    return mean + sd * math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def lognormal(rng, median, sigma):
    return median * math.exp(normal(rng, 0.0, sigma))


def bernoulli(rng, p):
    return rng.uniform01() < p


def empirical(rng, values):
    n = len(values)
    return values[min(math.floor(rng.uniform01() * n), n - 1)]


class PoissonStats:
    """How often PTRS reached its lgamma test (the only libm-independent step)."""
    lgamma_evaluations = 0
    lgamma_accepts = 0


def poisson(rng, mean):
    if mean <= 0:
        return 0
    if mean < 10:
        # Multiplication method: exact and cheap for small means.
        limit = math.exp(-mean)
        k = 0
        prod = rng.uniform01()
        while prod > limit:
            k += 1
            prod *= rng.uniform01()
        return k
    # PTRS (Hoermann 1993), constants as in numpy's random_poisson_ptrs.
    slam = math.sqrt(mean)
    loglam = math.log(mean)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    invalpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2)
    while True:
        u = rng.uniform01() - 0.5
        v = rng.uniform01()
        us = 0.5 - abs(u)
        k = math.floor((2 * a / us + b) * u + mean + 0.43)
        if us >= 0.07 and v <= vr:
            return k
        if k < 0 or (us < 0.013 and v > us):
            continue
        PoissonStats.lgamma_evaluations += 1
        if (math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b)
                <= -mean + k * loglam - math.lgamma(k + 1)):
            PoissonStats.lgamma_accepts += 1
            return k


# --------------------------------------------------------------------------------------------
# Self-checks against published reference values; a failure means the transcription is wrong.
# --------------------------------------------------------------------------------------------

def self_check():
    sm = SplitMix64(1234567)
    assert [sm.next() for _ in range(3)] == [
        6457827717110365317, 3203168211198807973, 9817491932198370423], "splitmix64"
    x = Xoshiro256StarStar([1, 2, 3, 4])
    assert [x.next(), x.next()] == [11520, 0], "xoshiro256**"
    # FNV-1a 64 reference values (empty string is the offset basis).
    assert fnv1a64("") == 0xCBF29CE484222325, "fnv1a64 empty"
    assert fnv1a64("a") == 0xAF63DC4C8601EC8C, "fnv1a64 'a'"
    assert fnv1a64("foobar") == 0x85944171F73967E8, "fnv1a64 'foobar'"


# --------------------------------------------------------------------------------------------
# Header emission
# --------------------------------------------------------------------------------------------

GOLDEN_KEY = (42, 0, "golden", "vectors", 0)
N = 8


def fresh():
    return make_stream(*GOLDEN_KEY)


def draws(sampler, count=N):
    rng = fresh()  # each list starts at the key's first draw
    return [sampler(rng) for _ in range(count)]


def fmt_double(x):
    # repr is the shortest string that round-trips, so the C++ literal is the same double.
    assert math.isfinite(x)
    text = repr(float(x))
    assert float(text) == x
    return text


def fmt_u64(x):
    return "%dULL" % x


def fmt_i64(x):
    return "%d" % x


def fmt_bool(x):
    return "true" if x else "false"


def array(ctype, name, values, fmt, per_line=4):
    items = [fmt(v) for v in values]
    lines = ["inline constexpr %s %s[%d] = {" % (ctype, name, len(items))]
    for i in range(0, len(items), per_line):
        lines.append("    " + ", ".join(items[i:i + per_line]) + ",")
    lines.append("};")
    return "\n".join(lines)


def cstr(s):
    assert '"' not in s and "\\" not in s
    return '"%s"' % s


def main():
    self_check()

    sections = [
        ("First outputs of next().",
         array("std::uint64_t", "kRawU64", draws(lambda r: r.next()), fmt_u64, 2)),
        ("uniform01() = (next() >> 11) * 2^-53.",
         array("double", "kUniform01", draws(lambda r: r.uniform01()), fmt_double)),
        ("uniform(2, 5).",
         array("double", "kUniform_2_5", draws(lambda r: uniform(r, 2.0, 5.0)), fmt_double)),
        ("exponential(mean 3).",
         array("double", "kExponential_mean3",
               draws(lambda r: exponential(r, 3.0)), fmt_double)),
        ("normal(mean 10, sd 2), Box-Muller, one variate per call.",
         array("double", "kNormal_10_2", draws(lambda r: normal(r, 10.0, 2.0)), fmt_double)),
        ("lognormal(median 90, sigma 0.3).",
         array("double", "kLognormal_90_03",
               draws(lambda r: lognormal(r, 90.0, 0.3)), fmt_double)),
        ("bernoulli(0.3).",
         array("bool", "kBernoulli_03", draws(lambda r: bernoulli(r, 0.3), 16), fmt_bool, 8)),
        ("empirical over kEmpiricalValues.",
         array("double", "kEmpirical",
               draws(lambda r: empirical(r, [5.0, 10.0, 20.0, 40.0])), fmt_double)),
        ("poisson(mean 4): multiplication method.",
         array("std::int64_t", "kPoisson_mean4", draws(lambda r: poisson(r, 4.0)), fmt_i64, 8)),
    ]

    # Count lgamma use only over the PTRS vectors, which are the only ones that can reach it.
    PoissonStats.lgamma_evaluations = PoissonStats.lgamma_accepts = 0
    sections += [
        ("poisson(mean 1300): PTRS.",
         array("std::int64_t", "kPoisson_mean1300",
               draws(lambda r: poisson(r, 1300.0)), fmt_i64, 8)),
        ("poisson(mean 25.5): PTRS.",
         array("std::int64_t", "kPoisson_mean25_5",
               draws(lambda r: poisson(r, 25.5)), fmt_i64, 8)),
    ]
    lgamma_evals = PoissonStats.lgamma_evaluations
    lgamma_accepts = PoissonStats.lgamma_accepts

    other_keys = [
        (42, 1, "golden", "vectors", 0),
        (42, 0, "arrivals", "vectors", 0),
        (42, 0, "golden", "other", 0),
        (42, 0, "golden", "vectors", 7),
        (43, 0, "golden", "vectors", 0),
    ]
    stream_rows = []
    for key in [GOLDEN_KEY] + other_keys:
        seed, rep, comp, ent, idx = key
        first = make_stream(*key).next()
        stream_rows.append("    {%dULL, %dULL, %s, %s, %dULL, %s}," % (
            seed, rep, cstr(comp), cstr(ent), idx, fmt_u64(first)))

    out = []
    out.append("#pragma once")
    out.append("// GENERATED FILE - do not edit. Regenerate from the repository root with:")
    out.append("//   /usr/bin/python3 tests/golden/derive_rng_vectors.py > tests/golden/rng_vectors.hpp")
    out.append("// Derived independently in Python from the published algorithm definitions")
    out.append("// (splitmix64, xoshiro256** 1.0, FNV-1a 64, Box-Muller, PTRS), not from capsim output.")
    out.append("// Every list uses a fresh generator for kGoldenKey, so each starts at the key's first draw.")
    out.append("// Doubles are shortest round-trip literals: compare with ==.")
    out.append("// PTRS lgamma test evaluated %d time(s) (%d accepted) while generating the Poisson"
               % (lgamma_evals, lgamma_accepts))
    out.append("// vectors; Python's lgamma is not the platform's, so a mismatch there may be lgamma.")
    out.append("#include <cstdint>")
    out.append("#include <string_view>")
    out.append("")
    out.append("namespace capsim::golden {")
    out.append("")
    out.append("struct StreamVector {")
    out.append("  std::uint64_t seed;")
    out.append("  std::uint64_t replicate;")
    out.append("  std::string_view component;")
    out.append("  std::string_view entity;")
    out.append("  std::uint64_t index;")
    out.append("  std::uint64_t first_u64;")
    out.append("};")
    out.append("")
    out.append("// The key every k* array below is drawn from.")
    out.append("inline constexpr StreamVector kGoldenKey = {%s};" % stream_rows[0].strip()[1:-2])
    out.append("")
    out.append("inline constexpr double kEmpiricalValues[4] = {5.0, 10.0, 20.0, 40.0};")
    out.append("inline constexpr int kPtrsLgammaEvaluations = %d;" % lgamma_evals)
    out.append("")
    for comment, body in sections:
        out.append("// " + comment)
        out.append(body)
        out.append("")
    out.append("// First next() of neighbouring keys: each differs from kGoldenKey in one part.")
    out.append("inline constexpr StreamVector kStreamFirstU64[%d] = {" % len(other_keys))
    out.extend(stream_rows[1:])
    out.append("};")
    out.append("")
    out.append("}  // namespace capsim::golden")
    sys.stdout.write("\n".join(out) + "\n")

    print("self-checks passed; PTRS lgamma evaluations: %d (accepted %d)"
          % (lgamma_evals, lgamma_accepts), file=sys.stderr)


if __name__ == "__main__":
    main()
