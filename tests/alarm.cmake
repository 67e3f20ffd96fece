# Tests of the safety alarm (app/alarm, and its parts in app/core, app/hub, app/collector and the
# browser counter): the board's escalation with an injected clock, and two antennes of one group
# with a real collector and real hubs, driven from headless Chromium.
# sendmail as a child: delivered, failed, silent, abandoned on stop, missing.
borne_add_test(NAME test_alarm_send_mail SOURCES integration/test_alarm_send_mail.c LIBS borne_alarm LABELS integration TIMEOUT 60)
borne_add_test(NAME test_alarm_escalate SOURCES integration/test_alarm_escalate.c
               LIBS borne_alarm borne_config borne_testlib PkgConfig::MHD LABELS integration)

add_executable(alarm_board integration/alarm_board.c)
target_link_libraries(alarm_board PRIVATE borne_alarm borne_hub borne_config)
if(BORNE_NODE AND BORNE_NPM AND BORNE_CHROMIUM)
  add_test(NAME test_alarm_group
    COMMAND sh -c "mkdir -p '${hub_web}' && cp '${hub_web_src}/package.json' '${hub_web_src}/package-lock.json' '${hub_web}/' && cd '${hub_web}' && '${BORNE_NPM}' ci --no-audit --no-fund --prefer-offline --loglevel=error && exec '${BORNE_NODE}' '${CMAKE_CURRENT_SOURCE_DIR}/integration/test_alarm_group.js' '$<TARGET_FILE:alarm_board>' '$<TARGET_FILE:borne-collector>' '${hub_web}/node_modules'")
  set_tests_properties(test_alarm_group PROPERTIES LABELS integration TIMEOUT 300 RESOURCE_LOCK hub_web
    ENVIRONMENT "BORNE_TEST_TMP=${BORNE_TEST_TMP};BORNE_ASSETS=${BORNE_ASSETS_DIR}")
else()
  add_test(NAME test_alarm_group COMMAND sh -c "echo 'test_alarm_group needs node, npm and chromium: run board/dev/deps' >&2; exit 1")
  set_tests_properties(test_alarm_group PROPERTIES LABELS integration)
endif()

# The alarm is silent for the public: display pixels, public state and stream, kiosk pixels.
borne_add_test(NAME test_alarm_silence SOURCES integration/test_alarm_silence.c
               LIBS borne_display_testsupport borne_kiosk_fixture LABELS ui integration
               ENV SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software SDL_AUDIODRIVER=dummy)
