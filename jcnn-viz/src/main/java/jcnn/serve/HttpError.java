package jcnn.serve;

/** A request the server refuses: the status code (4xx) and a message for the JSON error body. */
final class HttpError extends RuntimeException {
    private final int status;

    HttpError(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
