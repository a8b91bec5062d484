-- seed-scale.sql: a province-scale data set for the benchmark, in one
-- transaction, set-based (generate_series, INSERT … SELECT), in seconds.
--
--   psql -v n=100000 -f app/ops/seed-scale.sql      (app/ops/seed-scale.sh)
--
-- n is the number of applications; every other volume follows from it.
-- At n = 100 000 (the default): 10 calls, 18 wards, ~87 000 applicants
-- with Vietnamese names, 20 % of applications with verified priority,
-- 500 reviewers, ~300 000 submitted reviews, 2 000 mentors, 20 000 funded
-- applications (supported businesses) with their check-in schedules and
-- check-ins.
--
-- The programme's history, oldest first:
--   calls 1-5  decided: screened, reviewed (5 reviews each), funded,
--              waitlisted or rejected; funded businesses in follow-up
--              with their check-ins (approved, waiting, missed);
--   call 6     the big one (20 % of n): under review, scoring open, most
--              reviews submitted, the others released and declared but
--              not written yet (the benchmark writes them);
--   call 7     closed, being screened;
--   calls 8-10 open: drafts and submitted applications.
--
-- Triggers.  The row triggers of the API (audit, guards, events,
-- notifications, derived columns) are disabled for the load
-- (ALTER TABLE … DISABLE TRIGGER USER, inside the transaction, so that a
-- failed load leaves them as they were); foreign keys and CHECK
-- constraints stay on and check every row.  What the triggers would have
-- written is written here explicitly and consistently:
--   * application_events: the whole path of each application, in order;
--   * search_folded: the same expression as applications_guard();
--   * reference and reference_counters: references per year, and the
--     counters set past them so that new submissions do not collide;
--   * versions: 1 + the changes each row went through;
--   * checkin_versions: followup_checkin_data() of each check-in;
--   * businesses.status and risks: followup_risks() at the end.
-- The history is imported as already notified (no outbox rows) and is
-- not in the audit log (one audit row records the import itself).
--
-- Pseudo-random choices are hashes of ids (hashint8extended), so the
-- same n gives the same data set.

\set ON_ERROR_STOP on
\if :{?timing}
\timing on
\endif
\if :{?n}
\else
\set n 100000
\endif

BEGIN;

SET LOCAL client_min_messages = warning;
-- One transaction: durability comes with its COMMIT.
SET LOCAL synchronous_commit = off;
SET LOCAL work_mem = '256MB';
SET LOCAL jit = off;
SET LOCAL maintenance_work_mem = '512MB';

DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM applications) THEN
		RAISE EXCEPTION 'seed-scale: the database already holds applications; seed a fresh one';
	END IF;
END
$$;

-- [0, 1) from an id and a salt.
CREATE FUNCTION pg_temp.r(i bigint, salt int) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT ((hashint8extended($1, $2) >> 11) & 1048575)::float8 / 1048576.0
$$;

-- An integer in [lo, hi].
CREATE FUNCTION pg_temp.ri(i bigint, salt int, lo int, hi int) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT $3 + floor(pg_temp.r($1, $2) * ($4 - $3 + 1))::int
$$;

-- An element of an array, by hash.
CREATE FUNCTION pg_temp.pick(a text[], i bigint, salt int) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT a[1 + floor(pg_temp.r($2, $3) * cardinality($1))::int]
$$;

CREATE TEMP TABLE p AS SELECT
	:n::int AS n,
	greatest(8, :n / 200) AS reviewers,
	greatest(2, :n / 50) AS mentors,
	greatest(3, :n / 5000) AS staff,
	ceil(:n / 1.15)::int AS applicants,
	date_trunc('second', now()) AS t0,
	(now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS today,
	(SELECT coalesce(max(id), 0) FROM users) AS u0;

DO $$
BEGIN
	IF (SELECT n FROM p) < 100 THEN
		RAISE EXCEPTION 'seed-scale: n must be at least 100';
	END IF;
END
$$;

-- Triggers off for the load (foreign keys and checks stay on).
ALTER TABLE users DISABLE TRIGGER USER;
ALTER TABLE calls DISABLE TRIGGER USER;
ALTER TABLE call_criteria DISABLE TRIGGER USER;
ALTER TABLE criterion_anchors DISABLE TRIGGER USER;
ALTER TABLE applicant_profiles DISABLE TRIGGER USER;
ALTER TABLE applications DISABLE TRIGGER USER;
ALTER TABLE application_events DISABLE TRIGGER USER;
ALTER TABLE priority_claims DISABLE TRIGGER USER;
ALTER TABLE documents DISABLE TRIGGER USER;
ALTER TABLE document_contents DISABLE TRIGGER USER;
ALTER TABLE call_reviewers DISABLE TRIGGER USER;
ALTER TABLE assignments DISABLE TRIGGER USER;
ALTER TABLE reviews DISABLE TRIGGER USER;
ALTER TABLE review_revisions DISABLE TRIGGER USER;
ALTER TABLE businesses DISABLE TRIGGER USER;
ALTER TABLE followup_schedule DISABLE TRIGGER USER;
ALTER TABLE checkins DISABLE TRIGGER USER;
ALTER TABLE checkin_versions DISABLE TRIGGER USER;

-- Secondary indexes of the big tables are dropped for the load and
-- built again at the end, from their own definitions: one sort per index
-- instead of a tree insertion per row (the trigram index of
-- search_folded above all).  Unique constraints stay and check every row;
-- a unique index that is no constraint (applications_one_active) checks
-- the whole table when it is built again.
CREATE TEMP TABLE seed_indexes AS
SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
FROM pg_index i
WHERE i.indrelid IN ('applications'::regclass, 'application_events'::regclass,
    'priority_claims'::regclass, 'documents'::regclass,
    'assignments'::regclass, 'reviews'::regclass,
    'review_revisions'::regclass, 'checkins'::regclass,
    'followup_schedule'::regclass, 'businesses'::regclass,
    'users'::regclass)
  AND NOT i.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid);

-- Foreign keys likewise: a check per row and key while loading, one
-- join per key when they are added again at the end (which checks every
-- row all the same: a dangling reference fails the load).
CREATE TEMP TABLE seed_fkeys AS
SELECT c.conrelid::regclass::text AS tab, quote_ident(c.conname) AS name,
	pg_get_constraintdef(c.oid) AS def
FROM pg_constraint c
WHERE c.contype = 'f' AND c.conrelid IN (SELECT indrelid FROM pg_index
    WHERE indexrelid::regclass::text IN (SELECT name FROM seed_indexes)
    UNION SELECT unnest(ARRAY['call_reviewers', 'criterion_anchors',
	'call_criteria', 'applicant_profiles', 'document_contents',
	'checkin_versions', 'calls']::regclass[]));

DO $$
DECLARE
	x	record;
BEGIN
	FOR x IN SELECT name FROM seed_indexes LOOP
		EXECUTE 'DROP INDEX ' || x.name;
	END LOOP;
	FOR x IN SELECT tab, name FROM seed_fkeys LOOP
		EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %s', x.tab, x.name);
	END LOOP;
END
$$;

-- ==== names and words ====

