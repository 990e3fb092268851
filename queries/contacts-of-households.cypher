// @query contacts-of-households
// @title 户的联系党员
// @description Which party member(s) contact these households (党员联系户). Give household codes, the ID
// number of someone living there, or the village and 户号. One row per household and contacting member; a
// household nobody contacts has one row with empty member columns.
// @param householdCodes list<string> = null e.g. ["A1-V1-001", "A1-V1-002"] — household codes (village code-户号)
// @param idHash string = null e.g. "9f2c…" — keyed hash of a resident's ID number; pass idNumber instead, it is hashed before the query runs
// @param village string = null e.g. "A1-V1村" — with householdNumber: a village by the code or name of its village grid or village region
// @param householdNumber string = null e.g. "003" — with village: the household's number (户号) in that village (1, 01 and 001 alike)
// @param scopePath string = "/" e.g. "/A1/A1-V1/" — only households in this grid subtree
// @param limit int = 100 e.g. 50 — most rows returned
// @oneOf householdCodes idHash village
// @column householdCode 户编号 Household — the household
// @column address 住址 — address of the household
// @column gridCode 所在网格 Grid — the grid the household is in
// @column memberKey 联系党员编号 Person — the party member who contacts it (empty: nobody)
// @column memberName 联系党员 — name of the party member
// @column phoneMasked 党员电话 — the member's phone number, masked
// @column since 联系起始 — since when the member contacts the household
CALL () {
  UNWIND coalesce($householdCodes, []) AS code
  MATCH (h:Household {code: code})
  RETURN h
  UNION
  MATCH (:Person {idHash: $idHash})-[:MEMBER_OF]->(h:Household)
  RETURN h
  UNION
  MATCH (vg:Grid)
  WHERE vg.code = $village OR vg.name = $village
  MATCH (h:Household {villageCode: vg.code})
  WHERE vg.level = 2 AND h.number IS NOT NULL
    AND (h.number = $householdNumber OR toInteger(h.number) = toInteger($householdNumber))
  RETURN h
  UNION
  MATCH (vr:Region)<-[:IN_REGION]-(vg:Grid)
  WHERE vr.code = $village OR vr.name = $village
  MATCH (h:Household {villageCode: vg.code})
  WHERE vg.level = 2 AND h.number IS NOT NULL
    AND (h.number = $householdNumber OR toInteger(h.number) = toInteger($householdNumber))
  RETURN h
}
WITH h
WHERE h.gridPath STARTS WITH $scopePath
OPTIONAL MATCH (m:PartyMember)-[c:CONTACTS]->(h)
RETURN h.code AS householdCode, h.address AS address, split(h.gridPath, '/')[-2] AS gridCode,
       m.key AS memberKey, m.name AS memberName, m.phoneMasked AS phoneMasked, c.since AS since
ORDER BY householdCode, memberKey
LIMIT $limit
