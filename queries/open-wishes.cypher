// @query open-wishes
// @title 困难群众的未完成微心愿
// @description Open micro-wishes (微心愿) of vulnerable persons in a grid subtree, and who claimed them
// (empty when nobody has yet). claimed narrows to claimed (true) or unclaimed (false) wishes.
// @param scopePath string = "/" e.g. "/A1/A1-V1/" — the caller's scope: only wishes in this grid subtree
// @param gridCode string = null e.g. "A1-V1" — only in this grid's subtree, within scopePath (a grid outside it, or no such grid: no rows)
// @param claimed bool = null e.g. false — only claimed (true) or unclaimed (false) wishes
// @param limit int = 100 e.g. 50 — most rows returned
// @const openStatuses
// @const vulnerableTags
// @column caseCode 心愿编号 Case — the wish
// @column title 心愿内容 — its title
// @column status 状态 — its status
// @column gridCode 所在网格 Grid — the grid it is in
// @column reportedAt 提出时间 — when it was made
// @column personKey 困难群众编号 Person — the vulnerable person who made it
// @column name 姓名 — their name
// @column householdCode 户编号 Household — their household
// @column tags 困难类别 sensitive — their tags (sensitive personal information)
// @column claimerKey 认领人编号 Person — who claimed the wish (empty: unclaimed)
// @column claimerName 认领人 — their name
// @column claimedAt 认领时间 — when it was claimed
OPTIONAL MATCH (scopeGrid:Grid {code: $gridCode})
WITH CASE WHEN $gridCode IS NULL THEN $scopePath
          WHEN scopeGrid.path STARTS WITH $scopePath THEN scopeGrid.path
          WHEN $scopePath STARTS WITH scopeGrid.path THEN $scopePath
     END AS under
CALL (under) {
  MATCH (c:Case)
  WHERE c.gridPath STARTS WITH under AND c.kind = 'wish' AND c.status IN $openStatuses
  MATCH (c)-[:INVOLVES]->(p:Person)
  WHERE any(tag IN p.tags WHERE tag IN $vulnerableTags)
  OPTIONAL MATCH (claimer:Person)-[cl:CLAIMED]->(c)
  WITH c, p, claimer, cl
  WHERE $claimed IS NULL OR (claimer IS NOT NULL) = $claimed
  RETURN c, p, claimer, cl
  ORDER BY c.gridPath, c.code, p.key, claimer.key
  LIMIT $limit
}
RETURN c.code AS caseCode, c.title AS title, c.status AS status, split(c.gridPath, '/')[-2] AS gridCode,
       c.reportedAt AS reportedAt, p.key AS personKey, p.name AS name,
       head(COLLECT { MATCH (p)-[:MEMBER_OF]->(home:Household) RETURN home.code ORDER BY home.code }) AS householdCode,
       [tag IN p.tags WHERE tag IN $vulnerableTags] AS tags,
       claimer.key AS claimerKey, claimer.name AS claimerName, cl.at AS claimedAt
ORDER BY c.gridPath, caseCode, personKey, claimerKey
