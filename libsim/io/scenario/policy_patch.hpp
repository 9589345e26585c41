#pragma once
// Internal to io/: how a policy's patch changes the scenario's choices. Objects merge as JSON Merge
// Patch (RFC 7396); the arrays of named objects below merge element by element by name, as a
// Kubernetes strategic merge patch does, so a policy that changes one field of one service writes
// just that field:
//   - an element whose name the array has is merge-patched into that element;
//   - an element with a new name is added at the end;
//   - {"name": "x", "$patch": "delete"} removes the element named x;
//   - {"name": "x", "$patch": "replace", ...} replaces the element named x whole;
//   - an element {"$patch": "replace"} makes the array exactly the patch's other elements.
// Every other array is replaced whole, as RFC 7396 says.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "io/json/json_checker.hpp"

namespace capsim::io::detail {

struct NamedArray {
  const char* path;          // JSON pointer of the array in the scenario document
  const char* name_pointer;  // JSON pointer of an element's name inside the element
};
inline constexpr NamedArray kNamedArrays[] = {
    {"/services", "/name"},
    {"/cluster/node_groups", "/name"},
    {"/cluster/node_pools", "/metadata/name"},
    {"/batch/jobs", "/name"},
    {"/batch/jobs/*/tasks", "/name"},  // a job's tasks (a path inside a named element ends in "*")
};

/// Applies `patch` to `target` by the rules above. When `ck` is given, a named element without its
/// name, an unknown `$patch` directive or a delete of a name the array lacks is reported at its
/// place under `patch_ptr`; the element is then skipped.
void apply_policy_patch(nlohmann::json& target, const nlohmann::json& patch, Checker* ck, const std::string& patch_ptr);

/// Where, inside `patch`, the value of the patched document `doc` at `ptr` was written: its pointer
/// relative to the patch, or nullopt when this patch did not write it. A value inside an array the
/// patch replaced whole (or inside a scalar) is located at that array.
std::optional<std::string> written_by_patch(const nlohmann::json& patch, const nlohmann::json& doc, const std::string& ptr);

}  // namespace capsim::io::detail
