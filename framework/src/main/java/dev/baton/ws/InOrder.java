package dev.baton.ws;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one socket's tasks one at a time, in the order submitted, on a shared executor: no thread of its own per
 * socket, and no task of a socket overtakes another (a message its connect, a close its last message).
 */
final class InOrder {

    private final Executor executor;
    private final Runnable whenRejected;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();

    /** {@code whenRejected} runs when the executor takes no more tasks (its threads are gone after a drain). */
    InOrder(Executor executor, Runnable whenRejected) {
        this.executor = executor;
        this.whenRejected = whenRejected;
    }

    void submit(Runnable task) {
        tasks.add(task);
        schedule();
    }

    private void schedule() {
        if (running.compareAndSet(false, true)) {
            try {
                executor.execute(this::runQueued);
            } catch (RejectedExecutionException e) {
                running.set(false);
                tasks.clear();
                whenRejected.run();
            }
        }
    }

    private void runQueued() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
        running.set(false);
        if (!tasks.isEmpty()) { // added after the last poll, while running was still set
            schedule();
        }
    }
}
