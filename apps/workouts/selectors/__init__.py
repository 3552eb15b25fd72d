"""Read-side queries of the training context (one module per area)."""
