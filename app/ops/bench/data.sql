-- What the wrk scripts read: one file each, written by bench.sh with
-- \copy.  Rows are shuffled by a hash so that consecutive requests touch
-- unrelated records.
\set ON_ERROR_STOP on
\pset tuples_only on
\pset format unaligned

\o :dir/staff.txt
SELECT 'b' || lpad(id::text, 42, '0') FROM users
WHERE role = 'staff' AND email LIKE '%@bench.sen.example' ORDER BY id;

\o :dir/applicants.txt
SELECT 'b' || lpad(applicant_id::text, 42, '0') FROM (SELECT DISTINCT applicant_id
    FROM applications) a ORDER BY hashint8(applicant_id) LIMIT 20000;

-- Released, declared assignments of the call under review without a
-- review yet: each is written once (saved, then submitted).
\o :dir/reviews.txt
SELECT 'b' || lpad(s.reviewer_id::text, 42, '0') || ' ' || s.application_id
FROM assignments s JOIN calls c ON c.id = s.call_id
WHERE c.status = 'reviewing' AND s.released_at IS NOT NULL
  AND s.no_conflict_at IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.application_id = s.application_id
      AND r.reviewer_id = s.reviewer_id)
ORDER BY hashint8(s.id);

-- Businesses whose earliest unanswered check-in is open: each takes one.
\o :dir/checkins.txt
SELECT 'b' || lpad(b.owner_id::text, 42, '0') || ' ' || b.id
FROM businesses b
JOIN LATERAL (SELECT s.due_on FROM followup_schedule s
    LEFT JOIN checkins k ON k.schedule_id = s.id
    WHERE s.business_id = b.id AND (k.id IS NULL OR k.status = 'returned')
    ORDER BY s.number LIMIT 1) n ON true
WHERE b.status <> 'closed'
  AND followup_opens_on(n.due_on) <= followup_today(now())
ORDER BY hashint8(b.id);

-- Applicants with no application to the last open call yet: the import.
\o :dir/import.txt
SELECT 'b' || lpad(u.id::text, 42, '0') FROM users u
WHERE u.role = 'applicant' AND u.email LIKE '%@bench.sen.example'
  AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.applicant_id = u.id
      AND a.call_id = (SELECT max(id) FROM calls WHERE status = 'open'))
ORDER BY hashint8(u.id) LIMIT 10000;

\o :dir/logins.txt
SELECT email FROM users WHERE password_hash = (SELECT password_hash FROM users
    WHERE email = 'applicant@sen.example') AND email LIKE '%@bench.sen.example'
ORDER BY id;

\o :dir/facts.txt
SELECT 'apps_lo ' || min(id) || E'\napps_hi ' || max(id) FROM applications;
SELECT 'ranking_call ' || id || E'\nranking_apps ' || (SELECT count(*) FROM applications a
    WHERE a.call_id = c.id AND a.status = 'in_review')
FROM calls c WHERE status = 'reviewing' ORDER BY id LIMIT 1;
SELECT 'open_call ' || max(id) FROM calls WHERE status = 'open';
SELECT 'calls ' || string_agg(id::text, ',' ORDER BY id) FROM calls;
SELECT 'staff_lo ' || min(id) || E'\nstaff_hi ' || max(id) FROM users
WHERE role = 'staff' AND email LIKE '%@bench.sen.example';
\o
