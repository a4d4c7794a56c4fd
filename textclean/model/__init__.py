"""What flows through textclean: a document and its edits (replay, undo), marks, the interface
every stage and rule kind implements, and the corpus evidence a first pass collects."""
