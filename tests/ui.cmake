# Tests of the ui room (app/ui, app/kiosk). Headless: SDL's dummy video driver and the software
# renderer (pixel-stable; pixels are read back before any present).
# No LeakSanitizer suppressions are needed: the dummy driver and SDL_ttf free everything.
set(BORNE_UI_ENV SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software SDL_AUDIODRIVER=dummy)

borne_add_test(NAME test_ui_i18n SOURCES ui/test_ui_i18n.c LIBS borne_ui borne_config LABELS unit ui ENV ${BORNE_UI_ENV})
borne_add_test(NAME test_ui_check SOURCES ui/test_ui_check.c LIBS borne_ui LABELS unit ui ENV ${BORNE_UI_ENV})

# A kiosk on a real engine, printer driver (in-memory fake transport) and dummy SDL window.
add_library(borne_kiosk_fixture STATIC ui/test_kiosk_fixture.c)
target_link_libraries(borne_kiosk_fixture PUBLIC borne_kiosk borne_shell borne_testlib)
target_include_directories(borne_kiosk_fixture PUBLIC ${BORNE_INCLUDE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/ui)

# Every screen x size (800x480, 1024x600, 1280x800, 1080x1920) x normal and large text, one test
# per language of assets/i18n (they run side by side): PNGs in ${BORNE_TEST_TMP}/screens.
add_executable(test_kiosk_screens ui/test_kiosk_screens.c)
target_link_libraries(test_kiosk_screens PRIVATE borne_testlib borne_kiosk_fixture)
foreach(code fr en ar es nl de)
  add_test(NAME test_kiosk_screens_${code} COMMAND test_kiosk_screens ${code})
  set_tests_properties(test_kiosk_screens_${code} PROPERTIES LABELS ui TIMEOUT 600 ENVIRONMENT
    "BORNE_TEST_TMP=${BORNE_TEST_TMP};BORNE_ASSETS=${BORNE_ASSETS_DIR};BORNE_BIN=${CMAKE_BINARY_DIR};${BORNE_UI_ENV}")
endforeach()
# The feedback scale in order and its icons one size, every screen x language x text size.
borne_add_test(NAME test_kiosk_weather SOURCES ui/test_kiosk_weather.c LIBS borne_kiosk_fixture
               LABELS ui TIMEOUT 300 ENV ${BORNE_UI_ENV})
borne_add_test(NAME test_kiosk_flows SOURCES ui/test_kiosk_flows.c LIBS borne_kiosk_fixture
               LABELS ui TIMEOUT 120 ENV ${BORNE_UI_ENV})

add_executable(bench_kiosk bench/bench_kiosk.c)
target_link_libraries(bench_kiosk PRIVATE borne_kiosk_fixture)
target_compile_definitions(bench_kiosk PRIVATE BENCH_ASSETS_DIR="${BORNE_ASSETS_DIR}")
borne_add_bench(bench_kiosk)

# Every scene speaks every choice it draws, in every language; the keypad alone takes a ticket,
# checks in and gives feedback.
borne_add_test(NAME test_kiosk_scenes SOURCES ui/test_kiosk_scenes.c LIBS borne_kiosk_fixture
               LABELS ui TIMEOUT 120 ENV ${BORNE_UI_ENV})
# An absent keypad (missing, unplugged), no audio device, a missing voice: the kiosk serves.
borne_add_test(NAME test_kiosk_bad_input SOURCES ui/test_kiosk_bad_input.c LIBS borne_kiosk_fixture
               LABELS ui TIMEOUT 120 ENV ${BORNE_UI_ENV})
# Speech with real espeak-ng into the speech module's memory sink.
borne_add_test(NAME test_kiosk_speech SOURCES ui/test_kiosk_speech.c LIBS borne_kiosk_fixture
               LABELS ui TIMEOUT 120 ENV ${BORNE_UI_ENV})

# Languages at run time: French fallback of a missing key, a bad catalog left out and reported.
borne_add_test(NAME test_kiosk_lang SOURCES ui/test_kiosk_lang.c LIBS borne_kiosk_fixture
               LABELS ui TIMEOUT 120 ENV ${BORNE_UI_ENV})

# What a visitor hears, as a file: one text through the speech module into a WAV (sox stat on it).
add_executable(speech_wav tools/speech_wav.c)
target_link_libraries(speech_wav PRIVATE borne_speech)