CREATE TEMP TABLE w AS SELECT
	ARRAY['Nguyễn', 'Nguyễn', 'Nguyễn', 'Trần', 'Trần', 'Lê', 'Lê', 'Phạm',
	    'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ',
	    'Ngô', 'Dương', 'Lý', 'Đinh', 'Trịnh', 'Đoàn', 'Lương']
	    AS family,
	ARRAY['Thị', 'Thị', 'Thị', 'Thị Thu', 'Thị Minh', 'Ngọc', 'Thị Thanh',
	    'Thị Hồng', 'Thị Kim', 'Thị Bích', 'Thùy', 'Thị Lan', 'Thị Mai']
	    AS middle,
	ARRAY['Hương', 'Lan', 'Mai', 'Hoa', 'Linh', 'Trang', 'Thảo', 'Hà',
	    'Ngọc', 'Anh', 'Phương', 'Yến', 'Huyền', 'Nga', 'Thủy', 'Hạnh',
	    'Loan', 'Dung', 'Vân', 'Oanh', 'Nhung', 'Tâm', 'Hằng', 'Quyên',
	    'Giang', 'Bích', 'Diệp', 'Xuân', 'Hiền', 'Liên', 'Nhàn', 'Chi',
	    'Duyên', 'Gấm', 'Khánh', 'Ly', 'My', 'Nhi', 'Quỳnh', 'Sen']
	    AS given,
	ARRAY['food_beverage', 'food_beverage', 'retail_trade', 'handicrafts',
	    'garment_textile', 'tourism_hospitality', 'beauty_wellness',
	    'education_childcare', 'digital_ecommerce', 'agri_processing',
	    'manufacturing', 'services_other'] AS sectors,
	ARRAY['12 Hàng Bạc', '35 Hàng Gai', '8 Hàng Bồ', '61 Hàng Buồm',
	    '27 Hàng Đào', '4 Hàng Mã', '19 Đồng Xuân', '102 Hàng Bông',
	    '7 Lý Thái Tổ', '15 Tràng Tiền', '44 Phan Chu Trinh',
	    '23 Trần Hưng Đạo', '9 Hàng Trống', '56 Chương Dương Độ',
	    '31 Hàng Bài', '18 Cửa Nam', '2 Phúc Tân', '77 Cửa Đông']
	    AS streets;

-- What each sector's businesses are called and spend on.
CREATE TEMP TABLE sector_words (
	sector		text PRIMARY KEY,
	kinds		text[],
	goods		text[],
	lines		text[]
);

INSERT INTO sector_words VALUES
	('food_beverage', ARRAY['Quán bún chả', 'Tiệm bánh cuốn', 'Quán phở',
	    'Tiệm chè', 'Quán cà phê trứng', 'Bếp cơm văn phòng', 'Tiệm bánh mì'],
	    ARRAY['bún chả', 'bánh cuốn', 'phở bò', 'chè thập cẩm', 'cà phê trứng',
	    'cơm văn phòng', 'bánh mì'],
	    ARRAY['Tủ lạnh công nghiệp', 'Bếp gas và nồi nấu', 'Bàn ghế quán',
	    'Nguyên liệu tháng đầu', 'Biển hiệu và thực đơn']),
	('retail_trade', ARRAY['Cửa hàng tạp hóa', 'Sạp quần áo chợ Đồng Xuân',
	    'Cửa hàng văn phòng phẩm', 'Quầy hoa quả'],
	    ARRAY['hàng tạp hóa', 'quần áo', 'văn phòng phẩm', 'hoa quả tươi'],
	    ARRAY['Kệ trưng bày', 'Hàng nhập lần đầu', 'Máy tính tiền',
	    'Thuê sạp ba tháng']),
	('handicrafts', ARRAY['Xưởng thêu tay', 'Tiệm đồ gốm', 'Xưởng mây tre đan',
	    'Tiệm tranh lụa'],
	    ARRAY['tranh thêu tay', 'gốm Bát Tràng', 'đồ mây tre', 'tranh lụa'],
	    ARRAY['Khung thêu và chỉ', 'Lò nung nhỏ', 'Nguyên liệu mây tre',
	    'Đào tạo thợ']),
	('garment_textile', ARRAY['Xưởng may', 'Tiệm may đo áo dài', 'Xưởng dệt khăn'],
	    ARRAY['quần áo trẻ em', 'áo dài may đo', 'khăn lụa'],
	    ARRAY['Máy may công nghiệp', 'Máy vắt sổ', 'Vải và phụ liệu',
	    'Bàn cắt']),
	('tourism_hospitality', ARRAY['Homestay', 'Nhà nghỉ nhỏ', 'Dịch vụ hướng dẫn phố cổ'],
	    ARRAY['phòng nghỉ cho khách', 'tour đi bộ phố cổ', 'phòng cho khách'],
	    ARRAY['Sửa sang phòng', 'Giường và chăn ga', 'Quảng cáo trực tuyến']),
	('beauty_wellness', ARRAY['Tiệm làm móng', 'Tiệm gội đầu dưỡng sinh', 'Tiệm làm tóc'],
	    ARRAY['làm móng', 'gội đầu dưỡng sinh', 'cắt uốn tóc'],
	    ARRAY['Ghế gội đầu', 'Dụng cụ làm móng', 'Mỹ phẩm ban đầu']),
	('education_childcare', ARRAY['Lớp dạy kèm', 'Nhóm trẻ gia đình', 'Lớp tiếng Anh thiếu nhi'],
	    ARRAY['dạy kèm', 'trông trẻ', 'tiếng Anh thiếu nhi'],
	    ARRAY['Bàn ghế học sinh', 'Đồ chơi và sách', 'Sửa sang phòng học']),
	('digital_ecommerce', ARRAY['Cửa hàng trực tuyến', 'Dịch vụ chụp ảnh sản phẩm',
	    'Dịch vụ thiết kế'],
	    ARRAY['bán hàng qua mạng', 'ảnh sản phẩm', 'thiết kế nhãn mác'],
	    ARRAY['Máy tính xách tay', 'Máy ảnh', 'Quảng cáo mạng xã hội']),
	('agri_processing', ARRAY['Cơ sở làm ô mai', 'Cơ sở làm mứt', 'Cơ sở rang cà phê'],
	    ARRAY['ô mai Hàng Đường', 'mứt Tết', 'cà phê rang xay'],
	    ARRAY['Máy sấy', 'Máy đóng gói', 'Nguyên liệu vụ đầu']),
	('manufacturing', ARRAY['Xưởng làm nến thơm', 'Xưởng làm xà phòng thủ công',
	    'Xưởng in túi vải'],
	    ARRAY['nến thơm', 'xà phòng thủ công', 'túi vải in hình'],
	    ARRAY['Khuôn và dụng cụ', 'Máy in lụa', 'Nguyên liệu']),
	('services_other', ARRAY['Dịch vụ giặt là', 'Dịch vụ sửa quần áo', 'Dịch vụ dọn nhà'],
	    ARRAY['giặt là', 'sửa quần áo', 'dọn nhà theo giờ'],
	    ARRAY['Máy giặt công nghiệp', 'Máy sấy quần áo', 'Xe máy chở hàng']);

-- ==== users ====

-- Staff and an admin, reviewers, mentors, applicants: one numbering.
CREATE TEMP TABLE seed_users AS
SELECT p.u0 + g AS id, g AS k,
	CASE WHEN g = 1 THEN 'admin'
	    WHEN g <= 1 + p.staff THEN 'staff'
	    WHEN g <= 1 + p.staff + p.reviewers THEN 'reviewer'
	    WHEN g <= 1 + p.staff + p.reviewers + p.mentors THEN 'mentor'
	    ELSE 'applicant' END AS role
FROM p, generate_series(1, 1 + p.staff + p.reviewers + p.mentors
    + p.applicants) g;

CREATE TEMP TABLE roles AS SELECT
	(SELECT min(id) FROM seed_users WHERE role = 'staff') AS staff0,
	(SELECT count(*) FROM seed_users WHERE role = 'staff')::int AS nstaff,
	(SELECT min(id) FROM seed_users WHERE role = 'reviewer') AS rev0,
	(SELECT min(id) FROM seed_users WHERE role = 'mentor') AS men0,
	(SELECT min(id) FROM seed_users WHERE role = 'applicant') AS app0;

INSERT INTO users (id, email, full_name, phone, role, locale, created_at,
    password_changed_at)
