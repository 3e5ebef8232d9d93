// Module placeholder; real files replace it.
