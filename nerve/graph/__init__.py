"""The graph IR: tensors, nodes, the lifting rule, traversal and random state."""

from nerve.graph import operators  # noqa: F401 - installs Tensor's operators
from nerve.graph.node import Node, apply, lift
from nerve.graph.tensor import LearningPhase, Placeholder, Tensor, Variable
from nerve.graph.traversal import evaluate, topo_sort

__all__ = [
    "LearningPhase",
    "Node",
    "Placeholder",
    "Tensor",
    "Variable",
    "apply",
    "evaluate",
    "lift",
    "topo_sort",
]
