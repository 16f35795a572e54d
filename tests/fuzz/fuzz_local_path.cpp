// Unix-domain paths: endpoint::local on any bytes refuses embedded NULs and
// paths the system cannot take, keeps the rest byte for byte, and formats
// them so that paths from /, ./, ../ and abstract names parse back the same.
#include "fuzz_check.hpp"

#include "sys.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view path = fuzz::text(data, size);
    std::error_code ec;
    const portsock::endpoint e = portsock::endpoint::local(path, ec);
    const bool abstract = !path.empty() && path[0] == '\0';
    const std::size_t capacity = portsock::sys::local_path_capacity();
    if (path.find('\0', abstract ? 1 : 0) != std::string_view::npos) {
        FUZZ_CHECK(ec == portsock::error::embedded_nul, "embedded NUL not refused: %s", ec.message().c_str());
        return 0;
    }
    if (abstract ? size > capacity : size >= capacity) {
        FUZZ_CHECK(ec == portsock::error::path_too_long, "a %zu-byte path not refused", size);
        return 0;
    }
    FUZZ_CHECK(!ec, "a %zu-byte path refused: %s", size, ec.message().c_str());
    FUZZ_CHECK(e.family() == portsock::family::local, "not a local endpoint");
    FUZZ_CHECK(e.path() == path, "the path changed");
    FUZZ_CHECK(e.is_abstract() == abstract, "abstract-ness changed");
    FUZZ_CHECK(e.port() == 0, "a path with a port");
    fuzz::check_formats(e);
    // The same bytes given as text to parse, where the text form says "path".
    if (!abstract && (path.rfind("/", 0) == 0 || path.rfind("./", 0) == 0 || path.rfind("../", 0) == 0)) {
        const portsock::endpoint parsed = portsock::endpoint::parse(path, ec);
        FUZZ_CHECK(!ec && parsed == e, "parse and local disagree on '%.*s'", static_cast<int>(size),
                   path.data());
    }
    return 0;
}
