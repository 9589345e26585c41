#pragma once
// Our own generator (xoshiro256**, seeded through splitmix64) so results are identical on every
// platform and standard library. Streams are keyed, not shared: every random quantity draws from the
// substream of (seed, replicate, component, entity, index), so two policies that run different fleets
// still see the same arrivals and the same pool events (common random numbers).
#include <array>
#include <cstdint>
#include <string_view>

namespace capsim {

/// splitmix64 (Vigna): used to expand keys into generator states.
struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next();
};

/// xoshiro256** 1.0 (Blackman and Vigna).
class Xoshiro256 {
 public:
  explicit Xoshiro256(std::uint64_t seed);                   // state from splitmix64(seed)
  explicit Xoshiro256(const std::array<std::uint64_t, 4>& s) : s_(s) {}
  std::uint64_t next();
  /// Uniform double in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  const std::array<std::uint64_t, 4>& state() const { return s_; }

 private:
  std::array<std::uint64_t, 4> s_;
};

using Rng = Xoshiro256;

/// 64-bit FNV-1a of a name: a stable hash for component and entity names in stream keys.
std::uint64_t stable_hash(std::string_view s);

/// Key of one substream. Component names in use: "arrivals", "node_ready", "replica_startup".
struct StreamKey {
  std::uint64_t seed = 0;
  std::uint64_t replicate = 0;
  std::string_view component;
  std::string_view entity;
  std::uint64_t index = 0;
};

/// The generator of one substream; cheap to create (a few splitmix64 steps).
Rng make_stream(const StreamKey& key);

}  // namespace capsim
