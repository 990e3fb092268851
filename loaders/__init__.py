"""Spreadsheet import: reading, header mapping, validation and normalisation, batched idempotent writes, reports.

``gridgraph load PATH...`` (see :mod:`cli.load`) drives :class:`loaders.importer.Importer`.
"""
