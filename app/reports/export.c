/*
 * A report's rows as CSV (RFC 4180, UTF-8 with a byte-order mark, CRLF:
 * lib/csv.c): a header of the result's column names, then one record
 * per row.  Numeric columns are written as they are; text columns are
 * neutralised against spreadsheet formulas (a ward's or a person's name
 * is typed by people); NULL is an empty cell.
 */

#include "sen.h"
#include "lib/report.h"
#include "reports.h"

void
reports_csv(struct db *db, struct csv_buf *csv)
{
	PGresult	*res = db->sql.result;
	const char	*name;
	int		rows, cols, i, col, kind;

	rows = db_rows(db);
	cols = PQnfields(res);

	csv_bom(csv);
	for (col = 0; col < cols; col++) {
		name = PQfname(res, col);
		csv_field(csv, name, strlen(name), CSV_TEXT);
	}
	csv_end_record(csv);

	for (i = 0; i < rows; i++) {
		for (col = 0; col < cols; col++) {
			if (db_isnull(db, i, col)) {
				csv_field(csv, NULL, 0, CSV_TEXT);
				continue;
			}
			kind = report_numeric_type(PQftype(res, col)) ?
			    CSV_NUMBER : CSV_TEXT;
			csv_field(csv, db_value(db, i, col),
			    (size_t)PQgetlength(res, i, col), kind);
		}
		csv_end_record(csv);
	}
}