OVERRIDING SYSTEM VALUE
SELECT s.id,
	s.role || s.k || '@bench.sen.example',
	pg_temp.pick(w.family, s.k, 1) || ' ' || pg_temp.pick(w.middle, s.k, 2)
	    || ' ' || pg_temp.pick(w.given, s.k, 3),
	CASE WHEN pg_temp.r(s.k, 4) < 0.9 THEN '+849' ||
	    lpad((s.k % 100000000)::text, 8, '0') END,
	s.role,
	CASE WHEN pg_temp.r(s.k, 5) < 0.05 THEN 'en' ELSE 'vi' END,
	p.t0 - interval '1100 days' + pg_temp.r(s.k, 6) * interval '20 days',
	NULL
FROM seed_users s, p, w;

-- ==== calls ====

CREATE TEMP TABLE seed_calls (
	k		int PRIMARY KEY,
	frac		numeric,	-- share of the applications
	kind		text,		-- decided, reviewing, screening, open
	opens_days	int,		-- days from now
	closes_days	int,
	decided_days	int,
	title_vi	text,
	title_en	text,
	id		bigint
);

INSERT INTO seed_calls VALUES
	(1, 0.09, 'decided', -1000, -970, -900,
	 'Hỗ trợ phụ nữ khởi nghiệp đợt 1 năm 2023',
	 'Women''s entrepreneurship support, round 1 2023', NULL),
	(2, 0.09, 'decided', -820, -790, -720,
	 'Hỗ trợ phụ nữ khởi nghiệp đợt 2 năm 2023',
	 'Women''s entrepreneurship support, round 2 2023', NULL),
	(3, 0.10, 'decided', -640, -610, -540,
	 'Hỗ trợ phụ nữ khởi nghiệp đợt 1 năm 2024',
	 'Women''s entrepreneurship support, round 1 2024', NULL),
	(4, 0.11, 'decided', -460, -430, -360,
	 'Hỗ trợ phụ nữ khởi nghiệp đợt 2 năm 2024',
	 'Women''s entrepreneurship support, round 2 2024', NULL),
	(5, 0.12, 'decided', -280, -250, -180,
	 'Hỗ trợ hộ kinh doanh do phụ nữ làm chủ năm 2025',
	 'Support for women-owned household businesses 2025', NULL),
	(6, 0.20, 'reviewing', -120, -90, NULL,
	 'Hỗ trợ phụ nữ khởi nghiệp toàn quận đợt 1',
	 'District-wide women''s entrepreneurship support, round 1', NULL),
	(7, 0.12, 'screening', -60, -10, NULL,
	 'Hỗ trợ phụ nữ kinh doanh số',
	 'Support for women in digital business', NULL),
	(8, 0.06, 'open', -20, 40, NULL,
	 'Hỗ trợ phụ nữ làm nghề thủ công truyền thống',
	 'Support for women in traditional crafts', NULL),
	(9, 0.06, 'open', -20, 40, NULL,
	 'Hỗ trợ phụ nữ kinh doanh ăn uống phố cổ',
	 'Support for women running food businesses in the Old Quarter', NULL),
	(10, 0.05, 'open', -15, 45, NULL,
	 'Hỗ trợ phụ nữ khuyết tật và hộ nghèo khởi nghiệp',
	 'Start-up support for women with disabilities and poor households', NULL);

UPDATE seed_calls SET id = (SELECT coalesce(max(id), 0) FROM calls) + k;

INSERT INTO calls (id, title_vi, title_en, description_vi, description_en,
    opens_at, closes_at, budget_vnd, max_award_vnd, stages, wards,
    reviewers_per_application, bonus_poor, bonus_near_poor, bonus_hardship,
    bonus_disability, priority_combine, priority_cap, priority_reserved_pct,
    status, version, created_at, created_by, updated_at, review_due_at,
    disagreement_threshold, scoring_closed_at, assignments_released_at)
OVERRIDING SYSTEM VALUE
SELECT c.id, c.title_vi, c.title_en,
	'Quận Hoàn Kiếm hỗ trợ vốn, đào tạo và cố vấn cho phụ nữ có ý tưởng '
	    || 'kinh doanh, mới khởi nghiệp hoặc có doanh nghiệp mới thành lập. '
	    || 'Ưu tiên phụ nữ thuộc hộ nghèo, hộ cận nghèo, hộ có hoàn cảnh khó '
	    || 'khăn và phụ nữ khuyết tật.',
	'Hoàn Kiếm district supports women with a business idea, a young '
	    || 'startup or a new business with funds, training and mentoring. '
	    || 'Priority for women from poor, near-poor and hardship households '
	    || 'and women with disabilities.',
	p.t0 + c.opens_days * interval '1 day',
	p.t0 + c.closes_days * interval '1 day',
	-- Enough for every award of the call at most.
	greatest(1000000000, (c.frac * p.n * 50000000)::bigint),
	50000000,
	ARRAY['idea', 'startup', 'new_business'],
	(SELECT array_agg(code ORDER BY code) FROM wards),
	5, 15, 10, 5, 10, 'sum', 20, 20,
	CASE c.kind WHEN 'screening' THEN 'closed' ELSE c.kind END,
	CASE c.kind WHEN 'open' THEN 2 WHEN 'screening' THEN 3
	    WHEN 'reviewing' THEN 5 ELSE 7 END,
	p.t0 + (c.opens_days - 10) * interval '1 day', r.staff0,
	p.t0 + coalesce(c.decided_days, least(c.closes_days, 0)) * interval '1 day',
	CASE WHEN c.kind = 'reviewing' THEN p.t0 + interval '20 days'
	    WHEN c.kind = 'decided' THEN p.t0 + (c.decided_days - 10) * interval '1 day' END,
	20,
	CASE WHEN c.kind = 'decided' THEN p.t0 + (c.decided_days - 8) * interval '1 day' END,
	CASE WHEN c.kind IN ('decided', 'reviewing') THEN
	    p.t0 + (c.closes_days + 20) * interval '1 day' END
FROM seed_calls c, p, roles r;

-- The rubric: four criteria scored 0-10, weights summing to 100.
INSERT INTO call_criteria (call_id, position, key, label_vi, label_en,
    max_score, weight)
SELECT c.id, k.pos, k.key, k.vi, k.en, 10, k.weight
FROM seed_calls c, (VALUES
	(1, 'feasibility', 'Tính khả thi của kế hoạch', 'Feasibility of the plan', 30),
	(2, 'impact', 'Tác động với gia đình và cộng đồng', 'Impact on family and community', 25),
	(3, 'capacity', 'Năng lực của người nộp hồ sơ', 'Capacity of the applicant', 20),
	(4, 'women_jobs', 'Việc làm cho phụ nữ', 'Jobs for women', 25))
	AS k(pos, key, vi, en, weight);

INSERT INTO criterion_anchors (criterion_id, score, text_vi, text_en)
SELECT k.id, a.score, a.vi, a.en
FROM call_criteria k JOIN seed_calls c ON c.id = k.call_id, (VALUES
	(0, 'Không đạt', 'Not met'),
	(5, 'Đạt một phần', 'Partly met'),
	(10, 'Đạt đầy đủ, có bằng chứng rõ ràng', 'Fully met, with clear evidence'))
	AS a(score, vi, en);

-- Committees: about two thirds of the reviewers sit on each call's.
INSERT INTO call_reviewers (call_id, reviewer_id, added_at, added_by)
SELECT c.id, u.id, p.t0 + (c.closes_days + 10) * interval '1 day', r.staff0
FROM seed_calls c, seed_users u, p, roles r
WHERE c.kind IN ('decided', 'reviewing') AND u.role = 'reviewer'
  AND (u.k + c.k) % 3 <> 0;

CREATE TEMP TABLE committee AS
SELECT call_id, array_agg(reviewer_id ORDER BY reviewer_id) AS members
FROM call_reviewers cr JOIN seed_calls c ON c.id = cr.call_id
GROUP BY call_id;

