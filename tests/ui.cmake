# Tests of the ui room.
