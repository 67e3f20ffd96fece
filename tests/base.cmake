# Tests of the base room (app/base: logger, secret files; the injected clock type).
# Every token-file consumer's test runs test_secret_consumer() from this support library.
add_library(borne_secret_testsupport STATIC support/test_secret_support.c)
target_link_libraries(borne_secret_testsupport PUBLIC borne_base borne_testlib)
target_include_directories(borne_secret_testsupport PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/support)

borne_add_test(NAME test_log SOURCES unit/test_log.c LIBS borne_base LABELS unit)
borne_add_test(NAME test_secret SOURCES unit/test_secret.c LIBS borne_secret_testsupport LABELS unit)
