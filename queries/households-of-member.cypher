// @query households-of-member
// @title 党员联系的户
// @description Which households this party member contacts (党员联系户). Give the member's key, or their ID
// number. One row per contacted household, with its head and size.
// @param memberKey string = null e.g. "pid:3f9a…" — key of the party member (Person.key)
// @param idHash string = null e.g. "9f2c…" — keyed hash of the member's ID number; pass idNumber instead, it is hashed before the query runs
// @param scopePath string = "/" e.g. "/A1/" — only households in this grid subtree
// @param limit int = 100 e.g. 50 — most rows returned
// @oneOf memberKey idHash
// @column memberKey 党员编号 Person — the party member
// @column memberName 党员姓名 — name of the party member
// @column householdCode 户编号 Household — a household the member contacts
// @column address 住址 — address of the household
// @column gridCode 所在网格 Grid — the grid the household is in
// @column headName 户主 — name of the household head
// @column persons 户人口 — persons registered in the household
// @column since 联系起始 — since when the member contacts the household
CALL () {
  MATCH (m:Person {key: $memberKey})
  WHERE m:PartyMember
  RETURN m
  UNION
  MATCH (m:Person {idHash: $idHash})
  WHERE m:PartyMember
  RETURN m
}
MATCH (m)-[c:CONTACTS]->(h:Household)
WHERE h.gridPath STARTS WITH $scopePath
RETURN m.key AS memberKey, m.name AS memberName, h.code AS householdCode, h.address AS address,
       split(h.gridPath, '/')[-2] AS gridCode,
       head(COLLECT { MATCH (p:Person)-[:MEMBER_OF {relation: '户主'}]->(h) RETURN p.name ORDER BY p.key }) AS headName,
       COUNT { (:Person)-[:MEMBER_OF]->(h) } AS persons, c.since AS since
ORDER BY memberKey, householdCode
LIMIT $limit
