package dev.kindred.data;

import java.nio.file.Path;

/**
 * A row of an input file that cannot be read. The message is one line of the form
 * {@code path/to/file:1234: rating 'abc' is not a number} (for a Parquet file
 * {@code path/to/file.parquet: row 18: user column 'uid' is null}), fit to show a user as is.
 */
public final class DataFormatException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final long line;
  private final String problem;

  /**
   * @param file the file as the caller named it
   * @param line 1-based physical line number (header, blank and comment lines count)
   * @param problem what is wrong, without the location
   */
  public DataFormatException(Path file, long line, String problem) {
    this(file + ":" + line + ": " + problem, file, line, problem);
  }

  private DataFormatException(String message, Path file, long line, String problem) {
    super(message);
    this.file = file;
    this.line = line;
    this.problem = problem;
  }

  /**
   * A row of a file without lines (Parquet): the message reads {@code file: row 18: problem} and
   * {@link #line()} is the 1-based row number in the file.
   */
  public static DataFormatException atRow(Path file, long row, String problem) {
    return new DataFormatException(file + ": row " + row + ": " + problem, file, row, problem);
  }

  public Path file() {
    return file;
  }

  /** 1-based physical line number (for Parquet: 1-based row number). */
  public long line() {
    return line;
  }

  /** The message without the {@code file:line: } prefix. */
  public String problem() {
    return problem;
  }
}
