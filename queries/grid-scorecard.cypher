// @query grid-scorecard
// @title 网格考核指标
// @description What a grid's scorecard is computed from, for each grid of a level in a period: households and
// those a party member contacts; cases reported in the period, those overdue (open past the deadline, or closed
// after it), closed, closed by the deadline, rated and rated satisfied, and closed at grid or village level.
// Weights and stars are applied by gridScorecard / gridRanking (schema/scorecard.toml).
// @param scopePath string = "/" e.g. "/A1/" — the caller's scope: only grids in this subtree
// @param gridCode string = null e.g. "A1-V1" — only in this grid's subtree, within scopePath (a grid outside it, or no such grid: no rows)
// @param level int = null e.g. 2 — only grids of this level (1 management areas, 2 village grids, 3 micro-grids)
// @param periodStart datetime e.g. "2026-10-01T00:00:00+08:00" — start of the period (included)
// @param periodEnd datetime e.g. "2027-01-01T00:00:00+08:00" — end of the period (excluded)
// @param now datetime = null e.g. "2026-12-01T09:00:00+08:00" — the moment open cases' deadlines are compared with (default: now)
// @param limit int = 500 e.g. 100 — most grids returned
// @const openStatuses
// @const satisfiedValues
// @column gridCode 网格编码 Grid — the grid (its subtree counts)
// @column name 网格名称 — its name
// @column level 层级 — its level
// @column households 户数 — households in its subtree
// @column contactedHouseholds 有联系党员户数 — of them, contacted by a party member
// @column cases 案件数 — cases reported in the period
// @column overdueCases 超期 — of them, open past the deadline or closed after it
// @column closedCases 办结 — of them, resolved or closed (not rejected)
// @column closedDated 有办结时间 — closed ones with a closing time and a deadline
// @column closedInTime 按期办结 — closed by the deadline
// @column ratedCases 已评价 — rated by the resident
// @column satisfiedCases 满意 — rated satisfied (very, plainly or basically)
// @column closedLow 网格村级办结 — closed while held at grid or village level
OPTIONAL MATCH (scopeGrid:Grid {code: $gridCode})
WITH CASE WHEN $gridCode IS NULL THEN $scopePath
          WHEN scopeGrid.path STARTS WITH $scopePath THEN scopeGrid.path
          WHEN $scopePath STARTS WITH scopeGrid.path THEN $scopePath
     END AS under
MATCH (g:Grid)
WHERE g.path STARTS WITH under AND ($level IS NULL OR g.level = $level)
WITH g
ORDER BY g.path
LIMIT $limit
CALL (g) {
  MATCH (h:Household) WHERE h.gridPath STARTS WITH g.path
  RETURN count(h) AS households, count(CASE WHEN EXISTS { (:PartyMember)-[:CONTACTS]->(h) } THEN 1 END) AS contacted
}
CALL (g) {
  OPTIONAL MATCH (c:Case)
  WHERE c.gridPath STARTS WITH g.path AND c.reportedAt >= $periodStart AND c.reportedAt < $periodEnd
  WITH c, c.status IN $openStatuses AS open, c.status <> 'rejected' AND NOT c.status IN $openStatuses AS done
  RETURN count(c) AS cases,
         count(CASE WHEN (open AND c.deadline < coalesce($now, datetime())) OR (done AND c.closedAt > c.deadline)
                    THEN 1 END) AS overdue,
         count(CASE WHEN done THEN 1 END) AS closed,
         count(CASE WHEN done AND c.closedAt IS NOT NULL AND c.deadline IS NOT NULL THEN 1 END) AS dated,
         count(CASE WHEN done AND c.closedAt <= c.deadline THEN 1 END) AS inTime,
         count(c.satisfaction) AS rated,
         count(CASE WHEN c.satisfaction IN $satisfiedValues THEN 1 END) AS satisfied,
         count(CASE WHEN done AND coalesce(c.level, 'grid') IN ['grid', 'village'] THEN 1 END) AS low
}
RETURN g.code AS gridCode, g.name AS name, g.level AS level, households, contacted AS contactedHouseholds,
       cases, overdue AS overdueCases, closed AS closedCases, dated AS closedDated, inTime AS closedInTime,
       rated AS ratedCases, satisfied AS satisfiedCases, low AS closedLow
ORDER BY g.path
