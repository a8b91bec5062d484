-- GET /api/applications by staff: a call, a ward and statuses.
\set uid random(:slo, :shi)
\set cid random(:clo, :chi)
\set w random(0, 17)
\set k random(1, 20)
\set aid random(:lo, :hi)
SELECT s.id, u.id, u.role, u.locale, s.last_seen_at < now() - interval '60 seconds' FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = sha256(convert_to('b' || lpad(:uid::text, 42, '0'), 'UTF8')) AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => 7200) AND u.disabled_at IS NULL;
SELECT lpad((37 + 3 * :w)::text, 5, '0')::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM wards WHERE code = lpad((37 + 3 * :w)::text, 5, '0')), NULL::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sectors WHERE code = NULL);
SELECT api_application_item(a, 'vi'::text, true::boolean), sen_usec(a.created_at)::text, a.id, EXISTS (SELECT 1 FROM priority_claims pc WHERE pc.application_id = a.id) FROM applications a WHERE true AND a.call_id = :cid::bigint AND a.status = ANY (string_to_array((ARRAY['submitted,screening', 'in_review', 'eligible', 'rejected,waitlisted', 'in_followup'])[1 + :w % 5]::text, ',')) AND a.ward_code = lpad((37 + 3 * :w)::text, 5, '0')::text ORDER BY a.created_at DESC, a.id DESC LIMIT 51::int;
BEGIN;
SELECT set_config('sen.actor_id', :uid::text, true), set_config('sen.request_id', md5(random()::text), true), set_config('sen.action', 'applications.list', true), set_config('sen.client_ip', '127.0.0.1', true);
INSERT INTO audit_log (actor_id, action, entity, entity_id, after, request_id, client_ip) SELECT :uid::bigint, 'applications.read_personal', 'applications', x::text, '{"via":"list","fields":["claims"]}', md5(random()::text), '127.0.0.1' FROM generate_series(:aid::bigint, :aid::bigint + 11) x;
COMMIT;
