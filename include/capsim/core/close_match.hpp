#pragma once
// "Did you mean ...?" suggestions for misspelt keys and names.
#include <string>
#include <string_view>
#include <vector>

namespace capsim {

/// Levenshtein distance between two strings.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// Up to `n` candidates closest to `word`, closest first (ties in candidate order), keeping only those
/// within a distance that still looks like a typo: at most max(2, |word| / 3).
std::vector<std::string> close_matches(std::string_view word, const std::vector<std::string>& candidates,
                                       std::size_t n = 3);

/// "did you mean 'a' or 'b'?", or "" when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace capsim
