package dev.kindred.serve;

/** A request that cannot be served, with the HTTP status to answer and a message for the client. */
final class ApiException extends RuntimeException {
  final int status;

  ApiException(int status, String message) {
    super(message);
    this.status = status;
  }
}
