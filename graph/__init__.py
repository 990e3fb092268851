"""Everything that touches Neo4j as a database: settings, driver, migrations and the local server."""
