"""The API benchmark's parts: its own Neo4j and servers, the query mix, the load generator and the report."""
