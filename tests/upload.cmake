# tests/upload.cmake: added by this room's work.
