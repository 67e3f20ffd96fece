# Tests of the HQ <-> board channel (app/channel, app/collector/collector_channel.c).
add_library(borne_fleet_testsupport STATIC integration/test_fleet_support.c)
target_link_libraries(borne_fleet_testsupport PUBLIC borne_collector borne_testlib PkgConfig::CURL PkgConfig::JANSSON)
target_include_directories(borne_fleet_testsupport PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/integration)

borne_add_test(NAME test_channel SOURCES integration/test_channel.c
  LIBS borne_channel borne_fleet_testsupport PkgConfig::CURL PkgConfig::JANSSON LABELS integration TIMEOUT 180)
borne_add_test(NAME test_fleet_config SOURCES integration/test_fleet_config.c
  LIBS borne_fleet borne_fleet_testsupport LABELS integration TIMEOUT 180)
# The kiosk's side of central configuration (services screen, closed screen, never mid-flow).
borne_add_test(NAME test_kiosk_fleet SOURCES ui/test_kiosk_fleet.c
  LIBS borne_kiosk_fixture borne_fleet borne_fleet_testsupport LABELS ui integration TIMEOUT 180
  ENV SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software SDL_AUDIODRIVER=dummy)
borne_add_test(NAME test_collector_health SOURCES unit/test_collector_health.c LIBS borne_collector LABELS unit)
# publish -> applied on a board (p50/p99) and 2,800 idle channels held by the real collector program.
add_executable(bench_fleet bench/bench_fleet.c)
target_link_libraries(bench_fleet PRIVATE borne_fleet borne_fleet_testsupport)
target_compile_definitions(bench_fleet PRIVATE BORNE_COLLECTOR_BIN="$<TARGET_FILE:borne-collector>")
add_dependencies(bench_fleet borne-collector)
borne_add_bench(bench_fleet)
