// @query due-soon
// @title 即将到期案件
// @description Open cases whose deadline falls within the next withinHours hours (not yet overdue), soonest
// first, with who holds them now — the list to warn before a time limit passes.
// @param scopePath string = "/" e.g. "/A1/" — the caller's scope: only cases in this grid subtree
// @param gridCode string = null e.g. "A1-V1" — only in this grid's subtree, within scopePath (a grid outside it, or no such grid: no rows)
// @param now datetime = null e.g. "2026-11-25T09:00:00+08:00" — the moment deadlines are compared with (default: now)
// @param withinHours int = 24 e.g. 48 — how far ahead to look, in hours
// @param limit int = 100 e.g. 500 — most rows returned
// @const openStatuses
// @column caseCode 案件编号 Case — the case due soon
// @column kind 类型 — case kind
// @column title 标题 — case title
// @column status 状态 — its status
// @column gridCode 所在网格 Grid — the grid the case is in
// @column deadline 办理时限 — when it is due
// @column hoursLeft 剩余小时 — hours until the deadline
// @column holders 承办方 — names of the persons and organisations holding it now
// @column holderPersonKeys 承办人编号 Person — keys of the persons holding it now
OPTIONAL MATCH (scopeGrid:Grid {code: $gridCode})
WITH CASE WHEN $gridCode IS NULL THEN $scopePath
          WHEN scopeGrid.path STARTS WITH $scopePath THEN scopeGrid.path
          WHEN $scopePath STARTS WITH scopeGrid.path THEN $scopePath
     END AS under
WITH under, coalesce($now, datetime()) AS now
CALL (under, now) {
  MATCH (c:Case)
  WHERE c.deadline >= now AND c.deadline < now + duration({hours: $withinHours})
    AND c.gridPath STARTS WITH under AND c.status IN $openStatuses
  RETURN c
  ORDER BY c.deadline, c.code
  LIMIT $limit
}
RETURN c.code AS caseCode, c.kind AS kind, c.title AS title, c.status AS status,
       split(c.gridPath, '/')[-2] AS gridCode, c.deadline AS deadline,
       round(duration.inSeconds(now, c.deadline).seconds / 3600.0, 1) AS hoursLeft,
       COLLECT { MATCH (c)-[a:ASSIGNED_TO]->(x) WHERE a.until IS NULL RETURN x.name ORDER BY x.name } AS holders,
       COLLECT { MATCH (c)-[a:ASSIGNED_TO]->(x:Person) WHERE a.until IS NULL RETURN x.key ORDER BY x.key } AS holderPersonKeys
ORDER BY deadline, caseCode
