"""Evidence rules kept as data (YAML), loaded by the linter."""
