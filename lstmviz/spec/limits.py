"""How big a spec may be. Specs are shared, so a spec is a stranger's input: each limit is far above
any published cell and far below what would make lstmviz slow, crash or run out of memory, and
each error that enforces one names it."""

#: Bytes of a spec file.
MAX_SPEC_BYTES = 1 << 20
#: Equations in the equation form.
MAX_EQUATIONS = 10_000
#: Nodes of a cell, however it is written.
MAX_NODES = 20_000
#: Nodes of a cell that is drawn: a larger figure is unreadable, and laying it out takes seconds.
MAX_DRAWN_NODES = 200
#: Nesting of one equation's expression; each term of a long sum nests one deeper.
MAX_DEPTH = 100
#: The value of a dim (a vector size).
MAX_DIM = 1_000_000
#: Characters of a label, and how deep its braces may nest.
MAX_LABEL = 200
MAX_LABEL_DEPTH = 8
#: Characters of one of the paper's equations (a spec's ``latex``).
MAX_LATEX = 400
#: Characters of one number written in a spec, a style sheet or an equation (a date-time of TOML's
#: is 35 at most): checked before the number is converted, which for a long one takes seconds or fails.
MAX_NUMBER_CHARS = 50
#: Units of each vector an animation shows (--units, --neurons).
MAX_UNITS = 4096
