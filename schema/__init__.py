"""The domain model: node and relationship types, enumerations, the case state machine, GraphQL types."""
