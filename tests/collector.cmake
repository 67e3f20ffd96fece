# Tests of the collector room.