-- ==== applicants ====

-- Her household and disability (which become claims when she submits).
CREATE TEMP TABLE seed_applicants AS
SELECT s.id, s.k,
	CASE WHEN pg_temp.r(s.k, 10) < 0.11 THEN 'poor'
	    WHEN pg_temp.r(s.k, 10) < 0.19 THEN 'near_poor'
	    WHEN pg_temp.r(s.k, 10) < 0.245 THEN 'hardship'
	    ELSE 'none' END AS household,
	pg_temp.r(s.k, 11) < 0.065 AS disabled,
	(SELECT code FROM wards ORDER BY code
	    OFFSET pg_temp.ri(s.k, 12, 0, 17) LIMIT 1) AS ward
FROM seed_users s WHERE s.role = 'applicant';
CREATE UNIQUE INDEX ON seed_applicants (id);
ANALYZE seed_applicants;

-- ==== applications ====

-- Application i (1..n): calls take consecutive ranges of i, and the
-- applicant is i modulo the number of applicants, so nobody applies
-- twice to one call and about one in seven applies to two.
CREATE TEMP TABLE seed_ranges AS
SELECT c.k, c.id AS call_id, c.kind,
	1 + coalesce(floor(sum(c.frac) OVER (ORDER BY c.k ROWS BETWEEN
	    UNBOUNDED PRECEDING AND 1 PRECEDING) * p.n), 0)::int AS lo,
	floor(sum(c.frac) OVER (ORDER BY c.k) * p.n)::int AS hi
FROM seed_calls c, p;

CREATE TEMP TABLE seed_apps AS
SELECT i, rg.k AS ck, rg.call_id, rg.kind,
	(ra.app0 + ((i - 1) % p.applicants)) AS applicant_id,
	pg_temp.r(i, 20) AS r1, pg_temp.r(i, 21) AS r2, pg_temp.r(i, 22) AS r3
FROM p, roles ra, seed_ranges rg, generate_series(rg.lo, rg.hi) i;
CREATE UNIQUE INDEX ON seed_apps (i);
CREATE INDEX ON seed_apps (applicant_id);

-- Where each one ended up.
ALTER TABLE seed_apps ADD COLUMN status text, ADD COLUMN path text[];
UPDATE seed_apps SET status = CASE kind
	WHEN 'decided' THEN CASE
	    WHEN r1 < 0.03 THEN 'draft'
	    WHEN r1 < 0.05 THEN 'withdrawn'
	    WHEN r1 < 0.10 THEN 'ineligible'
	    WHEN r2 < 0.4357 THEN 'funded'	-- refined by the follow-up below
	    WHEN r2 < 0.49 THEN 'waitlisted'
	    ELSE 'rejected' END
	WHEN 'reviewing' THEN CASE
	    WHEN r1 < 0.02 THEN 'draft'
	    WHEN r1 < 0.04 THEN 'withdrawn'
	    WHEN r1 < 0.10 THEN 'ineligible'
	    ELSE 'in_review' END
	WHEN 'screening' THEN CASE
	    WHEN r1 < 0.05 THEN 'draft'
	    WHEN r1 < 0.10 THEN 'withdrawn'
	    WHEN r1 < 0.40 THEN 'submitted'
	    WHEN r1 < 0.60 THEN 'screening'
	    WHEN r1 < 0.90 THEN 'eligible'
	    ELSE 'ineligible' END
	ELSE CASE
	    WHEN r1 < 0.50 THEN 'draft'
	    WHEN r1 < 0.55 THEN 'withdrawn'
	    ELSE 'submitted' END
	END;

ANALYZE seed_apps;

-- Times of the phases of each application.
ALTER TABLE seed_apps ADD COLUMN created_at timestamptz,
	ADD COLUMN submitted_at timestamptz, ADD COLUMN screened_at timestamptz,
	ADD COLUMN decided_at timestamptz, ADD COLUMN review_at timestamptz;
UPDATE seed_apps a SET
	created_at = o.opens + (o.closes - o.opens - interval '2 days') * a.r3,
	-- Some withdrew a draft, the others after submitting.
	submitted_at = CASE WHEN a.status = 'draft' OR (a.status = 'withdrawn'
	    AND a.r2 < 0.5) THEN NULL ELSE least(o.closes - interval '1 hour',
	    o.opens + (o.closes - o.opens - interval '2 days') * a.r3
	    + pg_temp.r(a.i, 23) * interval '5 days') END,
	screened_at = o.closes + interval '1 day' + pg_temp.r(a.i, 24)
	    * least(interval '8 days', greatest(interval '0', p.t0 - o.closes
	    - interval '2 days')),
	review_at = o.closes + interval '20 days',
	decided_at = CASE WHEN c.decided_days IS NOT NULL
	    THEN p.t0 + c.decided_days * interval '1 day' END
FROM seed_calls c, p, LATERAL (SELECT p.t0 + c.opens_days * interval '1 day'
    AS opens, least(p.t0, p.t0 + c.closes_days * interval '1 day') AS closes) o
WHERE c.k = a.ck;
-- An open call's submissions are in the past.
UPDATE seed_apps SET submitted_at = least(submitted_at,
    (SELECT t0 FROM p) - interval '1 hour') WHERE kind = 'open';
UPDATE seed_apps SET created_at = least(created_at, submitted_at - interval '1 hour')
WHERE submitted_at IS NOT NULL;

-- ==== supported businesses and their follow-up ====

