#pragma once
// What an event runs: a move-only callable that keeps a callable of up to 32 bytes in place.
// Most events run a small lambda (a pointer and an index or two); std::function keeps only 16
// bytes in place, so a lambda of three or four words was allocated on the heap for each event, and
// every move and destruction of any std::function went through an indirect call. Here a
// trivially copyable callable (most lambdas) moves as bytes and needs no destruction.
#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace capsim {

class Action {
 public:
  Action() noexcept = default;
  Action(std::nullptr_t) noexcept {}  // NOLINT: as std::function, an empty action from nullptr

  template <class F, class D = std::decay_t<F>,
            class = std::enable_if_t<!std::is_same_v<D, Action> && !std::is_same_v<D, std::nullptr_t> && std::is_invocable_v<D&>>>
  Action(F&& f) {  // NOLINT: implicit, as std::function's, so a lambda converts where an Action is asked for
    if constexpr (kInPlace<D>) {
      ::new (static_cast<void*>(buf_)) D(std::forward<F>(f));
      invoke_ = [](void* p) { (*static_cast<D*>(p))(); };
      if constexpr (!std::is_trivially_copyable_v<D>) manage_ = &manage_in_place<D>;
    } else {
      D* heap = new D(std::forward<F>(f));
      std::memcpy(buf_, &heap, sizeof heap);
      invoke_ = [](void* p) { (*pointer<D>(p))(); };
      manage_ = &manage_on_heap<D>;
    }
  }

  /// A moved-from action is empty.
  Action(Action&& o) noexcept { take(o); }
  Action& operator=(Action&& o) noexcept {
    if (this != &o) {
      reset();
      take(o);
    }
    return *this;
  }
  Action& operator=(std::nullptr_t) noexcept {
    reset();
    return *this;
  }
  Action(const Action&) = delete;
  Action& operator=(const Action&) = delete;
  ~Action() { reset(); }

  explicit operator bool() const noexcept { return invoke_ != nullptr; }
  /// Runs the callable; the action must not be empty.
  void operator()() { invoke_(buf_); }

 private:
  static constexpr std::size_t kSize = 32;
  template <class D>
  static constexpr bool kInPlace = sizeof(D) <= kSize && alignof(D) <= alignof(std::max_align_t) && std::is_nothrow_move_constructible_v<D>;

  enum class Op { Move, Destroy };  // Move: into `to`, leaving `from` destroyed
  using Manage = void (*)(Op, void* to, void* from);

  template <class D>
  static D* pointer(void* buf) {
    D* p = nullptr;
    std::memcpy(&p, buf, sizeof p);
    return p;
  }
  template <class D>
  static void manage_in_place(Op op, void* to, void* from) {
    D* f = static_cast<D*>(from);
    if (op == Op::Move) ::new (to) D(std::move(*f));
    f->~D();
  }
  template <class D>
  static void manage_on_heap(Op op, void* to, void* from) {
    if (op == Op::Move) std::memcpy(to, from, sizeof(D*));
    else delete pointer<D>(from);
  }

  void take(Action& o) noexcept {
    if (!o.invoke_) return;
    if (o.manage_) o.manage_(Op::Move, buf_, o.buf_);
    else std::memcpy(buf_, o.buf_, kSize);
    invoke_ = o.invoke_;
    manage_ = o.manage_;
    o.invoke_ = nullptr;
    o.manage_ = nullptr;
  }
  void reset() noexcept {
    if (manage_) manage_(Op::Destroy, nullptr, buf_);
    invoke_ = nullptr;
    manage_ = nullptr;
  }

  alignas(std::max_align_t) unsigned char buf_[kSize];
  void (*invoke_)(void*) = nullptr;
  Manage manage_ = nullptr;  // null: empty, or in place and trivially copyable
};

}  // namespace capsim
