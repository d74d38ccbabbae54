"""lstmviz's style sheets: TOML files found by name (``colah``) or by path; see lstmviz.style."""
