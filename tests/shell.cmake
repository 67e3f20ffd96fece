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
add_executable(bench_shell bench/bench_shell.c)
target_link_libraries(bench_shell PRIVATE PkgConfig::X11)
target_compile_definitions(bench_shell PRIVATE BORNE_BIN="$<TARGET_FILE:borne>"
                           BENCH_ASSETS_DIR="${BORNE_ASSETS_DIR}")
add_dependencies(bench_shell borne)
borne_add_bench(bench_shell)
