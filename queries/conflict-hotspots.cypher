// @query conflict-hotspots
// @title 矛盾纠纷多发的人和户
// @description Persons and households involved in repeated disputes: at least minCases dispute cases in the
// grid subtree (optionally since a date). One row per person or household, most cases first.
// @param scopePath string = "/" e.g. "/A1/" — the caller's scope: only disputes in this grid subtree
// @param gridCode string = null e.g. "A1-V1" — only in this grid's subtree, within scopePath (a grid outside it, or no such grid: no rows)
// @param minCases int = 2 e.g. 3 — at least this many disputes
// @param since datetime = null e.g. "2026-01-01T00:00:00+08:00" — only disputes reported since then
// @param limit int = 100 e.g. 50 — most rows returned
// @column kind 对象 — person or household
// @column personKey 人员编号 Person — the person (empty for a household)
// @column householdCode 户编号 Household — the household, or the household the person lives in
// @column name 姓名/住址 — name of the person, or address of the household
// @column cases 纠纷数 — disputes they are involved in
// @column caseCodes 纠纷编号 Case — codes of those disputes
// @column gridCode 所在网格 Grid — the grid of their latest dispute
OPTIONAL MATCH (scopeGrid:Grid {code: $gridCode})
WITH CASE WHEN $gridCode IS NULL THEN $scopePath
          WHEN scopeGrid.path STARTS WITH $scopePath THEN scopeGrid.path
          WHEN $scopePath STARTS WITH scopeGrid.path THEN $scopePath
     END AS under
MATCH (c:Case)
WHERE c.gridPath STARTS WITH under AND c.kind = 'dispute' AND ($since IS NULL OR c.reportedAt >= $since)
MATCH (c)-[:INVOLVES]->(x)
WHERE x:Person OR x:Household
WITH x, c
ORDER BY c.reportedAt DESC, c.code
WITH x, count(c) AS cases, collect(c.code) AS caseCodes, head(collect(c.gridPath)) AS latestPath
WHERE cases >= $minCases
WITH x, cases, caseCodes, latestPath, x:Household AS isHousehold
RETURN CASE WHEN isHousehold THEN 'household' ELSE 'person' END AS kind,
       CASE WHEN isHousehold THEN null ELSE x.key END AS personKey,
       CASE WHEN isHousehold THEN x.code
            ELSE head(COLLECT { MATCH (x)-[:MEMBER_OF]->(home:Household) RETURN home.code ORDER BY home.code })
       END AS householdCode,
       CASE WHEN isHousehold THEN x.address ELSE x.name END AS name,
       cases, caseCodes, split(latestPath, '/')[-2] AS gridCode
ORDER BY cases DESC, kind, personKey, householdCode
LIMIT $limit
