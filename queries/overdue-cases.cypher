// @query overdue-cases
// @title 超期未办结案件
// @description Open cases past their deadline, by grid, with who holds them (the persons and organisations
// they are assigned to now) and how many days they are overdue.
// @param scopePath string = "/" e.g. "/A1/" — the caller's scope: only cases in this grid subtree
// @param gridCode string = null e.g. "A1-V1" — only in this grid's subtree, within scopePath (a grid outside it, or no such grid: no rows)
// @param now datetime = null e.g. "2026-11-25T09:00:00+08:00" — the moment deadlines are compared with (default: now)
// @param kind string = null e.g. "hotline" — only cases of this kind (dispute, petition, hotline, order, wish, supervision, project)
// @param limit int = 100 e.g. 500 — most rows returned
// @const openStatuses
// @column caseCode 案件编号 Case — the overdue case
// @column kind 类型 — case kind
// @column category 类别 — case category
// @column title 标题 — case title
// @column status 状态 — its status
// @column gridCode 所在网格 Grid — the grid the case is in
// @column gridName 网格名称 — its name
// @column reportedAt 上报时间 — when it was reported
// @column deadline 办理时限 — when it was due
// @column overdueDays 超期天数 — whole days past the deadline
// @column holders 承办方 — names of the persons and organisations holding it
// @column holderPersonKeys 承办人编号 Person — keys of the persons holding it
// @column holderOrganizationCodes 承办单位编码 Organization — codes of the organisations holding it
OPTIONAL MATCH (scopeGrid:Grid {code: $gridCode})
WITH CASE WHEN $gridCode IS NULL THEN $scopePath
          WHEN scopeGrid.path STARTS WITH $scopePath THEN scopeGrid.path
          WHEN $scopePath STARTS WITH scopeGrid.path THEN $scopePath
     END AS under
CALL (under) {
  MATCH (c:Case)
  WHERE c.gridPath STARTS WITH under AND c.status IN $openStatuses
    AND c.deadline < coalesce($now, datetime()) AND ($kind IS NULL OR c.kind = $kind)
  RETURN c
  ORDER BY c.gridPath, c.deadline, c.code
  LIMIT $limit
}
OPTIONAL MATCH (g:Grid {path: c.gridPath})
RETURN c.code AS caseCode, c.kind AS kind, c.category AS category, c.title AS title, c.status AS status,
       g.code AS gridCode, g.name AS gridName, c.reportedAt AS reportedAt, c.deadline AS deadline,
       duration.inDays(c.deadline, coalesce($now, datetime())).days AS overdueDays,
       COLLECT { MATCH (c)-[a:ASSIGNED_TO]->(x) WHERE a.until IS NULL RETURN x.name ORDER BY x.name } AS holders,
       COLLECT { MATCH (c)-[a:ASSIGNED_TO]->(x:Person) WHERE a.until IS NULL RETURN x.key ORDER BY x.key } AS holderPersonKeys,
       COLLECT { MATCH (c)-[a:ASSIGNED_TO]->(x:Organization) WHERE a.until IS NULL RETURN x.code ORDER BY x.code } AS holderOrganizationCodes
ORDER BY c.gridPath, deadline, caseCode
