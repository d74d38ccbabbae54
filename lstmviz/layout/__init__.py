"""Layout: a cell graph and a view become geometry (shapes, wires, labels), with no colours."""
