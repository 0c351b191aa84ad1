/**
 * The HTML report that {@code --report DIR} writes: {@link dev.kindred.eval.report.HtmlReport}
 * (one self-contained page, charts drawn by Apache ECharts inlined from its webjar) and
 * {@link dev.kindred.eval.report.ReportFigures} (metrics at every cutoff, per-user metrics by user
 * activity, computed through {@link dev.kindred.eval.Evaluator}).
 */
package dev.kindred.eval.report;
