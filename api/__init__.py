"""The HTTP API: GraphQL over the graph, analysts' Cypher, health and metrics."""
