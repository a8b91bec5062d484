-- Privileges of sen_app, the role the web server connects as (least
-- privilege: it reads and writes rows, it cannot change the schema, and it
-- can only append to the audit log).  `sen-admin migrate` runs this after
-- every migration, so new tables are covered.  Where the migrating user
-- may not create roles (a managed database), create sen_app yourself and
-- grant it to that user, or let the server use DATABASE_URL's role.

DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sen_app') THEN
		BEGIN
			CREATE ROLE sen_app NOLOGIN;
		EXCEPTION WHEN insufficient_privilege THEN
			RAISE WARNING 'cannot create role sen_app: the server '
			    'will use the migrating role';
			RETURN;
		END;
	END IF;

	EXECUTE format('GRANT CONNECT ON DATABASE %I TO sen_app',
	    current_database());
	GRANT USAGE ON SCHEMA public TO sen_app;
	GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public
	    TO sen_app;
	GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO sen_app;
	GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO sen_app;

	-- History and reference data are not the server's to rewrite.
	REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM sen_app;
	REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migrations
	    FROM sen_app;
	REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON wards, sectors,
	    poverty_standards, call_transitions, application_transitions,
	    status_labels, message_templates FROM sen_app;
	REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON priority_categories,
	    business_stages, reference_labels FROM sen_app;
	REVOKE UPDATE, DELETE, TRUNCATE ON application_events FROM sen_app;
	-- What reviewers submitted and said stays as it was.
	REVOKE UPDATE, DELETE, TRUNCATE ON review_revisions, discussion_posts
	    FROM sen_app;
	-- A conflict of interest excludes a reviewer for good.
	REVOKE UPDATE, DELETE, TRUNCATE ON conflicts FROM sen_app;
	-- Follow-up (0006): the support areas are reference data; the
	-- revisions of check-ins are history (staff's decision is written on
	-- the revision it is about, so UPDATE stays).
	REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON followup_support_areas
	    FROM sen_app;
	REVOKE DELETE, TRUNCATE ON checkin_versions FROM sen_app;
	REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON mentoring_skills,
	    mentoring_languages, mentoring_times, ward_nearby,
	    matching_reasons, match_transitions FROM sen_app;
	-- Decisions (0004): decisions, awards and requests for
	-- reconsideration are never removed; reversals, letters and
	-- payments are history, never changed either.
	REVOKE DELETE, TRUNCATE ON decisions, awards, reconsiderations
	    FROM sen_app;
	REVOKE UPDATE, DELETE, TRUNCATE ON decision_reversals,
	    decision_letters, disbursements FROM sen_app;
	REVOKE TRUNCATE ON award_tranches FROM sen_app;
END
$$;
