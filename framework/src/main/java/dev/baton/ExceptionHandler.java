package dev.baton;

/** Turns an exception a handler threw into a response. */
@FunctionalInterface
public interface ExceptionHandler<E extends Exception> {

    void handle(E exception, Context ctx) throws Exception;
}
