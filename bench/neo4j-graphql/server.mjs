// The Neo4j GraphQL Library (@neo4j/graphql 7) serving gridgraph's graph, for bench/api_bench.py to compare
// gridgraph's API with. Listens on HOST:PORT (loopback only), reads the database named by NEO4J_URI,
// NEO4J_USERNAME and NEO4J_PASSWORD, and checks bearer tokens with JWT_KEY (HS256), as gridgraph does.
import { readFileSync } from "node:fs";

import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import { GraphQLScalarType } from "graphql";
import neo4j from "neo4j-driver";

const env = (name, fallback) => {
    const value = process.env[name] ?? fallback;
    if (value === undefined) {
        console.error(`${name} must be set`);
        process.exit(2);
    }
    return value;
};

const host = env("HOST", "127.0.0.1");
if (!["127.0.0.1", "localhost", "::1"].includes(host)) {
    console.error(`HOST=${host}: this benchmark server listens on the loopback address only`);
    process.exit(2);
}
const port = Number(env("PORT", "4000"));
const driver = neo4j.driver(env("NEO4J_URI"), neo4j.auth.basic(env("NEO4J_USERNAME", "neo4j"), env("NEO4J_PASSWORD")),
    { maxConnectionPoolSize: 100, disableLosslessIntegers: true });
const typeDefs = readFileSync(new URL("./typeDefs.graphql", import.meta.url), "utf8");
const ZonedDateTime = new GraphQLScalarType({
    name: "ZonedDateTime",
    description: "A zoned date-time, as ISO 8601 (e.g. 2026-06-20T00:00:00+08:00).",
    serialize: (value) => value.toString(),
});
const library = new Neo4jGraphQL({
    typeDefs,
    resolvers: { ZonedDateTime },
    driver,
    features: { authorization: { key: env("JWT_KEY"), verifyOptions: { algorithms: ["HS256"], issuer: "gridgraph" } } },
});

const server = new ApolloServer({ schema: await library.getSchema(), introspection: true });
const { url } = await startStandaloneServer(server, {
    listen: { host, port },
    context: async ({ req }) => ({ token: req.headers.authorization, sessionConfig: { database: "neo4j" } }),
});
console.log(`@neo4j/graphql server on ${url}`);

const stop = async () => {
    await server.stop();
    await driver.close();
    process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
