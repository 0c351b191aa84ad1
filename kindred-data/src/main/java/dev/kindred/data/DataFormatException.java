package dev.kindred.data;

import java.nio.file.Path;

/**
 * A row of an input file that cannot be read. The message is one line of the form
 * {@code path/to/file:1234: rating 'abc' is not a number}, fit to show a user as is.
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
    super(file + ":" + line + ": " + problem);
    this.file = file;
    this.line = line;
    this.problem = problem;
  }

  public Path file() {
    return file;
  }

  /** 1-based physical line number. */
  public long line() {
    return line;
  }

  /** The message without the {@code file:line: } prefix. */
  public String problem() {
    return problem;
  }
}
