# Queue engine tests (room: app/core). Labels: unit, integration, slow.
add_library(borne_queue_testsupport STATIC unit/test_queue_support.c)
target_link_libraries(borne_queue_testsupport PUBLIC borne_core borne_testlib)
# Tests that look at the raw connection (integrity_check, system-call fault injection) reach
# the engine's internal header.
target_include_directories(borne_queue_testsupport PUBLIC
  ${CMAKE_CURRENT_SOURCE_DIR}/unit ${PROJECT_SOURCE_DIR}/app/core)

foreach(t calls numbering errors aggregates appointments visits writers stored alarms closures)
  borne_add_test(NAME test_queue_${t} SOURCES unit/test_queue_${t}.c
                 LIBS borne_queue_testsupport LABELS unit)
endforeach()

borne_add_test(NAME test_queue_concurrent SOURCES integration/test_queue_concurrent.c
               LIBS borne_queue_testsupport LABELS integration)
borne_add_test(NAME test_queue_crash SOURCES integration/test_queue_crash.c
               LIBS borne_queue_testsupport LABELS integration TIMEOUT 120)
# Same program, ten times the kills.
add_test(NAME test_queue_crash_slow COMMAND test_queue_crash 2000)
set_tests_properties(test_queue_crash_slow PROPERTIES LABELS slow TIMEOUT 3600
  ENVIRONMENT "BORNE_TEST_TMP=${BORNE_TEST_TMP}")

add_executable(bench_queue bench/bench_queue.c)
target_link_libraries(bench_queue PRIVATE borne_core)
target_include_directories(bench_queue PRIVATE ${PROJECT_SOURCE_DIR}/app/core)
borne_add_bench(bench_queue)
