"""Developer tools (not part of the portal)."""
