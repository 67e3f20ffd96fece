# Tests of the hub room (app/hub): the LAN API over real HTTP, event streams, the browser
# counter page in headless Chromium, the request parser's fuzzer, and the bench.
add_library(borne_hub_testsupport STATIC integration/test_hub_support.c)
target_include_directories(borne_hub_testsupport PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/integration)
target_link_libraries(borne_hub_testsupport PUBLIC borne_hub borne_config borne_testlib PkgConfig::CURL)

borne_add_test(NAME test_hub_request SOURCES unit/test_hub_request.c
               LIBS borne_hub LABELS unit)
borne_add_test(NAME test_hub_api SOURCES integration/test_hub_api.c
               LIBS borne_hub_testsupport LABELS integration TIMEOUT 180)
borne_add_test(NAME test_hub_sse SOURCES integration/test_hub_sse.c
               LIBS borne_hub_testsupport LABELS integration)
borne_add_test(NAME test_hub_tokens SOURCES integration/test_hub_tokens.c
               LIBS borne_hub_testsupport borne_secret_testsupport LABELS integration)

borne_add_test(NAME test_hub_kiosk_first SOURCES integration/test_hub_kiosk_first.c
               LIBS borne_hub_testsupport LABELS integration TIMEOUT 180)

# A hostile LAN (tests/integration/test_lockout_load.c) against the hub and the collector.
add_library(borne_lockout_load STATIC integration/test_lockout_load.c)
target_include_directories(borne_lockout_load PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/integration)
target_link_libraries(borne_lockout_load PUBLIC Threads::Threads)
# Lock-out: 15 s in the quick suite, the issue's 60 s under `slow`.
borne_add_test(NAME test_hub_lockout SOURCES integration/test_hub_lockout.c
               LIBS borne_hub_testsupport borne_lockout_load LABELS integration TIMEOUT 240)
add_test(NAME test_hub_lockout_full COMMAND test_hub_lockout 60)
set_tests_properties(test_hub_lockout_full PROPERTIES LABELS slow TIMEOUT 600
  ENVIRONMENT "BORNE_TEST_TMP=${BORNE_TEST_TMP};BORNE_ASSETS=${BORNE_ASSETS_DIR}")


# The counter page and a simulated morning in Debian's headless Chromium (apt-get install
# chromium) through playwright-core, installed from the committed lockfile into the build tree
# by `npm ci`. hub_testserver is the fixture as a process (with the appliance offscreen).
add_executable(hub_testserver integration/test_hub_testserver.c)
target_link_libraries(hub_testserver PRIVATE borne_appliance borne_hub_testsupport)
find_program(BORNE_NODE node)
find_program(BORNE_NPM npm)
find_program(BORNE_CHROMIUM chromium)
if(BORNE_NODE AND BORNE_NPM AND BORNE_CHROMIUM)
  set(hub_web ${CMAKE_CURRENT_BINARY_DIR}/hub-web)
  set(hub_web_src ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_hub_web)
  foreach(t browser morning screens)
    add_test(NAME test_hub_${t}
      COMMAND sh -c "mkdir -p '${hub_web}' && cp '${hub_web_src}/package.json' '${hub_web_src}/package-lock.json' '${hub_web}/' && cd '${hub_web}' && '${BORNE_NPM}' ci --no-audit --no-fund --prefer-offline --loglevel=error && exec '${BORNE_NODE}' '${CMAKE_CURRENT_SOURCE_DIR}/integration/test_hub_${t}.js' '$<TARGET_FILE:hub_testserver>' '${hub_web}/node_modules'")
    set_tests_properties(test_hub_${t} PROPERTIES LABELS integration TIMEOUT 300 RESOURCE_LOCK hub_web
      ENVIRONMENT "BORNE_TEST_TMP=${BORNE_TEST_TMP};BORNE_ASSETS=${BORNE_ASSETS_DIR}")
  endforeach()
else()
  # Never skip silently: the browser counter is a product feature, so its tests fail loudly.
  foreach(t browser morning screens)
    add_test(NAME test_hub_${t} COMMAND sh -c "echo 'test_hub_${t} needs node, npm and chromium: run board/dev/deps' >&2; exit 1")
    set_tests_properties(test_hub_${t} PROPERTIES LABELS integration)
  endforeach()
endif()

borne_add_fuzz(NAME fuzz_hub_request SOURCES fuzz/fuzz_hub_request.c LIBS borne_hub
               CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/hub_request)

add_executable(bench_hub bench/bench_hub.c)
target_link_libraries(bench_hub PRIVATE borne_hub_testsupport borne_lockout_load)
borne_add_bench(bench_hub)

borne_add_test(NAME test_client SOURCES integration/test_client.c integration/test_hub_desk.c
               LIBS borne_client borne_hub_testsupport LABELS integration)
# The appliance driven as the shell drives it, by taps and holds (shared by the appliance tests).
add_library(borne_appliance_testsupport STATIC integration/test_appliance_support.c)
target_link_libraries(borne_appliance_testsupport PUBLIC borne_appliance borne_hub_testsupport borne_ui)
borne_add_test(NAME test_appliance SOURCES integration/test_appliance.c
               LIBS borne_appliance_testsupport LABELS ui integration
               ENV SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software SDL_AUDIODRIVER=dummy)
# Every size and state of the desk appliance through the frame checks; the PNGs stay in the build tree.
borne_add_test(NAME test_appliance_screens SOURCES integration/test_appliance_screens.c
               LIBS borne_appliance_testsupport LABELS ui integration
               ENV SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software SDL_AUDIODRIVER=dummy)
borne_add_test(NAME test_appliance_token SOURCES unit/test_appliance_token.c
               LIBS borne_appliance borne_secret_testsupport LABELS unit)
# The waiting-room display driven as the shell drives it (shared by the display tests).
add_library(borne_display_testsupport STATIC integration/test_display_support.c)
target_link_libraries(borne_display_testsupport PUBLIC borne_display borne_hub_testsupport)
borne_add_test(NAME test_hub_display SOURCES integration/test_hub_display.c
               LIBS borne_display_testsupport LABELS ui integration
               ENV SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software SDL_AUDIODRIVER=dummy)
# The waiting-room display on its TVs through the frame checks; the PNGs stay in the build tree.
borne_add_test(NAME test_display_screens SOURCES integration/test_display_screens.c
               LIBS borne_display_testsupport LABELS ui integration
               ENV SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software SDL_AUDIODRIVER=dummy)
# The spoken announcements of the display: real espeak-ng speech into a recording sink.
borne_add_test(NAME test_display_announce SOURCES integration/test_display_announce.c
               LIBS borne_display_testsupport LABELS ui integration
               ENV SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software SDL_AUDIODRIVER=dummy)
borne_add_test(NAME test_hub_doors SOURCES integration/test_hub_doors.c
               LIBS borne_hub_testsupport PkgConfig::SQLITE3 LABELS integration)

borne_add_test(NAME test_hub_alarm SOURCES integration/test_hub_alarm.c
               LIBS borne_hub_testsupport LABELS integration)

# "Speak to an agent": kiosk (its fixture) → hub → two desk clients, and the dismissal.
borne_add_test(NAME test_agent_request SOURCES integration/test_agent_request.c integration/test_hub_desk.c
               LIBS borne_client borne_hub_testsupport borne_kiosk_fixture LABELS ui integration
               ENV SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software SDL_AUDIODRIVER=dummy)
