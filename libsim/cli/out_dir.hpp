#pragma once
// The output directory of compare, merge and sweep.
#include <filesystem>

namespace capsim::cli {

/// An output directory that exists or can be made, and can be written to: checked before the runs,
/// so a long comparison or sweep does not end in an error. Throws capsim::Error naming it.
void prepare_out_dir(const std::filesystem::path& dir);

}  // namespace capsim::cli
