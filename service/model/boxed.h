// A value held on the heap, or none: one pointer wide when empty, copied and compared as the value
// it holds (an empty box equals a box holding T{}). For parts of a row that most rows lack, so that
// the rows kept in memory (service/catalogue.h) stay small.
#pragma once

#include <memory>

namespace zusammen::service {

template <typename T>
class Boxed {
 public:
  Boxed() = default;
  Boxed(const Boxed& other) : value_(other.value_ ? std::make_unique<T>(*other.value_) : nullptr) {}
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(const Boxed& other) {
    if (this != &other) value_ = other.value_ ? std::make_unique<T>(*other.value_) : nullptr;
    return *this;
  }
  Boxed& operator=(Boxed&&) noexcept = default;
  ~Boxed() = default;

  // The value, or an empty T when there is none.
  const T& get() const { return value_ ? *value_ : empty(); }
  const T* operator->() const { return &get(); }
  // The value to change, made on first use.
  T& edit() {
    if (!value_) value_ = std::make_unique<T>();
    return *value_;
  }
  // Frees the value when it equals an empty one.
  void shrink() {
    if (value_ && *value_ == empty()) value_.reset();
  }
  bool operator==(const Boxed& other) const { return get() == other.get(); }

 private:
  static const T& empty() {
    static const T kEmpty{};
    return kEmpty;
  }
  std::unique_ptr<T> value_;
};

}  // namespace zusammen::service
