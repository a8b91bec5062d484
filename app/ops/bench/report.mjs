// The report of `make bench`: every figure of var/bench/results in one
// JSON document (var/bench/latest.json), and a table for people, with the
// targets of the issue and whether each is met.
//
//   node app/ops/bench/report.mjs RESULTS_DIR OUT_JSON
import { readFileSync, writeFileSync, existsSync } from 'node:fs';

const [dir, out] = process.argv.slice(2);
const read = (f) => readFileSync(`${dir}/${f}`, 'utf8');
const has = (f) => existsSync(`${dir}/${f}`);
const json = (f) => (has(f) ? JSON.parse(read(f)) : null);
const num = (x) => (x == null ? null : Number(x));

function kv(f) {
	const o = {};
	for (const l of read(f).split('\n')) {
		const m = l.match(/^(\S+) (.*)$/);
		if (m) o[m[1]] = m[2];
	}
	return o;
}

function pgbench(name) {
	if (!has(`${name}.pgbench.txt`)) return null;
	const t = read(`${name}.pgbench.txt`);
	const g = (re) => { const m = t.match(re); return m ? Number(m[1]) : null; };
	return {
		tps: g(/^tps = ([\d.]+)/m),
		latency_avg_ms: g(/^latency average = ([\d.]+) ms/m),
		transactions: g(/^number of transactions actually processed: (\d+)/m),
		failed: g(/^number of failed transactions: (\d+)/m) ?? 0,
	};
}

function memory(f) {
	if (!has(f)) return [];
	return read(f).trim().split('\n').filter(Boolean).map((l) => {
		const [pid, rss, hwm] = l.trim().split(/\s+/).map(Number);
		return { pid, rss_kb: rss, hwm_kb: hwm };
	});
}

const meta = kv('meta.txt');
const result = {
	at: new Date().toISOString(),
	commit: meta.commit,
	machine: { cores: Number(meta.cores) },
	settings: {
		applications: Number(meta.n), duration_s: Number(meta.duration),
		connections: Number(meta.connections),
	},
	seed: { seconds: Number(read('seed.seconds')), summary: read('seed.txt').trim() },
	reads: {}, writes: {}, logins: {}, computations: {}, memory: {},
	targets: {},
};

const errors = (w) => w.errors_socket + w.errors_status + w.errors_bad;
const path = (w) => ({
	rps: w.rps, p50_ms: w.p50_ms, p90_ms: w.p90_ms, p99_ms: w.p99_ms,
	max_ms: w.max_ms, requests: w.requests, errors: errors(w),
	errors_detail: { socket: w.errors_socket, non_2xx: w.errors_status,
		rejected_by_script: w.errors_bad },
	bytes_per_request: w.requests ? Math.round(w.bytes / w.requests) : 0,
});

for (const name of ['detail', 'list', 'mine', 'ranking']) {
	const w = json(`${name}.json`);
	if (!w) continue;
	const p = pgbench(name);
	result.reads[name] = { ...path(w), pgbench: p,
		ratio_to_pgbench: p && p.tps ? +(w.rps / p.tps).toFixed(3) : null };
}
for (const name of ['review', 'checkin', 'mixed']) {
	const w = json(`${name}.json`);
	if (!w) continue;
	result.writes[name] = { ...path(w), pool_used: w.pool_used };
}
if (result.writes.review)
	result.writes.review.submissions_per_s = +(result.writes.review.rps / 2).toFixed(1);

const login = json('login.json');
const during = json('detail-during-logins.json');
const burst = json('burst-login.json');
if (login) result.logins.per_s = login.rps;
if (login) result.logins.p99_ms = login.p99_ms;
if (login) result.logins.errors = errors(login);
if (during && result.reads.detail) {
	result.logins.detail_p99_ms_alone = result.reads.detail.p99_ms;
	result.logins.detail_p99_ms_during_logins = during.p99_ms;
	result.logins.detail_rps_during_logins = during.rps;
	result.logins.detail_errors_during_logins = errors(during);
	result.logins.ratio = +(during.p99_ms / result.reads.detail.p99_ms).toFixed(2);
	if (burst) result.logins.burst_logins_per_s = burst.rps;
}

const imp = json('import.json');
if (imp) {
	const rows = Number(read('import.rows').trim());
	result.writes.import = { applications: imp.created, rows_created: rows,
		seconds: imp.span_s, per_s: imp.span_s ? +(imp.created / imp.span_s).toFixed(1) : null,
		p50_ms: imp.p50_ms, p99_ms: imp.p99_ms, errors: errors(imp) };
}

