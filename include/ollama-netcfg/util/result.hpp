// Value-or-error returns for everything below the command layer. Errors carry
// their context as text (what, which path or unit, the OS or bus error) and
// the exit status the top level should use.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace netcfg {

enum class ExitStatus : int {
    ok = 0,
    failure = 1,
    usage = 2,
};

struct Error {
    std::string message; // what went wrong, with context
    std::string hint;    // what to do next; may be empty
    ExitStatus status = ExitStatus::failure;
};

inline Error usage_error(std::string message, std::string hint = {}) {
    return Error{std::move(message), std::move(hint), ExitStatus::usage};
}

inline Error failure(std::string message, std::string hint = {}) {
    return Error{std::move(message), std::move(hint), ExitStatus::failure};
}

template <class T> class [[nodiscard]] Result {
  public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error error) : v_(std::move(error)) {}

    bool has_value() const { return v_.index() == 0; }
    explicit operator bool() const { return has_value(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { return std::get<1>(v_); }

  private:
    std::variant<T, Error> v_;
};

struct Ok {};
using Status = Result<Ok>;

} // namespace netcfg
