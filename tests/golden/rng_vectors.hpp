#pragma once
// GENERATED FILE - do not edit. Regenerate from the repository root with:
//   /usr/bin/python3 tests/golden/derive_rng_vectors.py > tests/golden/rng_vectors.hpp
// Derived independently in Python from the published algorithm definitions
// (splitmix64, xoshiro256** 1.0, FNV-1a 64, Box-Muller, PTRS), not from capsim output.
// Every list uses a fresh generator for kGoldenKey, so each starts at the key's first draw.
// Doubles are shortest round-trip literals: compare with ==.
// PTRS lgamma test evaluated 2 time(s) (2 accepted) while generating the Poisson
// vectors; Python's lgamma is not the platform's, so a mismatch there may be lgamma.
#include <cstdint>
#include <string_view>

namespace capsim::golden {

struct StreamVector {
  std::uint64_t seed;
  std::uint64_t replicate;
  std::string_view component;
  std::string_view entity;
  std::uint64_t index;
  std::uint64_t first_u64;
};

// The key every k* array below is drawn from.
inline constexpr StreamVector kGoldenKey = {42ULL, 0ULL, "golden", "vectors", 0ULL, 10875888569764548120ULL};

inline constexpr double kEmpiricalValues[4] = {5.0, 10.0, 20.0, 40.0};
inline constexpr int kPtrsLgammaEvaluations = 2;

// First outputs of next().
inline constexpr std::uint64_t kRawU64[8] = {
    10875888569764548120ULL, 11374929256433067701ULL,
    5204537974974459313ULL, 7457014135500912097ULL,
    7959722178161065001ULL, 14381903754233649570ULL,
    16576670224579026562ULL, 15440704102539485425ULL,
};

// uniform01() = (next() >> 11) * 2^-53.
inline constexpr double kUniform01[8] = {
    0.5895831007524494, 0.6166361505846827, 0.28213856896253076, 0.40424554629826015,
    0.43149740389716384, 0.7796445647408777, 0.8986230935032177, 0.8370422466339575,
};

// uniform(2, 5).
inline constexpr double kUniform_2_5[8] = {
    3.768749302257348, 3.849908451754048, 2.8464157068875924, 3.2127366388947802,
    3.2944922116914914, 4.338933694222633, 4.695869280509653, 4.511126739901872,
};

// exponential(mean 3).
inline constexpr double kExponential_mean3[8] = {
    2.671745425408707, 2.876312226873122, 0.994436164630444, 1.5537800617244562,
    1.6942481976548052, 4.537540264551599, 6.866729881029903, 5.442792880716611,
};

// normal(mean 10, sd 2), Box-Muller, one variate per call.
inline constexpr double kNormal_10_2[8] = {
    8.016051819521758, 8.657499704032675, 10.393625938169391, 12.225356069450676,
    10.66380807825601, 7.726208756032649, 9.872007532406855, 12.716750682286523,
};

// lognormal(median 90, sigma 0.3).
inline constexpr double kLognormal_90_03[8] = {
    66.83436826754404, 73.58451620369566, 95.473961996105, 125.66417622531888,
    99.42274218081715, 63.99090627015449, 88.28858289310999, 135.2766948906325,
};

// bernoulli(0.3).
inline constexpr bool kBernoulli_03[16] = {
    false, false, true, false, false, false, false, false,
    true, true, false, false, false, true, false, true,
};

// empirical over kEmpiricalValues.
inline constexpr double kEmpirical[8] = {
    20.0, 20.0, 10.0, 10.0,
    10.0, 40.0, 40.0, 40.0,
};

// poisson(mean 4): multiplication method.
inline constexpr std::int64_t kPoisson_mean4[8] = {
    4, 4, 5, 4, 4, 5, 3, 5,
};

// poisson(mean 1300): PTRS.
inline constexpr std::int64_t kPoisson_mean1300[8] = {
    1309, 1276, 1293, 1354, 1260, 1312, 1294, 1323,
};

// poisson(mean 25.5): PTRS.
inline constexpr std::int64_t kPoisson_mean25_5[8] = {
    27, 22, 24, 33, 20, 27, 25, 29,
};

// First next() of neighbouring keys: each differs from kGoldenKey in one part.
inline constexpr StreamVector kStreamFirstU64[5] = {
    {42ULL, 1ULL, "golden", "vectors", 0ULL, 12490567895741107549ULL},
    {42ULL, 0ULL, "arrivals", "vectors", 0ULL, 9908411894505172342ULL},
    {42ULL, 0ULL, "golden", "other", 0ULL, 10508426637625703993ULL},
    {42ULL, 0ULL, "golden", "vectors", 7ULL, 12646344620574041910ULL},
    {43ULL, 0ULL, "golden", "vectors", 0ULL, 6742358594630355302ULL},
};

}  // namespace capsim::golden
