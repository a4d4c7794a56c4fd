"""The stages that are not rule kinds: unicode repair (ftfy) and whitespace."""
