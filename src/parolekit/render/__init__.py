"""Generated pages (cover letter, index, chronology, claims, separators, declarations, certificates)."""

# uharfbuzz first, unguarded: reportlab imports it inside a bare `except:`, where a Ctrl-C
# would be swallowed and text shaping silently turned off for the rest of the process.
import uharfbuzz  # noqa: F401
from reportlab.pdfbase import ttfonts as _ttfonts

if _ttfonts.uharfbuzz is None:  # the interrupt landed inside reportlab's import all the same
    raise KeyboardInterrupt
