# Tests of the printer room.
