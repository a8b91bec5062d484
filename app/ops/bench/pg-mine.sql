-- The statements of GET /api/applications by an applicant (list.c).
\set uid random(:alo, :ahi)
SELECT s.id, u.id, u.role, u.locale, s.last_seen_at < now() - interval '60 seconds' FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = sha256(convert_to('b' || lpad(:uid::text, 42, '0'), 'UTF8')) AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => 7200) AND u.disabled_at IS NULL;
SELECT api_application_item(a, 'vi'::text, false::boolean), sen_usec(a.created_at)::text, a.id, EXISTS (SELECT 1 FROM priority_claims pc WHERE pc.application_id = a.id) FROM applications a WHERE true AND a.applicant_id = :uid::bigint ORDER BY a.created_at DESC, a.id DESC LIMIT 51::int;
