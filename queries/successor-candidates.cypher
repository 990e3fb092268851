// @query successor-candidates
// @title 接替人选
// @description Party members who could take over the households a member contacts when the member leaves, best
// first: close in the graph to those households (same unit +4, same grid +3, same village +2, same party
// organisation +2), with visits already made to them (+1 each, at most 3), and room to take them (fewer than
// 20 households now, under 70; the lighter the load, the higher). Each row says why.
// @param scopePath string = "/" e.g. "/A1/" — the caller's scope: only candidates and households in this grid subtree
// @param personKey string e.g. "p:3f…" — the member who leaves (their person key)
// @param today date = null e.g. "2026-12-01" — the day ages are counted at (default: today)
// @param limit int = 10 e.g. 20 — most candidates returned
// @const contactLimit
// @const exemptAge
// @column memberKey 党员编号 Person — the candidate
// @column name 姓名 — their name
// @column score 得分 — closeness, visits and room, higher is better
// @column load 现联系户数 — households they contact now
// @column visits 已走访户数 — of the leaver's households, how many they have visited
// @column reasons 理由 — why they are proposed
MATCH (leaver:Person {key: $personKey})
WHERE $scopePath = '/'
   OR EXISTS { MATCH (leaver)-[:MEMBER_OF|CONTACTS]->(sh:Household) WHERE sh.gridPath STARTS WITH $scopePath }
   OR EXISTS { MATCH (leaver)-[:GRID_CHIEF_OF|GRID_MEMBER_OF]->(sg:Grid) WHERE sg.path STARTS WITH $scopePath }
WITH leaver, coalesce($today, date()) AS today,
     COLLECT { MATCH (leaver)-[:CONTACTS]->(h:Household) WHERE h.gridPath STARTS WITH $scopePath RETURN h } AS homes
WITH leaver, today, homes,
     CASE WHEN size(homes) > 0 THEN homes
          ELSE COLLECT { MATCH (leaver)-[:MEMBER_OF]->(own:Household) WHERE own.gridPath STARTS WITH $scopePath
                         RETURN own } END AS near
WITH leaver, today, homes, [h IN near | h.gridPath] AS paths, [h IN near | h.villageCode] AS villages,
     COLLECT { UNWIND near AS h MATCH (h)-[:IN_UNIT]->(u:Unit) RETURN DISTINCT u.code } AS units,
     COLLECT { MATCH (leaver)-[:BELONGS_TO]->(o:PartyOrg) RETURN o.code } AS orgs
MATCH (m:PartyMember)-[:MEMBER_OF]->(mh:Household)
WHERE m <> leaver AND mh.gridPath STARTS WITH $scopePath
  AND (m.birthDate IS NULL OR m.birthDate > today - duration({years: $exemptAge}))
WITH DISTINCT m, leaver, homes, paths, villages, units, orgs, COUNT { (m)-[:CONTACTS]->(:Household) } AS load
WHERE load < $contactLimit
WITH m, homes, load,
     EXISTS { MATCH (m)-[:MEMBER_OF]->(:Household)-[:IN_UNIT]->(u:Unit) WHERE u.code IN units } AS sameUnit,
     EXISTS { MATCH (m)-[:MEMBER_OF]->(h:Household) WHERE h.gridPath IN paths } AS sameGrid,
     EXISTS { MATCH (m)-[:MEMBER_OF]->(h:Household) WHERE h.villageCode IN villages } AS sameVillage,
     EXISTS { MATCH (m)-[:BELONGS_TO]->(o:PartyOrg) WHERE o.code IN orgs } AS sameOrg,
     COUNT { MATCH (m)-[:MADE]->(:Visit)-[:TO]->(h:Household) WHERE h IN homes RETURN DISTINCT h } AS visits
WHERE sameUnit OR sameGrid OR sameVillage OR sameOrg OR visits > 0
WITH m, load, visits, sameUnit, sameGrid, sameVillage, sameOrg,
     CASE WHEN sameUnit THEN 4 ELSE 0 END + CASE WHEN sameGrid THEN 3 ELSE 0 END
     + CASE WHEN sameVillage THEN 2 ELSE 0 END + CASE WHEN sameOrg THEN 2 ELSE 0 END
     + CASE WHEN visits > 3 THEN 3 ELSE visits END
     + toFloat($contactLimit - load) / $contactLimit AS score
ORDER BY score DESC, load, m.key
LIMIT $limit
RETURN m.key AS memberKey, m.name AS name, round(score, 2) AS score, load, visits,
       [reason IN [CASE WHEN sameUnit THEN 'same unit' END, CASE WHEN sameGrid THEN 'same grid' END,
                   CASE WHEN sameVillage THEN 'same village' END,
                   CASE WHEN sameOrg THEN 'same party organisation' END,
                   CASE WHEN visits > 0 THEN 'visited ' + toString(visits) + ' of the households' END,
                   'contacts ' + toString(load) + ' households now'] WHERE reason IS NOT NULL] AS reasons
ORDER BY score DESC, load, memberKey
