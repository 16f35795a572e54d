// detail::or_throw: a throwing form written over its std::error_code form,
// so that each throwing overload says only which call it makes and how its
// failure is described. Used only where exceptions are on
// (PORTSOCK_HAS_EXCEPTIONS); the files that include it compile their
// throwing forms out otherwise.
#pragma once

#include <system_error>
#include <type_traits>
#include <utility>

namespace portsock::detail {

/// Calls `call(ec)`, the std::error_code form of an operation, and returns
/// what it returns. When it fails, calls `raise`, which must throw: with the
/// code and the call's result where `raise` takes both (a message can then
/// report the bytes moved before the failure), with the code alone otherwise.
template <class Call, class Raise>
auto or_throw(Call&& call, Raise&& raise) {
    std::error_code ec;
    using result_type = std::invoke_result_t<Call&, std::error_code&>;
    if constexpr (std::is_void_v<result_type>) {
        call(ec);
        if (ec) raise(ec);
    } else {
        result_type result = call(ec);
        if (ec) {
            if constexpr (std::is_invocable_v<Raise&, std::error_code, const result_type&>) {
                raise(ec, std::as_const(result));
            } else {
                raise(ec);
            }
        }
        return result;
    }
}

}  // namespace portsock::detail
