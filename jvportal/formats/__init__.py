"""Format overrides per language."""
