# Cross-compiling Borne for 64-bit ARM (Raspberry Pi 4/5 on a 64-bit OS) on Debian 12 amd64,
# with Debian's cross toolchain and the arm64 libraries installed side by side (multiarch):
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get install crossbuild-essential-arm64 qemu-user libsqlite3-dev:arm64 ...
# board/cross/build-arm64 does all of it. Usage:
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=board/toolchains/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(BORNE_TRIPLET aarch64-linux-gnu)

set(CMAKE_C_COMPILER ${BORNE_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${BORNE_TRIPLET}-g++)

# No sysroot: Debian's cross gcc already searches /usr/include/aarch64-linux-gnu and
# /usr/lib/aarch64-linux-gnu, where the :arm64 -dev packages put their files.
set(CMAKE_LIBRARY_ARCHITECTURE ${BORNE_TRIPLET})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)

# pkg-config must read the arm64 .pc files only: the triplet-prefixed pkgconf (from
# pkg-config:arm64) has the arm64 search path built in; PKG_CONFIG_LIBDIR keeps a plain
# pkg-config from ever seeing the build machine's .pc files. PKG_CONFIG_PATH is still
# honoured (build-arm64 uses it for libpq, whose -dev package cannot be co-installed).
find_program(PKG_CONFIG_EXECUTABLE NAMES ${BORNE_TRIPLET}-pkg-config pkg-config)
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/${BORNE_TRIPLET}/pkgconfig:/usr/share/pkgconfig)

# Tests run under user-mode emulation, called explicitly (no binfmt_misc needed: containers,
# CI). No -L: libc6:arm64 (pulled in by the :arm64 -dev packages) installs the arm64 loader as
# /lib/ld-linux-aarch64.so.1 and its libraries in /lib/aarch64-linux-gnu, matching the other
# arm64 libraries; -L /usr/aarch64-linux-gnu would load the cross toolchain's older libc.
find_program(BORNE_QEMU NAMES qemu-aarch64 qemu-aarch64-static)
if(BORNE_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${BORNE_QEMU})
endif()
