// @query uncontacted-households
// @title 无党员联系的户
// @description Households in a grid (or its whole subtree) that no party member contacts, with the vulnerable
// persons (独居老人, 留守儿童, 低保户, 残疾人 …) who live in them. vulnerableOnly keeps just the households with
// a vulnerable person.
// @param scopePath string = "/" e.g. "/A1/A1-V1/" — the caller's scope: the grid subtree to look in
// @param gridCode string = null e.g. "A1-V1" — only in this grid's subtree, within scopePath (a grid outside it, or no such grid: no rows)
// @param vulnerableOnly bool = false e.g. true — only households with a vulnerable person
// @param limit int = 100 e.g. 500 — most rows returned
// @const vulnerableTags
// @column householdCode 户编号 Household — the household nobody contacts
// @column address 住址 — address of the household
// @column gridCode 所在网格 Grid — the grid the household is in
// @column persons 户人口 — persons registered in the household
// @column vulnerableCount 困难人员数 — vulnerable persons in the household
// @column vulnerableKeys 困难人员编号 Person — keys of the vulnerable persons
// @column vulnerableNames 困难人员 — names of the vulnerable persons
// @column vulnerableTags 困难类别 sensitive — their tags (sensitive personal information)
OPTIONAL MATCH (scopeGrid:Grid {code: $gridCode})
WITH CASE WHEN $gridCode IS NULL THEN $scopePath
          WHEN scopeGrid.path STARTS WITH $scopePath THEN scopeGrid.path
          WHEN $scopePath STARTS WITH scopeGrid.path THEN $scopePath
     END AS under
// One subquery per subtree: Neo4j then reads the gridPath index in order and stops at the limit.
CALL (under) {
  MATCH (h:Household)
  WHERE h.gridPath STARTS WITH under
    AND NOT EXISTS { (:PartyMember)-[:CONTACTS]->(h) }
  WITH h, COLLECT {
    MATCH (p:Person)-[:MEMBER_OF]->(h)
    WHERE any(tag IN p.tags WHERE tag IN $vulnerableTags)
    RETURN p ORDER BY p.key
  } AS vulnerable
  WHERE NOT $vulnerableOnly OR size(vulnerable) > 0
  RETURN h, vulnerable
  ORDER BY h.gridPath, h.code
  LIMIT $limit
}
RETURN h.code AS householdCode, h.address AS address, split(h.gridPath, '/')[-2] AS gridCode,
       COUNT { (:Person)-[:MEMBER_OF]->(h) } AS persons, size(vulnerable) AS vulnerableCount,
       [p IN vulnerable | p.key] AS vulnerableKeys, [p IN vulnerable | p.name] AS vulnerableNames,
       reduce(tags = [], p IN vulnerable |
              tags + [tag IN p.tags WHERE tag IN $vulnerableTags AND NOT tag IN tags]) AS vulnerableTags
ORDER BY h.gridPath, householdCode
