"""Writing rules: running their examples, skeletons for ``textclean rules new``, and rules
discovered from a corpus (site lines, spelling variants)."""
