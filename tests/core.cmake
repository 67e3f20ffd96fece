# tests/core.cmake: the queue engine's targets and tests.
