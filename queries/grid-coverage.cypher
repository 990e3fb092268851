// @query grid-coverage
// @title 网格覆盖统计
// @description Coverage of each grid, rolled up its subtree: households, persons, party members, households
// contacted by a party member and their share, and cases — open, overdue, closure rate and the share of
// rated cases whose residents were satisfied. Grids in path order (a grid, then the grids under it).
// @param scopePath string = "/" e.g. "/A1/" — the caller's scope: the grid subtree to report on
// @param gridCode string = null e.g. "A1" — only in this grid's subtree, within scopePath (a grid outside it, or no such grid: no rows)
// @param maxLevel int = 3 e.g. 2 — deepest grid level listed (1 management areas, 2 village grids, 3 micro-grids)
// @param now datetime = null e.g. "2026-11-25T09:00:00+08:00" — the moment deadlines are compared with (default: now)
// @param limit int = 100 e.g. 500 — most grids returned
// @const openStatuses
// @const satisfiedValues
// @column gridCode 网格编码 Grid — the grid
// @column name 网格名称 — its name
// @column level 层级 — 1 management area, 2 village grid, 3 micro-grid
// @column path 网格路径 — its path in the grid tree
// @column households 户数 — households in the grid and the grids under it
// @column persons 人口 — persons registered in those households
// @column partyMembers 党员数 — party members among them
// @column contactedHouseholds 有联系党员户数 — households a party member contacts
// @column contactedShare 联系覆盖率 — contacted households ÷ households (empty without households)
// @column cases 案件数 — cases in the grid and the grids under it
// @column openCases 未办结 — cases still open
// @column overdueCases 超期 — open cases past their deadline
// @column closureRate 办结率 — cases no longer open ÷ cases (empty without cases)
// @column satisfactionRate 满意率 — satisfied or basically satisfied ÷ rated cases (empty without ratings)
OPTIONAL MATCH (scopeGrid:Grid {code: $gridCode})
WITH CASE WHEN $gridCode IS NULL THEN $scopePath
          WHEN scopeGrid.path STARTS WITH $scopePath THEN scopeGrid.path
          WHEN $scopePath STARTS WITH scopeGrid.path THEN $scopePath
     END AS under
MATCH (g:Grid)
WHERE g.path STARTS WITH under AND g.level <= $maxLevel
WITH g
ORDER BY g.path
LIMIT $limit
WITH collect(g) AS grids
// Count each household and case once, by the grid it sits in, under the topmost grids listed; then roll the
// counts up to every listed grid by path prefix (a grid's path is a prefix of every path below it).
WITH grids, [g IN grids WHERE none(other IN grids WHERE other <> g AND g.path STARTS WITH other.path)] AS tops
CALL (tops) {
  UNWIND tops AS top
  MATCH (h:Household)
  WHERE h.gridPath STARTS WITH top.path
  WITH h.gridPath AS path, COUNT { (h)<-[:MEMBER_OF]-() } AS persons,
       COUNT { (h)<-[:MEMBER_OF]-(:PartyMember) } AS members, EXISTS { (h)<-[:CONTACTS]-() } AS contacted
  WITH path, count(*) AS households, sum(persons) AS persons, sum(members) AS members,
       sum(CASE WHEN contacted THEN 1 ELSE 0 END) AS contacted
  RETURN collect({path: path, households: households, persons: persons, members: members,
                  contacted: contacted}) AS places
}
CALL (tops) {
  UNWIND tops AS top
  MATCH (c:Case)
  WHERE c.gridPath STARTS WITH top.path
  WITH c.gridPath AS path, c.status IN $openStatuses AS open, c.deadline < coalesce($now, datetime()) AS late,
       c.satisfaction AS satisfaction
  WITH path, count(*) AS cases, sum(CASE WHEN open THEN 1 ELSE 0 END) AS open,
       sum(CASE WHEN open AND late THEN 1 ELSE 0 END) AS overdue, count(satisfaction) AS rated,
       sum(CASE WHEN satisfaction IN $satisfiedValues THEN 1 ELSE 0 END) AS satisfied
  RETURN collect({path: path, cases: cases, open: open, overdue: overdue, rated: rated,
                  satisfied: satisfied}) AS ledgers
}
UNWIND grids AS g
WITH g, [p IN places WHERE p.path STARTS WITH g.path] AS here, [l IN ledgers WHERE l.path STARTS WITH g.path] AS cases
WITH g,
     reduce(n = 0, p IN here | n + p.households) AS households, reduce(n = 0, p IN here | n + p.persons) AS persons,
     reduce(n = 0, p IN here | n + p.members) AS partyMembers,
     reduce(n = 0, p IN here | n + p.contacted) AS contactedHouseholds,
     reduce(n = 0, l IN cases | n + l.cases) AS cases, reduce(n = 0, l IN cases | n + l.open) AS openCases,
     reduce(n = 0, l IN cases | n + l.overdue) AS overdueCases, reduce(n = 0, l IN cases | n + l.rated) AS rated,
     reduce(n = 0, l IN cases | n + l.satisfied) AS satisfied
RETURN g.code AS gridCode, g.name AS name, g.level AS level, g.path AS path, households, persons, partyMembers,
       contactedHouseholds,
       CASE WHEN households = 0 THEN null ELSE toFloat(contactedHouseholds) / households END AS contactedShare,
       cases, openCases, overdueCases,
       CASE WHEN cases = 0 THEN null ELSE toFloat(cases - openCases) / cases END AS closureRate,
       CASE WHEN rated = 0 THEN null ELSE toFloat(satisfied) / rated END AS satisfactionRate
ORDER BY path
