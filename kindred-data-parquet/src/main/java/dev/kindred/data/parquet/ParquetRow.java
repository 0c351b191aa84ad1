package dev.kindred.data.parquet;

/**
 * One row on its way to the Parquet writer, reused for every row: numeric ids in {@code user} /
 * {@code item}, or text ids in {@code userText} / {@code itemText} (non-null exactly when the
 * column is text).
 */
final class ParquetRow {
  long user;
  long item;
  String userText;
  String itemText;
  float value;
  long ts;
}
