-- 0009 Performance (issue 9): the indexes the plans of the hot queries
-- need at province scale (100 000 applications, `make bench`; the plans
-- are in var/bench/explain.txt after a run).
--
-- Staff page through one call's applications, newest first (the list's
-- default order), often narrowed to a ward.  Without these, a page of
-- call 7 searched for "hương" walked applications_created_idx across
-- every call and filtered 29 000 rows away (110 ms); a call, a ward and a
-- status read 18 000 rows of the call to keep 947 and sort them (64 ms).
-- With the call (and the ward) first, a page is a short range scan in
-- the order of the page, in either direction (created_at is never NULL,
-- so one index serves ORDER BY … ASC and DESC alike).
CREATE INDEX applications_call_created_idx ON applications
	(call_id, created_at, id);
CREATE INDEX applications_call_ward_created_idx ON applications
	(call_id, ward_code, created_at, id);
