"""The training API (the only DRF importer of the context)."""
