#include "text.hpp"

namespace portsock::detail {

std::string quoted(std::string_view text, bool bytes) {
    static const char hex[] = "0123456789abcdef";
    std::string out = "'";
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '\'': out += "\\'"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (u < 0x20 || u == 0x7f || (bytes && u >= 0x80)) {
                out += "\\x";
                out += hex[u >> 4];
                out += hex[u & 0xf];
            } else {
                out += c;
            }
        }
    }
    out += '\'';
    return out;
}

std::string host_port(std::string_view host, std::string_view port) {
    std::string out;
    const bool v6 = host.find(':') != std::string_view::npos;
    if (v6) out += '[';
    bool plain = !host.empty();
    for (char c : host) plain = plain && static_cast<unsigned char>(c) >= 0x20;
    out += plain ? std::string(host) : quoted(host);
    if (v6) out += ']';
    out += ':';
    out.append(port);
    return out;
}

std::string host_port(std::string_view host, int port) {
    return host_port(host, std::to_string(port));
}

std::string family_name(portsock::family f) {
    if (is_other(f)) return std::to_string(static_cast<unsigned>(f) & 0x7fu);
    switch (f) {
    case portsock::family::inet: return "AF_INET";
    case portsock::family::inet6: return "AF_INET6";
    case portsock::family::local: return "AF_UNIX";
    case portsock::family::unspec: break;
    default: break;
    }
    return "AF_UNSPEC";
}

std::string type_name(portsock::type t) {
    if (is_other(t)) return std::to_string(static_cast<unsigned>(t) & 0x7fu);
    switch (t) {
    case portsock::type::stream: return "SOCK_STREAM";
    case portsock::type::dgram: return "SOCK_DGRAM";
    case portsock::type::raw: return "SOCK_RAW";
    case portsock::type::seqpacket: return "SOCK_SEQPACKET";
    default: break;
    }
    return "SOCK_?";
}

}  // namespace portsock::detail
