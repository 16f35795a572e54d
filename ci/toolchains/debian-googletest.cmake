# Included by the cross toolchain files: GoogleTest for the target is built
# from the sources Debian's googletest package installs, rather than
# downloaded. A machine without them (another distribution, a user's preset
# that already names a folder) keeps its own choice: a folder given with
# -DFETCHCONTENT_SOURCE_DIR_GOOGLETEST wins, and without one tests/ fetches
# the pinned release.
if(NOT DEFINED FETCHCONTENT_SOURCE_DIR_GOOGLETEST AND EXISTS /usr/src/googletest/CMakeLists.txt)
    set(FETCHCONTENT_SOURCE_DIR_GOOGLETEST /usr/src/googletest CACHE PATH
        "GoogleTest's sources, built for the target (Debian: package googletest)")
endif()
