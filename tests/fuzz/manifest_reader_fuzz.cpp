// libFuzzer target: one manifest file read as YAML and as JSON, every object's every position
// formatted; the reader reports problems as diagnostics, so nothing may escape it.
#include "fuzz_input.hpp"
#include "io/k8s/manifest_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace capsim::io;
  for (const char* suffix : {".yaml", ".json"}) {
    const auto path = capsim::fuzz::input_file(data, size, suffix);
    std::vector<capsim::Diagnostic> problems;
    const k8s::Manifests manifests = k8s::read_manifest_files({{path, std::string("fuzz") + suffix}}, problems);
    for (const auto& p : problems) (void)p.to_string();
    for (const auto& object : manifests.objects)
      for (const auto& entry : object.document->positions) (void)k8s::location(object, entry.first);
    (void)k8s::unmodelled_note(manifests);
  }
  return 0;
}
