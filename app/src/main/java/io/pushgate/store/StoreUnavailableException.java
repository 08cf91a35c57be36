package io.pushgate.store;

/** The database could not be reached or refused the operation; callers answer 503 with Retry-After. */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
