"""Learning inside the cell: the backward pass, toy tasks, training, gradient flow, the explorer."""

from .backward import Gradients, backward

__all__ = ["Gradients", "backward"]
