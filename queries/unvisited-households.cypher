// @query unvisited-households
// @title 未走访户
// @description Households in a grid subtree with no visit (走访) in the `days` days up to `today`, those never
// visited first, then the longest unvisited; vulnerableOnly keeps those with a vulnerable member.
// @param scopePath string = "/" e.g. "/A1/A1-V1/" — the caller's scope: only households in this grid subtree
// @param gridCode string = null e.g. "A1-V1" — only in this grid's subtree, within scopePath (a grid outside it, or no such grid: no rows)
// @param days int = 90 e.g. 30 — a visit within this many days counts
// @param today date = null e.g. "2026-12-01" — the day counted back from (default: today)
// @param vulnerableOnly bool = false e.g. true — only households with a vulnerable member (sensitive: tags)
// @param limit int = 100 e.g. 500 — most rows returned
// @const vulnerableTags
// @column householdCode 户编号 Household — the household
// @column gridCode 所在网格 Grid — the grid it is registered in
// @column address 住址 — its address
// @column lastVisitedAt 最近走访 — when it was last visited (empty: never)
// @column vulnerableMembers 困难人员数 sensitive — members with a vulnerable tag (sensitive personal information)
OPTIONAL MATCH (scopeGrid:Grid {code: $gridCode})
WITH CASE WHEN $gridCode IS NULL THEN $scopePath
          WHEN scopeGrid.path STARTS WITH $scopePath THEN scopeGrid.path
          WHEN $scopePath STARTS WITH scopeGrid.path THEN $scopePath
     END AS under
WITH under, coalesce($today, date()) AS today
MATCH (h:Household)
WHERE h.gridPath STARTS WITH under
WITH h, today,
     COUNT { MATCH (m:Person)-[:MEMBER_OF]->(h) WHERE any(tag IN m.tags WHERE tag IN $vulnerableTags) } AS vulnerable,
     head(COLLECT { MATCH (v:Visit)-[:TO]->(h) RETURN v.at ORDER BY v.at DESC }) AS last
WHERE (NOT $vulnerableOnly OR vulnerable > 0)
  AND (last IS NULL OR date(last) <= today - duration({days: $days}))
RETURN h.code AS householdCode, split(h.gridPath, '/')[-2] AS gridCode, h.address AS address,
       last AS lastVisitedAt, vulnerable AS vulnerableMembers
ORDER BY last IS NOT NULL, last, householdCode
LIMIT $limit
