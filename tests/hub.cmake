# tests/hub.cmake: added by this room's work.
