"""The NumPy executor: compile a graph into a plan, run it, record a trace."""
