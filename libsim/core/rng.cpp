#include "capsim/core/rng.hpp"

namespace capsim {

std::uint64_t stable_hash(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// Absorb each key part through one splitmix64 step, so keys that differ in any part give unrelated
// states; then seed the generator from the result. The index is absorbed last, so the other parts'
// steps can be shared by every index (StreamFamily).
StreamFamily::StreamFamily(const StreamKey& key) {
  SplitMix64 sm{key.seed};
  k_ = sm.next();
  for (std::uint64_t part : {key.replicate, stable_hash(key.component), stable_hash(key.entity)}) {
    sm.state = k_ ^ part;
    k_ = sm.next();
  }
}

Rng StreamFamily::stream(std::uint64_t index) const {
  SplitMix64 sm{k_ ^ index};
  return Rng(sm.next());
}

Rng make_stream(const StreamKey& key) { return StreamFamily(key).stream(key.index); }

}  // namespace capsim
