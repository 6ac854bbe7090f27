"""Generated pages (cover letter, index, chronology, claims, separators, declarations, certificates)."""
