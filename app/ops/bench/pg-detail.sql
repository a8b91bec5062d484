-- The statements of GET /api/applications/{id} by staff (app_reply in
-- app/applications/applications.c, session_authenticate, audit_event),
-- as pgbench runs them: the database's own limit for this request.
\set aid random(:lo, :hi)
\set uid random(:slo, :shi)
SELECT s.id, u.id, u.role, u.locale, s.last_seen_at < now() - interval '60 seconds' FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = sha256(convert_to('b' || lpad(:uid::text, 42, '0'), 'UTF8')) AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => 7200) AND u.disabled_at IS NULL;
BEGIN;
SELECT set_config('sen.actor_id', :uid::text, true), set_config('sen.request_id', md5(random()::text), true), set_config('sen.action', 'applications.read_personal', true), set_config('sen.client_ip', '127.0.0.1', true);
SELECT api_application(a, true::boolean, 'vi')::text, a.version FROM applications a WHERE a.id = :aid;
INSERT INTO audit_log (actor_id, action, entity, entity_id, after, request_id, client_ip) VALUES (:uid, 'applications.read_personal', 'applications', :aid, '{"via":"applications_get"}'::jsonb, md5(random()::text), '127.0.0.1');
COMMIT;
