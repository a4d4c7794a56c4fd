"""Rule files in, a Cleaner out: the engine that runs the stages to a fixed point, rule files,
their cache and limits, inline control comments, and the project configuration."""
