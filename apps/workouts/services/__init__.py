"""Write-side services of the training context (one module per area)."""
