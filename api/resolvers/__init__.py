"""Root fields and mutations. Each root field compiles its whole selection into one Cypher query."""
