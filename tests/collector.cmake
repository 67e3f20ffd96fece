# Tests of the collector room (app/collector, borne-collector). Integration tests start the real
# server on loopback (port 0) through tests/integration/test_collector_harness.c.

set(collector_harness integration/test_collector_harness.c)
# Signed-in console sessions on a harness collector (sign-in form, pages, changes with the CSRF token).
set(collector_session integration/test_collector_session.c)
# The harness finds the server binary through this definition (the bench target passes no env).
function(collector_uses_server target)
  target_compile_definitions(${target} PRIVATE COLLECTOR_BIN="$<TARGET_FILE:borne-collector>")
  add_dependencies(${target} borne-collector)
endfunction()

borne_add_test(NAME test_collector_ingest_unit SOURCES unit/test_collector_ingest.c
  LIBS borne_collector_ingest borne_collector_synth LABELS unit)

# The validator's JSON reader, against jansson's acceptance.
borne_add_test(NAME test_collector_json SOURCES unit/test_collector_json.c
  LIBS borne_collector_ingest PkgConfig::JANSSON LABELS unit)

borne_add_test(NAME test_collector_report SOURCES unit/test_collector_report.c
  LIBS borne_collector borne_collector_synth PkgConfig::JANSSON LABELS unit)
borne_add_test(NAME test_collector_bounds SOURCES unit/test_collector_bounds.c
  LIBS borne_collector borne_collector_synth PkgConfig::JANSSON PkgConfig::SQLITE3 LABELS unit)

borne_add_test(NAME test_collector_store_migrate SOURCES unit/test_collector_store_migrate.c
  LIBS borne_collector borne_collector_synth PkgConfig::SQLITE3 LABELS unit)

# The demo dataset is part of the checkout: nothing outside it is read.
borne_add_test(NAME test_collector_antennes SOURCES unit/test_collector_antennes.c
  LIBS borne_collector borne_secret_testsupport LABELS unit
  ENV COLLECTOR_DEMO_CSV=${BORNE_ASSETS_DIR}/collector/antennes-hdf.csv)

foreach(backend sqlite postgresql)
  borne_add_test(NAME test_collector_ingest_${backend}
    SOURCES integration/test_collector_ingest.c ${collector_harness}
    LIBS borne_collector borne_collector_synth PkgConfig::CURL PkgConfig::PQ PkgConfig::JANSSON
    LABELS integration ARGS ${backend} TIMEOUT 300)
  collector_uses_server(test_collector_ingest_${backend})
  borne_add_test(NAME test_collector_reject_${backend}
    SOURCES integration/test_collector_reject.c ${collector_harness}
    LIBS borne_collector borne_collector_synth PkgConfig::CURL PkgConfig::PQ PkgConfig::JANSSON
    LABELS integration ARGS ${backend} TIMEOUT 300)
  collector_uses_server(test_collector_reject_${backend})
  # Group commit: a group's batches as if applied in turn, no answer before the COMMIT, one refused batch
  # alone failing, a 200 surviving a SIGKILL.
  borne_add_test(NAME test_collector_group_${backend}
    SOURCES integration/test_collector_group.c ${collector_harness}
    LIBS borne_collector borne_collector_synth PkgConfig::CURL PkgConfig::PQ PkgConfig::JANSSON PkgConfig::SQLITE3
    LABELS integration ARGS ${backend} TIMEOUT 300)
  collector_uses_server(test_collector_group_${backend})
endforeach()

# Lock-out: 1,000 slow connections while an antenne uploads (15 s quick, 60 s under slow), and
# the cap on request bodies held at once. The load fixture is tests/integration/test_lockout_load.c.
borne_add_test(NAME test_collector_lockout
  SOURCES integration/test_collector_lockout.c ${collector_harness}
  LIBS borne_collector borne_collector_synth borne_lockout_load PkgConfig::CURL PkgConfig::PQ
  LABELS integration TIMEOUT 240)
collector_uses_server(test_collector_lockout)
add_test(NAME test_collector_lockout_full COMMAND test_collector_lockout 60)
set_tests_properties(test_collector_lockout_full PROPERTIES LABELS slow TIMEOUT 600
  ENVIRONMENT "BORNE_TEST_TMP=${BORNE_TEST_TMP};BORNE_ASSETS=${BORNE_ASSETS_DIR}")

borne_add_test(NAME test_collector_tls SOURCES integration/test_collector_tls.c ${collector_harness}
  LIBS borne_collector borne_collector_synth PkgConfig::CURL PkgConfig::PQ
  LABELS integration)
collector_uses_server(test_collector_tls)

borne_add_test(NAME test_collector_pg_restart SOURCES integration/test_collector_pg_restart.c ${collector_harness}
  LIBS borne_collector borne_collector_synth PkgConfig::CURL PkgConfig::PQ LABELS integration)
collector_uses_server(test_collector_pg_restart)

# The parser is compiled into the fuzzer (not linked from its library) so libFuzzer's coverage
# instrumentation sees its branches.
borne_add_fuzz(NAME fuzz_collector_ingest
  SOURCES fuzz/fuzz_collector_ingest.c ${PROJECT_SOURCE_DIR}/app/collector/collector_ingest.c
          ${PROJECT_SOURCE_DIR}/app/collector/collector_json.c ${PROJECT_SOURCE_DIR}/app/base/utf8.c
          ${PROJECT_SOURCE_DIR}/app/contract/contract.c
  LIBS PkgConfig::JANSSON CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/collector_ingest)