-- A business per funded application, awarded on the decision day.
CREATE TEMP TABLE seed_biz AS
SELECT a.i, a.call_id, a.applicant_id,
	(a.decided_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
	    + pg_temp.ri(a.i, 30, 0, 3) AS award_on,
	-- A few businesses close: at which scheduled check-in (0: never),
	-- one due at least ten days ago.
	CASE WHEN pg_temp.r(a.i, 31) < 0.03 THEN pg_temp.ri(a.i, 32, 2, 5)
	    ELSE 0 END AS closes_at_number
FROM seed_apps a WHERE a.status = 'funded';
CREATE UNIQUE INDEX ON seed_biz (i);
UPDATE seed_biz SET closes_at_number = 0
WHERE closes_at_number > 0 AND award_on + make_interval(months =>
    (ARRAY[0, 3, 6, 12, 24])[closes_at_number]) > (SELECT today FROM p) - 10;

CREATE TEMP TABLE seed_sched AS
SELECT b.i, s.number, s.months,
	(b.award_on + make_interval(months => s.months))::date AS due_on
FROM seed_biz b, (VALUES (1, 0), (2, 3), (3, 6), (4, 12), (5, 24)) s(number, months);
CREATE UNIQUE INDEX ON seed_sched (i, number);
ANALYZE seed_biz;
ANALYZE seed_sched;

-- Answers: most due check-ins are answered and approved, some wait for
-- staff, some are missed; nothing after a business closed.
CREATE TEMP TABLE seed_ans AS
SELECT s.*, b.closes_at_number,
	CASE WHEN b.closes_at_number > 0 AND s.number > b.closes_at_number THEN 'none'
	    WHEN s.due_on > p.today THEN CASE
		WHEN s.due_on - 30 <= p.today AND pg_temp.r(s.i * 16 + s.number, 33) < 0.2
		THEN 'submitted' ELSE 'none' END
	    WHEN b.closes_at_number = s.number THEN 'approved'
	    WHEN pg_temp.r(s.i * 16 + s.number, 34) < 0.12 THEN 'none'
	    WHEN s.due_on > p.today - 45 AND pg_temp.r(s.i * 16 + s.number, 35) < 0.5
	    THEN 'submitted'
	    ELSE 'approved' END AS answer
FROM seed_sched s JOIN seed_biz b ON b.i = s.i, p;
ANALYZE seed_ans;

-- The application's last status follows the follow-up.
UPDATE seed_apps a SET status = CASE
	WHEN b.closes_at_number > 0 THEN 'closed'
	WHEN x.approved = 5 THEN 'completed'
	WHEN x.approved > 0 THEN 'in_followup'
	ELSE 'funded' END
FROM seed_biz b, (SELECT i, count(*) FILTER (WHERE answer = 'approved') AS approved
    FROM seed_ans GROUP BY i) x
WHERE b.i = a.i AND x.i = a.i;

-- The path of statuses each application went through, in order.
UPDATE seed_apps SET path = CASE status
	WHEN 'draft' THEN ARRAY['draft']
	WHEN 'withdrawn' THEN CASE WHEN submitted_at IS NULL
	    THEN ARRAY['draft', 'withdrawn'] ELSE ARRAY['draft', 'submitted', 'withdrawn'] END
	WHEN 'submitted' THEN ARRAY['draft', 'submitted']
	WHEN 'screening' THEN ARRAY['draft', 'submitted', 'screening']
	WHEN 'eligible' THEN ARRAY['draft', 'submitted', 'screening', 'eligible']
	WHEN 'ineligible' THEN ARRAY['draft', 'submitted', 'screening', 'ineligible']
	WHEN 'in_review' THEN ARRAY['draft', 'submitted', 'screening', 'eligible', 'in_review']
	WHEN 'waitlisted' THEN ARRAY['draft', 'submitted', 'screening', 'eligible',
	    'in_review', 'reviewed', 'waitlisted']
	WHEN 'rejected' THEN ARRAY['draft', 'submitted', 'screening', 'eligible',
	    'in_review', 'reviewed', 'rejected']
	WHEN 'funded' THEN ARRAY['draft', 'submitted', 'screening', 'eligible',
	    'in_review', 'reviewed', 'funded']
	WHEN 'in_followup' THEN ARRAY['draft', 'submitted', 'screening', 'eligible',
	    'in_review', 'reviewed', 'funded', 'in_followup']
	WHEN 'completed' THEN ARRAY['draft', 'submitted', 'screening', 'eligible',
	    'in_review', 'reviewed', 'funded', 'in_followup', 'completed']
	WHEN 'closed' THEN ARRAY['draft', 'submitted', 'screening', 'eligible',
	    'in_review', 'reviewed', 'funded', 'in_followup', 'closed']
	END;

-- References, numbered per year of submission in submission order.
ALTER TABLE seed_apps ADD COLUMN reference text;
UPDATE seed_apps a SET reference = x.ref
FROM (SELECT i, format('HK-%s-%s', y, lpad(row_number() OVER (PARTITION BY y
    ORDER BY submitted_at, i)::text, 5, '0')) AS ref
    FROM (SELECT i, submitted_at, extract(year FROM submitted_at
	AT TIME ZONE 'Asia/Ho_Chi_Minh')::int AS y
	FROM seed_apps WHERE submitted_at IS NOT NULL) s) x
WHERE x.i = a.i;

-- The content.
CREATE TEMP TABLE seed_content AS
SELECT a.i,
	pg_temp.pick(w.sectors, a.i, 40) AS sector,
	CASE WHEN pg_temp.r(a.i, 41) < 0.4 THEN 'idea'
	    WHEN pg_temp.r(a.i, 41) < 0.75 THEN 'startup'
	    ELSE 'new_business' END AS stage,
	pg_temp.ri(a.i, 42, 1, 8) AS team,
	pg_temp.ri(a.i, 44, 0, 6) AS jobs
FROM seed_apps a, w;
CREATE UNIQUE INDEX ON seed_content (i);

ALTER TABLE seed_content ADD COLUMN kind text, ADD COLUMN good text,
	ADD COLUMN lines jsonb, ADD COLUMN women int;
UPDATE seed_content c SET
	kind = pg_temp.pick(s.kinds, c.i, 45),
	good = pg_temp.pick(s.goods, c.i, 46),
	women = greatest(1, floor(c.team * (0.5 + pg_temp.r(c.i, 43) * 0.5)))::int,
	lines = (SELECT jsonb_agg(jsonb_build_object('item', s.lines[1 +
	    (l + pg_temp.ri(c.i, 47, 0, 9)) % cardinality(s.lines)],
	    'amount_vnd', pg_temp.ri(c.i * 8 + l, 48, 3, 15) * 1000000) ORDER BY l)
	    FROM generate_series(1, pg_temp.ri(c.i, 49, 2, 3)) l)
FROM sector_words s WHERE s.sector = c.sector;

INSERT INTO applications (id, call_id, applicant_id, reference, status,
    version, business_name, stage, sector, operating_since, registered_on,
    description, problem_customers, plan, team_size, women_employed,
    jobs_planned, amount_requested_vnd, budget_lines, women_capital_pct,
    woman_manager, ward_code, outside_district, screening_reason,
    search_folded, created_at, updated_at, submitted_at)
OVERRIDING SYSTEM VALUE
SELECT a.i, a.call_id, a.applicant_id, a.reference, a.status,
	cardinality(a.path) + 1,
	x.name, c.stage, c.sector,
	CASE WHEN c.stage = 'startup' THEN (coalesce(a.submitted_at, a.created_at)
	    AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - pg_temp.ri(a.i, 50, 30, 330) END,
	CASE WHEN c.stage = 'new_business' THEN (coalesce(a.submitted_at, a.created_at)
	    AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - pg_temp.ri(a.i, 51, 60, 1000) END,
	x.description,
	'Khách hàng là người dân và khách du lịch quanh ' || wd.name_vi
	    || ', cần ' || c.good || ' chất lượng, giá hợp lý. Hiện nay '
	    || 'chị bán được khoảng ' || pg_temp.ri(a.i, 52, 10, 90)
	    || ' khách mỗi ngày.',
	'Dùng vốn hỗ trợ để mua sắm thiết bị, nhập nguyên liệu và quảng bá '
	    || 'trên mạng xã hội; sau 12 tháng tăng doanh thu gấp đôi và tuyển '
	    || 'thêm ' || c.jobs || ' lao động nữ.',
	c.team, c.women, c.jobs, budget_total(c.lines), c.lines,
	pg_temp.ri(a.i, 53, 51, 100), true,
	CASE WHEN a.submitted_at IS NOT NULL THEN ap.ward END, false,
	CASE WHEN a.status = 'ineligible' THEN pg_temp.pick(ARRAY[
	    'Hồ sơ thiếu kế hoạch kinh doanh chi tiết theo mẫu.',
	    'Hoạt động kinh doanh đã quá 12 tháng, không thuộc diện khởi nghiệp.',
	    'Phụ nữ không giữ tối thiểu 51% vốn của cơ sở kinh doanh.',
	    'Người nộp hồ sơ không cư trú trên địa bàn quận Hoàn Kiếm.'], a.i, 54) END,
	sen_fold(concat_ws(' ', a.reference, x.name, x.description, u.full_name)),
	a.created_at,
	-- Its last event (the follow-up's are set below).
	CASE a.status WHEN 'draft' THEN a.created_at
	    WHEN 'submitted' THEN a.submitted_at
	    WHEN 'withdrawn' THEN coalesce(a.submitted_at, a.created_at) + interval '1 day'
	    WHEN 'screening' THEN a.screened_at
	    WHEN 'eligible' THEN a.screened_at + interval '2 hours'
	    WHEN 'ineligible' THEN a.screened_at + interval '2 hours'
	    WHEN 'in_review' THEN a.review_at
	    ELSE a.decided_at END,
	CASE WHEN a.status NOT IN ('draft') THEN a.submitted_at END
FROM seed_apps a
JOIN seed_content c ON c.i = a.i
JOIN seed_applicants ap ON ap.id = a.applicant_id
JOIN users u ON u.id = a.applicant_id
JOIN wards wd ON wd.code = ap.ward,
LATERAL (SELECT c.kind || ' ' || regexp_replace(u.full_name, '^.* ', '')
	|| CASE WHEN pg_temp.r(a.i, 55) < 0.5 THEN ' ' || wd.name_vi ELSE '' END AS name,
	'Chị ' || u.full_name || ' mở ' || lower(c.kind) || ' tại ' || wd.name_vi
	    || ', chuyên ' || c.good || '. '
	    || pg_temp.pick(ARRAY[
		'Chị đã có kinh nghiệm ' || pg_temp.ri(a.i, 56, 2, 15) || ' năm làm nghề.',
		'Gia đình chị có mặt bằng nhỏ trong phố cổ.',
		'Chị muốn tạo việc làm cho phụ nữ trong khu phố.',
		'Sản phẩm làm thủ công, nguyên liệu sạch, có nguồn gốc rõ ràng.'],
		a.i, 57) AS description) x;

ANALYZE applications;

-- The events of each path, in order, with their actors and times.
INSERT INTO application_events (application_id, from_status, to_status,
    actor_id, reason, at)
SELECT a.i, lag(s.st) OVER (PARTITION BY a.i ORDER BY s.n), s.st,
	CASE WHEN s.st IN ('draft', 'submitted', 'withdrawn') THEN a.applicant_id
	    ELSE r.staff0 + (a.i % r.nstaff) END,
	CASE WHEN s.st = 'ineligible' THEN x.screening_reason
	    WHEN s.st = 'withdrawn' THEN 'Chị không còn nhu cầu hỗ trợ.' END,
	CASE s.st
	    WHEN 'draft' THEN a.created_at
	    WHEN 'submitted' THEN a.submitted_at
	    WHEN 'withdrawn' THEN coalesce(a.submitted_at, a.created_at) + interval '1 day'
	    WHEN 'screening' THEN a.screened_at
	    WHEN 'eligible' THEN a.screened_at + interval '2 hours'
	    WHEN 'ineligible' THEN a.screened_at + interval '2 hours'
	    WHEN 'in_review' THEN a.review_at
	    WHEN 'reviewed' THEN a.decided_at - interval '8 days'
	    ELSE a.decided_at END
	    -- follow-up steps are dated below, from their check-ins
FROM seed_apps a, roles r, applications x,
	unnest(a.path) WITH ORDINALITY s(st, n)
WHERE x.id = a.i AND s.st NOT IN ('in_followup', 'completed', 'closed')
ORDER BY a.i, s.n;

-- ==== priority claims and documents ====

CREATE TEMP TABLE seed_claims AS
SELECT a.i, cat.category, a.applicant_id, a.submitted_at, a.screened_at,
	a.status,
	CASE WHEN a.status IN ('submitted') THEN 'pending'
	    WHEN a.status = 'withdrawn' THEN 'pending'
	    WHEN pg_temp.r(a.i * 4 + cat.n, 60) < 0.10 THEN 'rejected'
	    ELSE 'verified' END AS cstatus
FROM seed_apps a
JOIN seed_applicants ap ON ap.id = a.applicant_id,
LATERAL (SELECT ap.household AS category, 1 AS n WHERE ap.household <> 'none'
	UNION ALL SELECT 'disability', 2 WHERE ap.disabled) cat
WHERE a.submitted_at IS NOT NULL AND a.status <> 'draft';
-- Claims of an application withdrawn after screening were decided.
UPDATE seed_claims SET cstatus = 'pending' WHERE status = 'screening'
    AND pg_temp.r(i, 61) < 0.5;

-- A certificate for each claim, uploaded right after submission.
CREATE TEMP TABLE seed_docs AS
SELECT row_number() OVER (ORDER BY i, kind) + (SELECT coalesce(max(id), 0)
    FROM documents) AS id, *
FROM (SELECT i, applicant_id, CASE category WHEN 'disability'
	THEN 'disability_certificate' ELSE 'household_certificate' END AS kind,
	submitted_at + interval '1 hour' AS at
    FROM seed_claims
    UNION ALL
    SELECT i, applicant_id, 'business_plan', submitted_at + interval '30 minutes'
    FROM seed_apps WHERE submitted_at IS NOT NULL AND status <> 'draft'
	AND r3 < 0.4) d;

INSERT INTO documents (id, application_id, kind, content_type, filename,
    size_bytes, sha256, uploaded_by, uploaded_at)
OVERRIDING SYSTEM VALUE
SELECT d.id, d.i, d.kind, 'application/pdf',
	CASE d.kind WHEN 'business_plan' THEN 'ke-hoach-kinh-doanh.pdf'
	    WHEN 'disability_certificate' THEN 'giay-xac-nhan-khuyet-tat.pdf'
	    ELSE 'giay-chung-nhan-ho.pdf' END,
	length(b.content), sha256(b.content), d.applicant_id, d.at
FROM seed_docs d, LATERAL (SELECT convert_to('%PDF-1.4' || chr(10)
    || '% Sen seed document ' || d.id || chr(10) || '%%EOF' || chr(10),
    'UTF8') AS content) b;

INSERT INTO document_contents (document_id, content)
SELECT d.id, convert_to('%PDF-1.4' || chr(10) || '% Sen seed document '
    || d.id || chr(10) || '%%EOF' || chr(10), 'UTF8')
FROM seed_docs d;

INSERT INTO priority_claims (application_id, category, cert_number,
    cert_issued_on, cert_valid_until, status, note, decided_by, decided_at)
SELECT c.i, c.category,
	CASE WHEN c.category = 'disability' THEN 'KT-' ELSE 'HN-' END
	    || lpad((c.applicant_id % 1000000)::text, 6, '0'),
	(c.submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 200,
	CASE WHEN c.category <> 'disability' THEN
	    (c.submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date + 365 END,
	c.cstatus,
	CASE c.cstatus WHEN 'rejected' THEN 'Số giấy chứng nhận không khớp với danh sách của UBND phường.'
	    WHEN 'verified' THEN 'Đã đối chiếu bản gốc.' END,
	CASE WHEN c.cstatus <> 'pending' THEN r.staff0 + (c.i % r.nstaff) END,
	CASE WHEN c.cstatus <> 'pending' THEN c.screened_at + interval '1 hour' END
FROM seed_claims c, roles r;

-- Her profile, as of her latest application.
INSERT INTO applicant_profiles (user_id, date_of_birth, national_id,
    ward_code, outside_district, address, household_status,
    household_cert_number, household_cert_issued_on,
    household_cert_valid_until, disability, disability_level,
    disability_cert_number, disability_cert_issued_on,
    disability_cert_valid_until, disability_details, notify_channels,
    version, updated_at)
SELECT ap.id,
	date '1965-01-01' + pg_temp.ri(ap.k, 70, 0, 12000),
	'001' || lpad((ap.k % 1000000000)::text, 9, '0'),
	ap.ward, false,
	pg_temp.pick(w.streets, ap.k, 71) || ', phường ' || wd.name_vi,
	ap.household,
	CASE WHEN ap.household <> 'none' THEN 'HN-' || lpad((ap.id % 1000000)::text, 6, '0') END,
	CASE WHEN ap.household <> 'none' THEN (l.at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 200 END,
	CASE WHEN ap.household <> 'none' THEN (l.at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date + 365 END,
	ap.disabled,
	CASE WHEN ap.disabled THEN pg_temp.pick(ARRAY['mild', 'severe',
	    'especially_severe'], ap.k, 72) END,
	CASE WHEN ap.disabled THEN 'KT-' || lpad((ap.id % 1000000)::text, 6, '0') END,
	CASE WHEN ap.disabled THEN (l.at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 200 END,
	NULL,
	CASE WHEN ap.disabled THEN 'Khuyết tật vận động, đi lại khó khăn.' END,
	CASE WHEN pg_temp.r(ap.k, 73) < 0.5 THEN ARRAY['email', 'zalo']
	    ELSE ARRAY['email'] END,
	2, l.at
FROM seed_applicants ap
JOIN wards wd ON wd.code = ap.ward, w,
LATERAL (SELECT coalesce(max(coalesce(a.submitted_at, a.created_at)),
	(SELECT t0 FROM p) - interval '30 days') AS at
	FROM seed_apps a WHERE a.applicant_id = ap.id) l;

-- ==== assignments and reviews ====

-- Five reviewers of the call's committee per application in front of
-- it, consecutive in the committee from a hashed start.
CREATE TEMP TABLE seed_asg AS
SELECT a.i, a.call_id, a.kind, j AS pseudonym,
	cm.members[1 + (pg_temp.ri(a.i, 80, 0, cardinality(cm.members) - 1) + j - 1)
	    % cardinality(cm.members)] AS reviewer_id,
	a.review_at, a.decided_at,
	pg_temp.r(a.i * 8 + j, 81) AS r
FROM seed_apps a JOIN committee cm ON cm.call_id = a.call_id,
	generate_series(1, 5) j
WHERE review_stage(a.status);

INSERT INTO assignments (call_id, application_id, reviewer_id, source,
    created_at, created_by, released_at, no_conflict_at, due_at)
SELECT s.call_id, s.i, s.reviewer_id, 'auto', s.review_at - interval '2 days',
	ro.staff0, s.review_at,
	CASE WHEN s.kind = 'decided' OR s.r < 0.97 THEN s.review_at
	    + pg_temp.r(s.i * 8 + s.pseudonym, 82) * interval '3 days' END,
	c.review_due_at
FROM seed_asg s JOIN calls c ON c.id = s.call_id, roles ro
ORDER BY s.i, s.pseudonym;

-- Submitted reviews: every one of decided calls, 75 % under review.
-- Scores follow the application's quality and the reviewer's taste.
CREATE TEMP TABLE seed_rev AS
SELECT s.*, (SELECT coalesce(max(id), 0) FROM reviews)
	+ row_number() OVER (ORDER BY s.i, s.pseudonym) AS id,
	jsonb_build_object(
	    'feasibility', least(10, greatest(0, q.q + pg_temp.ri(s.i * 8 + s.pseudonym, 83, -2, 2))),
	    'impact', least(10, greatest(0, q.q + pg_temp.ri(s.i * 8 + s.pseudonym, 84, -2, 2))),
	    'capacity', least(10, greatest(0, q.q + pg_temp.ri(s.i * 8 + s.pseudonym, 85, -3, 2))),
	    'women_jobs', least(10, greatest(0, q.q + pg_temp.ri(s.i * 8 + s.pseudonym, 86, -2, 3))))
	    AS scores,
	coalesce(s.decided_at - interval '12 days', s.review_at + interval '3 days')
	    + pg_temp.r(s.i * 8 + s.pseudonym, 87) * interval '4 days' AS at
FROM seed_asg s, LATERAL (SELECT 3 + floor(pg_temp.r(s.i, 88) * 6)::int AS q) q
WHERE s.kind = 'decided' OR s.r < 0.75;

INSERT INTO reviews (id, application_id, reviewer_id, scores,
    comment_applicant, comment_committee, recommendation, status, version,
    submitted_at, updated_at, pseudonym)
OVERRIDING SYSTEM VALUE
SELECT v.id, v.i, v.reviewer_id, v.scores,
	pg_temp.pick(ARRAY[
	    'Kế hoạch rõ ràng, cần nêu cụ thể hơn cách tìm khách hàng.',
	    'Ý tưởng tốt, nên tính kỹ chi phí nguyên liệu theo mùa.',
	    'Nên bổ sung dự kiến doanh thu từng tháng trong năm đầu.',
	    'Sản phẩm có thế mạnh, cần đầu tư thêm vào bán hàng trực tuyến.'],
	    v.id, 89),
	pg_temp.pick(ARRAY[
	    'Người nộp có kinh nghiệm, địa điểm thuận lợi.',
	    'Ngân sách hợp lý, rủi ro thấp.',
	    'Thị trường cạnh tranh, cần theo dõi sau hỗ trợ.',
	    'Tạo việc làm cho phụ nữ trong khu phố, tác động tốt.'],
	    v.id, 90),
	CASE WHEN t.total >= 28 THEN 'fund' WHEN t.total >= 20 THEN 'maybe'
	    ELSE 'reject' END,
	'submitted', 2, v.at, v.at, v.pseudonym
FROM seed_rev v, LATERAL (SELECT sum(value::int) AS total
	FROM jsonb_each_text(v.scores)) t;

INSERT INTO review_revisions (review_id, revision, scores, comment_applicant,
    comment_committee, recommendation, submitted_at)
SELECT r.id, 1, r.scores, r.comment_applicant, r.comment_committee,
	r.recommendation, r.submitted_at
FROM reviews r JOIN seed_rev v ON v.id = r.id;

-- ==== businesses, schedules, check-ins ====

INSERT INTO businesses (application_id, call_id, owner_id, name, sector,
    ward_code, award_on, status, closed_at, closed_by, closed_reason,
    version, created_at, updated_at)
SELECT b.i, b.call_id, b.applicant_id, a.business_name, a.sector,
	a.ward_code, b.award_on,
	CASE WHEN b.closes_at_number > 0 THEN 'closed' ELSE 'on_track' END,
	CASE WHEN b.closes_at_number > 0 THEN
	    (s.due_on + 5)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' END,
	CASE WHEN b.closes_at_number > 0 THEN r.staff0 END,
	CASE WHEN b.closes_at_number > 0 THEN
	    'Cơ sở đã ngừng hoạt động do không thuê được mặt bằng.' END,
	1, b.award_on::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh',
	b.award_on::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'
FROM seed_biz b
JOIN applications a ON a.id = b.i
LEFT JOIN seed_sched s ON s.i = b.i AND s.number = b.closes_at_number, roles r;

CREATE TEMP TABLE biz_ids AS
SELECT b.application_id AS i, b.id FROM businesses b
JOIN seed_biz s ON s.i = b.application_id;
CREATE UNIQUE INDEX ON biz_ids (i);

INSERT INTO followup_schedule (business_id, number, months, label, due_on)
SELECT x.id, s.number, s.months, followup_label(s.months), s.due_on
FROM seed_sched s JOIN biz_ids x ON x.i = s.i;

INSERT INTO checkins (business_id, schedule_id, status, revision, operating,
    closed_reason, registration_status, revenue_vnd, profit_vnd,
    workers_women, workers_men, workers_disabled, jobs_created,
    jobs_created_women, funds_used, milestones, household_status,
    challenges, support_needed, submitted_by, submitted_at, reviewed_by,
    reviewed_at, version)
SELECT x.id, fs.id, an.answer, 1, NOT op.closing,
	CASE WHEN op.closing THEN 'Không thuê được mặt bằng, tạm ngừng kinh doanh.' END,
	CASE WHEN an.number = 1 THEN 'not_registered' ELSE 'household_business' END,
	CASE WHEN NOT op.closing THEN m.revenue END,
	CASE WHEN NOT op.closing THEN m.revenue / 5 END,
	CASE WHEN NOT op.closing THEN 1 + an.number / 2 END,
	CASE WHEN NOT op.closing THEN an.number / 3 END,
	CASE WHEN NOT op.closing THEN 0 END,
	CASE WHEN NOT op.closing THEN an.number - 1 END,
	CASE WHEN NOT op.closing THEN an.number - 1 END,
	'[]', CASE WHEN an.number > 2 THEN ARRAY['Có khách hàng thường xuyên']
	    ELSE '{}' END,
	ap.household, NULL,
	CASE WHEN pg_temp.r(an.i * 16 + an.number, 90) < 0.3
	    THEN ARRAY['digital_sales'] ELSE '{}' END,
	an_app.applicant_id,
	t.sub,
	CASE WHEN an.answer = 'approved' THEN r.staff0 + (an.i % r.nstaff) END,
	CASE WHEN an.answer = 'approved' THEN t.sub + interval '3 days' END,
	CASE WHEN an.answer = 'approved' THEN 2 ELSE 1 END
FROM seed_ans an
JOIN biz_ids x ON x.i = an.i
JOIN followup_schedule fs ON fs.business_id = x.id AND fs.number = an.number
JOIN seed_apps an_app ON an_app.i = an.i
JOIN seed_applicants ap ON ap.id = an_app.applicant_id, roles r, p,
LATERAL (SELECT an.closes_at_number = an.number AS closing) op,
LATERAL (SELECT (pg_temp.ri(an.i, 91, 8, 60) * 1000000::bigint)
	* CASE WHEN pg_temp.r(an.i, 92) < 0.1 THEN (8 - an.number) ELSE (4 + an.number) END / 6
	AS revenue) m,
LATERAL (SELECT least(p.t0 - interval '1 hour', greatest(an_app.decided_at
	+ interval '1 hour', (an.due_on::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')
	- interval '3 days' + pg_temp.r(an.i * 16 + an.number, 93)
	* interval '10 days')) AS sub) t
WHERE an.answer <> 'none';

INSERT INTO checkin_versions (checkin_id, revision, data, submitted_by,
    submitted_at, decision, reviewed_by, reviewed_at)
SELECT k.id, 1, followup_checkin_data(k), k.submitted_by, k.submitted_at,
	CASE WHEN k.status = 'approved' THEN 'approve' END, k.reviewed_by,
	k.reviewed_at
FROM checkins k JOIN biz_ids x ON x.id = k.business_id;

-- The follow-up steps of the applications' history, from their
-- check-ins: the first approval starts the follow-up, the last one (or
-- the one that says the business closed) ends it.
-- The planner needs the sizes of what was just loaded.
ANALYZE businesses;
ANALYZE followup_schedule;
ANALYZE checkins;

CREATE TEMP TABLE seed_fu AS
SELECT a.i, a.status, min(k.reviewed_at) AS first_at,
	max(k.reviewed_at) AS last_at, min(k.reviewed_by) AS by_
FROM seed_apps a JOIN biz_ids x ON x.i = a.i
JOIN checkins k ON k.business_id = x.id AND k.status = 'approved'
WHERE a.status IN ('in_followup', 'completed', 'closed')
GROUP BY a.i, a.status;

INSERT INTO application_events (application_id, from_status, to_status,
    actor_id, reason, at)
SELECT f.i, e.from_, e.to_, f.by_, e.reason, e.at
FROM seed_fu f JOIN businesses b ON b.application_id = f.i,
LATERAL (VALUES (1, 'funded', 'in_followup', NULL, f.first_at),
	(2, 'in_followup', f.status, CASE WHEN f.status = 'closed'
	    THEN b.closed_reason END, f.last_at)) e(n, from_, to_, reason, at)
WHERE e.n = 1 OR f.status <> 'in_followup'
ORDER BY f.i, e.n;

UPDATE applications a SET updated_at = CASE WHEN f.status = 'in_followup'
    THEN f.first_at ELSE f.last_at END
FROM seed_fu f WHERE f.i = a.id;
UPDATE businesses b SET closed_at = f.last_at, updated_at = f.last_at
FROM seed_fu f WHERE f.i = b.application_id AND f.status = 'closed';

-- Status and risks as the rules say today.
UPDATE businesses b SET risks = r.risks, status = CASE
	WHEN jsonb_array_length(r.risks) > 0 THEN 'at_risk' ELSE 'on_track' END
FROM biz_ids x, LATERAL (SELECT followup_risks(x.id, now()) AS risks) r
WHERE x.id = b.id AND b.status <> 'closed';

-- ==== awards (issue 5, decisions: migrations/0004_decisions.sql) ====
-- TODO(decisions): every funded application (status funded, in_followup,
-- completed or closed: the rows of seed_awards below) was awarded its
-- amount on its business's award_on.  When 0004 is merged, insert one
-- award per row of seed_awards into its table here (with its tranches, if
-- it has them, paid for the check-ins that are approved).
CREATE TEMP TABLE seed_awards AS
SELECT a.id AS application_id, a.call_id, a.applicant_id,
	a.amount_requested_vnd AS amount_vnd, b.award_on, b.id AS business_id
FROM applications a JOIN businesses b ON b.application_id = a.id
JOIN biz_ids x ON x.id = b.id;

-- ==== mentors (issue 6, mentoring: migrations/0005_mentoring.sql) ====
-- The mentor accounts are made above (role mentor).  TODO(mentoring):
-- when 0005 is merged, give each a profile (skills from
-- followup_support_areas, capacity 3-8, wards) and match some of the
-- businesses of seed_awards to them here.

-- ==== bookkeeping ====

DO $$
DECLARE
	x	record;
BEGIN
	FOR x IN SELECT def FROM seed_indexes LOOP
		EXECUTE x.def;
	END LOOP;
	FOR x IN SELECT tab, name, def FROM seed_fkeys LOOP
		EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %s %s', x.tab,
		    x.name, x.def);
	END LOOP;
END
$$;

-- New submissions continue the numbering of their year.
INSERT INTO reference_counters AS c (year, last)
SELECT split_part(reference, '-', 2)::int, max(split_part(reference, '-', 3)::int)
FROM applications WHERE reference IS NOT NULL
GROUP BY 1
ON CONFLICT (year) DO UPDATE SET last = greatest(c.last, EXCLUDED.last);

-- Identity columns continue after the ids given here.
SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users));
SELECT setval(pg_get_serial_sequence('calls', 'id'), (SELECT max(id) FROM calls));
SELECT setval(pg_get_serial_sequence('applications', 'id'),
    (SELECT max(id) FROM applications));
SELECT setval(pg_get_serial_sequence('documents', 'id'),
    (SELECT max(id) FROM documents));
SELECT setval(pg_get_serial_sequence('reviews', 'id'),
    (SELECT max(id) FROM reviews));

ALTER TABLE users ENABLE TRIGGER USER;
ALTER TABLE calls ENABLE TRIGGER USER;
ALTER TABLE call_criteria ENABLE TRIGGER USER;
ALTER TABLE criterion_anchors ENABLE TRIGGER USER;
ALTER TABLE applicant_profiles ENABLE TRIGGER USER;
ALTER TABLE applications ENABLE TRIGGER USER;
ALTER TABLE application_events ENABLE TRIGGER USER;
ALTER TABLE priority_claims ENABLE TRIGGER USER;
ALTER TABLE documents ENABLE TRIGGER USER;
ALTER TABLE document_contents ENABLE TRIGGER USER;
ALTER TABLE call_reviewers ENABLE TRIGGER USER;
ALTER TABLE assignments ENABLE TRIGGER USER;
ALTER TABLE reviews ENABLE TRIGGER USER;
ALTER TABLE review_revisions ENABLE TRIGGER USER;
ALTER TABLE businesses ENABLE TRIGGER USER;
ALTER TABLE followup_schedule ENABLE TRIGGER USER;
ALTER TABLE checkins ENABLE TRIGGER USER;
ALTER TABLE checkin_versions ENABLE TRIGGER USER;

-- The import itself is on the record.
INSERT INTO audit_log (action, entity, after)
SELECT 'seed.scale', 'database', jsonb_build_object('applications', p.n,
    'users', (SELECT count(*) FROM seed_users),
    'reviews', (SELECT count(*) FROM seed_rev),
    'businesses', (SELECT count(*) FROM seed_biz))
FROM p;

COMMIT;
