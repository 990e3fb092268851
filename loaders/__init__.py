"""Spreadsheet import: reading, header mapping, validation and normalisation, batched idempotent writes, reports.

``gridgraph load PATH...`` (see :mod:`loaders.cli`) drives :class:`loaders.importer.Importer`.
"""
