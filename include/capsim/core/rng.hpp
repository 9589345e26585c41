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
  // Inline (as next() below): a month of per-period substreams calls these millions of times a run.
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
};

/// xoshiro256** 1.0 (Blackman and Vigna).
class Xoshiro256 {
 public:
  explicit Xoshiro256(std::uint64_t seed) {  // state from splitmix64(seed)
    SplitMix64 sm{seed};
    for (auto& w : s_) w = sm.next();
  }
  explicit Xoshiro256(const std::array<std::uint64_t, 4>& s) : s_(s) {}
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  /// Uniform double in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  const std::array<std::uint64_t, 4>& state() const { return s_; }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
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

/// The substreams of one key for every index: seed, replicate, component and entity absorbed once,
/// so a draw per period over a month does not hash the names again each period.
/// StreamFamily(key).stream(i) is make_stream(key with index i), bit for bit.
class StreamFamily {
 public:
  explicit StreamFamily(const StreamKey& key);  // key.index is not used
  Rng stream(std::uint64_t index) const;

 private:
  std::uint64_t k_;  // the splitmix64 output after the fixed parts
};

}  // namespace capsim
