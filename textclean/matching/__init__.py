"""The matching machinery the rule kinds share: keyword passes, combined patterns under a time
budget, the backtracking proof, regex parse trees, line indexes and bounded memos."""
