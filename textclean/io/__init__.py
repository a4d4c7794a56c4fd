"""Reading and writing: input formats, outputs, the edit log (and its parts per shard), optional extras."""
