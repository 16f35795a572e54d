// Small text helpers shared by the core's formatting and error messages.
#pragma once

#include <portsock/types.hpp>

#include <string>
#include <string_view>

namespace portsock::detail {

/// Python's repr of a string: single quotes, with `\\`, `\'`, `\n`, `\r`,
/// `\t` and other control bytes escaped (`\x00`). With `bytes`, bytes of 0x80
/// and over are escaped too, as in a Python `bytes` repr.
std::string quoted(std::string_view text, bool bytes = false);

/// `host:port`, or `[host]:port` when the host contains a colon (IPv6), as
/// error messages show a (host, port) pair before it is resolved.
std::string host_port(std::string_view host, int port);
std::string host_port(std::string_view host, std::string_view port);

/// The C name of a family or a type, as Python's repr of a socket shows it
/// (`AF_INET`, `SOCK_STREAM`); one portsock has no name for as its number
/// (`16`), as Python shows a family its enum lacks.
std::string family_name(portsock::family f);
std::string type_name(portsock::type t);

}  // namespace portsock::detail
