"""Named, parameterised Cypher queries (one ``.cypher`` file per question) and guarded ad-hoc Cypher."""
