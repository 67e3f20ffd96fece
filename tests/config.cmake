# Tests of the config room (app/config) and of the borne-admin CLI (app/admin).
borne_add_test(NAME test_config SOURCES unit/test_config.c LIBS borne_config LABELS unit)
borne_add_test(NAME test_keypad_config SOURCES unit/test_keypad_config.c LIBS borne_config LABELS unit)
borne_add_test(NAME test_apptcsv SOURCES unit/test_apptcsv.c LIBS borne_apptcsv LABELS unit)
add_test(NAME test_admin_cli COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_admin_cli.sh $<TARGET_FILE:borne-admin>)
set_tests_properties(test_admin_cli PROPERTIES LABELS integration TIMEOUT 120 ENVIRONMENT "BORNE_TEST_TMP=${BORNE_TEST_TMP}")
borne_add_test(NAME test_utf8 SOURCES unit/test_utf8.c LIBS borne_base LABELS unit)
borne_add_test(NAME test_config_business SOURCES unit/test_config_business.c LIBS borne_config PkgConfig::JANSSON LABELS unit)
# The code under test is compiled into the fuzzers (with libFuzzer's coverage).
borne_add_fuzz(NAME fuzz_config
  SOURCES fuzz/fuzz_config.c ${PROJECT_SOURCE_DIR}/app/config/config.c ${PROJECT_SOURCE_DIR}/app/config/keypad.c ${PROJECT_SOURCE_DIR}/app/base/utf8.c
  LIBS PkgConfig::INIH borne_printer borne_contract borne_base CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/config)
borne_add_fuzz(NAME fuzz_apptcsv
  SOURCES fuzz/fuzz_apptcsv.c ${PROJECT_SOURCE_DIR}/app/admin/apptcsv.c ${PROJECT_SOURCE_DIR}/app/base/utf8.c
  LIBS borne_core CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/apptcsv)
