-- The plans of the hot statements at scale, as bench.sh records them in
-- var/bench/explain.txt (EXPLAIN ANALYZE, in a transaction rolled back:
-- the audit rows they write are not kept).  psql variables: app, call,
-- applicant.
\set ON_ERROR_STOP on
BEGIN;
\echo '== detail (staff): api_application and its audit row'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
WITH x AS (SELECT api_application(a, true, 'vi')::text AS j, a.version
    FROM applications a WHERE a.id = :app),
log AS (INSERT INTO audit_log (actor_id, action, entity, entity_id, after)
    SELECT NULL, 'applications.read_personal', 'applications', :app, '{}' FROM x)
SELECT j, version FROM x;
\echo '== list (staff): a call and a search word'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT api_application_item(a, 'vi', true), a.id FROM applications a
WHERE a.call_id = :call AND a.search_folded LIKE sen_contains('hương')
ORDER BY a.created_at DESC, a.id DESC LIMIT 51;
\echo '== list (staff): a call, a ward and a rare word'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT api_application_item(a, 'vi', true), a.id FROM applications a
WHERE a.call_id = :call AND a.ward_code = '00049'
  AND a.search_folded LIKE sen_contains('làm móng')
ORDER BY a.created_at DESC, a.id DESC LIMIT 51;
\echo '== list (staff): a call, a ward and statuses'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT api_application_item(a, 'vi', true), a.id FROM applications a
WHERE a.call_id = :call AND a.status = ANY ('{in_review}') AND a.ward_code = '00049'
ORDER BY a.created_at DESC, a.id DESC LIMIT 51;
\echo '== list (staff): a word, by business name'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT api_application_item(a, 'vi', true), a.id FROM applications a
WHERE a.call_id = :call AND a.search_folded LIKE sen_contains('banh')
ORDER BY (a.business_name COLLATE sen_vi) ASC NULLS LAST, a.id ASC LIMIT 51;
\echo '== mine (applicant)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT api_application_item(a, 'vi', false), a.id FROM applications a
WHERE a.applicant_id = :applicant ORDER BY a.created_at DESC, a.id DESC LIMIT 51;
\echo '== ranking: applications and counted reviews of the call under review'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT 0, a.id, a.reference, coalesce((SELECT bit_or(1) FROM priority_claims pc
    WHERE pc.application_id = a.id AND pc.status = 'verified'), 0), u.full_name
FROM applications a JOIN users u ON u.id = a.applicant_id
WHERE a.call_id = :call AND a.status IN ('in_review', 'reviewed', 'funded',
    'waitlisted', 'rejected', 'in_followup', 'completed', 'closed')
UNION ALL
SELECT 1, v.application_id, NULL, NULL, (v.scores -> 'impact')::text FROM reviews v
JOIN applications x ON x.id = v.application_id
WHERE x.call_id = :call AND x.status IN ('in_review', 'reviewed', 'funded',
    'waitlisted', 'rejected', 'in_followup', 'completed', 'closed')
  AND v.status = 'submitted' AND NOT EXISTS (SELECT 1 FROM conflicts cf
    WHERE cf.application_id = v.application_id AND cf.reviewer_id = v.reviewer_id);
ROLLBACK;
