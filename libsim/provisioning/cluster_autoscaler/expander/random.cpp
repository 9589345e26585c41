// random: any option, drawn from the expander's own stream (one draw per scan).
#include "capsim/core/rng.hpp"
#include "capsim/core/stream_keys.hpp"
#include "expanders.hpp"

namespace capsim {

const ExpansionOption& Random::best_option(const std::vector<ExpansionOption>& options, const ExpansionContext& context) const {
  Rng rng = make_stream({context.seed, context.replicate, stream::kExpanderRandom, "", context.scan});
  return options[std::min(options.size() - 1, static_cast<std::size_t>(rng.uniform01() * static_cast<double>(options.size())))];
}

}  // namespace capsim
