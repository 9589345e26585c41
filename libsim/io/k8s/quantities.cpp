// Kubernetes resource quantities: CPU ("4", "0.5", "500m") and memory ("16Gi", "512Mi").
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capsim/core/close_match.hpp"
#include "capsim/io/text_parse.hpp"
#include "io/k8s/decoders.hpp"

namespace capsim::io::k8s {

std::optional<std::int64_t> cpu_quantity(Checker& ck, const json& obj, const std::string& p, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  std::optional<std::int64_t> v;
  if (it->is_number()) v = parse_cpu_millicores(it->dump());
  else if (it->is_string()) v = parse_cpu_millicores(it->get<std::string>());
  if (!v) ck.fail(ptr_join(p, key), "a CPU quantity such as 4, \"0.5\" or \"500m\"", describe(*it));
  return v;
}

std::optional<std::int64_t> memory_quantity(Checker& ck, const json& obj, const std::string& p, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  std::optional<std::int64_t> v;
  if (it->is_string()) v = parse_memory_mib(it->get<std::string>());
  if (!v) ck.fail(ptr_join(p, key), "a memory quantity such as \"16Gi\" or \"512Mi\"", describe(*it));
  return v;
}

}  // namespace capsim::io::k8s
