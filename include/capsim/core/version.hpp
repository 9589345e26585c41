#pragma once
// capsim's version: the one in CMakeLists.txt's project(), compiled in.
#include <string_view>

namespace capsim {

std::string_view version();

}  // namespace capsim