const lib = json('lib.json');
if (lib) {
	result.computations.ranking_100k = lib.ranking;
	result.computations.matching_10k_1k = lib.matching;
}
if (has('ranking.single')) {
	const t = read('ranking.single').trim().split('\n').map(Number).sort((a, b) => a - b);
	result.computations.ranking_endpoint = {
		call_applications: Number(meta.ranking_apps),
		seconds_median: t[Math.floor(t.length / 2)], seconds_min: t[0],
		bytes: Number(read('ranking.bytes').trim()),
	};
}

const first = memory('memory.first');
const last = memory('memory.last');
result.memory.workers = first.map((f) => {
	const l = last.find((x) => x.pid === f.pid) || {};
	return { pid: f.pid, rss_kb_first: f.rss_kb, rss_kb_last: l.rss_kb,
		peak_kb: l.hwm_kb ?? f.hwm_kb, growth_kb: (l.rss_kb ?? f.rss_kb) - f.rss_kb };
});

// ---- the targets of the issue
const T = result.targets;
const check = (name, ok, figure, target) => { T[name] = { met: ok, figure, target }; };
for (const [name, r] of Object.entries(result.reads)) {
	check(`${name}.ratio`, r.ratio_to_pgbench != null && r.ratio_to_pgbench >= 0.7,
	    r.ratio_to_pgbench, '>= 0.7 x pgbench');
	check(`${name}.p99`, r.p99_ms < 50, r.p99_ms, '< 50 ms');
	check(`${name}.errors`, r.errors === 0, r.errors, '0');
}
for (const [name, r] of Object.entries(result.writes))
	check(`${name}.errors`, r.errors === 0, r.errors, '0');
if (result.logins.ratio != null)
	check('logins.detail_p99', result.logins.ratio < 2, result.logins.ratio,
	    '< 2 x p99 without logins');
if (lib) {
	check('ranking_100k', lib.ranking.seconds < 1, lib.ranking.seconds, '< 1 s');
	check('matching_10k_1k', lib.matching.seconds < 5, lib.matching.seconds, '< 5 s');
}
if (result.writes.import)
	check('import', result.writes.import.per_s >= 1000, result.writes.import.per_s,
	    '>= 1000 / s');
const growth = Math.max(0, ...result.memory.workers.map((w) => w.growth_kb));
check('memory.flat', growth <= 8192, growth, 'growth <= 8 MiB a worker');

writeFileSync(out, JSON.stringify(result, null, 2) + '\n');

// ---- the table
const f = (x, d = 1) => (x == null ? '-' : Number(x).toFixed(d));
const rows = [];
rows.push(['path', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'pgbench tps', 'ratio']);
for (const [name, r] of Object.entries(result.reads))
	rows.push([name, f(r.rps), f(r.p50_ms, 2), f(r.p99_ms, 2), String(r.errors),
	    f(r.pgbench?.tps), f(r.ratio_to_pgbench, 2)]);
for (const [name, r] of Object.entries(result.writes)) {
	if (name === 'import') continue;
	rows.push([name, f(r.rps), f(r.p50_ms, 2), f(r.p99_ms, 2), String(r.errors), '', '']);
}
const width = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
console.log('');
for (const r of rows)
	console.log(r.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  '));
console.log('');
if (result.writes.review)
	console.log(`review submissions: ${result.writes.review.submissions_per_s}/s (a save and a submit each)`);
if (result.writes.import)
	console.log(`bulk import: ${result.writes.import.applications} drafts in ${f(result.writes.import.seconds, 2)} s = ${result.writes.import.per_s}/s, ${result.writes.import.errors} errors`);
if (result.logins.per_s != null)
	console.log(`logins: ${f(result.logins.per_s)}/s; detail p99 ${f(result.logins.detail_p99_ms_alone, 2)} ms alone, ${f(result.logins.detail_p99_ms_during_logins, 2)} ms during logins (x${result.logins.ratio})`);
if (lib) {
	console.log(`ranking 100 000 applications (lib): ${f(lib.ranking.seconds * 1000)} ms`);
	console.log(`matching 10 000 x 1 000 (lib, ${lib.matching.pairs} pairs): ${f(lib.matching.seconds, 2)} s`);
}
if (result.computations.ranking_endpoint) {
	const e = result.computations.ranking_endpoint;
	console.log(`ranking endpoint, ${e.call_applications} applications: ${f(e.seconds_median * 1000)} ms (${(e.bytes / 1048576).toFixed(1)} MiB)`);
}
for (const w of result.memory.workers)
	console.log(`worker ${w.pid}: RSS ${w.rss_kb_first} -> ${w.rss_kb_last} kB, peak ${w.peak_kb} kB`);
console.log(`seed: ${result.seed.seconds} s (${result.seed.summary.split('\n').slice(-2).join('; ')})`);
console.log('');
console.log('targets:');
for (const [name, t] of Object.entries(T))
	console.log(`  ${t.met ? 'met    ' : 'MISSED '} ${name}: ${t.figure} (target ${t.target})`);
console.log(`\nall figures: ${out}`);
