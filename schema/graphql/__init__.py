"""The GraphQL types of the domain (strawberry). Their fields are answered by compiled Cypher (see api/compile)."""
