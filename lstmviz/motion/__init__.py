"""Animation: the executor's real values flowing through the diagram, step by step."""
