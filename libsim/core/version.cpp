#include "capsim/core/version.hpp"

namespace capsim {

// CAPSIM_VERSION comes from project(VERSION ...) in CMakeLists.txt (libsim/CMakeLists.txt passes it).
std::string_view version() { return CAPSIM_VERSION; }

}  // namespace capsim
