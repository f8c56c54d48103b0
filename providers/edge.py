"""The path of deployed states' providers of this kind (see the package's docstring)."""

from entities.edge.provider import Edge, EdgeInputs, EdgeProvider

__all__ = ["Edge", "EdgeInputs", "EdgeProvider"]
