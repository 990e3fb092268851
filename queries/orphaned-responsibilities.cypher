// @query orphaned-responsibilities
// @title 待接替责任
// @description Responsibilities whose person can no longer carry them: households contacted, units and grids led,
// and open cases held by a person aged 70 or older, or whose status says they moved out or died (movedOut,
// deceased) where a status is recorded (the census does not record it yet).
// @param scopePath string = "/" e.g. "/A1/" — the caller's scope: only responsibilities in this grid subtree
// @param gridCode string = null e.g. "A1-V1" — only in this grid's subtree, within scopePath (a grid outside it, or no such grid: no rows)
// @param today date = null e.g. "2026-12-01" — the day ages are counted at (default: today)
// @param limit int = 500 e.g. 100 — most rows returned
// @const exemptAge
// @const openStatuses
// @column kind 类型 — household (contacted), unit, grid (led) or case (held)
// @column code 编码 — the household, unit, grid or case code
// @column personKey 责任人编号 Person — who holds it
// @column name 责任人 — their name
// @column why 原因 — movedOut, deceased or aged 70+
OPTIONAL MATCH (scopeGrid:Grid {code: $gridCode})
WITH CASE WHEN $gridCode IS NULL THEN $scopePath
          WHEN scopeGrid.path STARTS WITH $scopePath THEN scopeGrid.path
          WHEN $scopePath STARTS WITH scopeGrid.path THEN $scopePath
     END AS under
WITH under, coalesce($today, date()) AS today
CALL (under, today) {
  MATCH (p:Person)-[:CONTACTS]->(h:Household) WHERE h.gridPath STARTS WITH under
  RETURN 'household' AS kind, h.code AS code, p
  UNION ALL
  MATCH (p:Person)-[:UNIT_CHIEF_OF]->(u:Unit) WHERE u.gridPath STARTS WITH under
  RETURN 'unit' AS kind, u.code AS code, p
  UNION ALL
  MATCH (p:Person)-[:GRID_CHIEF_OF]->(g:Grid) WHERE g.path STARTS WITH under
  RETURN 'grid' AS kind, g.code AS code, p
  UNION ALL
  MATCH (c:Case)-[a:ASSIGNED_TO]->(p:Person)
  WHERE c.gridPath STARTS WITH under AND a.until IS NULL AND c.status IN $openStatuses
  RETURN 'case' AS kind, c.code AS code, p
}
WITH kind, code, p, today,
     CASE WHEN p.status IN ['movedOut', 'deceased'] THEN p.status
          WHEN p.birthDate <= today - duration({years: $exemptAge}) THEN 'aged70+' END AS why
WHERE why IS NOT NULL
RETURN kind, code, p.key AS personKey, p.name AS name, why
ORDER BY kind, code, personKey
LIMIT $limit
