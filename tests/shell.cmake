# Tests of the shell room (app/shell, app/roles, app/main.c): the real `borne` program, each role
# under the systemd notify protocol played by the test, and SIGTERM at any moment.
set(BORNE_SHELL_ENV SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software SDL_AUDIODRIVER=dummy)
borne_add_test(NAME test_shell_roles SOURCES integration/test_shell_roles.c ARGS notify
               LABELS integration TIMEOUT 180 ENV ${BORNE_SHELL_ENV})
add_dependencies(test_shell_roles borne)
borne_add_test(NAME test_shell_sigterm SOURCES integration/test_shell_roles.c ARGS sigterm 20
               LABELS integration TIMEOUT 300 ENV ${BORNE_SHELL_ENV})
add_dependencies(test_shell_sigterm borne)
borne_add_test(NAME test_shell_sigterm_soak SOURCES integration/test_shell_roles.c ARGS sigterm 500
               LABELS slow TIMEOUT 3600 ENV ${BORNE_SHELL_ENV})
add_dependencies(test_shell_sigterm_soak borne)

# The real program on the X11 path (Xvfb) and the dummy driver: first frame seen by an external
# pixel probe (Xlib), PSS, idle CPU, shared objects. Xvfb comes with board/dev/deps.
pkg_check_modules(X11 REQUIRED IMPORTED_TARGET x11)
add_library(borne_bench_proc STATIC bench/bench_proc.c)
target_include_directories(borne_bench_proc PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/bench)
target_link_libraries(borne_bench_proc PUBLIC PkgConfig::X11)
target_compile_definitions(borne_bench_proc PRIVATE BORNE_BIN="$<TARGET_FILE:borne>"
                           BENCH_ASSETS_DIR="${BORNE_ASSETS_DIR}")
add_executable(bench_shell bench/bench_shell.c)
target_link_libraries(bench_shell PRIVATE borne_bench_proc)
target_compile_definitions(bench_shell PRIVATE BORNE_BIN="$<TARGET_FILE:borne>")
add_dependencies(bench_shell borne)
borne_add_bench(bench_shell)

# The kiosk's speech on the real path: `borne` under Xvfb, the speech key pressed through XTest,
# SDL's disk audio driver writing the PCM to a file the bench reads; CPU and PSS while speaking
# and after; first frame and PSS with the six catalogs loaded (libxtst-dev in board/dev/deps).
pkg_check_modules(XTST REQUIRED IMPORTED_TARGET xtst)
add_executable(bench_speech bench/bench_speech.c)
target_link_libraries(bench_speech PRIVATE borne_bench_proc PkgConfig::XTST)
add_dependencies(bench_speech borne)
borne_add_bench(bench_speech)
