"""Built-in templates shipped with parolekit (copy one and point `cover_letter.template` at it)."""
