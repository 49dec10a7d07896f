"""Files poslink reads and writes: where they are (a path or a URL), output written whole or
not at all, and the rejects file beside an output."""
