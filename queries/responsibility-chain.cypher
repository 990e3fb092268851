// @query responsibility-chain
// @title 户的责任链
// @description The responsibility chain of a household: its unit chief, then for the grid it is in and each
// grid above it (micro-grid → village grid → management area) the grid members and the grid chief, then the
// village and town it belongs to. Phone numbers are masked. Give household codes, the ID number of
// someone living there, or the village and 户号. One row per link, in order (step).
// @param householdCodes list<string> = null e.g. ["A1-V1-001"] — household codes (village code-户号)
// @param idHash string = null e.g. "9f2c…" — keyed hash of a resident's ID number; pass idNumber instead, it is hashed before the query runs
// @param village string = null e.g. "A1-V1村" — with householdNumber: a village by the code or name of its village grid or village region
// @param householdNumber string = null e.g. "003" — with village: the household's number (户号) in that village (1, 01 and 001 alike)
// @param scopePath string = "/" e.g. "/A1/" — only households in this grid subtree
// @param limit int = 100 e.g. 50 — most rows returned
// @oneOf householdCodes idHash village
// @column householdCode 户编号 Household — the household
// @column step 层级 — position in the chain, from the household upwards
// @column role 角色 — unitChief, gridMember, gridChief or region
// @column roleName 职责 — the role in Chinese
// @column personKey 人员编号 Person — the person in this role (empty for a region)
// @column name 姓名 — name of the person, or of the region
// @column phoneMasked 电话 — phone number, masked
// @column department 所属部门 — department of a professional grid member
// @column unitCode 单元编号 Unit — the unit of a unit chief
// @column gridCode 网格编码 Grid — the grid of a grid member or chief
// @column gridName 网格名称 — its name
// @column regionCode 区划代码 — the village or town (12-digit division code)
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
CALL (h) {
  MATCH (h)-[:IN_UNIT]->(u:Unit)<-[:UNIT_CHIEF_OF]-(p:Person)
  RETURN 0 AS step, 'unitChief' AS role, '单元长' AS roleName, p, null AS department, u, null AS g, null AS r
  UNION
  MATCH (:Grid {path: h.gridPath})-[:PART_OF*0..4]->(g:Grid)<-[m:GRID_MEMBER_OF]-(p:Person)
  RETURN (3 - g.level) * 2 + 1 AS step, 'gridMember' AS role, '网格员' AS roleName, p, m.department AS department,
         null AS u, g, null AS r
  UNION
  MATCH (:Grid {path: h.gridPath})-[:PART_OF*0..4]->(g:Grid)<-[:GRID_CHIEF_OF]-(p:Person)
  RETURN (3 - g.level) * 2 + 2 AS step, 'gridChief' AS role, '网格长' AS roleName, p, null AS department,
         null AS u, g, null AS r
  UNION
  MATCH (:Grid {path: h.gridPath})-[:PART_OF*0..4]->(:Grid)-[:IN_REGION]->(:Region)-[:PART_OF*0..3]->(r:Region)
  WHERE r.level IN ['village', 'town']
  RETURN CASE r.level WHEN 'village' THEN 7 ELSE 8 END AS step, 'region' AS role,
         CASE r.level WHEN 'village' THEN '村/社区' ELSE '镇/街道' END AS roleName, null AS p, null AS department,
         null AS u, null AS g, r
}
RETURN h.code AS householdCode, step, role, roleName, p.key AS personKey, coalesce(p.name, r.name) AS name,
       p.phoneMasked AS phoneMasked, department, u.code AS unitCode, g.code AS gridCode, g.name AS gridName,
       r.code AS regionCode
ORDER BY householdCode, step, personKey, regionCode
LIMIT $limit
