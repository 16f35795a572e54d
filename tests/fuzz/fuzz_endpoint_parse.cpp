// endpoint::parse on any text: it never crashes, refuses with a portsock
// error, and what it accepts formats to text that parses back the same
// (parse -> format -> parse).
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = fuzz::text(data, size);
    std::error_code ec;
    const portsock::endpoint e = portsock::endpoint::parse(input, ec);
    if (ec) {
        FUZZ_CHECK(e.empty(), "a refused parse left an endpoint: %s", e.to_string().c_str());
        FUZZ_CHECK(ec.category() == portsock::error_category() ||
                       ec == std::errc::filename_too_long,
                   "unexpected error: %s", ec.message().c_str());
        return 0;
    }
    FUZZ_CHECK(!e.empty(), "an accepted parse gave an empty endpoint");
    fuzz::check_formats(e);
    return 0;
}
