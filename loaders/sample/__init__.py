"""A generated town (or county) as the workbooks clerks really keep, with their mess on purpose.

``generate(outdir, scale, seed, fmt)`` writes census workbooks (one sheet per village), the grid roster,
units, party organisations and contacts, the dispute ledger, 12345 tickets and micro-wishes, plus
``manifest.json`` with the counts and the place (file, sheet, Excel row) and code of every deliberate defect.
"""

from loaders.sample.generate import FORMATS, generate
from loaders.sample.manifest import Manifest
from loaders.sample.scales import SCALES, ScaleName

__all__ = ["FORMATS", "SCALES", "Manifest", "ScaleName", "generate"]
