#pragma once
// Internal: the usual lambda-overload set for std::visit.
namespace capsim::detail {
template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;
}  // namespace capsim::detail
