"""The release format: record schema, bundles (folder or zip) and the database-free Lexicon.

Imports nothing above the ground floor, so that a platform can scan from a bundle without a
database and every layer above can share one definition of a release.
"""
