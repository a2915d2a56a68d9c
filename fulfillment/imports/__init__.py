"""Bulk import and export of a seller's offers (issue 10, item 4; docs/decisions/0076-bulk-import.md)."""
