# Checks that README.md quotes a source file verbatim, so the code a reader copies is
# the code the tests build and run:
#     cmake -DREADME=README.md -DSOURCE=apps/examples/coro_echo.cpp -DFROM="text" -P readme_quote.cmake
# The quote is SOURCE from the first line containing FROM to its end.
file(READ "${README}" readme)
file(READ "${SOURCE}" source)
string(FIND "${source}" "${FROM}" at)
if(at EQUAL -1)
    message(FATAL_ERROR "${SOURCE} has no line with '${FROM}'")
endif()
string(SUBSTRING "${source}" ${at} -1 quote)
string(STRIP "${quote}" quote)
string(FIND "${readme}" "${quote}" found)
if(found EQUAL -1)
    message(FATAL_ERROR "README.md does not quote ${SOURCE} from '${FROM}' to its end "
                        "verbatim; copy the file's text into the README's code block")
endif()
