"""Cell specs: the graph, its validation, and the three ways in (TOML, equations, builder)."""
