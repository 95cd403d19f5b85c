"""The performance benchmark of issue 16 (``make bench``; see run.py and the README)."""
