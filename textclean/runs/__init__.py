"""Runs over many documents: a corpus run and its worker processes, files cleaned in place, undo,
progress, and the reports of a run."""
