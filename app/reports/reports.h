/*
 * The programme's reports (GET /api/reports/...): staff only, JSON or
 * CSV.  Every figure is computed by SQL (migrations/0008_reports.sql);
 * these files read the parameters, call the report's functions and
 * write their rows.
 */

#ifndef SEN_REPORTS_H
#define SEN_REPORTS_H

#include "sen.h"
#include "lib/csv.h"

/* reports/export.c */
void	reports_csv(struct db *, struct csv_buf *);

#endif
