# tests/board.cmake: added by this room's work.
