# Tests of the HQ <-> board channel (app/channel, app/collector/collector_channel.c).
borne_add_test(NAME test_channel SOURCES integration/test_channel.c
  LIBS borne_channel borne_collector PkgConfig::CURL PkgConfig::JANSSON LABELS integration TIMEOUT 180)
