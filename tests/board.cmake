# Tests of the board room (watchdog, clock, packaging).
borne_add_test(NAME test_clock SOURCES unit/test_clock.c LIBS borne_clock LABELS unit)
borne_add_test(NAME test_watchdog SOURCES unit/test_watchdog.c LIBS borne_watchdog LABELS unit)
borne_add_test(NAME test_board_watchdog SOURCES integration/test_board_watchdog.c
               LIBS borne_watchdog LABELS integration TIMEOUT 60)
# The generated /etc/borne/borne.ini (board/CMakeLists.txt writes it at configure time).
borne_add_test(NAME test_board_config SOURCES integration/test_board_config.c
               LIBS borne_config LABELS integration
               ENV BORNE_DEFAULT_CONFIG=${CMAKE_BINARY_DIR}/board/etc/borne.ini
                   BORNE_BOARD_DIR=${CMAKE_SOURCE_DIR}/board)

# Shell scripts the package installs, tested against fake directories.
foreach(t prestart screen)
  add_test(NAME test_board_${t} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_board_${t}.sh
           ${CMAKE_SOURCE_DIR}/board/scripts/borne-${t})
  set_tests_properties(test_board_${t} PROPERTIES LABELS integration TIMEOUT 60
                       ENVIRONMENT "BORNE_TEST_TMP=${BORNE_TEST_TMP}")
endforeach()

# HQ's signed repository (board/repo/borne-repo) with the real reprepro and gpg: promoting what
# does not exist changes nothing and says why.
add_test(NAME test_board_repo COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_board_repo.sh
         ${CMAKE_SOURCE_DIR}/board/repo/borne-repo)
set_tests_properties(test_board_repo PROPERTIES LABELS integration TIMEOUT 120
                     ENVIRONMENT "BORNE_TEST_TMP=${BORNE_TEST_TMP}")

# Plays systemd's notify side for board/test/deb-install-test (a tool, not a test).
add_executable(test_board_notify_wait integration/test_board_notify_wait.c)
target_link_libraries(test_board_notify_wait PRIVATE borne_clock)

# The two .debs on a clean Debian 12 (debootstrap chroot, then systemd-nspawn): install, start,
# restart by systemd, upgrade, the collector under its unit, updates through a signed repository
# (quiet window, rollback, tampered signature), the fleet from HQ in three containers
# (board/test/fleet-test, ~1 min), purge. Root, debootstrap, systemd-container, reprepro, gnupg,
# xvfb, xdotool, tesseract-ocr, jq and the mirror; ~13 min (each role stays up 2 min on its pings).
add_test(NAME test_board_deb_install
         COMMAND bash ${CMAKE_SOURCE_DIR}/board/test/deb-install-test ${CMAKE_BINARY_DIR}/debtest)
set_tests_properties(test_board_deb_install PROPERTIES LABELS slow TIMEOUT 1800)