# The validator's JSON reader against jansson's acceptance, from the same batches.
borne_add_fuzz(NAME fuzz_collector_json
  SOURCES fuzz/fuzz_collector_json.c ${PROJECT_SOURCE_DIR}/app/collector/collector_json.c
          ${PROJECT_SOURCE_DIR}/app/base/utf8.c
  LIBS PkgConfig::JANSSON CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/collector_ingest)

add_executable(bench_collector bench/bench_collector.c ${collector_harness} ${collector_session})
target_include_directories(bench_collector PRIVATE ${BORNE_INCLUDE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/integration)
target_link_libraries(bench_collector PRIVATE borne_testlib borne_collector borne_collector_synth borne_lockout_load PkgConfig::CURL
  PkgConfig::PQ Threads::Threads)
collector_uses_server(bench_collector)
borne_add_bench(bench_collector)

# The steering console and the HQ page in Debian's headless Chromium (playwright-core installed from
# the hub tests' lockfile into the same build directory, hence the shared lock).
find_program(BORNE_NODE node)
find_program(BORNE_NPM npm)
find_program(BORNE_CHROMIUM chromium)
if(BORNE_NODE AND BORNE_NPM AND BORNE_CHROMIUM)
  set(console_web ${CMAKE_CURRENT_BINARY_DIR}/hub-web)
  set(console_web_src ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_hub_web)
  add_test(NAME test_collector_console
    COMMAND sh -c "mkdir -p '${console_web}' && cp '${console_web_src}/package.json' '${console_web_src}/package-lock.json' '${console_web}/' && cd '${console_web}' && '${BORNE_NPM}' ci --no-audit --no-fund --prefer-offline --loglevel=error && exec '${BORNE_NODE}' '${CMAKE_CURRENT_SOURCE_DIR}/integration/test_collector_console.js' '$<TARGET_FILE:borne-collector>' '$<TARGET_FILE:borne-collector-passwd>' '${console_web}/node_modules'")
  set_tests_properties(test_collector_console PROPERTIES LABELS integration TIMEOUT 300 RESOURCE_LOCK hub_web
    ENVIRONMENT "BORNE_TEST_TMP=${BORNE_TEST_TMP};BORNE_ASSETS=${BORNE_ASSETS_DIR}")
else()
  add_test(NAME test_collector_console COMMAND sh -c "echo 'test_collector_console needs node, npm and chromium: run board/dev/deps' >&2; exit 1")
  set_tests_properties(test_collector_console PROPERTIES LABELS integration)
endif()

# Steering alerts with an injected clock, a real webhook receiver and a sendmail stand-in.
set(alert_sinks integration/test_alert_sinks.c)
borne_add_test(NAME test_collector_alerts SOURCES integration/test_collector_alerts.c ${alert_sinks}
  LIBS borne_collector borne_collector_synth PkgConfig::MHD LABELS integration)
# Acknowledgements and sent alerts survive a restart of the real collector, on both backends.
foreach(backend sqlite postgresql)
  borne_add_test(NAME test_collector_alerts_restart_${backend}
    SOURCES integration/test_collector_alerts_restart.c ${alert_sinks} ${collector_harness} ${collector_session}
    LIBS borne_collector borne_collector_synth PkgConfig::MHD PkgConfig::CURL PkgConfig::PQ
    LABELS integration ARGS ${backend} TIMEOUT 300)
  collector_uses_server(test_collector_alerts_restart_${backend})
endforeach()

borne_add_test(NAME test_collector_users SOURCES unit/test_collector_users.c LIBS borne_collector LABELS unit)

# Posters (PDF and PNG) through the real collector; pdfinfo and pdftotext (poppler-utils) read them.
foreach(backend sqlite postgresql)
  borne_add_test(NAME test_collector_poster_${backend}
    SOURCES integration/test_collector_poster.c ${collector_harness} ${collector_session}
    LIBS borne_collector borne_collector_synth PkgConfig::CURL PkgConfig::PQ
    LABELS integration ARGS ${backend} TIMEOUT 300)
  collector_uses_server(test_collector_poster_${backend})
endforeach()

# The rollup the console reads equals the stored buckets after late, duplicate and stale batches.
foreach(backend sqlite postgresql)
  borne_add_test(NAME test_collector_rollup_${backend}
    SOURCES integration/test_collector_rollup.c ${collector_harness}
    LIBS borne_collector borne_collector_synth PkgConfig::CURL PkgConfig::PQ
    LABELS integration ARGS ${backend} TIMEOUT 300)
  collector_uses_server(test_collector_rollup_${backend})
endforeach()

# The demo feed's realistic year through the real feeder and collector (about 1,000 weekly batches).
borne_add_test(NAME test_collector_feed_year
  SOURCES integration/test_collector_feed_year.c ${collector_harness}
  LIBS borne_collector borne_collector_synth PkgConfig::CURL PkgConfig::PQ
  LABELS integration TIMEOUT 600)
collector_uses_server(test_collector_feed_year)
target_compile_definitions(test_collector_feed_year PRIVATE FEED_BIN="$<TARGET_FILE:borne-collector-feed>")
add_dependencies(test_collector_feed_year borne-collector-feed)

# The console and the posters over 2,800 antennes x a year in PostgreSQL (bench_collector_year.c).
add_executable(bench_collector_year bench/bench_collector_year.c ${collector_harness} ${collector_session})
target_include_directories(bench_collector_year PRIVATE ${BORNE_INCLUDE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/integration)
target_link_libraries(bench_collector_year PRIVATE borne_testlib borne_collector borne_collector_synth PkgConfig::CURL
  PkgConfig::PQ)
collector_uses_server(bench_collector_year)
borne_add_bench(bench_collector_year)
