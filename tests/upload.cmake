# Tests of the upload room (board side of the headquarters upload).
borne_add_test(NAME test_upload_batch SOURCES unit/test_upload_batch.c
               LIBS borne_upload borne_collector_ingest LABELS unit)
borne_add_test(NAME test_upload_outbox SOURCES unit/test_upload_outbox.c LIBS borne_upload LABELS unit)
borne_add_test(NAME test_upload_policy SOURCES unit/test_upload_policy.c LIBS borne_upload borne_secret_testsupport LABELS unit)

# Integration: real processes on loopback (the real borne-collector, and a fault-injecting proxy).
# no_proxy: the board takes proxies from the environment; loopback must never go through one.
add_library(test_upload_support STATIC ${CMAKE_CURRENT_LIST_DIR}/integration/test_upload_support.c)
target_include_directories(test_upload_support PUBLIC ${BORNE_INCLUDE_DIR} ${CMAKE_CURRENT_LIST_DIR}/integration)
target_link_libraries(test_upload_support PUBLIC borne_testlib borne_upload PkgConfig::CURL PkgConfig::JANSSON PkgConfig::SQLITE3)
add_executable(upload_fault_server ${CMAKE_CURRENT_LIST_DIR}/tools/upload_fault_server.c)

borne_add_test(NAME test_upload_offline SOURCES integration/test_upload_offline.c
               LIBS test_upload_support PkgConfig::SQLITE3 LABELS integration TIMEOUT 300
               ARGS $<TARGET_FILE:borne-collector> ENV no_proxy=127.0.0.1)
borne_add_test(NAME test_upload_faults SOURCES integration/test_upload_faults.c
               LIBS test_upload_support LABELS integration TIMEOUT 300
               ARGS $<TARGET_FILE:borne-collector> $<TARGET_FILE:upload_fault_server> ENV no_proxy=127.0.0.1)
borne_add_test(NAME test_upload_tls SOURCES integration/test_upload_tls.c
               LIBS test_upload_support LABELS integration TIMEOUT 120
               ARGS $<TARGET_FILE:borne-collector> ENV no_proxy=127.0.0.1)
borne_add_test(NAME test_upload_live SOURCES integration/test_upload_live.c
               LIBS test_upload_support LABELS integration TIMEOUT 120
               ARGS $<TARGET_FILE:borne-collector> ENV no_proxy=127.0.0.1)
borne_add_test(NAME test_upload_diskfull SOURCES integration/test_upload_diskfull.c
               LIBS test_upload_support PkgConfig::SQLITE3 LABELS integration TIMEOUT 180
               ARGS $<TARGET_FILE:borne-collector> ENV no_proxy=127.0.0.1)

add_executable(bench_upload ${CMAKE_CURRENT_LIST_DIR}/bench/bench_upload.c)
target_link_libraries(bench_upload PRIVATE test_upload_support)
borne_add_bench(bench_upload)

# Issue 13's headline: a simulated week at one antenne under faults (kiosk process killed, printer
# out of paper or unplugged, collector down or answering 500, outbox full, clock jumping back).
# The quick suite runs one day; the slow label runs the week.
borne_add_test(NAME test_week_faults SOURCES integration/test_week_faults.c
               LIBS test_upload_support borne_hub_testsupport borne_printer borne_printer_emuctl PkgConfig::SQLITE3
               LABELS integration TIMEOUT 300
               ARGS $<TARGET_FILE:borne-collector> $<TARGET_FILE:upload_fault_server> 1 60
               ENV no_proxy=127.0.0.1 ${PRINTER_EMU_ENV})
add_dependencies(test_week_faults borne-printer-emulator borne_pty_shim upload_fault_server borne-collector)
add_test(NAME test_week_faults_full
         COMMAND test_week_faults $<TARGET_FILE:borne-collector> $<TARGET_FILE:upload_fault_server> 7 200)
set_tests_properties(test_week_faults_full PROPERTIES LABELS slow TIMEOUT 1800
  ENVIRONMENT "BORNE_TEST_TMP=${BORNE_TEST_TMP};BORNE_ASSETS=${BORNE_ASSETS_DIR};no_proxy=127.0.0.1;${PRINTER_EMU_ENV}")
