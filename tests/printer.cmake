# Tests of the printer room (drivers/printer) and its tools: the printer emulator (always
# built: the demo kiosk uses it as its virtual printer) and the LD_PRELOAD pty shim.
set(PRINTER_TOOLS ${CMAKE_CURRENT_SOURCE_DIR}/tools)

add_library(borne_printer_emuparse STATIC tools/printer_emulator_parse.c)
target_include_directories(borne_printer_emuparse PUBLIC ${PRINTER_TOOLS})

add_executable(borne-printer-emulator tools/printer_emulator.c tools/printer_emulator_render.c)
target_compile_definitions(borne-printer-emulator PRIVATE BORNE_FONTS_DIR="${BORNE_ASSETS_DIR}/fonts")
target_link_libraries(borne-printer-emulator PRIVATE borne_printer_emuparse PkgConfig::SDL2 PkgConfig::QRENCODE)

# The shim is preloaded into processes that may or may not be sanitized: it must not carry
# sanitizer instrumentation itself (it would need the ASan runtime first in the link order).
add_library(borne_pty_shim SHARED tools/pty_shim.c)
target_compile_options(borne_pty_shim PRIVATE -fno-sanitize=all)
target_link_options(borne_pty_shim PRIVATE -fno-sanitize=all)
target_link_libraries(borne_pty_shim PRIVATE ${CMAKE_DL_LIBS})

add_library(borne_printer_emuctl STATIC tools/printer_emulator_client.c)
target_include_directories(borne_printer_emuctl PUBLIC ${PRINTER_TOOLS})

# Environment of the tests that go through the real libserialport and the emulator. With
# ASan (gcc's shared runtime) a preloaded library comes before libasan: tell ASan it is fine.
set(PRINTER_EMU_ENV
  BORNE_PRINTER_EMULATOR=$<TARGET_FILE:borne-printer-emulator>
  LD_PRELOAD=$<TARGET_FILE:borne_pty_shim>
  ASAN_OPTIONS=verify_asan_link_order=0)

borne_add_test(NAME test_printer_escpos SOURCES unit/test_printer_escpos.c
  LIBS borne_printer LABELS unit)
borne_add_test(NAME test_printer_status SOURCES unit/test_printer_status.c
  LIBS borne_printer LABELS unit)
borne_add_test(NAME test_printer_serial SOURCES integration/test_printer_serial.c
  LIBS borne_printer borne_printer_emuctl LABELS integration TIMEOUT 300 ENV ${PRINTER_EMU_ENV})
add_dependencies(test_printer_serial borne-printer-emulator borne_pty_shim)
borne_add_test(NAME test_printer_driver SOURCES unit/test_printer_driver.c
  LIBS borne_printer LABELS unit)
borne_add_test(NAME test_printer_emuparse SOURCES unit/test_printer_emuparse.c
  LIBS borne_printer borne_printer_emuparse LABELS unit)

# The code under test is compiled into the fuzzer (with its coverage instrumentation); the
# libraries only bring include paths and dependencies.
borne_add_fuzz(NAME fuzz_printer_status SOURCES fuzz/fuzz_printer_status.c ${PROJECT_SOURCE_DIR}/drivers/printer/escpos.c
  LIBS borne_printer CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/printer_status)
borne_add_fuzz(NAME fuzz_printer_escpos SOURCES fuzz/fuzz_printer_escpos.c tools/printer_emulator_parse.c
  LIBS borne_printer_emuparse CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/printer_escpos)

add_executable(bench_printer bench/bench_printer.c)
target_include_directories(bench_printer PRIVATE ${BORNE_INCLUDE_DIR})
target_link_libraries(bench_printer PRIVATE borne_printer borne_printer_emuctl)
target_compile_definitions(bench_printer PRIVATE
  BENCH_EMULATOR="$<TARGET_FILE:borne-printer-emulator>" BENCH_SHIM="$<TARGET_FILE:borne_pty_shim>")
add_dependencies(bench_printer borne-printer-emulator borne_pty_shim)
borne_add_bench(bench_printer)
