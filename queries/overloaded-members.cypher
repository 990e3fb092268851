// @query overloaded-members
// @title 超负荷与应免除的联系党员
// @description Party members who contact more households than the limit (CONTACT_LIMIT, 20), and members
// aged 70 or more (CONTACT_EXEMPT_AGE), who are normally exempt from contacting households. Members are
// scoped by the household they live in; their load counts every household they contact.
// @param scopePath string = "/" e.g. "/A1/" — the caller's scope: only members living in this grid subtree
// @param gridCode string = null e.g. "A1-V1" — only members living in this grid's subtree, within scopePath (a grid outside it, or no such grid: no rows)
// @param today date = null e.g. "2026-11-25" — the day ages are computed on (default: today)
// @param limit int = 100 e.g. 50 — most rows returned
// @const contactLimit
// @const exemptAge
// @column memberKey 党员编号 Person — the party member
// @column name 姓名 — name of the member
// @column age 年龄 — age in whole years
// @column households 联系户数 — households the member contacts
// @column overloaded 超负荷 — true when the member contacts more households than the limit
// @column exempt 年满70应免除 — true when the member is old enough to be exempt
// @column phoneMasked 电话 — the member's phone number, masked
// @column householdCode 本人户编号 Household — the household the member lives in
// @column gridCode 所在网格 Grid — the grid the member lives in
OPTIONAL MATCH (scopeGrid:Grid {code: $gridCode})
WITH CASE WHEN $gridCode IS NULL THEN $scopePath
          WHEN scopeGrid.path STARTS WITH $scopePath THEN scopeGrid.path
          WHEN $scopePath STARTS WITH scopeGrid.path THEN $scopePath
     END AS under
// Aged exemptAge or more ⇔ born on or before this day (the same date arithmetic as duration.between).
WITH under, coalesce($today, date()) AS today
WITH under, today, today - duration({years: $exemptAge}) AS bornBy
// The whole graph: the members past a limit, from the birthDate index (the exempt) and the members' degrees
// (the overloaded), then their homes. A grid subtree: the members living in its households.
CALL (under, bornBy) {
  WITH under, bornBy WHERE under = '/'
  CALL (bornBy) {
    MATCH (m:PartyMember)
    WHERE m.birthDate <= bornBy
    RETURN m
    UNION
    MATCH (m:PartyMember)
    WHERE COUNT { (m)-[:CONTACTS]->() } > $contactLimit
    RETURN m
  }
  MATCH (m)-[:MEMBER_OF]->(home:Household)
  WHERE home.gridPath STARTS WITH under
  RETURN m, home
  UNION ALL
  // A null prefix seeks nothing: this branch reads no household when the one above ran.
  WITH CASE WHEN under <> '/' THEN under END AS subtree
  MATCH (home:Household)
  WHERE home.gridPath STARTS WITH subtree
  MATCH (m:PartyMember)-[:MEMBER_OF]->(home)
  RETURN m, home
}
WITH m, home, today, COUNT { (m)-[:CONTACTS]->() } AS households, m.birthDate <= bornBy AS exempt
WHERE households > $contactLimit OR exempt
WITH m, home, today, households, exempt
ORDER BY households DESC, m.key
LIMIT $limit
RETURN m.key AS memberKey, m.name AS name, duration.between(m.birthDate, today).years AS age, households,
       households > $contactLimit AS overloaded, exempt, m.phoneMasked AS phoneMasked, home.code AS householdCode,
       split(home.gridPath, '/')[-2] AS gridCode
