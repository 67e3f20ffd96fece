# Tests of the config room (app/config) and of the borne-admin CLI (app/admin).
borne_add_test(NAME test_config SOURCES unit/test_config.c LIBS borne_config LABELS unit)
