// @query similar-disputes
// @title 类似纠纷及调解员
// @description Who mediated disputes similar to this one, and how often they succeeded. Similar means the
// same category, similar text (full-text search with the CJK analyzer over titles and descriptions) and, for
// a given case, closeness in the graph: the same party or household, unit, grid or village. Give a case code,
// or a text and a category. One row per similar case and mediator, best matches first; each mediator's
// record counts the cases they mediated in the scope and those that ended in success.
// @param caseCode string = null e.g. "D001" — the dispute to compare with
// @param text string = null e.g. "宅基地边界纠纷" — or a description of the dispute
// @param category string = null e.g. "宅基地" — the category (taken from the case when a case code is given; with text alone, any category when empty)
// @param scopePath string = "/" e.g. "/A1/" — only similar cases in this grid subtree
// @param limit int = 10 e.g. 20 — most similar cases returned (each with its mediators)
// @oneOf caseCode text
// @const luceneSpecials
// @const textCandidates
// @column caseCode 案件编号 Case — the similar dispute
// @column title 标题 — its title
// @column category 类别 — its category
// @column status 状态 — its status
// @column gridCode 所在网格 Grid — the grid the case is in
// @column score 相似度 — combined similarity: 0.7 × text similarity + 0.3 × closeness
// @column textScore 文本相似度 — text similarity, 1 for the best match
// @column closeness 关联 — party, unit, grid, village or none
// @column personKey 调解员编号 Person — a mediator of the case (empty: none recorded)
// @column mediatorName 调解员 — name of the mediator
// @column outcome 本案结果 — outcome of the mediation of this case
// @column mediated 调解总数 — cases the mediator mediated (in scopePath)
// @column succeeded 调解成功数 — of those, ended in success
OPTIONAL MATCH (source:Case {code: $caseCode})
WITH source, coalesce(source.category, $category) AS category,
     coalesce($text, coalesce(source.title, '') + ' ' + coalesce(source.description, '')) AS text
// Escape Lucene's syntax characters, and lower-case the text so that AND/OR/NOT are words, not operators.
WITH source, category,
     toLower(reduce(escaped = left(text, 300), special IN $luceneSpecials |
                    replace(escaped, special, '\\' + special))) AS search
WHERE trim(search) <> ''
// Where the source case happened, found once: its parties (persons, households) and their units.
WITH source, category, search,
     COLLECT { MATCH (source)-[:INVOLVES]->(x) WHERE x:Person OR x:Household RETURN x } AS parties,
     COLLECT { MATCH (source)-[:INVOLVES]->(:Household)-[:IN_UNIT]->(u:Unit) RETURN DISTINCT u } AS units,
     CASE WHEN size(split(source.gridPath, '/')) >= 4
          THEN '/' + split(source.gridPath, '/')[1] + '/' + split(source.gridPath, '/')[2] + '/' END AS village
CALL db.index.fulltext.queryNodes('case_text', search, {limit: $textCandidates}) YIELD node AS c, score
WITH source, category, parties, units, village, c, score
WHERE c.gridPath STARTS WITH $scopePath AND c.kind = 'dispute' AND (category IS NULL OR c.category = category)
  AND (source IS NULL OR c <> source)
WITH source, parties, units, village, collect({c: c, score: score}) AS hits, max(score) AS top
UNWIND hits AS hit
WITH source, parties, units, village, hit.c AS c, hit.score / top AS textScore
WITH c, textScore,
     CASE
       WHEN source IS NULL THEN 0
       WHEN EXISTS { MATCH (c)-[:INVOLVES]->(x) WHERE x IN parties } THEN 4
       WHEN EXISTS { MATCH (c)-[:INVOLVES]->(:Household)-[:IN_UNIT]->(u:Unit) WHERE u IN units } THEN 3
       WHEN c.gridPath = source.gridPath THEN 2
       WHEN c.gridPath STARTS WITH village THEN 1
       ELSE 0
     END AS near
WITH c, textScore, near, 0.7 * textScore + 0.3 * near / 4.0 AS score
ORDER BY score DESC, c.code
LIMIT $limit
OPTIONAL MATCH (p:Person)-[x:MEDIATED]->(c)
RETURN c.code AS caseCode, c.title AS title, c.category AS category, c.status AS status,
       split(c.gridPath, '/')[-2] AS gridCode, round(score, 4) AS score, round(textScore, 4) AS textScore,
       ['none', 'village', 'grid', 'unit', 'party'][near] AS closeness,
       p.key AS personKey, p.name AS mediatorName, x.outcome AS outcome,
       COUNT { (p)-[:MEDIATED]->(mc:Case) WHERE mc.gridPath STARTS WITH $scopePath } AS mediated,
       COUNT { (p)-[:MEDIATED {outcome: 'success'}]->(mc:Case) WHERE mc.gridPath STARTS WITH $scopePath }
         AS succeeded
ORDER BY score DESC, caseCode, personKey
