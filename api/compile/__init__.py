"""Compilation of a GraphQL selection into one Cypher query, and of its rows back into the response."""
